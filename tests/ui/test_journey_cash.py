"""The whole cash journey through the real widgets and the real session machine, per language.

Taps go through ``qtbot.mouseClick`` on the buttons a payer would touch; bills and MPay answers
are fed as the runtime would feed them (``MachineDriver``). Each test checks what the screen
says (amounts formatted for the language) and what the machine was asked to do.
"""

from __future__ import annotations

import pytest

from kiosk.i18n import format_money, t
from kiosk.session import effects as fx
from kiosk.session.view import ConfirmationState, Outcome, ReceiptState
from tests.ui.driver import MachineDriver, Outcomes, order
from tests.ui.journey import (
    button,
    current,
    find_order,
    label_text,
    screen_name,
    start,
    synced,
    tap,
    texts,
)

LANGS = ("ro", "ru", "en")
KEY = "MDS02250710092629689"


def _to_cash(qtbot, kiosk, driver, lang: str) -> None:
    start(qtbot, kiosk, driver, lang)
    find_order(qtbot, kiosk, driver, "MDS02", KEY)
    assert screen_name(kiosk) == "invoice"
    tap(qtbot, kiosk, driver, "pay")
    if screen_name(kiosk) == "amount":  # partial/advance orders let the payer choose the amount
        tap(qtbot, kiosk, driver, "quick")  # "the whole amount"
        tap(qtbot, kiosk, driver, "continue")
    assert screen_name(kiosk) == "method"
    tap(qtbot, kiosk, driver, "method:cash")
    assert screen_name(kiosk) == "cash"
    assert driver.effects_of(fx.EnableAcceptors)


def _insert(qtbot, kiosk, driver, amount: int) -> None:
    driver.insert(amount)
    synced(qtbot, kiosk, driver)


@pytest.mark.parametrize("lang", LANGS)
def test_cash_exact_amount(make_kiosk, qtbot, lang):
    kiosk, driver = make_kiosk(
        MachineDriver(outcomes=Outcomes(lookups={KEY: (order(amount="150.00"),)}))
    )
    start(qtbot, kiosk, driver, lang)
    find_order(qtbot, kiosk, driver, "MDS02", KEY)
    invoice = texts(current(kiosk))
    assert format_money(15000, lang) in invoice
    assert "Ion Popescu" in invoice and KEY in invoice
    tap(qtbot, kiosk, driver, "pay")
    tap(qtbot, kiosk, driver, "method:cash")
    assert label_text(kiosk, "due") == format_money(15000, lang)
    assert label_text(kiosk, "inserted") == format_money(0, lang)

    _insert(qtbot, kiosk, driver, 10000)
    assert label_text(kiosk, "inserted") == format_money(10000, lang)
    assert label_text(kiosk, "remaining") == format_money(5000, lang)
    assert not kiosk.window.footer.cancel_button.isVisible()  # money in: no plain cancel
    assert not kiosk.window.footer.back_button.isVisible()

    _insert(qtbot, kiosk, driver, 5000)
    assert screen_name(kiosk) == "result"
    result = driver.view.result
    assert result is not None
    assert result.outcome == Outcome.PAID and result.confirmation == ConfirmationState.CONFIRMED
    assert label_text(kiosk, "title") == t("session.result.paid_confirmed", lang)
    shown = texts(current(kiosk))
    assert format_money(15000, lang) in shown and result.payment_id in shown
    assert t("ui.result.printed", lang) in shown
    (payment,) = driver.effects_of(fx.FinalizePayment)
    assert payment.amount == 15000 and payment.fee == 0 and payment.inserted == 15000
    assert not driver.effects_of(fx.IssueVoucher)

    tap(qtbot, kiosk, driver, "done")
    assert screen_name(kiosk) == "attract"


@pytest.mark.parametrize("lang", LANGS)
def test_cash_partial_payment_on_request(make_kiosk, qtbot, lang):
    orders = (order(amount="150.00", allow_partial=True),)
    kiosk, driver = make_kiosk(MachineDriver(outcomes=Outcomes(lookups={KEY: orders})))
    _to_cash(qtbot, kiosk, driver, lang)
    assert not button_visible(kiosk, "finish-cash")
    _insert(qtbot, kiosk, driver, 5000)
    finish = button(kiosk, "finish-cash")
    assert format_money(5000, lang) in finish.caption()
    tap(qtbot, kiosk, driver, finish)
    assert screen_name(kiosk) == "result"
    result = driver.view.result
    assert result is not None and result.outcome == Outcome.PAID_PARTIAL
    assert result.paid_amount == 5000 and result.voucher is None
    assert label_text(kiosk, "title") == t("session.result.partial_confirmed", lang)
    (payment,) = driver.effects_of(fx.FinalizePayment)
    assert payment.amount == 5000 and payment.partial


