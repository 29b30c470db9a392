"""Lockdown: shortcuts and context menus are swallowed, scanner keys pass, close is refused."""

from __future__ import annotations

import pytest

from ui.lockdown import Lockdown
from ui.qt import QApplication, QContextMenuEvent, QEvent, QKeyEvent, QPoint, Qt, QWidget

K = Qt.Key
M = Qt.KeyboardModifier


class _KeyRecorder(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.keys: list[str] = []
        self.menus = 0

    def keyPressEvent(self, event):  # noqa: N802 - Qt name
        self.keys.append(event.text() or f"<{event.key()}>")

    def contextMenuEvent(self, _event):  # noqa: N802 - Qt name
        self.menus += 1


@pytest.fixture
def locked(qtbot, qapp):
    window = _KeyRecorder()
    qtbot.addWidget(window)
    lock = Lockdown(qapp, hide_cursor=True)
    lock.engage(window, fullscreen=True)
    window.show()
    qtbot.waitExposed(window)
    yield window, lock
    lock.release()


def _press(widget: QWidget, key: Qt.Key, mods=M.NoModifier, text: str = "") -> None:
    QApplication.sendEvent(widget, QKeyEvent(QEvent.Type.KeyPress, key, mods, text))


@pytest.mark.parametrize(
    ("key", "mods", "text"),
    [
        (K.Key_F4, M.AltModifier, ""),
        (K.Key_Tab, M.AltModifier, "\t"),
        (K.Key_Q, M.ControlModifier, "\x11"),
        (K.Key_W, M.ControlModifier, "\x17"),
        (K.Key_Escape, M.NoModifier, "\x1b"),
        (K.Key_F11, M.NoModifier, ""),
        (K.Key_Super_L, M.MetaModifier, ""),
        (K.Key_Delete, M.ControlModifier | M.AltModifier, ""),
    ],
)
def test_shortcuts_are_swallowed(locked, key, mods, text):
    window, lock = locked
    _press(window, key, mods, text)
    assert window.keys == []
    assert lock.swallowed >= 1


def test_scanner_keys_pass_including_non_ascii(locked):
    window, _ = locked
    for ch in "MDS02-ș":
        _press(window, K.Key_unknown, M.NoModifier, ch)
    _press(window, K.Key_A, M.ShiftModifier, "A")
    _press(window, K.Key_Return, M.NoModifier, "\r")
    assert window.keys == list("MDS02-ș") + ["A", "\r"]


def test_context_menu_never_opens(locked):
    window, lock = locked
    event = QContextMenuEvent(QContextMenuEvent.Reason.Mouse, QPoint(5, 5), QPoint(5, 5))
    QApplication.sendEvent(window, event)
    assert window.menus == 0


def test_window_fills_the_screen_and_refuses_to_close_until_released(locked, qapp):
    window, lock = locked
    assert window.geometry() == qapp.primaryScreen().geometry()
    assert window.windowFlags() & Qt.WindowType.FramelessWindowHint
    assert qapp.overrideCursor() is not None
    assert qapp.overrideCursor().shape() == Qt.CursorShape.BlankCursor
    window.close()
    assert window.isVisible()
    lock.release()
    assert qapp.overrideCursor() is None
    window.close()
    assert not window.isVisible()
