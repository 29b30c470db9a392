"""Structured one-line logs on stderr, in a shape journald keeps and grep reads.

Each record is ``LEVEL logger: message key=value ...``. No timestamps: journald adds its own;
set ``KIOSK_LOG_TIME=1`` to add them when running by hand.
"""

from __future__ import annotations

import logging
import os
import sys

__all__ = ["setup_logging"]

_LEVELS = {"debug": logging.DEBUG, "info": logging.INFO, "warning": logging.WARNING,
           "error": logging.ERROR}


class _OneLine(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        return text.replace("\n", " | ")


def setup_logging(*, verbosity: int = 0, level: str | None = None) -> None:
    """Configure the root logger once. ``--verbose`` wins over the configured level."""
    if verbosity >= 2:
        lvl = logging.DEBUG
    elif verbosity == 1:
        lvl = logging.INFO
    else:
        lvl = _LEVELS.get((level or os.environ.get("KIOSK_LOG_LEVEL", "warning")).lower(),
                          logging.WARNING)
    fmt = "%(levelname)s %(name)s: %(message)s"
    if os.environ.get("KIOSK_LOG_TIME"):
        fmt = "%(asctime)s " + fmt
    root = logging.getLogger()
    for h in list(root.handlers):
        if getattr(h, "_kiosk", False):
            root.removeHandler(h)
    handler = logging.StreamHandler(sys.stderr)
    handler._kiosk = True  # type: ignore[attr-defined]
    handler.setFormatter(_OneLine(fmt))
    root.addHandler(handler)
    root.setLevel(lvl)
