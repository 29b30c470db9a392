"""Whole payer journeys through the pure machine, one per money story."""

from __future__ import annotations

from datetime import timedelta

from kiosk.session import effects as fx
from kiosk.session import events as ev
from kiosk.session.view import ConfirmationState, Outcome, ReceiptState, Screen

from .harness import IDN_PROP, T0, Driver, order


def test_exact_cash_payment_confirmed_and_printed() -> None:
    d = Driver()
    assert d.view.screen == Screen.ATTRACT
    assert d.send(ev.LanguageChosen(language="ru")) == (fx.BeginSession(language="ru"),)
    assert d.view.screen == Screen.SERVICES and d.view.language == "ru"
    d.send(ev.ServiceChosen(service_id="MDS02"))
    assert d.view.key_entry is not None and d.view.key_entry.service.name == "Аренда лесных земель"
    d.send(ev.KeyChanged(text="  MDS02250710092629689"), ev.KeySubmitted())
    lookup = d.last(fx.LookupOrder)
    assert lookup.order_key == "MDS02250710092629689" and lookup.language == "ru"
    assert d.view.screen == Screen.LOOKUP
    d.send(ev.LookupSucceeded(request_id=lookup.request_id, orders=(order(),)))
    v = d.view
    assert v.screen == Screen.INVOICE and v.order is not None
    assert v.order.amount_due == 15000 and v.order.payable and v.order.fee == 0
    d.send(ev.Continue())
    assert d.view.screen == Screen.METHOD
    assert d.send(ev.MethodChosen(method="cash")) == (fx.EnableAcceptors(max_amount=None),)
    d.insert(10000)
    v = d.view
    assert v.cash is not None and v.cash.remaining == 5000 and v.cash.last_credit == 10000
    assert v.money_in and not v.can_cancel and not v.can_go_back
    assert d.insert(5000) == (fx.DisableAcceptors(),)
    assert d.view.screen == Screen.FINISHING
    assert d.send(ev.AcceptorsDisabled())  # settles now
    pay = d.last(fx.FinalizePayment)
    assert (pay.amount, pay.fee, pay.inserted, pay.credit_ids) == (15000, 0, 15000, ("c1", "c2"))
    assert not pay.partial and not d.all(fx.IssueVoucher)
    d.send(ev.PaymentRecorded(request_id=pay.request_id, payment_id="KSK-1"))
    assert d.view.finishing is not None
    assert d.view.finishing.step_key == "session.finishing.confirming"
    d.send(ev.ConfirmationSettled(payment_id="KSK-1", confirmed=True))
    receipt = d.last(fx.PrintReceipt)
    assert receipt.payment_id == "KSK-1" and receipt.confirmation == "confirmed"
    d.send(ev.ReceiptPrinted(request_id=receipt.request_id, ok=True))
    r = d.view.result
    assert r is not None and r.outcome == Outcome.PAID and r.receipt == ReceiptState.PRINTED
    assert r.message_key == "session.result.paid_confirmed" and r.qr_data is None
    assert d.send(ev.Done()) == (fx.EndSession(outcome="paid"),)
    assert d.view.screen == Screen.ATTRACT and d.view.language == "ro"


def test_confirmation_timeout_is_shown_as_pending() -> None:
    d = Driver()
    d.to_method(order())
    d.send(ev.MethodChosen(method="cash"))
    d.insert(20000)
    d.send(ev.AcceptorsDisabled())
    pay = d.last(fx.FinalizePayment)
    assert pay.amount == 15000
    change = d.last(fx.IssueVoucher)
    assert change.amount == 5000 and change.change_for == pay.request_id and change.credit_ids == ()
    d.send(ev.PaymentRecorded(request_id=pay.request_id, payment_id="KSK-9"))
    assert d.state.phase == "recording"  # the change voucher is not recorded yet
    d.send(ev.VoucherIssued(request_id=change.request_id, code="V-77", amount=5000))
    d.idle(8)
    assert d.view.screen == Screen.FINISHING or d.state.phase == "printing"
    assert d.last(fx.PrintReceipt).confirmation == "pending"
    d.send(ev.ReceiptPrinted(request_id=d.last(fx.PrintReceipt).request_id, ok=True))
    r = d.view.result
    assert r is not None and r.confirmation == ConfirmationState.PENDING
    assert r.message_key == "session.result.paid_pending"
    assert r.voucher is not None and (r.voucher.code, r.voucher.amount) == ("V-77", 5000)
    d.send(ev.ConfirmationSettled(payment_id="KSK-9", confirmed=True))  # late: screen updates
    assert d.view.result is not None and d.view.result.confirmation == ConfirmationState.CONFIRMED


