"""The payer UI over the REAL runtime: taps on real widgets, bills through the CCNET emulator
on a pseudo-terminal, signed SOAP to the loopback sandbox, the SQLite journal and the virtual
printer. What the screen says must be what the journal holds."""

from __future__ import annotations

import pytest

from kiosk.i18n import format_money, t
from kiosk.mpay.sandbox_data import sim_order_key
from tests.runtime.conftest import start_terminal, stop_terminal
from tests.ui.journey import button, current, label_text, screen_name, texts
from ui.qt import Qt

pytestmark = pytest.mark.slow


@pytest.fixture
def live(make_kiosk, tmp_path):
    terminal = start_terminal(tmp_path / "state")
    try:
        kiosk, _ = make_kiosk(terminal.runtime)
        yield kiosk, terminal
    finally:
        stop_terminal(terminal)


def _tap(qtbot, kiosk, name: str, then: str) -> None:
    qtbot.mouseClick(button(kiosk, name), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: screen_name(kiosk) == then, timeout=15000)


@pytest.mark.parametrize("lang", ["ro", "ru", "en"])
def test_cash_journey_on_the_real_runtime(live, qtbot, lang, screenshot_dir):
    kiosk, terminal = live
    key = sim_order_key("MDS02", {"ro": 31, "ru": 32, "en": 33}[lang])
    qtbot.waitUntil(lambda: screen_name(kiosk) == "attract", timeout=5000)
    _tap(qtbot, kiosk, f"lang:{lang}", "services")
    _tap(qtbot, kiosk, "service:MDS02", "order_key")
    keyboard = current(kiosk).keyboard
    for ch in key:
        qtbot.mouseClick(keyboard.key(ch.upper() if ch.isalpha() else ch), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: kiosk.presenter.view.key_entry is not None
                    and kiosk.presenter.view.key_entry.text == key, timeout=5000)
    _tap(qtbot, kiosk, "continue", "invoice")
    assert format_money(15000, lang) in texts(current(kiosk))
    _tap(qtbot, kiosk, "pay", "method")
    _tap(qtbot, kiosk, "method:cash", "cash")
    qtbot.waitUntil(lambda: kiosk.presenter.view.cash is not None
                    and kiosk.presenter.view.cash.accepting, timeout=5000)
    terminal.world.insert_bill(10000)
    qtbot.waitUntil(lambda: label_text(kiosk, "inserted") == format_money(10000, lang), timeout=10000)
    # the screen shows money only once the journal holds it
    assert [c["amount"] for c in terminal.ledger.export()["credits"]] == ["100.00"]
    terminal.world.insert_bill(5000)
    qtbot.waitUntil(lambda: screen_name(kiosk) == "result", timeout=20000)
    qtbot.waitUntil(lambda: kiosk.presenter.view.result.receipt.value == "printed", timeout=20000)
    result = kiosk.presenter.view.result
    [payment] = terminal.ledger.payments()
    assert result.payment_id == payment.payment_id and payment.amount == 15000
    shown = texts(current(kiosk))
    assert payment.payment_id in shown
    assert result.confirmation.value in ("confirmed", "pending")
    if result.confirmation.value == "confirmed":
        assert label_text(kiosk, "title") == t("session.result.paid_confirmed", lang)
    kiosk.window.grab().save(str(screenshot_dir / f"real-runtime-result-{lang}.png"))
