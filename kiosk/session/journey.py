"""Handlers of the payer's journey before any money: attract, services, key, lookup, invoice,
properties, amount. Each is ``(state, event) -> (state, effects)``; ``machine.TABLE`` maps
(phase, event type) to them. No money is ever in the session in these phases.
"""

from __future__ import annotations

from dataclasses import replace

from kiosk.money import format_amount
from kiosk.mpay.payability import assess
from kiosk.session import events as ev
from kiosk.session.amounts import parse_amount_text
from kiosk.session.effects import BeginSession, CancelLookup, Effect, EndSession, LookupOrder
from kiosk.session.properties import MAX_KEY_LENGTH, input_specs, key_error, validate_value
from kiosk.session.states import Journey, Phase, ServiceEntry, SessionState

__all__ = ["Result", "same", "to_attract", "service_of", "amount_error"]

Result = tuple[SessionState, tuple[Effect, ...]]


def same(s: SessionState) -> Result:
    return s, ()


def service_of(s: SessionState) -> ServiceEntry | None:
    sid = s.journey.service_id
    return None if sid is None else s.ctx.service(sid)


def to_attract(s: SessionState, outcome: str = "abandoned") -> Result:
    """End the session: fresh journey, default language and display, attract (or out of service).

    Raises RuntimeError if unsettled money is still in the session (a bug: money must settle).
    """
    if s.journey.credits or s.journey.acceptors_on or s.journey.card_request is not None:
        raise RuntimeError("session ended with money or a payment device still in play")
    phase = Phase.OUT_OF_SERVICE if s.out_of_service_key else Phase.ATTRACT
    fresh = replace(
        s,
        phase=phase,
        language=s.ctx.default_language,
        high_contrast=False,
        large_text=False,
        journey=Journey(),
        phase_since=s.now,
        activity_at=s.now,
        prompt_until=None,
    )
    return fresh, (EndSession(outcome=outcome),)


# -- attract ------------------------------------------------------------------------------------
def _begin(s: SessionState, language: str) -> Result:
    s = replace(s, language=language)
    return s.go(Phase.SERVICES), (BeginSession(language=language),)


def attract_start(s: SessionState, _e: ev.Start) -> Result:
    return _begin(s, s.language)


def attract_language(s: SessionState, e: ev.LanguageChosen) -> Result:
    if e.language not in s.ctx.languages:
        return same(s)
    return _begin(s, e.language)


def cancel_to_attract(s: SessionState, _e: object) -> Result:
    return to_attract(s)


# -- services -----------------------------------------------------------------------------------
def services_search(s: SessionState, e: ev.SearchChanged) -> Result:
    return same(s.with_journey(search=e.text[:40]))


def services_category(s: SessionState, e: ev.CategoryChosen) -> Result:
    known = {svc.category for svc in s.ctx.services}
    return same(s.with_journey(category=e.category if e.category in known else None))


def services_choose(s: SessionState, e: ev.ServiceChosen) -> Result:
    if s.ctx.service(e.service_id) is None:
        return same(s)
    return same(s.go(Phase.ORDER_KEY, service_id=e.service_id, key_text="", key_tried=False))


def services_scan(s: SessionState, e: ev.KeyScanned) -> Result:
    sid = e.service_id or (s.ctx.services[0].service_id if len(s.ctx.services) == 1 else None)
    if sid is None or s.ctx.service(sid) is None:
        return same(s)
    s = s.go(Phase.ORDER_KEY, service_id=sid)
    return _submit(s.with_journey(key_text=e.text.strip()[:MAX_KEY_LENGTH]))


# -- order key ----------------------------------------------------------------------------------
def key_changed(s: SessionState, e: ev.KeyChanged) -> Result:
    return same(s.with_journey(key_text=e.text.lstrip()[:MAX_KEY_LENGTH]))


def key_submitted(s: SessionState, _e: ev.KeySubmitted) -> Result:
    return _submit(s)


def key_scanned(s: SessionState, e: ev.KeyScanned) -> Result:
    if e.service_id is not None and s.ctx.service(e.service_id) is not None:
        s = s.with_journey(service_id=e.service_id)
    return _submit(s.with_journey(key_text=e.text.strip()[:MAX_KEY_LENGTH]))


def key_back(s: SessionState, _e: ev.Back) -> Result:
    return same(s.go(Phase.SERVICES))


def _submit(s: SessionState) -> Result:
    svc = service_of(s)
    if svc is None:
        return same(s)
    key = s.journey.key_text.strip()
    if key_error(key, svc.key_pattern) is not None:
        return same(s.with_journey(key_tried=True))
    s, rid = s.request()
    s = s.go(Phase.LOOKUP, key_text=key, key_tried=False, lookup_request=rid, orders=())
    return s, (
        LookupOrder(request_id=rid, service_id=svc.service_id, order_key=key, language=s.language),
    )


# -- lookup -------------------------------------------------------------------------------------
def lookup_succeeded(s: SessionState, e: ev.LookupSucceeded) -> Result:
    if e.request_id != s.journey.lookup_request:
        return same(s)
    orders = tuple(e.orders)
    s = s.with_journey(lookup_request=None, orders=orders)
    if not orders:
        return same(_error(s, "session.lookup.not_found", retry=False))
    if len(orders) == 1:
        return same(choose(s, 0))
    key = s.journey.key_text
    exact = [
        i
        for i, o in enumerate(orders)
        if o.service_id == s.journey.service_id and o.order_key.strip() == key
    ]
    if len(exact) == 1:
        return same(choose(s, exact[0]))
    return same(s.go(Phase.ORDER_CHOICE))


