"""``build_confirmation``: the business content of one ConfirmOrderPayment, fixed once.

The runtime calls it when a payment is complete, stores the result with the PaymentID, and the
outbox re-sends exactly that on every retry (rule 3). It does not look at the status or the due
date (money has already been taken; ``assess`` was asked before that); it enforces the amount
rules of ``kiosk.mpay.payability`` and splits the amount over the order's lines:

1. lines that may not be paid partially get exactly their due;
2. what is left fills the lines that allow partial payment, in order, each up to its due;
3. anything above the total goes to the first line that allows advance payment;
4. with an unknown total (payer-entered amount) the first line takes everything.

Lines that get nothing are left out; the rest add up to TotalAmount exactly. Each line echoes
its DestinationAccount (Q6). Properties: every order/line property that is required or
modifiable is sent back with the payer's value (from ``properties``, by name) or its own value;
names in ``properties`` that match no order property are added at the order level (e.g. a
``Bank`` property). A payer value for a non-modifiable property that already has a value, a
required property left empty, or an invalid ``idn``/``tc`` value is a ``ConfirmationError``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

from kiosk.idn import is_valid_idn
from kiosk.money import to_decimal
from kiosk.mpay.models import (
    ConfirmationLine,
    Order,
    OrderProperty,
    PaymentConfirmation,
    PaymentProperty,
)
from kiosk.mpay.payability import (
    amount_limits,
    line_allows_advance,
    line_allows_partial,
    line_dues,
)

__all__ = ["ConfirmationError", "build_confirmation", "split_amount", "property_value_ok"]


class ConfirmationError(ValueError):
    """The payment cannot be confirmed as asked (amount out of range, bad property, ...)."""


def property_value_ok(type_: str, value: str) -> bool:
    """Type rules of OrderProperty values (``idn``: a valid IDNP/IDNO; ``tc``: one, or at least
    five characters with a non-digit); other types are free text."""
    kind = type_.strip().lower()
    if kind == "idn":
        return is_valid_idn(value)
    if kind == "tc":
        return is_valid_idn(value) or (len(value) >= 5 and not value.isdigit())
    return True


def split_amount(order: Order, amount_bani: int) -> list[int]:
    """Bani per order line for a payment of ``amount_bani`` (see the module docstring)."""
    if isinstance(amount_bani, bool) or not isinstance(amount_bani, int) or amount_bani <= 0:
        raise ConfirmationError(f"the amount must be a positive int of bani, got {amount_bani!r}")
    try:
        limits = amount_limits(order)
        dues = line_dues(order)
    except ValueError as exc:
        raise ConfirmationError(f"the order cannot be paid: {exc}") from exc
    if amount_bani < limits.min_amount:
        raise ConfirmationError(f"{amount_bani} bani is below the minimum {limits.min_amount}")
    if limits.max_amount is not None and amount_bani > limits.max_amount:
        raise ConfirmationError(f"{amount_bani} bani is above the maximum {limits.max_amount}")
    n = len(order.lines)
    if dues is None:
        return [amount_bani] + [0] * (n - 1)
    partial = [line_allows_partial(order, li) for li in order.lines]
    alloc = [0 if partial[i] else dues[i] for i in range(n)]
    rest = amount_bani - sum(alloc)
    for i in range(n):
        if partial[i] and rest > 0:
            take = min(dues[i], rest)
            alloc[i] += take
            rest -= take
    if rest > 0:
        target = next(i for i, li in enumerate(order.lines) if line_allows_advance(order, li))
        alloc[target] += rest
    if rest < 0 or sum(alloc) != amount_bani:  # pragma: no cover - guarded by the limits
        raise ConfirmationError("internal: the split does not add up")
    return alloc


def _given(properties: Mapping[str, str] | Iterable[PaymentProperty]) -> dict[str, str]:
    if isinstance(properties, Mapping):
        return {str(k): str(v) for k, v in properties.items()}
    return {p.name: p.value or "" for p in properties}


def _echo(
    props: tuple[OrderProperty, ...], given: dict[str, str], used: set[str]
) -> tuple[PaymentProperty, ...]:
    out = []
    for prop in props:
        if prop.name in given:
            value = given[prop.name].strip()
            used.add(prop.name)
            if not prop.modifiable and prop.value and value != prop.value:
                raise ConfirmationError(f"property {prop.name} may not be changed")
        elif prop.required or prop.modifiable:
            value = (prop.value or "").strip()
        else:
            continue
        if prop.required and not value:
            raise ConfirmationError(f"required property {prop.name} is empty")
        if value and not property_value_ok(prop.type, value):
            raise ConfirmationError(f"property {prop.name} is not a valid {prop.type} value")
        out.append(PaymentProperty(name=prop.name, value=value))
    return tuple(out)


def build_confirmation(
    order: Order,
    amount_bani: int,
    payment_id: str,
    paid_at: datetime,
    properties: Mapping[str, str] | Iterable[PaymentProperty] = (),
    *,
    invoice_id: str | None = None,
) -> PaymentConfirmation:
    """The PaymentConfirmation for paying ``amount_bani`` of ``order``; raises ConfirmationError."""
    if not payment_id or len(payment_id) > 36:
        raise ConfirmationError(f"PaymentID must be 1-36 characters, got {payment_id!r}")
    if paid_at.tzinfo is None:
        raise ConfirmationError("paid_at must be timezone-aware")
    alloc = split_amount(order, amount_bani)
    given = _given(properties)
    used: set[str] = set()
    order_props = _echo(order.properties, given, used)
    lines = []
    for line, bani in zip(order.lines, alloc, strict=True):
        line_props = _echo(line.properties, given, used)
        if bani == 0:
            continue
        lines.append(
            ConfirmationLine(
                line_id=line.line_id,
                amount=to_decimal(bani),
                destination_account=line.destination_account,
                properties=line_props,
            )
        )
    extras = tuple(PaymentProperty(name=k, value=v) for k, v in given.items() if k not in used)
    return PaymentConfirmation(
        payment_id=payment_id,
        service_id=order.service_id,
        order_key=order.order_key,
        paid_at=paid_at,
        total_amount=to_decimal(amount_bani),
        lines=tuple(lines),
        currency=order.currency,
        invoice_id=invoice_id,
        properties=order_props + extras,
    )
