"""The one place the UI imports Qt from.

Keeping the binding behind one module means a later switch (or a pinned workaround) is one edit,
and ``grep 'from ui.qt'`` shows every Qt user. Only ``ui/`` may import this module.

Names resolve lazily (PEP 562): PySide6 builds each class's Python type on first access, which
costs about a millisecond apiece; resolving on demand keeps start-up to what the first screen
uses (the type checker sees ordinary imports).
"""

from __future__ import annotations

import importlib
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from PySide6.QtCore import (
        QByteArray,
        QEasingCurve,
        QElapsedTimer,
        QEvent,
        QObject,
        QPoint,
        QPointF,
        QRect,
        QRectF,
        QSize,
        Qt,
        QTimer,
        QVariantAnimation,
        Signal,
        Slot,
    )
    from PySide6.QtGui import (
        QBrush,
        QColor,
        QContextMenuEvent,
        QCursor,
        QFont,
        QFontDatabase,
        QFontMetrics,
        QGuiApplication,
        QImage,
        QKeyEvent,
        QPainter,
        QPainterPath,
        QPalette,
        QPen,
        QPolygonF,
        QResizeEvent,
    )
    from PySide6.QtWidgets import (
        QAbstractButton,
        QApplication,
        QBoxLayout,
        QFrame,
        QGridLayout,
        QHBoxLayout,
        QLabel,
        QLayout,
        QLayoutItem,
        QPushButton,
        QScrollArea,
        QScroller,
        QSizePolicy,
        QStackedWidget,
        QStyle,
        QStyleOption,
        QVBoxLayout,
        QWidget,
    )

_MODULES = {
    "QByteArray": "PySide6.QtCore",
    "QEasingCurve": "PySide6.QtCore",
    "QElapsedTimer": "PySide6.QtCore",
    "QEvent": "PySide6.QtCore",
    "QObject": "PySide6.QtCore",
    "QPoint": "PySide6.QtCore",
    "QPointF": "PySide6.QtCore",
    "QRect": "PySide6.QtCore",
    "QRectF": "PySide6.QtCore",
    "QSize": "PySide6.QtCore",
    "Qt": "PySide6.QtCore",
    "QTimer": "PySide6.QtCore",
    "QVariantAnimation": "PySide6.QtCore",
    "Signal": "PySide6.QtCore",
    "Slot": "PySide6.QtCore",
    "QBrush": "PySide6.QtGui",
    "QColor": "PySide6.QtGui",
    "QContextMenuEvent": "PySide6.QtGui",
    "QCursor": "PySide6.QtGui",
    "QFont": "PySide6.QtGui",
    "QFontDatabase": "PySide6.QtGui",
    "QFontMetrics": "PySide6.QtGui",
    "QGuiApplication": "PySide6.QtGui",
    "QImage": "PySide6.QtGui",
    "QKeyEvent": "PySide6.QtGui",
    "QPainter": "PySide6.QtGui",
    "QPainterPath": "PySide6.QtGui",
    "QPalette": "PySide6.QtGui",
    "QPen": "PySide6.QtGui",
    "QPolygonF": "PySide6.QtGui",
    "QResizeEvent": "PySide6.QtGui",
    "QAbstractButton": "PySide6.QtWidgets",
    "QApplication": "PySide6.QtWidgets",
    "QBoxLayout": "PySide6.QtWidgets",
    "QFrame": "PySide6.QtWidgets",
    "QGridLayout": "PySide6.QtWidgets",
    "QHBoxLayout": "PySide6.QtWidgets",
    "QLabel": "PySide6.QtWidgets",
    "QLayout": "PySide6.QtWidgets",
    "QLayoutItem": "PySide6.QtWidgets",
    "QPushButton": "PySide6.QtWidgets",
    "QScrollArea": "PySide6.QtWidgets",
    "QScroller": "PySide6.QtWidgets",
    "QSizePolicy": "PySide6.QtWidgets",
    "QStackedWidget": "PySide6.QtWidgets",
    "QStyle": "PySide6.QtWidgets",
    "QStyleOption": "PySide6.QtWidgets",
    "QVBoxLayout": "PySide6.QtWidgets",
    "QWidget": "PySide6.QtWidgets",
}

__all__ = [
    "pin_singletons",
    "QAbstractButton",
    "QApplication",
    "QBoxLayout",
    "QBrush",
    "QByteArray",
    "QColor",
    "QContextMenuEvent",
    "QCursor",
    "QEasingCurve",
    "QElapsedTimer",
    "QEvent",
    "QFont",
    "QFontDatabase",
    "QFontMetrics",
    "QFrame",
    "QGridLayout",
    "QGuiApplication",
    "QHBoxLayout",
    "QImage",
    "QKeyEvent",
    "QLabel",
    "QLayout",
    "QLayoutItem",
    "QObject",
    "QPainter",
    "QPainterPath",
    "QPalette",
    "QPen",
    "QPoint",
    "QPointF",
    "QPolygonF",
    "QPushButton",
    "QRect",
    "QRectF",
    "QResizeEvent",
    "QScrollArea",
    "QScroller",
    "QSize",
    "QSizePolicy",
    "QStackedWidget",
    "QStyle",
    "QStyleOption",
    "QTimer",
    "QVBoxLayout",
    "QVariantAnimation",
    "QWidget",
    "Qt",
    "Signal",
    "Slot",
]


# -- a work-around for a reference-count defect of PySide6 6.12.0 on CPython 3.11 --------------
# Measured here (tests/ui/test_qt_guard.py): every call of a C++ method returning ``void`` drops
# one reference to ``None`` (``QLabel.setText``, ``QWidget.update``...) and every
# ``Signal.emit`` drops one to ``True``. From 3.12 on these objects are immortal and nothing
# happens; on 3.11 their counts run down and the process aborts with "none_dealloc" or
# "bool_dealloc" -- a plain loop of 5,000 ``setObjectName`` calls is enough. The cure makes
# them effectively immortal, as 3.12 does; it needs ctypes (~8 ms to import), so until it runs
# (``pin_singletons``, which ``ui.app`` schedules right after the first paint) a bank of
# ordinary references covers the start-up.
_BANK: list[object] = [None, True, False] * 100_000 if sys.version_info < (3, 12) else []
_pinned = sys.version_info >= (3, 12)


def pin_singletons() -> bool:
    """Make None/True/False effectively immortal on CPython < 3.12 (idempotent).

    Adds 2**40 to their reference counts once, then releases the start-up bank. Returns True
    if they are protected (always on 3.12+).
    """
    global _pinned
    if not _pinned:
        import ctypes

        for singleton in (None, True, False):
            # CPython: id() is the address, and ob_refcnt (Py_ssize_t) is the first field.
            ctypes.c_ssize_t.from_address(id(singleton)).value += 1 << 40
        _pinned = True
        _BANK.clear()
    return True


def __getattr__(name: str) -> Any:
    module = _MODULES.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later lookups are plain module attributes
    return value
