"""The kiosk's own fonts (DejaVu Sans, Bitstream Vera licence: see LICENSE.txt).

The PySide6 wheel ships no fonts and a kiosk image may have none; loading these two files into
the application font database means Romanian ș ț ă â î and Cyrillic never depend on the system.
"""

from __future__ import annotations

from importlib import resources

from ui.qt import QFontDatabase

__all__ = ["FAMILY", "load_fonts"]

FAMILY = "DejaVu Sans"
_FILES = ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf")
_loaded: list[str] = []


def load_fonts() -> str:
    """Add the bundled fonts to Qt's database (needs a QGuiApplication); returns the family.
    Calling it again does nothing.

    Raises:
        RuntimeError: a font file is missing or Qt refused it (a broken install).
    """
    for name in _FILES:
        if name in _loaded:
            continue
        ref = resources.files(__package__).joinpath(name)
        with resources.as_file(ref) as path:
            if QFontDatabase.addApplicationFont(str(path)) < 0:
                raise RuntimeError(f"cannot load bundled font {name}")
        _loaded.append(name)
    return FAMILY
