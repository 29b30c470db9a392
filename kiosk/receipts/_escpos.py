"""Import python-escpos without its import-time side effects.

python-escpos 3.1 ``capabilities.py`` calls ``logging.basicConfig()`` (a stray root handler if
logging is not set up yet) and, unless ``ESCPOS_CAPABILITIES_PICKLE_DIR`` is set, makes a new
temporary directory on *every* import (``environ.get(..., mkdtemp())`` evaluates its default
even when the variable is set: a leak on a kiosk that restarts for years) and re-parses its
profile database without a cache (~0.15 s). We point the cache at one private per-user
directory, answer that one ``mkdtemp`` call with it, and drop any handler the import added.
"""

from __future__ import annotations

import logging
import os
import sys
import tempfile
from pathlib import Path
from types import ModuleType

__all__ = ["escpos_printer", "escpos_capabilities"]


def _cache_dir() -> str | None:
    configured = os.environ.get("ESCPOS_CAPABILITIES_PICKLE_DIR")
    if configured:
        return configured
    cache = Path(tempfile.gettempdir()) / f"mpay-kiosk-escpos-{os.getuid()}"
    try:
        cache.mkdir(mode=0o700, exist_ok=True)
        info = cache.stat()
        if info.st_uid != os.getuid() or info.st_mode & 0o077:
            return None  # someone else's directory: let escpos use a fresh private one
    except OSError:
        return None
    os.environ["ESCPOS_CAPABILITIES_PICKLE_DIR"] = str(cache)
    return str(cache)


def _import(name: str) -> ModuleType:
    import importlib

    if "escpos.capabilities" in sys.modules:
        return importlib.import_module(name)
    root = logging.getLogger()
    before = list(root.handlers)
    cache = _cache_dir()
    original = tempfile.mkdtemp

    def mkdtemp(*args: object, **kwargs: object) -> str:
        caller = sys._getframe(1).f_globals.get("__name__")
        if cache is not None and caller == "escpos.capabilities":
            return cache
        return original(*args, **kwargs)  # type: ignore[call-overload, no-any-return]

    tempfile.mkdtemp = mkdtemp  # type: ignore[assignment]
    try:
        module = importlib.import_module(name)
    finally:
        tempfile.mkdtemp = original
        for handler in root.handlers[:]:
            if handler not in before:
                root.removeHandler(handler)
    return module


def escpos_printer() -> ModuleType:
    """``escpos.printer`` (Dummy, Serial, Usb, ...)."""
    return _import("escpos.printer")


def escpos_capabilities() -> ModuleType:
    """``escpos.capabilities`` (profiles)."""
    return _import("escpos.capabilities")
