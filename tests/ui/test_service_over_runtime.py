"""Service mode over the REAL runtime: corner taps on the payer window, the PIN, the runtime
going out of service while a technician works, live device states, and no entry while a payer
has money in the machine."""

from __future__ import annotations

import pytest

from kiosk.mpay.sandbox_data import sim_order_key
from kiosk.runtime.service import service_backend
from kiosk.session import events as ev
from kiosk.session.view import Screen
from tests.runtime.conftest import start_terminal, stop_terminal
from tests.ui.journey import current, texts
from tests.ui.service.helpers import type_pin
from ui.launch import attach_service_mode
from ui.qt import QApplication, QPoint, Qt
from ui.service.window import ServiceWindow

pytestmark = pytest.mark.slow


@pytest.fixture(params=[False, True], ids=["windowed", "fullscreen"])
def live(request, make_kiosk, qapp, tmp_path):
    terminal = start_terminal(tmp_path / "state")
    teardown = None
    try:
        kiosk, _ = make_kiosk(terminal.runtime)
        backend = service_backend(terminal.runtime, terminal.world.config)
        held = []

        def on_service(on: bool) -> None:
            held.append(on)
            (terminal.runtime.hold if on else terminal.runtime.release)(
                "runtime.out_of_service.service_mode")

        teardown = attach_service_mode(qapp, kiosk, backend, "corner-tl,corner-tr,corner-br,corner-bl",
                                 request.param, on_service)
        yield kiosk, terminal, held
    finally:
        if teardown is not None:
            teardown()
        stop_terminal(terminal)


def _corners(qtbot, kiosk) -> None:
    w, h = kiosk.window.width(), kiosk.window.height()
    for x, y in ((5, 5), (w - 5, 5), (w - 5, h - 5), (5, h - 5)):
        qtbot.mouseClick(kiosk.window, Qt.MouseButton.LeftButton, pos=QPoint(x, y))


def _service_window() -> ServiceWindow:
    found = [w for w in QApplication.topLevelWidgets() if isinstance(w, ServiceWindow)]
    assert len(found) == 1
    return found[0]


def test_corners_and_pin_take_the_terminal_out_of_service_until_the_technician_leaves(live, qtbot):
    kiosk, terminal, held = live
    payer = terminal.payer
    payer.wait_screen(Screen.ATTRACT)
    _corners(qtbot, kiosk)
    window = _service_window()
    qtbot.waitUntil(window.isVisible, timeout=3000)
    type_pin(qtbot, window, "1234")
    assert held == [True]
    payer.wait_screen(Screen.OUT_OF_SERVICE)
    # the devices page shows what the runtime's drivers see
    def devices():
        return {d.name: d for d in window.backend.devices()}

    names = ("bill_validator", "coin_acceptor", "card_terminal")
    qtbot.waitUntil(lambda: all(devices()[n].state == "connected" for n in names), timeout=10000)
    bill = devices()["bill_validator"]
    assert bill.identity and bill.frames  # what the driver read, and its last raw frames
    assert any(r.action.startswith("service.") for r in terminal.ledger.audit_log(50))
    # "out of service, with a message": it outlasts the technician's visit
    assert window.backend.set_out_of_service(True, "Back at 14:00 -- Înapoi la 14:00").ok
    window.leave("exit")
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=3000)
    assert held == [True, False]
    v = payer.wait(lambda v: v.out_of_service_key == "runtime.out_of_service.technician",
                   "the technician's out of service")
    assert v.screen is Screen.OUT_OF_SERVICE
    assert v.out_of_service_message == "Back at 14:00 -- Înapoi la 14:00"
    qtbot.waitUntil(lambda: "Înapoi la 14:00" in texts(current(kiosk)), timeout=5000)
    terminal.runtime.release("runtime.out_of_service.technician")
    payer.wait_screen(Screen.ATTRACT)


def test_noattach_service_mode_while_a_payer_has_money_in(live, qtbot):
    kiosk, terminal, held = live
    p = terminal.payer
    p.to_method("MDS02", sim_order_key("MDS02", 61), "ro")
    p.start_cash()
    terminal.world.insert_bill(5000)
    p.wait(lambda v: v.cash is not None and v.cash.inserted == 5000, "50 lei in")
    qtbot.waitUntil(lambda: kiosk.presenter.view.money_in, timeout=5000)
    _corners(qtbot, kiosk)
    window = _service_window()
    qtbot.waitUntil(window.isVisible, timeout=3000)
    type_pin(qtbot, window, "1234")
    assert held == []  # refused: money in flight
    assert p.view.screen is Screen.CASH
    window.leave("exit")
    p.send(ev.TakeVoucher())  # the payer leaves with a voucher; then the terminal may stop
    p.wait_screen(Screen.RESULT)
