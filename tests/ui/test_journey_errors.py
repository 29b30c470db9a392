"""Unhappy journeys through the real widgets and machine: not found, not payable, a service fault
in the middle of the lookup, and a timeout with money inserted; in each language."""

from __future__ import annotations

import pytest

from kiosk.i18n import format_money, t
from kiosk.session import effects as fx
from kiosk.session import events as ev
from kiosk.session.view import Outcome
from tests.ui.driver import MachineDriver, Outcomes, order
from tests.ui.journey import (
    button,
    current,
    feed,
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


@pytest.mark.parametrize("lang", LANGS)
def test_unknown_key_says_not_found_and_lets_the_payer_fix_the_code(make_kiosk, qtbot, lang):
    kiosk, driver = make_kiosk(MachineDriver(outcomes=Outcomes(lookups={})))
    start(qtbot, kiosk, driver, lang)
    find_order(qtbot, kiosk, driver, "MDS02", "MDS0299")
    assert screen_name(kiosk) == "error"
    assert label_text(kiosk, "title") == t("ui.error.title.not_found", lang)
    assert label_text(kiosk, "body") == t("mpay.error.unknown_order", lang)
    assert t("ui.error.help", lang) in texts(current(kiosk))
    tap(qtbot, kiosk, driver, "error-primary")  # "change the code"
    assert screen_name(kiosk) == "order_key"
    assert kiosk.window.screens["order_key"].buffer.text == "MDS0299"
    tap(qtbot, kiosk, driver, "cancel")
    assert screen_name(kiosk) == "attract"


@pytest.mark.parametrize("lang", LANGS)
def test_order_that_is_not_payable_explains_why_and_offers_no_payment(make_kiosk, qtbot, lang):
    paid = order(status="Paid")
    kiosk, driver = make_kiosk(MachineDriver(outcomes=Outcomes(lookups={KEY: (paid,)})))
    start(qtbot, kiosk, driver, lang)
    find_order(qtbot, kiosk, driver, "MDS02", KEY)
    assert screen_name(kiosk) == "invoice"
    view_order = driver.view.order
    assert view_order is not None and not view_order.payable
    pay = button(kiosk, "pay")
    assert not pay.isEnabled()
    shown = texts(current(kiosk))
    assert t(view_order.reason_key, lang) in shown
    assert t("mpay.status.paid", lang) in shown
    tap(qtbot, kiosk, driver, "back")
    assert screen_name(kiosk) == "order_key"
    assert not driver.effects_of(fx.EnableAcceptors)


@pytest.mark.parametrize("lang", LANGS)
def test_service_fault_during_the_lookup_offers_a_retry(make_kiosk, qtbot, lang):
    outcomes = Outcomes(lookups={KEY: (order(),)}, answer_lookups=False)
    kiosk, driver = make_kiosk(MachineDriver(outcomes=outcomes))
    start(qtbot, kiosk, driver, lang)
    find_order(qtbot, kiosk, driver, "MDS02", KEY)
    assert screen_name(kiosk) == "lookup"
    screen = current(kiosk)
    qtbot.waitUntil(screen.spinner.is_spinning, timeout=2000)  # a wait always shows progress
    assert kiosk.window.footer.cancel_button.isVisible()  # and can be left
    (lookup,) = driver.effects_of(fx.LookupOrder)
    assert lookup.language == lang
    feed(
        qtbot,
        kiosk,
        driver,
        ev.LookupFailed(
            request_id=lookup.request_id, kind="unavailable", message_key="mpay.error.unreachable"
        ),
    )
    assert screen_name(kiosk) == "error"
    assert label_text(kiosk, "title") == t("ui.error.title.unavailable", lang)
    assert label_text(kiosk, "body") == t("mpay.error.unreachable", lang)
    outcomes.answer_lookups = True
    tap(qtbot, kiosk, driver, "error-primary")  # retry
    assert screen_name(kiosk) == "invoice"
    assert len(driver.effects_of(fx.LookupOrder)) == 2


@pytest.mark.parametrize("lang", LANGS)
def test_lookup_can_be_cancelled_while_waiting(make_kiosk, qtbot, lang):
    outcomes = Outcomes(lookups={KEY: (order(),)}, answer_lookups=False)
    kiosk, driver = make_kiosk(MachineDriver(outcomes=outcomes))
    start(qtbot, kiosk, driver, lang)
    find_order(qtbot, kiosk, driver, "MDS02", KEY)
    assert screen_name(kiosk) == "lookup"
    tap(qtbot, kiosk, driver, "cancel")
    assert screen_name(kiosk) == "order_key"
    assert driver.effects_of(fx.CancelLookup)


@pytest.mark.parametrize("lang", LANGS)
def test_timeout_with_money_in_never_drops_the_money(make_kiosk, qtbot, lang):
    outcomes = Outcomes(lookups={KEY: (order(amount="150.00"),)})
    kiosk, driver = make_kiosk(MachineDriver(outcomes=outcomes))
    start(qtbot, kiosk, driver, lang)
    find_order(qtbot, kiosk, driver, "MDS02", KEY)
    tap(qtbot, kiosk, driver, "pay")
    tap(qtbot, kiosk, driver, "method:cash")
    driver.insert(5000)
    synced(qtbot, kiosk, driver)
    prompt = kiosk.window.prompt
    cash_s = driver.state.ctx.timeouts.cash_s
    driver.tick(cash_s + 1)
    synced(qtbot, kiosk, driver)
    assert prompt.isVisible()
    assert prompt.title.text() == t("ui.timeout.title", lang)
    assert not prompt.finish_button.isVisibleTo(prompt)  # money in: no "finish" shortcut
    # "More time" dismisses the prompt and keeps the session.
    tap(qtbot, kiosk, driver, "more-time")
    assert not prompt.isVisible() and screen_name(kiosk) == "cash"
    driver.tick(cash_s + 1)
    synced(qtbot, kiosk, driver)
    assert prompt.isVisible()
    driver.tick(driver.state.ctx.timeouts.prompt_s + 1)
    synced(qtbot, kiosk, driver)
    assert not prompt.isVisible()
    assert screen_name(kiosk) == "result"
    result = driver.view.result
    assert result is not None and result.outcome == Outcome.VOUCHER
    assert result.voucher is not None and result.voucher.amount == 5000
    shown = texts(current(kiosk))
    assert format_money(5000, lang) in shown and t("session.notice.timeout", lang) in shown
    (voucher,) = driver.effects_of(fx.IssueVoucher)
    assert voucher.amount == 5000 and voucher.reason == "timeout"


@pytest.mark.parametrize("lang", LANGS)
def test_idle_timeout_without_money_returns_to_the_start(make_kiosk, qtbot, lang):
    kiosk, driver = make_kiosk()
    start(qtbot, kiosk, driver, lang)
    driver.tick(driver.state.ctx.timeouts.screen_s + 1)
    synced(qtbot, kiosk, driver)
    prompt = kiosk.window.prompt
    assert prompt.isVisible() and prompt.finish_button.isVisibleTo(prompt)
    seconds = driver.view.seconds_left
    assert str(seconds) in prompt.body.text()
    tap(qtbot, kiosk, driver, "finish")
    assert screen_name(kiosk) == "attract"