def test_overpay_with_advance_pays_everything() -> None:
    d = Driver()
    d.to_method(order(advance=True))
    d.send(ev.MethodChosen(method="cash"))
    d.insert(10000, 10000)
    d.send(ev.AcceptorsDisabled())
    pay = d.last(fx.FinalizePayment)
    assert pay.amount == 20000 and not d.all(fx.IssueVoucher)


def test_partial_payment_on_request() -> None:
    d = Driver()
    d.lookup(order(partial=True))
    d.send(ev.Continue())
    v = d.view
    assert v.screen == Screen.AMOUNT and v.amount is not None
    assert v.amount.text == "150.00" and v.amount.min_amount == 1 and v.amount.max_amount == 15000
    d.send(ev.AmountChanged(text="200"), ev.Continue())
    assert d.view.screen == Screen.AMOUNT
    assert d.view.amount is not None and d.view.amount.error_key == "session.amount.above_max"
    d.send(ev.AmountChanged(text="120,50"), ev.Continue())
    assert d.view.screen == Screen.METHOD and d.view.payment is not None
    assert d.view.payment.total == 12050
    d.send(ev.MethodChosen(method="cash"))
    d.insert(5000)
    cash = d.view.cash
    assert cash is not None and cash.can_pay_inserted and cash.pay_inserted_amount == 5000
    assert d.send(ev.PayWhatInserted()) == (fx.DisableAcceptors(),)
    d.insert(100)  # a coin counted while stopping still joins the payment
    d.send(ev.AcceptorsDisabled())
    pay = d.last(fx.FinalizePayment)
    assert pay.amount == 5100 and pay.partial and pay.reason == "partial"
    d.answer_settlement()
    assert d.view.result is not None and d.view.result.outcome == Outcome.PAID_PARTIAL


def test_cancel_with_money_and_no_partial_gives_a_voucher() -> None:
    d = Driver()
    d.to_method(order())
    d.send(ev.MethodChosen(method="cash"))
    d.insert(5000)
    assert d.view.cash is not None and not d.view.cash.can_pay_inserted
    assert d.view.cash.can_take_voucher
    assert d.send(ev.PayWhatInserted()) == ()  # not allowed
    d.send(ev.Back())  # ignored with money in
    assert d.state.phase == "cash"
    d.send(ev.Cancel())
    d.send(ev.AcceptorsDisabled())
    assert not d.all(fx.FinalizePayment)
    v = d.last(fx.IssueVoucher)
    assert (v.amount, v.credit_ids, v.reason) == (5000, ("c1",), "give_up")
    d.answer_settlement()
    r = d.view.result
    assert r is not None and r.outcome == Outcome.VOUCHER and r.payment_id is None
    assert r.confirmation == ConfirmationState.NONE
    assert d.send(ev.Done()) == (fx.EndSession(outcome="voucher"),)


