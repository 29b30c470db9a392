"""Handlers of the money phases: method choice, cash, card, voucher redemption and settling
(what follows the settlement is in ``kiosk.session.finishing``).

Theory of operation (the rules this module keeps):

* Money enters only through ``credit`` (a journalled credit event). In a collecting phase it
  joins the session; anywhere else it becomes a voucher of its own at once ("late credit").
* A session with money never goes back to attract without a settlement: every exit with money
  (total reached, PayWhatInserted, TakeVoucher/Cancel, timeout, acceptor fault, order turned
  unpayable) goes through ``begin_settle``, which first disables the acceptors (STOPPING waits
  for ``AcceptorsDisabled`` so a bill in the stacker is counted) and then ``settle`` splits the
  money (``kiosk.session.amounts``) into one ``FinalizePayment`` and/or one ``IssueVoucher``.
"""

from __future__ import annotations

from dataclasses import replace

from kiosk.mpay.payability import Payability
from kiosk.session import events as ev
from kiosk.session.amounts import partial_amount, split_money
from kiosk.session.effects import (
    AbortCardPayment,
    DisableAcceptors,
    Effect,
    EnableAcceptors,
    FinalizePayment,
    IssueVoucher,
    RedeemVoucher,
    StartCardPayment,
)
from kiosk.session.fees import FeeSchedule, NoFee
from kiosk.session.journey import Result, same, service_of, to_attract
from kiosk.session.properties import MAX_VOUCHER_LENGTH, payment_properties, voucher_code_error
from kiosk.session.states import COLLECTING, Credit, Phase, SessionState, Settled
from kiosk.session.view import ConfirmationState, Method, Outcome

__all__ = [
    "credit",
    "begin_settle",
    "settle",
    "order_unpayable",
    "cash_unavailable_key",
    "card_unavailable_key",
    "pay_inserted_amount",
]

_NOTICES = {
    "timeout": "session.notice.timeout",
    "fault": "session.notice.device_fault",
    "unpayable": "session.notice.order_unpayable",
}


def _fee_rule(s: SessionState) -> FeeSchedule:
    svc = service_of(s)
    return svc.fee if svc is not None else NoFee()


def _bounds(s: SessionState) -> tuple[int, int | None]:
    pay = s.journey.payability
    if pay is None or pay.min_amount is None:
        return 1, s.journey.amount
    return pay.min_amount, pay.max_amount


def pay_inserted_amount(s: SessionState) -> int | None:
    """What ``PayWhatInserted`` would pay to the order now (None: not possible)."""
    j = s.journey
    if not j.credits or j.amount is None or j.unpayable_key is not None:
        return None
    low, _ = _bounds(s)
    if j.inserted >= j.total:
        return None
    return partial_amount(j.inserted, _fee_rule(s), low, j.amount)


# -- availability -------------------------------------------------------------------------------
def _cash_room(s: SessionState) -> int | None:
    """How much more cash this session may take (None = no limit)."""
    if s.ctx.cash_limit is None:
        return None
    taken = sum(c.amount for c in s.journey.credits if c.source in ("bill", "coin"))
    return max(0, s.ctx.cash_limit - taken)


def cash_unavailable_key(s: SessionState) -> str | None:
    if not s.ctx.acceptors:
        return "session.method.cash_not_configured"
    if all(a in s.faulted for a in s.ctx.acceptors):
        return "session.method.cash_fault"
    if _cash_room(s) == 0:
        return "session.method.cash_limit"
    return None


def card_unavailable_key(s: SessionState) -> str | None:
    if not s.ctx.card_configured:
        return "session.method.card_not_configured"
    if not s.online:
        return "session.method.card_offline"
    if not s.card_available:
        return "session.method.card_unavailable"
    return None


def _accept_limit(s: SessionState) -> int | None:
    limits: list[int] = []
    _, high = _bounds(s)
    if not s.ctx.change_as_voucher and high is not None:
        limits.append(s.journey.remaining)
    room = _cash_room(s)
    if room is not None:
        limits.append(room)
    return min(limits) if limits else None


