"""``view_of(state) -> SessionView``: what the UI renders, computed from the machine's state.

Pure and cheap (it runs after every step). See ``kiosk.session.view`` for the contract.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from decimal import Decimal

from kiosk.money import AmountError, format_amount, from_decimal
from kiosk.mpay.models import Order
from kiosk.mpay.payability import Payability, assess
from kiosk.session.journey import amount_error, properties_errors, service_of
from kiosk.session.paying import (
    card_unavailable_key,
    cash_unavailable_key,
    pay_inserted_amount,
)
from kiosk.session.properties import (
    MAX_KEY_LENGTH,
    MAX_VALUE_LENGTH,
    key_error,
    keyboard_for,
    voucher_code_error,
)
from kiosk.session.states import COLLECTING, FINISHING, Phase, ServiceEntry, SessionState, Settled
from kiosk.session.view import (
    AmountView,
    CardView,
    CashView,
    CategoryView,
    ConfirmationState,
    ErrorView,
    FinishingView,
    Keyboard,
    KeyEntryView,
    LineView,
    LookupView,
    Method,
    MethodView,
    OrderView,
    Outcome,
    PaymentView,
    PropertiesView,
    PropertyInputView,
    PropertyView,
    ReceiptState,
    ResultView,
    Screen,
    ServicesView,
    ServiceView,
    SessionView,
    VoucherEntryView,
    VoucherView,
)

__all__ = ["view_of", "qr_text"]

_SCREENS = {
    Phase.STOPPING: Screen.FINISHING,
    Phase.RECORDING: Screen.FINISHING,
    Phase.CONFIRMING: Screen.FINISHING,
    Phase.PRINTING: Screen.FINISHING,
}
_BACKABLE = frozenset(
    {
        Phase.SERVICES,
        Phase.ORDER_KEY,
        Phase.LOOKUP,
        Phase.ORDER_CHOICE,
        Phase.INVOICE,
        Phase.PROPERTIES,
        Phase.AMOUNT,
        Phase.METHOD,
        Phase.CASH,
    }
)
_CANCELLABLE = _BACKABLE | {Phase.VOUCHER_CODE, Phase.ERROR}


def _service_view(svc: ServiceEntry, lang: str) -> ServiceView:
    return ServiceView(
        id=svc.service_id,
        name=svc.name(lang),
        icon=svc.icon,
        category=svc.category,
        hint=svc.hint(lang),
        keyboard=Keyboard(svc.keyboard),
    )


def _matches(svc: ServiceEntry, needle: str) -> bool:
    if not needle:
        return True
    hay = [svc.service_id, *svc.names.values()]
    return any(needle in h.casefold() for h in hay)


def _services(s: SessionState) -> ServicesView:
    j = s.journey
    cats: list[str] = []
    for svc in s.ctx.services:
        if svc.category not in cats:
            cats.append(svc.category)
    needle = j.search.strip().casefold()
    shown = tuple(
        _service_view(svc, s.language)
        for svc in s.ctx.services
        if (j.category is None or svc.category == j.category) and _matches(svc, needle)
    )
    return ServicesView(
        search=j.search,
        categories=tuple(
            CategoryView(id=c, label_key=f"session.category.{c}", selected=c == j.category)
            for c in cats
        ),
        category=j.category,
        services=shown,
        empty_key=None if shown else "session.services.none_found",
    )


def _bani(value: object) -> int | None:
    if not isinstance(value, Decimal):
        return None
    try:
        return from_decimal(value)
    except AmountError:
        return None


def _order_view(index: int, order: Order, pay: Payability, svc: ServiceEntry | None) -> OrderView:
    fee = None
    if pay.payable and pay.due_amount is not None and svc is not None:
        fee = svc.fee.fee_for(pay.due_amount)
    shown = [p for p in order.properties if p.visible and (p.value or "").strip()]
    return OrderView(
        index=index,
        service_id=order.service_id,
        order_key=order.order_key,
        status=order.status,
        reason=order.reason,
        customer_name=order.customer_name,
        customer_id=order.customer_id,
        issued_at=order.issued_at,
        due_date=order.due_date,
        amount_due=_bani(order.total_amount_due),
        lines=tuple(
            LineView(line_id=li.line_id, reason=li.reason, amount_due=_bani(li.amount_due))
            for li in order.lines
        ),
        properties=tuple(
            PropertyView(name=p.name, label=p.display_name or p.name, value=p.value or "")
            for p in shown
        ),
        payable=pay.payable,
        reason_key=pay.reason_key,
        min_amount=pay.min_amount,
        max_amount=pay.max_amount,
        amount_editable=pay.amount_editable,
        allow_partial=order.allow_partial,
        allow_advance=order.allow_advance,
        fee=fee,
    )


def _properties(s: SessionState) -> PropertiesView:
    j = s.journey
    values = dict(j.values)
    errors = properties_errors(s)
    inputs = []
    for sp in j.specs:
        value = values.get(sp.key, "")
        problem = errors.get(sp.key)
        show = j.properties_tried or (
            bool(value.strip()) and problem != "session.property.required"
        )
        inputs.append(
            PropertyInputView(
                key=sp.key,
                label=sp.label,
                type=sp.type,
                value=value,
                required=sp.required,
                keyboard=keyboard_for(sp.type),
                max_length=MAX_VALUE_LENGTH if sp.type not in ("idn",) else 13,
                valid=problem is None,
                error_key=problem if show else None,
            )
        )
    return PropertiesView(inputs=tuple(inputs), all_valid=not errors)


def _amount(s: SessionState) -> AmountView:
    j = s.journey
    pay = j.payability
    amount, problem = amount_error(s, j.amount_text)
    svc = service_of(s)
    fee = svc.fee.fee_for(amount) if (svc is not None and amount is not None) else None
    return AmountView(
        text=j.amount_text,
        amount=amount,
        min_amount=pay.min_amount if pay and pay.min_amount is not None else 1,
        max_amount=pay.max_amount if pay else None,
        suggested=pay.due_amount if pay else None,
        fee=fee,
        total=None if amount is None or fee is None else amount + fee,
        valid=problem is None,
        error_key=problem
        if (j.amount_tried or problem not in (None, "session.amount.empty"))
        else None,
    )


def _payment(s: SessionState) -> PaymentView | None:
    j = s.journey
    if j.amount is None:
        return None
    st = j.settled
    inserted = st.inserted if st is not None else j.inserted
    return PaymentView(
        amount=j.amount,
        fee=j.fee,
        total=j.total,
        inserted=inserted,
        remaining=max(0, j.total - inserted),
    )


def _methods(s: SessionState) -> tuple[MethodView, ...]:
    cash_key = cash_unavailable_key(s)
    card_key = card_unavailable_key(s)
    out = [MethodView(method=Method.CASH, available=cash_key is None, reason_key=cash_key)]
    if s.ctx.card_configured:
        out.append(MethodView(method=Method.CARD, available=card_key is None, reason_key=card_key))
    if s.ctx.vouchers_redeemable:
        out.append(MethodView(method=Method.VOUCHER, available=True, reason_key=None))
    return tuple(out)


def _cash(s: SessionState) -> CashView:
    j = s.journey
    partial = pay_inserted_amount(s)
    no_change = j.payability is not None and j.payability.max_amount is not None
    return CashView(
        due=j.total,
        inserted=j.inserted,
        remaining=j.remaining,
        denominations=tuple(sorted(s.ctx.denominations)),
        last_credit=j.last_credit,
        accepting=j.acceptors_on,
        can_pay_inserted=partial is not None and s.phase == Phase.CASH,
        pay_inserted_amount=partial,
        can_take_voucher=bool(j.credits) and s.phase == Phase.CASH,
        notice_key="session.cash.no_change" if no_change else "session.cash.advance_ok",
    )


def qr_text(s: SessionState, st: Settled) -> str:
    """What the result screen's QR repeats when there is no paper receipt (plain key=value)."""
    order = s.journey.order
    parts = []
    if st.payment_id is not None:
        parts.append(f"payment_id={st.payment_id}")
        if order is not None:
            parts.append(f"service_id={order.service_id}")
            parts.append(f"order_key={order.order_key}")
        parts.append(f"amount={format_amount(st.paid)}")
    if st.voucher_code is not None:
        parts.append(f"voucher={st.voucher_code}")
        parts.append(f"voucher_amount={format_amount(st.voucher)}")
    return "\n".join(parts)