def test_timeout_with_money_asks_then_settles_as_voucher() -> None:
    d = Driver()
    d.to_method(order())
    d.send(ev.MethodChosen(method="cash"))
    d.insert(5000)
    d.idle(d.ctx.timeouts.cash_s)
    assert d.view.timeout_prompt and d.view.seconds_left == 20
    d.send(ev.MoreTime())
    assert not d.view.timeout_prompt
    d.idle(d.ctx.timeouts.cash_s + d.ctx.timeouts.prompt_s)
    assert d.state.phase == "stopping"
    d.send(ev.AcceptorsDisabled())
    v = d.last(fx.IssueVoucher)
    assert v.amount == 5000 and v.reason == "timeout"


def test_timeout_with_money_and_partial_allowed_pays_partially() -> None:
    d = Driver()
    d.to_method(order(partial=True))
    d.send(ev.MethodChosen(method="cash"))
    d.insert(5000)
    d.idle(d.ctx.timeouts.cash_s + d.ctx.timeouts.prompt_s + 1)
    d.idle(d.ctx.timeouts.stop_s + 1)  # the acceptors never answer: settle anyway
    pay = d.last(fx.FinalizePayment)
    assert pay.amount == 5000 and pay.reason == "timeout" and pay.partial


def test_timeout_without_money_goes_back_to_attract() -> None:
    d = Driver()
    d.to_key()
    d.idle(60)
    assert d.view.timeout_prompt
    d.idle(20)
    assert d.view.screen == Screen.ATTRACT and d.all(fx.EndSession)


def test_not_found_and_not_payable_and_service_error() -> None:
    d = Driver()
    d.lookup()
    assert d.view.screen == Screen.ERROR and d.view.error is not None
    assert d.view.error.message_key == "session.lookup.not_found" and not d.view.error.can_retry
    d.send(ev.Back())
    assert d.view.screen == Screen.ORDER_KEY
    d.send(ev.KeySubmitted())
    d.send(
        ev.LookupFailed(
            request_id=d.last(fx.LookupOrder).request_id,
            kind="unavailable",
            message_key="mpay.fault.unavailable",
        )
    )
    assert d.view.error is not None and d.view.error.can_retry
    d.send(ev.Retry())
    assert d.view.screen == Screen.LOOKUP
    d.send(
        ev.LookupSucceeded(
            request_id=d.last(fx.LookupOrder).request_id, orders=(order(status="Paid"),)
        )
    )
    v = d.view
    assert v.screen == Screen.INVOICE and v.order is not None and not v.order.payable
    assert v.order.reason_key == "mpay.payability.already_paid"
    d.send(ev.Continue())
    assert d.view.screen == Screen.INVOICE


def test_lookup_cancel_and_stale_answer_ignored() -> None:
    d = Driver()
    d.to_key()
    d.send(ev.KeyChanged(text="ABC"), ev.KeySubmitted())
    rid = d.last(fx.LookupOrder).request_id
    assert d.send(ev.Cancel()) == (fx.CancelLookup(request_id=rid),)
    d.send(ev.LookupSucceeded(request_id=rid, orders=(order(),)))
    assert d.view.screen == Screen.ORDER_KEY


def test_lookup_timeout() -> None:
    d = Driver()
    d.to_key()
    d.send(ev.KeyChanged(text="ABC"), ev.KeySubmitted())
    out = d.idle(d.ctx.timeouts.lookup_s + 1)
    assert any(isinstance(e, fx.CancelLookup) for e in out)
    assert d.view.error is not None and d.view.error.message_key == "session.lookup.timeout"


def test_several_orders_choose_one() -> None:
    d = Driver()
    a = order(order_key="K1", reason="Prima")
    b = order(order_key="K2", reason="A doua", total="30.00")
    d.lookup(a, b, key="K3")
    v = d.view
    assert v.screen == Screen.ORDER_CHOICE and [o.reason for o in v.orders] == ["Prima", "A doua"]
    d.send(ev.OrderChosen(index=5))
    assert d.view.screen == Screen.ORDER_CHOICE
    d.send(ev.OrderChosen(index=1))
    assert d.view.order is not None and d.view.order.amount_due == 3000
    d.send(ev.Back())
    assert d.view.screen == Screen.ORDER_CHOICE
    # an exact ServiceID+OrderKey match is chosen directly
    d2 = Driver()
    d2.lookup(a, b, key="K2")
    assert d2.view.screen == Screen.INVOICE and d2.view.order is not None
    assert d2.view.order.order_key == "K2"


