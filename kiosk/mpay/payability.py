"""Can this order be paid now, and how much may the payer put in? One function: ``assess``.

Rules (specs/mpay.md 1.3, 1.7.2-3, Q3, Q9, Q12), in the order they are checked:

1. Status: only Active and PartiallyPaid are payable (``Canceled`` is read as Cancelled; any
   unknown status is not payable).
2. Currency: MDL only (the kiosk takes lei).
3. DueDate (Chisinau time): payable while ``now <= DueDate``. A DueDate at exactly 00:00 local is
   a date-only value (MPay once handled only dates) and counts through the end of that day.
4. Lines: at least one; line amounts (where given) must add up to TotalAmountDue. Lines without
   AmountDue count 0, unless no line has one: then the first line is due the whole total.
5. Amount, with T = TotalAmountDue in bani:
   * unknown T: payable only if partial or advance payments are allowed; the payer types any
     amount from 1 ban up (no upper limit);
   * partial allowed (order flag, and at least one line that allows it, a line's own flag
     overriding the order's): at least the sum of the lines that do NOT allow partial payment
     (they must be paid in full; RO-API: only the first line carries the flag), and 1 ban;
   * otherwise at least T;
   * advance allowed (order flag and a line that allows it): no upper limit; otherwise at most T;
   * T = 0 is payable only as an advance payment.

Amounts in and out are int bani. ``line_dues``/``amount_limits`` are shared with
``kiosk.mpay.confirmation`` so the split of a payment over lines follows the same rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import Decimal

from kiosk.money import AmountError, from_decimal
from kiosk.mpay.mapping import CHISINAU, normalize_status
from kiosk.mpay.models import PAYABLE_STATUSES, Order, OrderLine

__all__ = [
    "Payability",
    "AmountLimits",
    "assess",
    "amount_limits",
    "line_dues",
    "due_deadline",
    "line_allows_partial",
    "line_allows_advance",
]

_STATUS_KEYS = {
    "Paid": "mpay.payability.already_paid",
    "Completed": "mpay.payability.already_paid",
    "Expired": "mpay.payability.expired",
    "Cancelled": "mpay.payability.cancelled",
    "Refunding": "mpay.payability.refunded",
    "Refunded": "mpay.payability.refunded",
}


@dataclass(frozen=True, slots=True, kw_only=True)
class Payability:
    """The verdict. Amounts in bani; ``max_amount`` None = no upper limit (advance allowed)."""

    payable: bool
    reason_key: str  # i18n key in kiosk/i18n/mpay.json; "mpay.payability.ok" when payable
    min_amount: int | None = None
    max_amount: int | None = None
    amount_editable: bool = False
    due_amount: int | None = None  # TotalAmountDue in bani (None: unknown)


@dataclass(frozen=True, slots=True, kw_only=True)
class AmountLimits:
    min_amount: int
    max_amount: int | None
    editable: bool
    due_amount: int | None


class _NotPayable(Exception):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _bani(value: Decimal) -> int:
    try:
        bani = from_decimal(value)
    except AmountError as exc:
        raise _NotPayable("mpay.payability.bad_amount") from exc
    if bani < 0:
        raise _NotPayable("mpay.payability.bad_amount")
    return bani


def line_allows_partial(order: Order, line: OrderLine) -> bool:
    own = order.allow_partial if line.allow_partial is None else line.allow_partial
    return order.allow_partial and own


def line_allows_advance(order: Order, line: OrderLine) -> bool:
    own = order.allow_advance if line.allow_advance is None else line.allow_advance
    return order.allow_advance and own


def line_dues(order: Order) -> list[int] | None:
    """Bani due per line (None: the total is unknown). Raises ValueError if inconsistent."""
    try:
        return _line_dues(order)
    except _NotPayable as exc:
        raise ValueError(exc.key) from exc


def _line_dues(order: Order) -> list[int] | None:
    if not order.lines:
        raise _NotPayable("mpay.payability.no_lines")
    amounts = [line.amount_due for line in order.lines]
    if order.total_amount_due is None:
        for a in amounts:
            if a is not None:
                _bani(a)
        return None
    total = _bani(order.total_amount_due)
    if all(a is None for a in amounts):
        return [total] + [0] * (len(amounts) - 1)
    dues = [0 if a is None else _bani(a) for a in amounts]
    if sum(dues) != total:
        raise _NotPayable("mpay.payability.inconsistent")
    return dues


def amount_limits(order: Order) -> AmountLimits:
    """The amount rules alone (no status/date checks). Raises ValueError(reason_key)."""
    try:
        return _amount_limits(order)
    except _NotPayable as exc:
        raise ValueError(exc.key) from exc


def _amount_limits(order: Order) -> AmountLimits:
    dues = _line_dues(order)
    if dues is None:
        if not (order.allow_partial or order.allow_advance):
            raise _NotPayable("mpay.payability.unknown_amount")
        return AmountLimits(min_amount=1, max_amount=None, editable=True, due_amount=None)
    total = sum(dues)
    partial_lines = [
        line_allows_partial(order, line) and due > 0
        for line, due in zip(order.lines, dues, strict=True)
    ]
    partial_ok = any(partial_lines)
    advance_ok = any(line_allows_advance(order, line) for line in order.lines)
    if total == 0:
        if not advance_ok:
            raise _NotPayable("mpay.payability.nothing_due")
        return AmountLimits(min_amount=1, max_amount=None, editable=True, due_amount=0)
    if partial_ok:
        fixed = sum(due for due, partial in zip(dues, partial_lines, strict=True) if not partial)
        minimum = max(1, fixed)
    else:
        minimum = total
    return AmountLimits(
        min_amount=minimum,
        max_amount=None if advance_ok else total,
        editable=partial_ok or advance_ok,
        due_amount=total,
    )


def due_deadline(due: datetime) -> datetime:
    """The last instant an order with this DueDate is payable (see rule 3)."""
    local = due.astimezone(CHISINAU) if due.tzinfo else due.replace(tzinfo=CHISINAU)
    if local.time() == time(0, 0):
        next_day = local.date() + timedelta(days=1)
        return datetime.combine(next_day, time(0, 0), CHISINAU) - timedelta(microseconds=1)
    return local


def assess(order: Order, now: datetime) -> Payability:
    """Whether ``order`` is payable at ``now`` (timezone-aware) and the amounts allowed."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    status = normalize_status(order.status)
    if status not in PAYABLE_STATUSES:
        return Payability(
            payable=False, reason_key=_STATUS_KEYS.get(status, "mpay.payability.unknown_status")
        )
    if order.currency.upper() != "MDL":
        return Payability(payable=False, reason_key="mpay.payability.currency")
    if order.due_date is not None and now > due_deadline(order.due_date):
        return Payability(payable=False, reason_key="mpay.payability.overdue")
    try:
        limits = _amount_limits(order)
    except _NotPayable as exc:
        return Payability(payable=False, reason_key=exc.key)
    return Payability(
        payable=True,
        reason_key="mpay.payability.ok",
        min_amount=limits.min_amount,
        max_amount=limits.max_amount,
        amount_editable=limits.editable,
        due_amount=limits.due_amount,
    )
