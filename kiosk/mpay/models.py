"""MPay's IServiceProvider structures as our own frozen dataclasses.

These are what the rest of the kiosk sees of MPay: the zeep objects never leave
``kiosk.mpay``. Amounts are ``Decimal`` (two places, as MPay writes them); date-times are
timezone-aware (offset-less values from MPay are Europe/Chisinau local time). Lengths over the
documented limits are kept as they came (real messages exceed them).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

__all__ = [
    "PAYABLE_STATUSES",
    "PaymentAccount",
    "OrderProperty",
    "OrderLine",
    "Order",
    "PaymentProperty",
    "ConfirmationLine",
    "PaymentConfirmation",
    "Evidence",
]

#: Statuses in which an order may be paid (spec 1.7.2). Others: Paid, Completed, Expired,
#: Cancelled (also spelled Canceled), Refunding, Refunded, or anything unknown.
PAYABLE_STATUSES = frozenset({"Active", "PartiallyPaid"})


@dataclass(frozen=True, slots=True, kw_only=True)
class PaymentAccount:
    bank_code: str | None = None
    bank_account: str | None = None
    bank_fiscal_code: str | None = None
    bank_name: str | None = None
    beneficiary_name: str | None = None
    configuration_code: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class OrderProperty:
    name: str
    display_name: str | None = None
    value: str | None = None
    type: str = "string"  # open set: string, idn, tc, number, LineDescription, ...
    required: bool = False
    modifiable: bool = False
    visible: bool = True  # IsVisible; absent means visible
    id: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class OrderLine:
    line_id: str
    reason: str
    amount_due: Decimal | None = None
    allow_partial: bool | None = None  # None: inherits the order's flag
    allow_advance: bool | None = None
    destination_account: PaymentAccount | None = None
    properties: tuple[OrderProperty, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Order:
    service_id: str
    order_key: str
    status: str
    reason: str
    currency: str = "MDL"
    total_amount_due: Decimal | None = None
    allow_partial: bool = False
    allow_advance: bool = False
    customer_type: str | None = None
    customer_id: str | None = None
    customer_name: str | None = None
    issued_at: datetime | None = None
    due_date: datetime | None = None
    lines: tuple[OrderLine, ...] = ()
    properties: tuple[OrderProperty, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class PaymentProperty:
    name: str
    value: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ConfirmationLine:
    line_id: str
    amount: Decimal
    destination_account: PaymentAccount | None = None
    properties: tuple[PaymentProperty, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class PaymentConfirmation:
    """The business content of one ConfirmOrderPayment; fixed when the PaymentID is minted."""

    payment_id: str
    service_id: str
    order_key: str
    paid_at: datetime
    total_amount: Decimal
    lines: tuple[ConfirmationLine, ...]
    currency: str = "MDL"
    invoice_id: str | None = None
    properties: tuple[PaymentProperty, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Evidence:
    """The exact signed request sent and the raw reply received: non-repudiation evidence."""

    request: bytes
    response: bytes = b""
    extra: dict[str, str] = field(default_factory=dict)