# -- method -------------------------------------------------------------------------------------
def _covered(s: SessionState) -> bool:
    j = s.journey
    return j.amount is not None and bool(j.credits) and j.inserted >= j.total


def back_to_method(s: SessionState, **changes: object) -> Result:
    """To the method screen; if the money already covers the total, settle instead."""
    s = s.go(Phase.METHOD, **changes)
    if s.journey.unpayable_key is not None:
        return order_unpayable(s, s.journey.unpayable_key)
    if _covered(s):
        return settle(s, "due")
    return same(s)


def method_chosen(s: SessionState, e: ev.MethodChosen) -> Result:
    if e.method == Method.CASH and cash_unavailable_key(s) is None:
        limit = _accept_limit(s)
        s = s.go(Phase.CASH, acceptors_on=True, accept_limit=limit, method_notice=None)
        return s, (EnableAcceptors(max_amount=limit),)
    if e.method == Method.CARD and card_unavailable_key(s) is None and s.journey.remaining > 0:
        s, rid = s.request()
        s = s.go(
            Phase.CARD,
            card_request=rid,
            card_status_key="session.card.present_card",
            card_abort_requested=False,
            method_notice=None,
        )
        return s, (StartCardPayment(request_id=rid, amount=s.journey.remaining),)
    if e.method == Method.VOUCHER and s.ctx.vouchers_redeemable:
        return same(s.go(Phase.VOUCHER_CODE, voucher_text="", voucher_error=None))
    return same(s)


def method_back(s: SessionState, _e: ev.Back) -> Result:
    if s.journey.credits:
        return same(s)
    pay = s.journey.payability
    if pay is not None and pay.amount_editable:
        return same(s.go(Phase.AMOUNT))
    if s.journey.specs:
        return same(s.go(Phase.PROPERTIES))
    return same(s.go(Phase.INVOICE))


def give_up(s: SessionState, e: object) -> Result:
    """Cancel/TakeVoucher: leave with no money, or settle what is in as a voucher."""
    if s.journey.credits:
        return begin_settle(s, "give_up")
    if isinstance(e, ev.TakeVoucher):
        return same(s)
    if s.journey.acceptors_on:
        return begin_settle(s, "abandon")
    return to_attract(s)


def pay_what_inserted(s: SessionState, _e: ev.PayWhatInserted) -> Result:
    if pay_inserted_amount(s) is None:
        return same(s)
    return begin_settle(s, "partial")


# -- cash ---------------------------------------------------------------------------------------
def cash_back(s: SessionState, _e: ev.Back) -> Result:
    if s.journey.credits:
        return same(s)
    return s.go(Phase.METHOD, acceptors_on=False, accept_limit=None), (DisableAcceptors(),)


def cash_fault(s: SessionState, _e: ev.AcceptorFault) -> Result:
    s = s.with_journey(fault_key="session.fault.acceptor")
    return begin_settle(s, "fault")


# -- card ---------------------------------------------------------------------------------------
def card_status(s: SessionState, e: ev.CardStatusChanged) -> Result:
    return same(s.with_journey(card_status_key=e.key))


def card_abort(s: SessionState, _e: object) -> Result:
    j = s.journey
    if j.card_request is None or j.card_abort_requested:
        return same(s)
    return s.with_journey(card_abort_requested=True), (AbortCardPayment(),)


def card_ended(s: SessionState, e: ev.CardDeclined | ev.CardAborted) -> Result:
    j = s.journey
    if j.card_request is None:
        return same(s)
    if isinstance(e, ev.CardDeclined):
        notice: str | None = e.reason_key
    elif j.card_abort_requested and _card_timed_out(s):
        notice = "session.card.timed_out"
    else:
        notice = None
    return back_to_method(s, card_request=None, card_abort_requested=False, method_notice=notice)


def _card_timed_out(s: SessionState) -> bool:
    return (s.now - s.phase_since).total_seconds() >= s.ctx.timeouts.card_s


def card_timeout(s: SessionState) -> Result:
    return card_abort(s, None)


