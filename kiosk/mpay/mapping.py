"""Between zeep's objects and our dataclasses (``kiosk.mpay.models``), in both directions.

Reading (``orders_from_result``): absent booleans are false (WCF omits defaults, Q10), except
line flags, which stay ``None`` ("inherits the order"); ``IsVisible`` absent means visible;
``Canceled`` is read as ``Cancelled`` (Q12) and known statuses are matched case-insensitively;
offset-less date-times are Europe/Chisinau local time (Q9); lengths over the documented limits
are kept (Q8). An order without OrderKey, ServiceID or Status is a protocol error.

Writing (``query_params``, ``confirmation_params``): a pure function of its input, so a retried
ConfirmOrderPayment carries the same business content byte for byte. ``PaidAt`` is written as
MPay writes it: Chisinau local time, seconds, no offset (Q9); amounts with two decimals (Q10);
each line's DestinationAccount echoed in the 2025 member set (Q2, Q6).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from kiosk.mpay.errors import MpayProtocolError, MpayRequestError
from kiosk.mpay.models import (
    Order,
    OrderLine,
    OrderProperty,
    PaymentAccount,
    PaymentConfirmation,
    PaymentProperty,
)

__all__ = [
    "CHISINAU",
    "KNOWN_STATUSES",
    "normalize_status",
    "local_datetime",
    "orders_from_result",
    "query_params",
    "confirmation_params",
    "format_paid_at",
]

CHISINAU = ZoneInfo("Europe/Chisinau")
KNOWN_STATUSES = (
    "Active",
    "PartiallyPaid",
    "Paid",
    "Completed",
    "Expired",
    "Cancelled",
    "Refunding",
    "Refunded",
)
_STATUS_BY_LOWER = {s.lower(): s for s in KNOWN_STATUSES} | {"canceled": "Cancelled"}
_TWO_PLACES = Decimal("0.01")


def normalize_status(raw: str) -> str:
    """Canonical spelling of a known status (``Canceled`` -> ``Cancelled``); others unchanged."""
    return _STATUS_BY_LOWER.get(raw.strip().lower(), raw.strip())


def local_datetime(value: datetime | None) -> datetime | None:
    """Aware date-time: offset-less values are Chisinau local time."""
    if value is None:
        return None
    return value if value.tzinfo is not None else value.replace(tzinfo=CHISINAU)


def _get(obj: Any, name: str) -> Any:
    try:
        return obj[name]
    except (KeyError, TypeError, AttributeError):
        return None


def _items(array: Any, item: str) -> list[Any]:
    """zeep gives an ArrayOfX either unwrapped (a list) or as an object with the item list."""
    if array is None:
        return []
    if isinstance(array, list):
        return [a for a in array if a is not None]
    return [a for a in (_get(array, item) or []) if a is not None]


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _account(obj: Any) -> PaymentAccount | None:
    if obj is None:
        return None
    return PaymentAccount(
        bank_code=_text(_get(obj, "BankCode")),
        bank_account=_text(_get(obj, "BankAccount")),
        bank_fiscal_code=_text(_get(obj, "BankFiscalCode")),
        bank_name=_text(_get(obj, "BankName")),
        beneficiary_name=_text(_get(obj, "BeneficiaryName")),
        configuration_code=_text(_get(obj, "ConfigurationCode")),
    )


def _properties(array: Any) -> tuple[OrderProperty, ...]:
    out = []
    for p in _items(array, "OrderProperty"):
        visible = _get(p, "IsVisible")
        out.append(
            OrderProperty(
                name=_text(_get(p, "Name")) or "",
                display_name=_text(_get(p, "DisplayName")),
                value=_text(_get(p, "Value")),
                type=_text(_get(p, "Type")) or "string",
                required=bool(_get(p, "Required")),
                modifiable=bool(_get(p, "Modifiable")),
                visible=True if visible is None else bool(visible),
                id=_text(_get(p, "Id")),
            )
        )
    return tuple(out)


def _line(obj: Any) -> OrderLine:
    line_id = _text(_get(obj, "LineID"))
    if not line_id:
        raise MpayProtocolError("an order line has no LineID")
    partial, advance = _get(obj, "AllowPartialPayments"), _get(obj, "AllowAdvancePayments")
    return OrderLine(
        line_id=line_id,
        reason=_text(_get(obj, "Reason")) or "",
        amount_due=_get(obj, "AmountDue"),
        allow_partial=None if partial is None else bool(partial),
        allow_advance=None if advance is None else bool(advance),
        destination_account=_account(_get(obj, "DestinationAccount")),
        properties=_properties(_get(obj, "Properties")),
    )


def _order(obj: Any) -> Order:
    missing = [n for n in ("OrderKey", "ServiceID", "Status") if not _get(obj, n)]
    if missing:
        raise MpayProtocolError(f"an order in the reply lacks {', '.join(missing)}")
    return Order(
        service_id=str(_get(obj, "ServiceID")),
        order_key=str(_get(obj, "OrderKey")),
        status=normalize_status(str(_get(obj, "Status"))),
        reason=_text(_get(obj, "Reason")) or "",
        currency=(_text(_get(obj, "Currency")) or "MDL").strip().upper(),
        total_amount_due=_get(obj, "TotalAmountDue"),
        allow_partial=bool(_get(obj, "AllowPartialPayments")),
        allow_advance=bool(_get(obj, "AllowAdvancePayments")),
        customer_type=_text(_get(obj, "CustomerType")),
        customer_id=_text(_get(obj, "CustomerID")),
        customer_name=_text(_get(obj, "CustomerName")),
        issued_at=local_datetime(_get(obj, "IssuedAt")),
        due_date=local_datetime(_get(obj, "DueDate")),
        lines=tuple(_line(li) for li in _items(_get(obj, "Lines"), "OrderLine")),
        properties=_properties(_get(obj, "Properties")),
    )


def orders_from_result(result: Any) -> list[Order]:
    """zeep's GetOrderDetails result (None, a list, or an ArrayOfOrderDetails) -> orders."""
    return [_order(o) for o in _items(result, "OrderDetails")]


