"""Devices, Outbox, Health and Terminal pages through real widgets and the real backend."""

from __future__ import annotations

from typing import Any

import pytest

from drivers.ccnet.emulator import BillValidatorEmulator, EmulatorTiming
from drivers.link import PtyLink
from kiosk.config import load_config
from kiosk.service import ActionResult
from ui.service.window import ServiceWindow

from ...service.helpers import PIN, fill_cash, parked_payment
from .helpers import find, settle, tap, type_pin


def _open(qtbot, window: ServiceWindow, page: str) -> Any:
    type_pin(qtbot, window, PIN)
    tap(qtbot, window.tab_buttons[page])
    settle(qtbot, window)
    return window.pages[page]


def test_devices_show_state_frames_and_run_their_tests(qtbot, rig, make_window) -> None:
    live = {"bill": {"connected": False, "fault": None, "last_error": "POLL: no reply",
                     "port": "/dev/ttyUSB0", "identity": {"part": "SM-MD1701"},
                     "frames": [f"TX 02 03 06 33 DA 8{i}" for i in range(10)]}}
    accepted: list[str] = []

    def accept_one(device: str) -> ActionResult:
        accepted.append(device)
        return ActionResult(ok=True, key="service.result.done", detail="100.00 MDL stacked")

    window = make_window(rig.backend(device_states=lambda: live, accept_one=accept_one))
    type_pin(qtbot, window, PIN)
    settle(qtbot, window)
    page = window.pages["devices"]
    assert find(window, "state:bill_validator").text() == "State: disconnected"
    frames = find(window, "frames:bill_validator").text().splitlines()
    assert len(frames) == 8 and frames[-1] == "TX 02 03 06 33 DA 89"
    assert find(window, "state:printer").text() == "State: ready to print"
    assert not page.test_buttons["card_terminal"].isEnabled()  # no card_status callable given
    tap(qtbot, page.test_buttons["bill_validator"])
    settle(qtbot, window)
    assert page.test_results["bill_validator"].text() == "Done\n100.00 MDL stacked"
    assert accepted == ["bill"]
    tap(qtbot, page.test_buttons["printer"])
    settle(qtbot, window)
    assert page.test_results["printer"].text() == "The test page was printed"
    assert (rig.paper / "1-test-ticket.bin").exists()


@pytest.mark.slow
def test_devices_are_found_on_their_ports_and_saved(qtbot, rig, make_window) -> None:
    silent = PtyLink()
    try:
        with BillValidatorEmulator(timing=EmulatorTiming.fast()) as emulator:
            backend = rig.backend(candidates=lambda: [emulator.port, silent.port])
            window = make_window(backend)
            page = _open(qtbot, window, "devices")
            assert not page.save_button.isEnabled()
            tap(qtbot, page.probe_button)
            settle(qtbot, window, timeout=15000)
            lines = page.probe_result.text().splitlines()
            assert lines[0].startswith(f"{emulator.port}: ccnet") and "SM-MD1701" in lines[0]
            assert lines[1] == f"{silent.port}: no answer"
            tap(qtbot, page.save_button)
            settle(qtbot, window)
    finally:
        silent.close()
    assert page.save_result.text().startswith("Ports saved to the configuration: 1.")
    assert f"devices.bill_validator.port: emulated -> {emulator.port}" in page.save_result.text()
    saved = load_config(rig.config_path).devices.bill_validator
    assert saved is not None and saved.port == emulator.port


def test_outbox_lists_parked_confirmations_and_retries_them(qtbot, rig, make_window) -> None:
    fill_cash(rig.ledger)
    payment = parked_payment(rig.ledger)
    rig.clock.advance(3 * 3600 + 5 * 60)
    window = make_window()
    page = _open(qtbot, window, "outbox")
    assert page.summary.text() == "Unconfirmed payments: 1 (150.00 MDL)"
    card = find(window, f"outbox:{payment.payment_id}")
    texts = [w.text() for w in card.findChildren(type(page.summary))]
    assert "parked, needs a technician, for 3 h 5 min, attempts: 1" in texts
    assert "Last error: signature rejected" in texts
    assert page.vouchers.text() == "Vouchers outstanding: 1 (907.00 MDL)"
    tap(qtbot, page.retry_buttons[payment.payment_id])
    settle(qtbot, window)
    assert page.retry_results[payment.payment_id].text() == (
        f"Confirmation {payment.payment_id} will be sent now")
    assert rig.ledger.outbox_entry(payment.payment_id).status == "pending"


def test_health_shows_the_facts(qtbot, rig, make_window) -> None:
    parked_payment(rig.ledger)
    window = make_window(rig.backend(mpay_reachable=lambda: False))
    page = _open(qtbot, window, "health")
    rows = {caption: value for caption, value, _ in page.rows.texts()}
    assert rows["MPay reachable"] == "NO"
    assert rows["Outbox"] == "0 pending (0.00 MDL), 1 parked"
    assert rows["Terminal certificate"].startswith("valid until 2046-")
    assert rows["Receipt printer"] == "ready to print"
    assert page.verdict.text() == "Problems: 2"
    assert page.problems.text().splitlines()[0].startswith("mpay.unreachable")


def test_terminal_out_of_service_reload_and_restart(qtbot, rig, make_window) -> None:
    calls: list[Any] = []
    window = make_window(rig.backend(
        out_of_service=lambda on, message: calls.append(("oos", on, message)),
        reload_config=lambda: calls.append("reload"),
        restart=lambda: calls.append("restart"),
    ))
    page = _open(qtbot, window, "terminal")
    assert page.oos_state.text() == "The terminal takes payments"
    for key in "REPAIR":
        tap(qtbot, page.keyboard.key(key))
    tap(qtbot, page.keyboard.key("@space"))
    tap(qtbot, page.keyboard.key("1"))
    tap(qtbot, page.oos_button)
    settle(qtbot, window)
    assert calls == [("oos", True, "REPAIR 1")]
    assert page.oos_state.text() == "The terminal is out of service"
    assert page.oos_button.caption() == "Back in service"
    tap(qtbot, page.oos_button)
    settle(qtbot, window)
    assert calls[-1] == ("oos", False, "REPAIR 1")
    tap(qtbot, page.reload_button)
    settle(qtbot, window)
    assert calls[-1] == "reload" and page.result.text() == "Done"
    tap(qtbot, page.restart_button)
    assert calls[-1] == "reload"  # not before it is confirmed
    tap(qtbot, page.restart_confirm)
    settle(qtbot, window)
    assert calls[-1] == "restart"


def test_terminal_actions_without_the_runtime_are_disabled(qtbot, make_window) -> None:
    window = make_window()
    page = _open(qtbot, window, "terminal")
    for button in (page.oos_button, page.reload_button, page.restart_button):
        assert not button.isEnabled()
        assert button.detail is not None and button.detail.text() == "Not available in this set-up"


@pytest.mark.parametrize("lang", ["ro", "ru"])
def test_every_page_renders_in_romanian_and_russian(qtbot, rig, make_window, lang) -> None:
    fill_cash(rig.ledger)
    parked_payment(rig.ledger)
    window = make_window(lang=lang)
    type_pin(qtbot, window, PIN)
    for name in ("devices", "cash", "outbox", "health", "terminal"):
        tap(qtbot, window.tab_buttons[name])
        settle(qtbot, window)
    texts = [w.text() for w in window.findChildren(type(window.pin_page.message))]
    assert not [t for t in texts if t.startswith("service.")], "an i18n key shown as text"