# -- voucher code -------------------------------------------------------------------------------
def voucher_text(s: SessionState, e: ev.VoucherCodeChanged) -> Result:
    if s.journey.voucher_request is not None:
        return same(s)
    return same(
        s.with_journey(voucher_text=e.text.strip()[:MAX_VOUCHER_LENGTH], voucher_error=None)
    )


def voucher_entered(s: SessionState, e: ev.VoucherCodeEntered) -> Result:
    j = s.journey
    if j.voucher_request is not None:
        return same(s)
    code = (e.code if e.code is not None else j.voucher_text).strip()
    problem = voucher_code_error(code)
    if problem is not None:
        return same(s.with_journey(voucher_text=code[:MAX_VOUCHER_LENGTH], voucher_error=problem))
    s, rid = s.request()
    s = s.with_journey(voucher_text=code, voucher_request=rid, voucher_error=None)
    return s, (RedeemVoucher(request_id=rid, code=code),)


def voucher_rejected(s: SessionState, e: ev.VoucherRejected) -> Result:
    if e.request_id != s.journey.voucher_request:
        return same(s)
    s = s.with_journey(voucher_request=None, voucher_error=e.reason_key)
    if s.journey.unpayable_key is not None:
        return order_unpayable(s, s.journey.unpayable_key)
    return same(s)


def voucher_back(s: SessionState, _e: ev.Back) -> Result:
    if s.journey.voucher_request is not None:
        return same(s)
    return same(s.go(Phase.METHOD, voucher_error=None))


def voucher_cancel(s: SessionState, e: object) -> Result:
    if s.journey.voucher_request is not None:
        return same(s)
    return give_up(s, e)


# -- money in -----------------------------------------------------------------------------------
def credit(
    s: SessionState, c: Credit, *, answers: ev.CardApproved | ev.VoucherRedeemed | None
) -> Result:
    """A journalled credit: join the session's money, or become a voucher of its own."""
    j = s.journey
    if s.phase not in COLLECTING or j.settled is not None or j.amount is None:
        return _late_credit(s, c)
    s = replace(s, activity_at=s.now, prompt_until=None)
    s = s.with_journey(credits=j.credits + (c,), last_credit=c.amount)
    if s.phase == Phase.STOPPING:
        return same(s)
    if s.phase == Phase.CASH:
        if _covered(s):
            return begin_settle(s, "due")
        limit = _accept_limit(s)
        if limit == 0:  # the session's cash limit is reached: pay the rest another way
            s = s.go(
                Phase.METHOD,
                acceptors_on=False,
                accept_limit=None,
                method_notice="session.method.cash_limit",
            )
            return s, (DisableAcceptors(),)
        if limit != j.accept_limit:
            return s.with_journey(accept_limit=limit), (EnableAcceptors(max_amount=limit),)
        return same(s)
    if s.phase == Phase.CARD:
        if isinstance(answers, ev.CardApproved):
            return back_to_method(s, card_request=None, card_abort_requested=False)
        return same(s)
    if (
        s.phase == Phase.VOUCHER_CODE
        and isinstance(answers, ev.VoucherRedeemed)
        and answers.request_id == j.voucher_request
    ):
        return back_to_method(s, voucher_request=None, voucher_text="")
    if s.phase == Phase.VOUCHER_CODE and s.journey.voucher_request is not None:
        return same(s)  # wait for the redemption's answer before leaving
    if _covered(s):
        return settle(s, "due")
    return same(s)


def _late_credit(s: SessionState, c: Credit) -> Result:
    s, rid = s.request()
    s = replace(s, late_requests=s.late_requests | {rid})
    return s, (
        IssueVoucher(
            request_id=rid,
            amount=c.amount,
            credit_ids=(c.credit_id,),
            reason="late_credit",
            language=s.language,
        ),
    )


# -- settling -----------------------------------------------------------------------------------
def begin_settle(s: SessionState, reason: str) -> Result:
    """Stop the acceptors first (if on), then settle. ``abandon``: no money expected."""
    if s.journey.acceptors_on:
        s = s.go(Phase.STOPPING, acceptors_on=False, accept_limit=None, settle_reason=reason)
        return s, (DisableAcceptors(),)
    s = s.with_journey(settle_reason=reason)
    return finish_stopping(s)


