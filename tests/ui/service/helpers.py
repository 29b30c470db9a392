"""Driving the service window as a technician would: taps on its buttons and keys."""

from __future__ import annotations

from typing import Any

from ui.qt import QApplication, QScrollArea, Qt, QWidget


def tap(qtbot: Any, widget: QWidget) -> None:
    """Tap ``widget`` where it is on screen (scrolled into view first, as a finger would)."""
    assert widget.isVisible() and widget.isEnabled(), widget.objectName()
    parent = widget.parentWidget()
    while parent is not None and not isinstance(parent, QScrollArea):
        parent = parent.parentWidget()
    if parent is not None:
        parent.ensureWidgetVisible(widget, 0, 0)
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def settle(qtbot: Any, window: Any, timeout: int = 5000) -> None:
    """Wait until no backend call of the window is running and its result is on screen.

    Widgets a result adds to a visible page are shown by a queued call (QLayout's
    ``_q_showIfNotHidden``): the events posted meanwhile are processed before returning."""
    qtbot.waitUntil(lambda: not window.runner.busy, timeout=timeout)
    QApplication.sendPostedEvents()
    QApplication.processEvents()


def find(window: QWidget, name: str) -> Any:
    found = window.findChild(QWidget, name)
    assert found is not None, name
    return found


def type_pin(qtbot: Any, window: Any, pin: str) -> None:
    keyboard = window.pin_page.keyboard
    for digit in pin:
        tap(qtbot, keyboard.key(digit))
    tap(qtbot, window.pin_page.ok_button)
    settle(qtbot, window)