def test_properties_validated_and_sent() -> None:
    d = Driver()
    d.lookup(order(properties=(IDN_PROP,)))
    d.send(ev.Continue())
    p = d.view.properties
    assert p is not None and not p.all_valid and p.inputs[0].keyboard == "digits"
    assert p.inputs[0].error_key is None  # nothing typed yet
    d.send(ev.Continue())
    p = d.view.properties
    assert p is not None and p.inputs[0].error_key == "session.property.required"
    d.send(ev.PropertyChanged(key="IDNP", value="1008600038412"))
    p = d.view.properties
    assert p is not None and p.inputs[0].error_key == "session.property.idn_invalid"
    d.send(ev.PropertyChanged(key="IDNP", value="1008600038413"), ev.Continue())
    assert d.view.screen == Screen.METHOD
    d.send(ev.MethodChosen(method="cash"))
    d.insert(15000)
    d.send(ev.AcceptorsDisabled())
    props = d.last(fx.FinalizePayment).properties
    assert [(p.name, p.value) for p in props] == [("IDNP", "1008600038413")]


def test_fee_shown_before_money_and_charged() -> None:
    d = Driver()
    d.lookup(order(service_id="IGP01", order_key="123456"), key="123456", service_id="IGP01")
    assert d.view.order is not None and d.view.order.fee == 500
    d.send(ev.Continue())
    assert d.view.payment is not None and (d.view.payment.fee, d.view.payment.total) == (500, 15500)
    d.send(ev.MethodChosen(method="cash"))
    d.insert(10000, 5000)
    assert d.state.phase == "cash" and d.view.cash is not None and d.view.cash.remaining == 500
    d.insert(500)
    d.send(ev.AcceptorsDisabled())
    pay = d.last(fx.FinalizePayment)
    assert (pay.amount, pay.fee, pay.inserted) == (15000, 500, 15500)


def test_card_approved() -> None:
    d = Driver()
    d.to_method(order())
    start = d.send(ev.MethodChosen(method="card"))
    assert start == (fx.StartCardPayment(request_id=start[0].request_id, amount=15000),)
    d.send(ev.CardStatusChanged(key="card.status.enter_pin"))
    assert d.view.card is not None and d.view.card.status_key == "card.status.enter_pin"
    d.send(ev.CardApproved(credit_id="card-1", amount=15000))
    pay = d.last(fx.FinalizePayment)
    assert pay.credit_ids == ("card-1",) and pay.amount == 15000
    assert not d.all(fx.DisableAcceptors)


def test_card_declined_then_cash() -> None:
    d = Driver()
    d.to_method(order())
    d.send(ev.MethodChosen(method="card"))
    d.send(ev.CardDeclined(reason_key="card.reason.insufficient_funds"))
    assert d.view.screen == Screen.METHOD
    assert d.view.notice_key == "card.reason.insufficient_funds"
    d.send(ev.MethodChosen(method="cash"))
    assert d.state.phase == "cash"


def test_card_abort_by_payer_and_race_with_approval() -> None:
    d = Driver()
    d.to_method(order())
    d.send(ev.MethodChosen(method="card"))
    assert d.view.can_cancel
    assert d.send(ev.Cancel()) == (fx.AbortCardPayment(),)
    assert d.send(ev.Cancel()) == ()  # once
    assert d.view.card is not None and d.view.card.abort_requested and not d.view.can_cancel
    d.send(ev.CardAborted())
    assert d.view.screen == Screen.METHOD
    # the terminal approves although we asked it to abort: the money still counts
    d.send(ev.MethodChosen(method="card"), ev.Cancel())
    d.send(ev.CardApproved(credit_id="card-2", amount=15000))
    assert d.last(fx.FinalizePayment).credit_ids == ("card-2",)