_RESULT_KEYS = {
    (Outcome.PAID, ConfirmationState.CONFIRMED): "session.result.paid_confirmed",
    (Outcome.PAID, ConfirmationState.REVIEW): "session.result.paid_review",
    (Outcome.PAID_PARTIAL, ConfirmationState.CONFIRMED): "session.result.partial_confirmed",
    (Outcome.PAID_PARTIAL, ConfirmationState.REVIEW): "session.result.partial_review",
}


def _result(s: SessionState, st: Settled) -> ResultView:
    if st.outcome == Outcome.VOUCHER:
        key = "session.result.voucher"
    else:
        pending = (
            "session.result.paid_pending"
            if st.outcome == Outcome.PAID
            else "session.result.partial_pending"
        )
        key = _RESULT_KEYS.get((st.outcome, st.confirmation), pending)
    voucher = (
        VoucherView(code=st.voucher_code, amount=st.voucher)
        if st.voucher_code is not None
        else None
    )
    no_paper = st.receipt in (ReceiptState.FAILED, ReceiptState.NO_PAPER)
    return ResultView(
        outcome=st.outcome,
        confirmation=st.confirmation,
        payment_id=st.payment_id,
        paid_amount=st.paid,
        fee=st.fee,
        inserted=st.inserted,
        voucher=voucher,
        receipt=st.receipt,
        qr_data=qr_text(s, st) if no_paper else None,
        message_key=key,
        notice_key=st.notice_key,
        extra_vouchers=tuple(
            VoucherView(code=code, amount=amount) for _, code, amount in s.journey.late_vouchers
        ),
    )


