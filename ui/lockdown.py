"""Kiosk lockdown: one frameless full-screen window the payer cannot leave from the screen.

What Qt can do is done here; the rest belongs to the OS image (no window manager shortcuts, no
virtual terminals, autologin into the kiosk session, systemd restart):

* the window is frameless, stays on top and covers the primary screen (the geometry is set before
  ``showFullScreen()``: without a window manager the window would otherwise keep its size hint);
* an application-wide event filter swallows every key with Ctrl, Alt or Meta (Alt+F4, Alt+Tab,
  Ctrl+Q, Ctrl+W...), function keys, Escape and other non-text keys, and all shortcut events;
  plain printable keys, Enter and Backspace pass, because the barcode scanner is a USB keyboard;
* context menus (long press, right click) never open;
* the window refuses to close until the composition root releases it (shutdown, tests);
* on a touch screen the mouse cursor is hidden.
"""

from __future__ import annotations

from ui.qt import QApplication, QEvent, QGuiApplication, QKeyEvent, QObject, Qt, QWidget

__all__ = ["Lockdown", "is_allowed_key"]

_PASS_KEYS = frozenset({Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Backspace})
_BLOCKING_MODIFIERS = (
    Qt.KeyboardModifier.ControlModifier
    | Qt.KeyboardModifier.AltModifier
    | Qt.KeyboardModifier.MetaModifier
)
_KEY_EVENTS = frozenset(
    {QEvent.Type.KeyPress, QEvent.Type.KeyRelease, QEvent.Type.ShortcutOverride}
)


def is_allowed_key(event: QKeyEvent) -> bool:
    """True for keys a payer-facing kiosk accepts: printable text, Enter, Backspace."""
    if event.modifiers() & _BLOCKING_MODIFIERS:
        return False
    if Qt.Key(event.key()) in _PASS_KEYS:
        return True
    text = event.text()
    return bool(text) and text.isprintable()


class Lockdown(QObject):
    """Installs the kiosk restrictions on the application and one window.

    Use ``engage(window, fullscreen=...)`` once at start and ``release()`` before quitting.
    """

    def __init__(self, app: QApplication, *, hide_cursor: bool) -> None:
        super().__init__(app)
        self._app = app
        self._window: QWidget | None = None
        self._hide_cursor = hide_cursor
        self._cursor_hidden = False
        self._engaged = False
        self.swallowed = 0  # count of blocked key/shortcut/context-menu events, for tests/logs

    def engage(self, window: QWidget, *, fullscreen: bool) -> None:
        self._window = window
        window.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)
        if fullscreen:
            window.setWindowFlags(
                window.windowFlags()
                | Qt.WindowType.FramelessWindowHint
                | Qt.WindowType.WindowStaysOnTopHint
            )
            screen = QGuiApplication.primaryScreen()
            if screen is not None:
                window.setGeometry(screen.geometry())
        self._app.installEventFilter(self)
        self._engaged = True
        if self._hide_cursor and not self._cursor_hidden:
            QGuiApplication.setOverrideCursor(Qt.CursorShape.BlankCursor)
            self._cursor_hidden = True

    def release(self) -> None:
        """Lift the restrictions (lets the window close); safe to call more than once."""
        if self._engaged:
            self._app.removeEventFilter(self)
            self._engaged = False
        if self._cursor_hidden:
            QGuiApplication.restoreOverrideCursor()
            self._cursor_hidden = False

    @property
    def engaged(self) -> bool:
        return self._engaged

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind in _KEY_EVENTS and isinstance(event, QKeyEvent):
            if is_allowed_key(event):
                return False
            self.swallowed += 1
            return True
        if kind in (QEvent.Type.Shortcut, QEvent.Type.ContextMenu):
            self.swallowed += 1
            return True
        if kind == QEvent.Type.Close and watched is self._window:
            event.ignore()
            self.swallowed += 1
            return True
        return False