def test_card_not_offered_offline() -> None:
    d = Driver()
    d.send(ev.NetworkStatusChanged(online=False))
    d.to_method(order())
    card = [m for m in d.view.methods if m.method == "card"][0]
    assert not card.available and card.reason_key == "session.method.card_offline"
    assert d.send(ev.MethodChosen(method="card")) == ()


def test_fault_mid_cash_with_money_no_partial_makes_voucher() -> None:
    d = Driver()
    d.to_method(order())
    d.send(ev.MethodChosen(method="cash"))
    d.insert(5000)
    assert d.send(ev.AcceptorFault(device="bill", kind="jam")) == (fx.DisableAcceptors(),)
    d.send(ev.AcceptorsDisabled())
    v = d.last(fx.IssueVoucher)
    assert v.amount == 5000 and v.reason == "fault"
    d.answer_settlement()
    assert d.view.result is not None and d.view.result.notice_key == "session.fault.acceptor"


def test_fault_mid_cash_without_money_returns_to_method() -> None:
    d = Driver(ctx=__import__("dataclasses").replace(Driver().ctx, acceptors=("bill",)))
    d.to_method(order())
    d.send(ev.MethodChosen(method="cash"))
    d.send(ev.AcceptorFault(device="bill", kind="jam"), ev.AcceptorsDisabled())
    assert d.view.screen == Screen.METHOD and d.view.notice_key == "session.fault.acceptor"
    cash = d.view.methods[0]
    assert not cash.available and cash.reason_key == "session.method.cash_fault"


def test_paper_out_known_before_session_shows_qr() -> None:
    d = Driver()
    d.send(ev.PrinterStatusChanged(ok=False))
    assert not d.view.printer_ok
    d.to_method(order())
    d.send(ev.MethodChosen(method="cash"))
    d.insert(20000)
    d.answer_settlement()
    assert not d.all(fx.PrintReceipt)
    r = d.view.result
    assert r is not None and r.receipt == ReceiptState.NO_PAPER
    assert (
        r.qr_data is not None and "payment_id=KSK-1" in r.qr_data and "voucher=V-1234" in r.qr_data
    )


def test_print_failure_shows_qr() -> None:
    d = Driver()
    d.to_method(order())
    d.send(ev.MethodChosen(method="cash"))
    d.insert(15000)
    d.answer_settlement(printed=False)
    r = d.view.result
    assert r is not None and r.receipt == ReceiptState.FAILED and r.qr_data


def test_voucher_redemption_pays_and_change_is_a_new_voucher() -> None:
    d = Driver()
    d.to_method(order())
    d.send(ev.MethodChosen(method="voucher"))
    assert d.view.screen == Screen.VOUCHER_CODE
    assert d.send(ev.VoucherCodeEntered(code="x")) == ()
    assert d.view.voucher_entry is not None
    assert d.view.voucher_entry.error_key == "session.voucher.invalid"
    redeem = d.send(ev.VoucherCodeEntered(code="ABCD-1234"))[0]
    entry = d.view.voucher_entry
    assert isinstance(redeem, fx.RedeemVoucher) and entry is not None and entry.busy
    d.send(ev.VoucherRejected(request_id=redeem.request_id, reason_key="session.voucher.used"))
    assert (
        d.view.voucher_entry is not None
        and d.view.voucher_entry.error_key == "session.voucher.used"
    )
    redeem = d.send(ev.VoucherCodeEntered(code="EFGH-5678"))[0]
    d.send(
        ev.VoucherRedeemed(
            request_id=redeem.request_id, credit_id="v1", code="EFGH-5678", amount=10000
        )
    )
    assert d.view.screen == Screen.METHOD and d.view.payment is not None
    assert d.view.payment.remaining == 5000 and not d.view.can_cancel and not d.view.can_go_back
    d.send(ev.MethodChosen(method="voucher"))
    redeem = d.send(ev.VoucherCodeEntered(code="IJKL-0000"))[0]
    d.send(
        ev.VoucherRedeemed(
            request_id=redeem.request_id, credit_id="v2", code="IJKL-0000", amount=8000
        )
    )
    pay = d.last(fx.FinalizePayment)
    change = d.last(fx.IssueVoucher)
    assert pay.credit_ids == ("v1", "v2") and pay.amount == 15000 and change.amount == 3000


