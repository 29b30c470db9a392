"""The PIN pad in front of service mode, through real widgets and the real backend."""

from __future__ import annotations

from ui.service.window import ServiceWindow

from ...service.helpers import PIN
from .helpers import settle, tap, type_pin


def test_the_right_pin_opens_the_pages(qtbot, rig, make_window) -> None:
    window: ServiceWindow = make_window()
    assert window.current == "pin" and not window.tabs.isVisible()
    assert not window.pin_page.ok_button.isEnabled()  # nothing typed yet
    with qtbot.waitSignal(window.entered, timeout=5000):
        type_pin(qtbot, window, PIN)
    settle(qtbot, window)
    assert window.current == "devices" and window.tabs.isVisible() and window.exit_button.isVisible()
    assert window.pin_page.field.text() == " "  # the PIN is gone from the screen
    with qtbot.waitSignal(window.closed, timeout=2000):
        tap(qtbot, window.exit_button)
    settle(qtbot, window)
    assert window.current == "pin"
    assert [r.action for r in rig.ledger.audit_log()] == ["service.enter", "service.exit"]


def test_wrong_pins_count_down_and_then_lock_the_pad(qtbot, rig, make_window) -> None:
    window: ServiceWindow = make_window()
    page = window.pin_page
    type_pin(qtbot, window, "1111")
    assert page.message.text() == "Wrong PIN. Attempts left: 2"
    tap(qtbot, page.keyboard.key("5"))
    tap(qtbot, page.keyboard.key("@back"))
    assert page.field.text() == " "
    type_pin(qtbot, window, "2222")
    type_pin(qtbot, window, "3333")
    assert page.message.text() == "Too many wrong attempts. Try again in 1:00"
    assert not page.keyboard.isEnabled() and not page.ok_button.isEnabled()
    rig.clock.advance(15)
    qtbot.waitUntil(lambda: page.message.text().endswith("0:45"), timeout=3000)  # the countdown ticks
    assert window.current == "pin"


def test_the_lockout_survives_a_new_window_and_backend(qtbot, rig, make_window) -> None:
    first: ServiceWindow = make_window()
    for pin in ("1111", "2222", "3333"):
        type_pin(qtbot, first, pin)
    first.leave("cancel")
    second: ServiceWindow = make_window(rig.backend())  # e.g. after the kiosk restarted
    assert second.pin_page.message.text() == "Too many wrong attempts. Try again in 1:00"
    assert not second.pin_page.keyboard.isEnabled()
    rig.clock.advance(61)
    second.pin_page.refresh()
    assert second.pin_page.keyboard.isEnabled() and second.pin_page.message.text() == ""
    with qtbot.waitSignal(second.entered, timeout=5000):
        type_pin(qtbot, second, PIN)


def test_no_entry_while_a_payer_has_money_in_flight(qtbot, rig, make_window) -> None:
    rig.ledger.record_credit("PAYER", source="bill", amount=5000, device="ccnet", ref="b1")
    window: ServiceWindow = make_window()
    with qtbot.assertNotEmitted(window.entered, wait=100):
        type_pin(qtbot, window, PIN)
    assert window.pin_page.message.text().startswith("A payment with money inserted is in progress")
    assert window.current == "pin"
    assert rig.ledger.audit_log()[-1].action == "service.entry_refused"


def test_cancel_at_the_pin_pad_goes_back_to_the_payers(qtbot, make_window) -> None:
    window: ServiceWindow = make_window()
    with qtbot.waitSignal(window.closed, timeout=2000):
        tap(qtbot, window.pin_page.cancel_button)


def test_an_idle_technician_is_logged_out(qtbot, rig, make_window) -> None:
    window: ServiceWindow = make_window(idle_timeout_s=0.3)
    type_pin(qtbot, window, PIN)
    with qtbot.waitSignal(window.closed, timeout=3000):
        pass
    settle(qtbot, window)
    assert window.current == "pin"
    assert (rig.ledger.audit_log()[-1].action, rig.ledger.audit_log()[-1].detail) == (
        "service.exit", {"reason": "timeout"})