def _finishing_key(s: SessionState) -> str:
    return {
        Phase.STOPPING: "session.finishing.stopping",
        Phase.RECORDING: "session.finishing.recording",
        Phase.CONFIRMING: "session.finishing.confirming",
        Phase.PRINTING: "session.finishing.printing",
    }[s.phase]


def _seconds_left(s: SessionState) -> int | None:
    until: datetime | None = s.prompt_until
    if until is None and s.phase == Phase.RESULT:
        until = s.activity_at + timedelta(seconds=s.ctx.timeouts.result_s)
    if until is None:
        return None
    return max(0, math.ceil((until - s.now).total_seconds()))


def view_of(s: SessionState) -> SessionView:
    """The view of ``s`` (see ``kiosk.session.view``)."""
    j = s.journey
    phase = s.phase
    lang = s.language
    svc = service_of(s)
    money_in = bool(j.credits)
    busy_voucher = j.voucher_request is not None
    if phase == Phase.CARD:
        can_cancel = not money_in and not j.card_abort_requested and j.card_request is not None
    else:
        can_cancel = phase in _CANCELLABLE and not money_in and not busy_voucher
    if phase == Phase.ERROR:
        can_back = j.error_back
    elif phase == Phase.VOUCHER_CODE:
        can_back = not busy_voucher
    else:
        can_back = phase in _BACKABLE and not money_in
    service = _service_view(svc, lang) if svc is not None else None
    kw: dict[str, object] = {}
    if phase == Phase.SERVICES:
        kw["services"] = _services(s)
    if phase == Phase.ORDER_KEY and service is not None and svc is not None:
        problem = key_error(j.key_text, svc.key_pattern)
        kw["key_entry"] = KeyEntryView(
            service=service,
            text=j.key_text,
            keyboard=service.keyboard,
            max_length=MAX_KEY_LENGTH,
            valid=problem is None,
            error_key=problem if j.key_tried else None,
        )
    if phase == Phase.LOOKUP and service is not None:
        kw["lookup"] = LookupView(service=service, order_key=j.key_text, cancellable=True)
    if phase == Phase.ORDER_CHOICE:
        kw["orders"] = tuple(
            _order_view(i, o, assess(o, s.now), svc) for i, o in enumerate(j.orders)
        )
    order = j.order
    if order is not None and j.payability is not None and j.order_index is not None:
        kw["order"] = _order_view(j.order_index, order, j.payability, svc)
    if phase == Phase.PROPERTIES:
        kw["properties"] = _properties(s)
    if phase == Phase.AMOUNT:
        kw["amount"] = _amount(s)
    if phase in COLLECTING or phase in FINISHING or phase == Phase.RESULT:
        kw["payment"] = _payment(s)
    if phase == Phase.METHOD:
        kw["methods"] = _methods(s)
    if phase in (Phase.CASH, Phase.STOPPING) and j.amount is not None:
        kw["cash"] = _cash(s)
    if phase == Phase.CARD:
        kw["card"] = CardView(
            amount=j.remaining,
            status_key=j.card_status_key,
            abort_requested=j.card_abort_requested,
            can_abort=can_cancel,
        )
    if phase == Phase.VOUCHER_CODE:
        problem = voucher_code_error(j.voucher_text)
        kw["voucher_entry"] = VoucherEntryView(
            text=j.voucher_text,
            busy=busy_voucher,
            valid=problem is None,
            error_key=j.voucher_error,
        )
    if phase in _SCREENS:
        kw["finishing"] = FinishingView(step_key=_finishing_key(s))
    if phase == Phase.RESULT and j.settled is not None:
        kw["result"] = _result(s, j.settled)
    if phase == Phase.ERROR:
        kw["error"] = ErrorView(
            message_key=j.error_key or "session.error.generic",
            can_retry=j.error_retry,
            can_go_back=j.error_back,
        )
    notice = j.method_notice if phase == Phase.METHOD else None
    return SessionView(
        screen=_SCREENS[phase] if phase in _SCREENS else Screen(phase.value),
        language=lang,
        languages=s.ctx.languages,
        high_contrast=s.high_contrast,
        large_text=s.large_text,
        timeout_prompt=s.prompt_until is not None,
        seconds_left=_seconds_left(s),
        can_cancel=can_cancel,
        can_go_back=can_back,
        money_in=money_in,
        printer_ok=s.printer_ok,
        out_of_service_key=s.out_of_service_key if phase == Phase.OUT_OF_SERVICE else None,
        out_of_service_message=s.out_of_service_message if phase == Phase.OUT_OF_SERVICE else "",
        service=service,
        notice_key=notice,
        **kw,  # type: ignore[arg-type]
    )