def test_order_expires_mid_cash_money_becomes_voucher() -> None:
    d = Driver()
    d.to_method(order(due_date=T0 + timedelta(minutes=1, seconds=30)))
    d.send(ev.MethodChosen(method="cash"))
    d.insert(5000)
    d.idle(100)
    d.send(ev.AcceptorsDisabled())
    v = d.last(fx.IssueVoucher)
    assert v.reason == "unpayable" and v.amount == 5000 and not d.all(fx.FinalizePayment)
    d.answer_settlement()
    assert d.view.result is not None and d.view.result.notice_key == "mpay.payability.overdue"


def test_order_no_longer_payable_even_when_covered_gives_voucher() -> None:
    d = Driver()
    d.to_method(order())
    d.send(ev.MethodChosen(method="cash"))
    d.insert(10000)
    d.send(ev.OrderNoLongerPayable(reason_key="mpay.payability.already_paid"))
    d.insert(5000)  # stacked while stopping
    d.send(ev.AcceptorsDisabled())
    assert d.last(fx.IssueVoucher).amount == 15000 and not d.all(fx.FinalizePayment)


def test_late_credit_after_settlement_becomes_its_own_voucher() -> None:
    d = Driver()
    d.to_method(order())
    d.send(ev.MethodChosen(method="cash"))
    d.insert(15000)
    d.send(ev.AcceptorsDisabled())
    out = d.insert(1000)
    late = out[0]
    assert isinstance(late, fx.IssueVoucher) and late.reason == "late_credit"
    assert late.credit_ids == ("c2",)
    d.answer_settlement()
    out = d.send(ev.VoucherIssued(request_id=late.request_id, code="L-1", amount=1000))
    assert any(isinstance(e, fx.PrintReceipt) and e.voucher_code == "L-1" for e in out)
    assert d.view.result is not None and d.view.result.extra_vouchers[0].code == "L-1"


def test_out_of_service_waits_for_the_session_to_end() -> None:
    d = Driver()
    d.to_key()
    d.send(ev.OutOfService(reason_key="devices.oos.no_cash"))
    assert d.view.screen == Screen.ORDER_KEY
    d.send(ev.Cancel())
    assert d.view.screen == Screen.OUT_OF_SERVICE
    assert d.view.out_of_service_key == "devices.oos.no_cash"
    d.send(ev.Start())
    assert d.view.screen == Screen.OUT_OF_SERVICE
    d.send(ev.BackInService())
    assert d.view.screen == Screen.ATTRACT


def test_accessibility_and_language_reset_after_session() -> None:
    d = Driver()
    d.send(
        ev.ToggleAccessibility(feature="high_contrast"),
        ev.ToggleAccessibility(feature="large_text"),
    )
    assert d.view.high_contrast and d.view.large_text and d.view.screen == Screen.ATTRACT
    d.send(ev.LanguageChosen(language="en"), ev.Cancel())
    v = d.view
    assert (v.screen, v.language, v.high_contrast, v.large_text) == (
        Screen.ATTRACT,
        "ro",
        False,
        False,
    )


def test_result_returns_to_attract_by_itself() -> None:
    d = Driver()
    d.to_method(order())
    d.send(ev.MethodChosen(method="cash"))
    d.insert(15000)
    d.answer_settlement()
    assert d.view.seconds_left == 20
    d.idle(20)
    assert d.view.screen == Screen.ATTRACT


