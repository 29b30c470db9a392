"""The payer session machine: ``step(state, event) -> (state, effects)``. Pure.

Theory of operation
-------------------
* ``TABLE[phase][event type]`` names the handler of an event in a phase and the phases it may
  lead to (``targets``; the diagram is drawn from them and a property test checks them). Events
  not in the table for the current phase fall through to ``GLOBAL`` (money, device and network
  news, accessibility, language), and anything else is ignored: a late or double tap is harmless.
* Payer intents (``events.INTENTS``) count as activity: they restart the idle timer and dismiss
  the "need more time?" prompt before the handler runs.
* ``Tick(now)`` is the only clock. Idle screens prompt after ``screen_s`` (``cash_s`` on the cash
  screen) and end ``prompt_s`` later: back to attract with no money, settled with money. Waits
  (lookup, card, stopping, confirming, printing, result, error) have their own bounds.
  ``TIMEOUT_EDGES`` lists where a timeout can lead.
* Money: see ``kiosk.session.paying`` (credits, settlement) and ``kiosk.session.amounts``.
* Broken contracts raise: an unknown event type (TypeError), a credit that is not a positive
  int (ValueError). The runtime logs them and keeps the previous state.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from kiosk.mpay.payability import assess
from kiosk.session import events as ev
from kiosk.session import finishing as fin
from kiosk.session import journey as jy
from kiosk.session import paying as pg
from kiosk.session.journey import Result, same, to_attract
from kiosk.session.states import Credit, Phase, SessionState

__all__ = [
    "Transition",
    "TABLE",
    "GLOBAL",
    "TIMEOUT_EDGES",
    "GLOBAL_EDGES",
    "IDLE_PHASES",
    "step",
]

P = Phase
Handler = Callable[[SessionState, Any], Result]


@dataclass(frozen=True, slots=True)
class Transition:
    handler: Handler
    targets: frozenset[Phase]  # phases the handler may lead to (its own phase is implied)


def _t(handler: Handler, *targets: Phase) -> Transition:
    return Transition(handler, frozenset(targets))


_ATTRACT = (P.ATTRACT, P.OUT_OF_SERVICE)  # to_attract may find the kiosk out of service
_SETTLE = (P.STOPPING, P.RECORDING, P.METHOD, P.ERROR) + _ATTRACT  # begin_settle's outcomes


def _method_pay_inserted(s: SessionState, e: ev.PayWhatInserted) -> Result:
    if s.journey.voucher_request is not None:
        return same(s)
    return pg.pay_what_inserted(s, e)


TABLE: Mapping[Phase, Mapping[type, Transition]] = {
    P.ATTRACT: {
        ev.Start: _t(jy.attract_start, P.SERVICES),
        ev.LanguageChosen: _t(jy.attract_language, P.SERVICES),
    },
    P.SERVICES: {
        ev.SearchChanged: _t(jy.services_search),
        ev.CategoryChosen: _t(jy.services_category),
        ev.ServiceChosen: _t(jy.services_choose, P.ORDER_KEY),
        ev.KeyScanned: _t(jy.services_scan, P.ORDER_KEY, P.LOOKUP),
        ev.Back: _t(jy.cancel_to_attract, *_ATTRACT),
        ev.Cancel: _t(jy.cancel_to_attract, *_ATTRACT),
    },
    P.ORDER_KEY: {
        ev.KeyChanged: _t(jy.key_changed),
        ev.KeySubmitted: _t(jy.key_submitted, P.LOOKUP),
        ev.KeyScanned: _t(jy.key_scanned, P.LOOKUP),
        ev.Back: _t(jy.key_back, P.SERVICES),
        ev.Cancel: _t(jy.cancel_to_attract, *_ATTRACT),
    },
    P.LOOKUP: {
        ev.LookupSucceeded: _t(jy.lookup_succeeded, P.ERROR, P.INVOICE, P.ORDER_CHOICE),
        ev.LookupFailed: _t(jy.lookup_failed, P.ERROR),
        ev.Cancel: _t(jy.lookup_cancel, P.ORDER_KEY),
        ev.Back: _t(jy.lookup_cancel, P.ORDER_KEY),
    },
    P.ORDER_CHOICE: {
        ev.OrderChosen: _t(jy.order_chosen, P.INVOICE),
        ev.Back: _t(jy.choice_back, P.ORDER_KEY),
        ev.Cancel: _t(jy.cancel_to_attract, *_ATTRACT),
    },
    P.INVOICE: {
        ev.Continue: _t(jy.invoice_continue, P.PROPERTIES, P.AMOUNT, P.METHOD),
        ev.Back: _t(jy.invoice_back, P.ORDER_CHOICE, P.ORDER_KEY),
        ev.Cancel: _t(jy.cancel_to_attract, *_ATTRACT),
    },
    P.PROPERTIES: {
        ev.PropertyChanged: _t(jy.property_changed),
        ev.Continue: _t(jy.properties_continue, P.AMOUNT, P.METHOD),
        ev.Back: _t(jy.properties_back, P.INVOICE),
        ev.Cancel: _t(jy.cancel_to_attract, *_ATTRACT),
    },
    P.AMOUNT: {
        ev.AmountChanged: _t(jy.amount_changed),
        ev.Continue: _t(jy.amount_continue, P.METHOD),
        ev.Back: _t(jy.amount_back, P.PROPERTIES, P.INVOICE),
        ev.Cancel: _t(jy.cancel_to_attract, *_ATTRACT),
    },
    P.METHOD: {
        ev.MethodChosen: _t(pg.method_chosen, P.CASH, P.CARD, P.VOUCHER_CODE),
        ev.Back: _t(pg.method_back, P.AMOUNT, P.PROPERTIES, P.INVOICE),
        ev.Cancel: _t(pg.give_up, *_SETTLE),
        ev.TakeVoucher: _t(pg.give_up, *_SETTLE),
        ev.PayWhatInserted: _t(pg.pay_what_inserted, *_SETTLE),
    },
    P.VOUCHER_CODE: {
        ev.VoucherCodeChanged: _t(pg.voucher_text),
        ev.VoucherCodeEntered: _t(pg.voucher_entered),
        ev.VoucherRejected: _t(pg.voucher_rejected, *_SETTLE),
        ev.Back: _t(pg.voucher_back, P.METHOD),
        ev.Cancel: _t(pg.voucher_cancel, *_SETTLE),
        ev.TakeVoucher: _t(pg.voucher_cancel, *_SETTLE),
        ev.PayWhatInserted: _t(_method_pay_inserted, *_SETTLE),
    },
    P.CASH: {
        ev.Back: _t(pg.cash_back, P.METHOD),
        ev.Cancel: _t(pg.give_up, P.STOPPING),
        ev.TakeVoucher: _t(pg.give_up, P.STOPPING),
        ev.PayWhatInserted: _t(pg.pay_what_inserted, P.STOPPING),
    },
    P.CARD: {
        ev.CardStatusChanged: _t(pg.card_status),
        ev.CardDeclined: _t(pg.card_ended, *_SETTLE),
        ev.CardAborted: _t(pg.card_ended, *_SETTLE),
        ev.Cancel: _t(pg.card_abort),
        ev.Back: _t(pg.card_abort),
    },
    P.STOPPING: {
        ev.AcceptorsDisabled: _t(pg.stopped, P.RECORDING, P.METHOD, P.ERROR, *_ATTRACT),
    },
    P.RESULT: {
        ev.Done: _t(fin.result_done, *_ATTRACT),
        ev.Cancel: _t(fin.result_done, *_ATTRACT),
    },
    P.ERROR: {
        ev.Retry: _t(jy.error_retry, P.LOOKUP, P.ORDER_KEY),
        ev.Back: _t(jy.error_back, P.ORDER_KEY),
        ev.Done: _t(jy.cancel_to_attract, *_ATTRACT),
        ev.Cancel: _t(jy.cancel_to_attract, *_ATTRACT),
    },
    P.OUT_OF_SERVICE: {},
}


# -- events handled the same in every phase -----------------------------------------------------
def _language(s: SessionState, e: ev.LanguageChosen) -> Result:
    return same(replace(s, language=e.language) if e.language in s.ctx.languages else s)


def _accessibility(s: SessionState, e: ev.ToggleAccessibility) -> Result:
    if e.feature == "large_text":
        return same(replace(s, large_text=not s.large_text))
    return same(replace(s, high_contrast=not s.high_contrast))


def _nothing(s: SessionState, _e: object) -> Result:
    return same(s)


def _printer(s: SessionState, e: ev.PrinterStatusChanged) -> Result:
    return same(replace(s, printer_ok=e.ok))


def _network(s: SessionState, e: ev.NetworkStatusChanged) -> Result:
    return same(replace(s, online=e.online))


def _card_availability(s: SessionState, e: ev.CardAvailability) -> Result:
    return same(replace(s, card_available=e.available))


def _out_of_service(s: SessionState, e: ev.OutOfService) -> Result:
    s = replace(s, out_of_service_key=e.reason_key, out_of_service_message=e.message)
    if s.phase == P.ATTRACT:
        return same(s.go(P.OUT_OF_SERVICE))
    return same(s)


def _back_in_service(s: SessionState, _e: ev.BackInService) -> Result:
    s = replace(s, out_of_service_key=None, out_of_service_message="")
    if s.phase == P.OUT_OF_SERVICE:
        return same(s.go(P.ATTRACT))
    return same(s)


def _acceptor_fault(s: SessionState, e: ev.AcceptorFault) -> Result:
    s = replace(s, faulted=s.faulted | {e.device})
    if s.phase == P.CASH:
        return pg.cash_fault(s, e)
    return same(s)


def _acceptor_recovered(s: SessionState, e: ev.AcceptorRecovered) -> Result:
    return same(replace(s, faulted=s.faulted - {e.device}))


def _check_amount(amount: object) -> int:
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        raise ValueError(f"a credit must be a positive int of bani, got {amount!r}")
    return amount


def _cash_credit(s: SessionState, e: ev.CreditJournalled) -> Result:
    c = Credit(credit_id=e.credit_id, source=e.source, amount=_check_amount(e.amount))
    return pg.credit(s, c, answers=None)


def _card_credit(s: SessionState, e: ev.CardApproved) -> Result:
    c = Credit(credit_id=e.credit_id, source="card", amount=_check_amount(e.amount))
    return pg.credit(s, c, answers=e)


def _voucher_credit(s: SessionState, e: ev.VoucherRedeemed) -> Result:
    c = Credit(credit_id=e.credit_id, source="voucher", amount=_check_amount(e.amount))
    return pg.credit(s, c, answers=e)


def _no_longer_payable(s: SessionState, e: ev.OrderNoLongerPayable) -> Result:
    if s.journey.order is None or s.journey.settled is not None:
        return same(s)
    return pg.order_unpayable(s, e.reason_key)


GLOBAL: Mapping[type, Handler] = {
    ev.LanguageChosen: _language,
    ev.ToggleAccessibility: _accessibility,
    ev.MoreTime: _nothing,
    ev.PrinterStatusChanged: _printer,
    ev.NetworkStatusChanged: _network,
    ev.CardAvailability: _card_availability,
    ev.OutOfService: _out_of_service,
    ev.BackInService: _back_in_service,
    ev.AcceptorFault: _acceptor_fault,
    ev.AcceptorRecovered: _acceptor_recovered,
    ev.CreditJournalled: _cash_credit,
    ev.CardApproved: _card_credit,
    ev.VoucherRedeemed: _voucher_credit,
    ev.VoucherIssued: fin.voucher_issued,
    ev.PaymentRecorded: fin.payment_recorded,
    ev.ConfirmationSettled: fin.confirmation_settled,
    ev.ReceiptPrinted: fin.receipt_printed,
    ev.OrderNoLongerPayable: _no_longer_payable,
}

#: Where events of ``GLOBAL`` may move the machine (besides staying): for the diagram and tests.
GLOBAL_EDGES: Mapping[Phase, frozenset[Phase]] = {
    P.ATTRACT: frozenset({P.OUT_OF_SERVICE}),
    P.OUT_OF_SERVICE: frozenset({P.ATTRACT}),
    P.INVOICE: frozenset(),
    P.PROPERTIES: frozenset({P.INVOICE}),
    P.AMOUNT: frozenset({P.INVOICE}),
    P.METHOD: frozenset({P.RECORDING, P.ERROR}),
    P.VOUCHER_CODE: frozenset({P.METHOD, P.RECORDING, P.ERROR}),
    P.CASH: frozenset({P.STOPPING, P.METHOD}),  # METHOD: the session's cash limit reached
    P.CARD: frozenset({P.METHOD, P.RECORDING, P.ERROR}),
    P.RECORDING: frozenset({P.CONFIRMING, P.PRINTING, P.RESULT}),
    P.CONFIRMING: frozenset({P.PRINTING, P.RESULT}),
    P.PRINTING: frozenset({P.RESULT}),
}

# -- time ---------------------------------------------------------------------------------------
#: Screens with an idle timeout and the "need more time?" prompt.
IDLE_PHASES = frozenset(
    {
        P.SERVICES,
        P.ORDER_KEY,
        P.ORDER_CHOICE,
        P.INVOICE,
        P.PROPERTIES,
        P.AMOUNT,
        P.METHOD,
        P.VOUCHER_CODE,
        P.CASH,
    }
)
#: Where a timeout (or a due date passing, seen on a tick) may lead, per phase.
TIMEOUT_EDGES: Mapping[Phase, frozenset[Phase]] = {
    **{p: frozenset(_ATTRACT) for p in IDLE_PHASES},
    P.INVOICE: frozenset(_ATTRACT),
    P.PROPERTIES: frozenset({*_ATTRACT, P.INVOICE}),
    P.AMOUNT: frozenset({*_ATTRACT, P.INVOICE}),
    P.METHOD: frozenset({*_ATTRACT, P.RECORDING, P.ERROR}),
    P.VOUCHER_CODE: frozenset({*_ATTRACT, P.RECORDING, P.ERROR}),
    P.CASH: frozenset({P.STOPPING}),
    P.LOOKUP: frozenset({P.ERROR}),
    P.CARD: frozenset(),
    P.STOPPING: frozenset({P.RECORDING, P.METHOD, P.ERROR, *_ATTRACT}),
    P.CONFIRMING: frozenset({P.PRINTING, P.RESULT}),
    P.PRINTING: frozenset({P.RESULT}),
    P.RESULT: frozenset(_ATTRACT),
    P.ERROR: frozenset(_ATTRACT),
}

_UNPAYABLE_WATCH = frozenset(
    {P.INVOICE, P.PROPERTIES, P.AMOUNT, P.METHOD, P.VOUCHER_CODE, P.CASH, P.CARD}
)


def _elapsed(since: datetime, now: datetime) -> float:
    return (now - since).total_seconds()


def _expire(s: SessionState) -> Result:
    """The prompt ran out: leave with no money, settle with money."""
    j = s.journey
    if j.credits or j.acceptors_on:
        return pg.begin_settle(s, "timeout" if j.credits else "abandon")
    return to_attract(s)


def _on_tick(state: SessionState, now: datetime) -> Result:
    if now.tzinfo is None:
        raise ValueError("Tick.now must be timezone-aware")
    shift = now - state.now
    s = replace(state, now=now)
    if shift.total_seconds() < 0:  # the wall clock went back: keep every elapsed time as it was
        s = replace(
            s,
            activity_at=s.activity_at + shift,
            phase_since=s.phase_since + shift,
            prompt_until=None if s.prompt_until is None else s.prompt_until + shift,
        )
    t = s.ctx.timeouts
    j = s.journey
    phase = s.phase
    if phase in _UNPAYABLE_WATCH and j.unpayable_key is None and j.settled is None:
        order, pay = j.order, j.payability
        if order is not None and pay is not None and pay.payable:
            verdict = assess(order, now)
            if not verdict.payable:
                return pg.order_unpayable(s, verdict.reason_key)
    if phase in IDLE_PHASES:
        if phase == P.VOUCHER_CODE and j.voucher_request is not None:
            return same(replace(s, activity_at=now, prompt_until=None))
        if s.prompt_until is not None:
            return _expire(s) if now >= s.prompt_until else same(s)
        idle = t.cash_s if phase == P.CASH else t.screen_s
        if _elapsed(s.activity_at, now) >= idle:
            return same(replace(s, prompt_until=now + timedelta(seconds=t.prompt_s)))
        return same(s)
    waited = _elapsed(s.phase_since, now)
    if phase == P.LOOKUP and waited >= t.lookup_s:
        return jy.lookup_timed_out(s)
    if phase == P.CARD and waited >= t.card_s:
        return pg.card_timeout(s)
    if phase == P.STOPPING and waited >= t.stop_s:
        return pg.finish_stopping(s)
    if phase == P.CONFIRMING and waited >= t.confirm_wait_s:
        return fin.confirm_timeout(s)
    if phase == P.PRINTING and waited >= t.print_s:
        return fin.print_timeout(s)
    if phase == P.RESULT and _elapsed(s.activity_at, now) >= t.result_s:
        return fin.result_done(s, None)
    if phase == P.ERROR and _elapsed(s.activity_at, now) >= t.error_s:
        return to_attract(s)
    return same(s)


_INTENTS = frozenset(ev.INTENTS)
_KNOWN = frozenset(getattr(ev, name) for name in ev.__all__ if name != "INTENTS")


def step(state: SessionState, event: object) -> Result:
    """Apply one event. Returns the new state and the effects to carry out, in order."""
    if isinstance(event, ev.Tick):
        return _on_tick(state, event.now)
    kind = type(event)
    if kind not in _KNOWN:
        raise TypeError(f"not a session event: {event!r}")
    s = state
    if kind in _INTENTS:
        s = replace(s, activity_at=s.now, prompt_until=None)
    entry = TABLE.get(s.phase, {}).get(kind)
    if entry is not None:
        return entry.handler(s, event)
    handler = GLOBAL.get(kind)
    if handler is not None:
        return handler(s, event)
    return same(s)
