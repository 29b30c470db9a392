"""Helpers that walk the payer's journey through the real widgets (taps on real buttons)."""

from __future__ import annotations

from typing import Any

from tests.ui.driver import MachineDriver
from ui.app import Kiosk
from ui.qt import Qt, QWidget
from ui.widgets.buttons import Button


def synced(qtbot: Any, kiosk: Kiosk, driver: MachineDriver) -> None:
    """Wait until the UI shows the machine's current view (the bridge delivers on the Qt loop)."""
    qtbot.waitUntil(lambda: kiosk.presenter.view == driver.view, timeout=3000)


def current(kiosk: Kiosk) -> QWidget:
    widget = kiosk.window.stack.currentWidget()
    assert widget is not None
    return widget


def screen_name(kiosk: Kiosk) -> str:
    return kiosk.window.current_name


def button(kiosk: Kiosk, name: str) -> Button:
    """A button by object name, on the current screen, the footer or the timeout prompt."""
    for host in (current(kiosk), kiosk.window.footer, kiosk.window.prompt):
        found = host.findChild(Button, name)
        if found is not None and found.isVisibleTo(kiosk.window):
            return found
    raise AssertionError(f"no visible button {name!r} on screen {screen_name(kiosk)!r}")


def tap(qtbot: Any, kiosk: Kiosk, driver: MachineDriver, target: Button | str) -> None:
    """Tap a visible, enabled button like a finger would, then wait for the resulting view."""
    widget = button(kiosk, target) if isinstance(target, str) else target
    assert widget.isVisibleTo(kiosk.window), f"{widget.objectName()} is hidden"
    assert widget.isEnabled(), f"{widget.objectName()} is disabled"
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)
    synced(qtbot, kiosk, driver)


def type_on_keyboard(qtbot: Any, kiosk: Kiosk, driver: MachineDriver, text: str) -> None:
    """Type ``text`` key by key on the current screen's on-screen keyboard."""
    keyboard = current(kiosk).keyboard  # type: ignore[attr-defined]
    for ch in text:
        qtbot.mouseClick(
            keyboard.key(ch.upper() if ch.isalpha() else ch), Qt.MouseButton.LeftButton
        )
    synced(qtbot, kiosk, driver)


def start(qtbot: Any, kiosk: Kiosk, driver: MachineDriver, lang: str) -> None:
    assert screen_name(kiosk) == "attract"
    tap(qtbot, kiosk, driver, f"lang:{lang}")
    assert screen_name(kiosk) == "services"
    assert driver.view.language == lang


def find_order(qtbot: Any, kiosk: Kiosk, driver: MachineDriver, service_id: str, key: str) -> None:
    tap(qtbot, kiosk, driver, f"service:{service_id}")
    assert screen_name(kiosk) == "order_key"
    type_on_keyboard(qtbot, kiosk, driver, key)
    assert driver.view.key_entry is not None and driver.view.key_entry.text == key
    tap(qtbot, kiosk, driver, "continue")


def feed(qtbot: Any, kiosk: Kiosk, driver: MachineDriver, event: Any) -> None:
    """A runtime-side event (device, MPay, clock), then wait for the UI to show it."""
    driver.feed(event)
    synced(qtbot, kiosk, driver)


def label_text(kiosk: Kiosk, name: str) -> str:
    from ui.qt import QLabel

    label = current(kiosk).findChild(QLabel, name)
    assert label is not None, name
    return label.text()


def texts(widget: QWidget) -> str:
    """All visible label text under ``widget`` (for "the screen says X" checks)."""
    from ui.qt import QLabel

    return "\n".join(
        lb.text() for lb in widget.findChildren(QLabel) if lb.isVisibleTo(widget) and lb.text()
    )