def test_card_timeout_aborts_and_waits_for_the_terminal() -> None:
    d = Driver()
    d.to_method(order())
    d.send(ev.MethodChosen(method="card"))
    out = d.idle(d.ctx.timeouts.card_s)
    assert out == (fx.AbortCardPayment(),)
    d.idle(60)
    assert d.state.phase == "card"  # never leaves before the terminal answers
    d.send(ev.CardAborted())
    assert d.view.screen == Screen.METHOD and d.view.notice_key == "session.card.timed_out"


def test_no_change_policy_limits_each_credit_to_what_is_due() -> None:
    from dataclasses import replace

    d = Driver(ctx=replace(Driver().ctx, change_as_voucher=False, cash_limit=12000))
    d.to_method(order())
    assert d.send(ev.MethodChosen(method="cash")) == (fx.EnableAcceptors(max_amount=12000),)
    assert d.insert(10000) == (fx.EnableAcceptors(max_amount=2000),)
    assert d.insert(2000) == (fx.DisableAcceptors(),)  # the cash limit is reached
    v = d.view
    assert v.screen == Screen.METHOD and v.notice_key == "session.method.cash_limit"
    cash = {m.method: m for m in v.methods}["cash"]
    assert not cash.available and cash.reason_key == "session.method.cash_limit"
    assert not v.can_cancel and not v.can_go_back
    d.send(ev.MethodChosen(method="card"))
    assert d.last(fx.StartCardPayment).amount == 3000
    d.send(ev.CardApproved(credit_id="k1", amount=3000))
    assert d.last(fx.FinalizePayment).credit_ids == ("c1", "c2", "k1")


def test_unknown_total_payer_types_the_amount() -> None:
    d = Driver()
    d.lookup(order(total=None, partial=True))
    v = d.view
    assert v.order is not None and v.order.amount_due is None and v.order.fee is None
    d.send(ev.Continue())
    a = d.view.amount
    assert a is not None and a.text == "" and a.error_key is None and not a.valid
    d.send(ev.Continue())
    assert d.view.amount is not None and d.view.amount.error_key == "session.amount.empty"
    d.send(ev.AmountChanged(text="12,3x"))
    assert d.view.amount is not None and d.view.amount.error_key == "session.amount.invalid"
    d.send(ev.AmountChanged(text="1234.5"), ev.Continue())
    assert d.view.payment is not None and d.view.payment.total == 123450


def test_services_search_and_categories() -> None:
    d = Driver()
    d.send(ev.LanguageChosen(language="en"))
    s = d.view.services
    assert s is not None and [c.id for c in s.categories] == ["taxes", "fines"]
    assert [x.name for x in s.services][:1] == ["Forest lease"]
    d.send(ev.CategoryChosen(category="fines"))
    s = d.view.services
    assert s is not None and [x.id for x in s.services] == ["IGP01", "FEE3"]
    d.send(ev.SearchChanged(text="ШТРАФ"))  # any language's name matches
    s = d.view.services
    assert s is not None and [x.id for x in s.services] == ["IGP01"]
    d.send(ev.SearchChanged(text="zzz"))
    s = d.view.services
    assert s is not None and s.services == () and s.empty_key == "session.services.none_found"
    d.send(ev.CategoryChosen(category="bogus"))
    assert d.view.services is not None and d.view.services.category is None


def test_order_key_is_trimmed_cut_and_checked_on_submit() -> None:
    d = Driver()
    d.to_key("IGP01")
    d.send(ev.KeyChanged(text="   12"))
    k = d.view.key_entry
    assert k is not None and k.text == "12" and not k.valid and k.error_key is None
    assert k.keyboard == "digits"
    d.send(ev.KeySubmitted())
    k = d.view.key_entry
    assert k is not None and k.error_key == "session.key.invalid" and d.state.phase == "order_key"
    d.send(ev.KeyChanged(text="9" * 50))
    k = d.view.key_entry
    assert k is not None and len(k.text) == 36