# --------------------------------------------------------------------------- requests


def query_params(service_id: str, order_key: str, language: str) -> dict[str, Any]:
    """Keyword arguments for zeep's GetOrderDetails. Language upper-case, as real MPay sends."""
    if not service_id or not order_key:
        raise MpayRequestError("service_id and order_key are required")
    return {
        "query": {
            "Language": (language or "ro").strip().upper(),
            "OrderKey": order_key.strip(),
            "ServiceID": service_id.strip(),
        }
    }


def format_paid_at(paid_at: datetime) -> str:
    """Chisinau local time to the second, without offset (as MPay writes PaidAt)."""
    if paid_at.tzinfo is None:
        raise MpayRequestError("paid_at must be timezone-aware")
    return paid_at.astimezone(CHISINAU).strftime("%Y-%m-%dT%H:%M:%S")


def _amount(value: Decimal, what: str) -> Decimal:
    if not isinstance(value, Decimal) or not value.is_finite() or value < 0:
        raise MpayRequestError(f"{what} must be a non-negative Decimal, got {value!r}")
    q = value.quantize(_TWO_PLACES)
    if q != value:
        raise MpayRequestError(f"{what} has more than two decimals: {value}")
    return q


def _account_params(acc: PaymentAccount | None) -> dict[str, Any] | None:
    if acc is None:
        return None
    return {
        "BankAccount": acc.bank_account,
        "BankCode": acc.bank_code,
        "BankFiscalCode": acc.bank_fiscal_code,
        "BeneficiaryName": acc.beneficiary_name,
        "ConfigurationCode": acc.configuration_code,
    }


def _property_params(props: Iterable[PaymentProperty]) -> dict[str, Any] | None:
    items = [{"Name": p.name, "Value": p.value} for p in props]
    return {"PaymentProperty": items} if items else None


def confirmation_params(conf: PaymentConfirmation) -> dict[str, Any]:
    """Keyword arguments for zeep's ConfirmOrderPayment; raises MpayRequestError on bad content."""
    if not conf.payment_id or len(conf.payment_id) > 36:
        raise MpayRequestError(f"PaymentID must be 1-36 characters, got {conf.payment_id!r}")
    if not conf.lines:
        raise MpayRequestError("a confirmation needs at least one line")
    total = _amount(conf.total_amount, "TotalAmount")
    lines = []
    line_sum = Decimal(0)
    for line in conf.lines:
        amount = _amount(line.amount, f"line {line.line_id} Amount")
        line_sum += amount
        lines.append(
            {
                "Amount": amount,
                "DestinationAccount": _account_params(line.destination_account),
                "LineID": line.line_id,
                "Properties": _property_params(line.properties),
            }
        )
    if line_sum != total:
        raise MpayRequestError(f"line amounts add up to {line_sum}, not TotalAmount {total}")
    return {
        "confirmation": {
            "Currency": conf.currency,
            "InvoiceID": conf.invoice_id,
            "Lines": {"PaymentConfirmationLine": lines},
            "OrderKey": conf.order_key,
            "PaidAt": format_paid_at(conf.paid_at),
            "PaymentID": conf.payment_id,
            "Properties": _property_params(conf.properties),
            "ServiceID": conf.service_id,
            "TotalAmount": total,
        }
    }
