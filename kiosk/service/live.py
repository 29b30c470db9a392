"""The running kiosk's view of its devices, shared with ``kiosk status`` through a small file.

A technician's ``kiosk status`` over SSH must not open the serial ports the kiosk holds (it
would find them busy, or disturb a payment). So the runtime's monitor writes what its drivers
see to ``<state>/runtime-status.json`` every few seconds, and ``kiosk status`` reads it when it
is fresh and its writer is still alive.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = ["LIVE_STATUS", "read_live_status"]

LIVE_STATUS = "runtime-status.json"


def read_live_status(
    state_dir: Path, *, max_age_s: float = 30.0, now: Callable[[], float] = time.time
) -> dict[str, Any] | None:
    """The running kiosk's status, or None (no kiosk running, or the file is stale/unreadable)."""
    try:
        doc = json.loads((state_dir / LIVE_STATUS).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(doc, dict):
        return None
    updated = doc.get("updated_at")
    pid = doc.get("pid")
    if not isinstance(updated, int | float) or now() - updated > max_age_s:
        return None
    if not isinstance(pid, int) or not _alive(pid):
        return None
    return doc


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process (the kiosk user): alive
    return True