def lookup_failed(s: SessionState, e: ev.LookupFailed) -> Result:
    if e.request_id != s.journey.lookup_request:
        return same(s)
    retry = e.kind in ("unavailable", "service_error")
    return same(_error(s.with_journey(lookup_request=None), e.message_key, retry=retry))


def lookup_cancel(s: SessionState, _e: object) -> Result:
    rid = s.journey.lookup_request
    s = s.go(Phase.ORDER_KEY, lookup_request=None)
    return s, (() if rid is None else (CancelLookup(request_id=rid),))


def lookup_timed_out(s: SessionState) -> Result:
    rid = s.journey.lookup_request
    s = _error(s.with_journey(lookup_request=None), "session.lookup.timeout", retry=True)
    return s, (() if rid is None else (CancelLookup(request_id=rid),))


def _error(s: SessionState, key: str, *, retry: bool, back: bool = True) -> SessionState:
    return s.go(Phase.ERROR, error_key=key, error_retry=retry, error_back=back)


def error_retry(s: SessionState, _e: ev.Retry) -> Result:
    if not s.journey.error_retry:
        return same(s)
    return _submit(s.go(Phase.ORDER_KEY))


def error_back(s: SessionState, _e: ev.Back) -> Result:
    if not s.journey.error_back:
        return same(s)
    return same(s.go(Phase.ORDER_KEY, key_tried=False))


# -- order choice and invoice ---------------------------------------------------------------------
def choose(s: SessionState, index: int) -> SessionState:
    order = s.journey.orders[index]
    pay = assess(order, s.now)
    specs = input_specs(order) if pay.payable else ()
    return s.go(
        Phase.INVOICE,
        order_index=index,
        payability=pay,
        specs=specs,
        values=tuple((sp.key, sp.initial) for sp in specs),
        properties_tried=False,
        amount=None,
        fee=0,
        amount_text="",
        amount_tried=False,
        unpayable_key=None,
    )


def order_chosen(s: SessionState, e: ev.OrderChosen) -> Result:
    if not 0 <= e.index < len(s.journey.orders):
        return same(s)
    return same(choose(s, e.index))


def choice_back(s: SessionState, _e: ev.Back) -> Result:
    return same(s.go(Phase.ORDER_KEY))


def invoice_continue(s: SessionState, _e: ev.Continue) -> Result:
    pay = s.journey.payability
    if pay is None or not pay.payable:
        return same(s)
    if s.journey.specs:
        return same(s.go(Phase.PROPERTIES, properties_tried=False))
    return _after_properties(s)


def invoice_back(s: SessionState, _e: ev.Back) -> Result:
    if len(s.journey.orders) > 1:
        return same(s.go(Phase.ORDER_CHOICE))
    return same(s.go(Phase.ORDER_KEY))


def _after_properties(s: SessionState) -> Result:
    pay = s.journey.payability
    assert pay is not None and pay.min_amount is not None
    if pay.amount_editable:
        text = s.journey.amount_text
        if not text and pay.due_amount and pay.due_amount >= pay.min_amount:
            text = format_amount(pay.due_amount)
        return same(s.go(Phase.AMOUNT, amount_text=text, amount_tried=False))
    return to_method(s, pay.min_amount)


def to_method(s: SessionState, amount: int) -> Result:
    svc = service_of(s)
    fee = svc.fee.fee_for(amount) if svc is not None else 0
    return same(s.go(Phase.METHOD, amount=amount, fee=max(0, fee), method_notice=None))


# -- properties ---------------------------------------------------------------------------------
def property_changed(s: SessionState, e: ev.PropertyChanged) -> Result:
    if all(sp.key != e.key for sp in s.journey.specs):
        return same(s)
    values = tuple((k, e.value[:255] if k == e.key else v) for k, v in s.journey.values)
    return same(s.with_journey(values=values))


def properties_errors(s: SessionState) -> dict[str, str]:
    values = dict(s.journey.values)
    errors: dict[str, str] = {}
    for sp in s.journey.specs:
        problem = validate_value(sp.type, values.get(sp.key, ""), sp.required)
        if problem is not None:
            errors[sp.key] = problem
    return errors


def properties_continue(s: SessionState, _e: ev.Continue) -> Result:
    if properties_errors(s):
        return same(s.with_journey(properties_tried=True))
    return _after_properties(s)


def properties_back(s: SessionState, _e: ev.Back) -> Result:
    return same(s.go(Phase.INVOICE))


# -- amount -------------------------------------------------------------------------------------
def amount_error(s: SessionState, text: str) -> tuple[int | None, str | None]:
    """The typed amount in bani (or None) and its problem's i18n key (or None)."""
    pay = s.journey.payability
    if not text.strip():
        return None, "session.amount.empty"
    amount = parse_amount_text(text)
    if amount is None:
        return None, "session.amount.invalid"
    if pay is None or pay.min_amount is None:
        return amount, "session.amount.invalid"
    if amount < pay.min_amount:
        return amount, "session.amount.below_min"
    if pay.max_amount is not None and amount > pay.max_amount:
        return amount, "session.amount.above_max"
    return amount, None


def amount_changed(s: SessionState, e: ev.AmountChanged) -> Result:
    return same(s.with_journey(amount_text=e.text.strip()[:16]))


def amount_continue(s: SessionState, _e: ev.Continue) -> Result:
    amount, problem = amount_error(s, s.journey.amount_text)
    if problem is not None or amount is None:
        return same(s.with_journey(amount_tried=True))
    return to_method(s, amount)


def amount_back(s: SessionState, _e: ev.Back) -> Result:
    if s.journey.specs:
        return same(s.go(Phase.PROPERTIES))
    return same(s.go(Phase.INVOICE))