@pytest.mark.parametrize("lang", LANGS)
def test_cash_overpay_with_advance_goes_to_the_order(make_kiosk, qtbot, lang):
    orders = (order(amount="150.00", allow_advance=True),)
    kiosk, driver = make_kiosk(MachineDriver(outcomes=Outcomes(lookups={KEY: orders})))
    _to_cash(qtbot, kiosk, driver, lang)
    assert label_text(kiosk, "notice") == t("session.cash.advance_ok", lang)
    _insert(qtbot, kiosk, driver, 10000)
    _insert(qtbot, kiosk, driver, 10000)
    assert screen_name(kiosk) == "result"
    result = driver.view.result
    assert result is not None and result.outcome == Outcome.PAID
    assert result.paid_amount == 20000 and result.voucher is None
    assert format_money(20000, lang) in texts(current(kiosk))


@pytest.mark.parametrize("lang", LANGS)
def test_cash_overpay_without_advance_gives_a_change_voucher(make_kiosk, qtbot, lang):
    orders = (order(amount="150.00"),)
    kiosk, driver = make_kiosk(MachineDriver(outcomes=Outcomes(lookups={KEY: orders})))
    _to_cash(qtbot, kiosk, driver, lang)
    assert label_text(kiosk, "notice") == t("session.cash.no_change", lang)
    _insert(qtbot, kiosk, driver, 10000)
    _insert(qtbot, kiosk, driver, 10000)
    assert screen_name(kiosk) == "result"
    result = driver.view.result
    assert result is not None and result.outcome == Outcome.PAID
    assert result.paid_amount == 15000
    assert result.voucher is not None and result.voucher.amount == 5000
    shown = texts(current(kiosk))
    assert format_money(5000, lang) in shown and result.voucher.code in shown


@pytest.mark.parametrize("lang", LANGS)
def test_giving_up_with_money_in_gives_a_voucher(make_kiosk, qtbot, lang):
    kiosk, driver = make_kiosk(
        MachineDriver(outcomes=Outcomes(lookups={KEY: (order(amount="150.00"),)}))
    )
    _to_cash(qtbot, kiosk, driver, lang)
    _insert(qtbot, kiosk, driver, 2000)
    take = button(kiosk, "take-voucher")
    assert format_money(2000, lang) in take.caption()
    tap(qtbot, kiosk, driver, take)
    assert screen_name(kiosk) == "result"
    result = driver.view.result
    assert result is not None and result.outcome == Outcome.VOUCHER
    assert result.voucher is not None and result.voucher.amount == 2000
    assert label_text(kiosk, "title") == t("session.result.voucher", lang)
    assert not driver.effects_of(fx.FinalizePayment)
    (voucher,) = driver.effects_of(fx.IssueVoucher)
    assert voucher.amount == 2000


@pytest.mark.parametrize("lang", LANGS)
def test_no_paper_shows_the_qr_code_and_pending_confirmation(make_kiosk, qtbot, lang):
    outcomes = Outcomes(lookups={KEY: (order(amount="20.00"),)}, confirm=None, print_ok=False)
    kiosk, driver = make_kiosk(MachineDriver(outcomes=outcomes))
    _to_cash(qtbot, kiosk, driver, lang)
    _insert(qtbot, kiosk, driver, 2000)
    # The confirmation never came back: after the bounded wait the payer is told "pending".
    for _ in range(12):
        if screen_name(kiosk) == "result" and driver.view.result.receipt != ReceiptState.PRINTING:
            break
        driver.tick(1)
        synced(qtbot, kiosk, driver)
    assert screen_name(kiosk) == "result"
    result = driver.view.result
    assert result is not None and result.confirmation == ConfirmationState.PENDING
    assert result.receipt in (ReceiptState.FAILED, ReceiptState.NO_PAPER)
    screen = current(kiosk)
    assert screen.qr.isVisibleTo(kiosk.window) and result.payment_id in screen.qr.data()
    assert t("ui.result.no_receipt", lang) in texts(screen)
    assert t("ui.result.pending_note", lang) in texts(screen)


def button_visible(kiosk, name: str) -> bool:
    try:
        button(kiosk, name)
    except AssertionError:
        return False
    return True