def stopped(s: SessionState, _e: object) -> Result:
    return finish_stopping(s)


def finish_stopping(s: SessionState) -> Result:
    j = s.journey
    reason = j.settle_reason or "timeout"
    if j.unpayable_key is not None:
        reason = "unpayable"
    if j.credits:
        return settle(s, "give_up" if reason == "abandon" else reason)
    if reason == "fault":
        return same(s.go(Phase.METHOD, settle_reason=None, method_notice=j.fault_key))
    if reason == "unpayable":
        key = j.unpayable_key or "session.notice.order_unpayable"
        return same(s.go(Phase.ERROR, error_key=key, error_retry=False, error_back=False))
    return to_attract(s.with_journey(settle_reason=None))


def settle(s: SessionState, reason: str) -> Result:
    """Split the session's credits into a payment and/or a voucher and ask the runtime to record."""
    j = s.journey
    order = j.order
    amount = j.amount or 0
    low, high = _bounds(s)
    if order is None:
        reason = "unpayable"
    split = split_money(
        inserted=j.inserted,
        amount=amount,
        fee_shown=j.fee,
        fee=_fee_rule(s),
        min_amount=low,
        max_amount=high,
        reason=reason,
    )
    credit_ids = tuple(c.credit_id for c in j.credits)
    effects: list[Effect] = []
    pay_rid: int | None = None
    voucher_rid: int | None = None
    if split.paid > 0 and order is not None:
        s, pay_rid = s.request()
        effects.append(
            FinalizePayment(
                request_id=pay_rid,
                service_id=order.service_id,
                order_key=order.order_key,
                order=order,
                amount=split.paid,
                fee=split.fee,
                inserted=j.inserted,
                credit_ids=credit_ids,
                properties=payment_properties(j.specs, dict(j.values)),
                language=s.language,
                partial=split.outcome == Outcome.PAID_PARTIAL,
                reason=reason,
            )
        )
    if split.voucher > 0:
        s, voucher_rid = s.request()
        effects.append(
            IssueVoucher(
                request_id=voucher_rid,
                amount=split.voucher,
                credit_ids=() if pay_rid is not None else credit_ids,
                reason="change" if pay_rid is not None else reason,
                change_for=pay_rid,
                language=s.language,
            )
        )
    notice = j.fault_key if reason == "fault" else _NOTICES.get(reason)
    if reason == "unpayable" and j.unpayable_key:
        notice = j.unpayable_key
    settled = Settled(
        outcome=split.outcome,
        reason=reason,
        paid=split.paid,
        fee=split.fee,
        inserted=j.inserted,
        voucher=split.voucher,
        payment_request=pay_rid,
        voucher_request=voucher_rid,
        confirmation=ConfirmationState.CONFIRMING if pay_rid else ConfirmationState.NONE,
        notice_key=notice,
    )
    s = s.go(
        Phase.RECORDING,
        credits=(),
        settled=settled,
        settle_reason=None,
        acceptors_on=False,
        card_request=None,
        voucher_request=None,
    )
    return s, tuple(effects)


def order_unpayable(s: SessionState, key: str) -> Result:
    """The chosen order cannot be paid any more (DueDate passed, or the runtime said so)."""
    j = s.journey
    s = s.with_journey(unpayable_key=key)
    if s.phase in (Phase.INVOICE, Phase.PROPERTIES, Phase.AMOUNT):
        pay = Payability(payable=False, reason_key=key)
        return same(s.go(Phase.INVOICE, payability=pay, specs=()))
    if s.phase == Phase.CARD:
        return card_abort(s, None)
    if s.phase == Phase.VOUCHER_CODE and j.voucher_request is not None:
        return same(s)
    if s.phase == Phase.STOPPING:
        return same(s)
    if s.phase in (Phase.METHOD, Phase.VOUCHER_CODE, Phase.CASH):
        if j.credits or j.acceptors_on:
            return begin_settle(s, "unpayable")
        return same(s.go(Phase.ERROR, error_key=key, error_retry=False, error_back=False))
    return same(s)
