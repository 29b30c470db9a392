"""Effects the session machine asks the runtime to carry out.

Frozen, slotted, keyword-only dataclasses. Effects that get an answer carry a ``request_id``
(unique per machine state lineage); the answering event repeats it, so a stale answer (to a
cancelled lookup, say) is recognised and ignored.

Money effects and the rules the runtime can rely on:

* ``EnableAcceptors`` is only ever emitted on the cash screen; it may be repeated with a new
  ``max_amount`` (the largest single credit to take now; None = any) and must be idempotent.
* Every journalled credit the machine was told about (``CreditJournalled``, ``CardApproved``,
  ``VoucherRedeemed``) appears in the ``credit_ids`` of exactly one ``FinalizePayment`` or
  ``IssueVoucher``. When one settlement both pays and issues change, the credits are listed on
  the ``FinalizePayment`` and the change voucher has ``change_for`` set to that payment's
  ``request_id`` (and no credit ids of its own).
* ``amount + fee`` of a payment plus the ``amount`` of its change voucher equal the credits.
"""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.mpay.models import Order, PaymentProperty

__all__ = [
    "BeginSession",
    "EndSession",
    "LookupOrder",
    "CancelLookup",
    "EnableAcceptors",
    "DisableAcceptors",
    "StartCardPayment",
    "AbortCardPayment",
    "RedeemVoucher",
    "FinalizePayment",
    "IssueVoucher",
    "PrintReceipt",
    "Effect",
]


@dataclass(frozen=True, slots=True, kw_only=True)
class BeginSession:
    """A payer started (left the attract screen). The runtime opens a journal session."""

    language: str


@dataclass(frozen=True, slots=True, kw_only=True)
class EndSession:
    """Back to the attract screen. ``outcome``: abandoned | paid | paid_partial | voucher."""

    outcome: str


@dataclass(frozen=True, slots=True, kw_only=True)
class LookupOrder:
    request_id: int
    service_id: str
    order_key: str
    language: str


@dataclass(frozen=True, slots=True, kw_only=True)
class CancelLookup:
    request_id: int


@dataclass(frozen=True, slots=True, kw_only=True)
class EnableAcceptors:
    max_amount: int | None  # largest single credit to accept now; None = any


@dataclass(frozen=True, slots=True, kw_only=True)
class DisableAcceptors:
    """Stop taking money; answer with ``AcceptorsDisabled`` once no credit can follow."""


@dataclass(frozen=True, slots=True, kw_only=True)
class StartCardPayment:
    request_id: int
    amount: int


@dataclass(frozen=True, slots=True, kw_only=True)
class AbortCardPayment:
    """Ask the card terminal to abort; it answers CardAborted, CardDeclined or CardApproved."""


@dataclass(frozen=True, slots=True, kw_only=True)
class RedeemVoucher:
    request_id: int
    code: str


@dataclass(frozen=True, slots=True, kw_only=True)
class FinalizePayment:
    """Mint the PaymentID, record the payment, queue its confirmation (answer PaymentRecorded).

    ``amount`` goes to the order (``kiosk.mpay.confirmation.build_confirmation(order, amount,
    payment_id, paid_at, properties)``); ``fee`` is the terminal's; ``inserted`` = all credits.
    """

    request_id: int
    service_id: str
    order_key: str
    order: Order
    amount: int
    fee: int
    inserted: int
    credit_ids: tuple[str, ...]
    properties: tuple[PaymentProperty, ...]
    language: str
    partial: bool
    reason: str  # due | partial | timeout | fault | give_up (why the session settled)


@dataclass(frozen=True, slots=True, kw_only=True)
class IssueVoucher:
    """Record a credit voucher for unapplied money (answer VoucherIssued with its code).

    ``reason``: change | give_up | timeout | fault | unpayable | late_credit.
    """

    request_id: int
    amount: int
    credit_ids: tuple[str, ...]
    reason: str
    change_for: int | None = None  # request_id of the FinalizePayment this is change for
    language: str = "ro"


@dataclass(frozen=True, slots=True, kw_only=True)
class PrintReceipt:
    """Print the receipt of a settlement (answer ReceiptPrinted). Fields repeat what was settled."""

    request_id: int
    language: str
    outcome: str  # paid | paid_partial | voucher
    service_id: str | None
    order_key: str | None
    order: Order | None
    payment_id: str | None
    amount: int  # paid to the order
    fee: int
    inserted: int
    voucher_code: str | None
    voucher_amount: int
    confirmation: str  # view.ConfirmationState value at print time
    properties: tuple[PaymentProperty, ...] = ()


Effect = (
    BeginSession
    | EndSession
    | LookupOrder
    | CancelLookup
    | EnableAcceptors
    | DisableAcceptors
    | StartCardPayment
    | AbortCardPayment
    | RedeemVoucher
    | FinalizePayment
    | IssueVoucher
    | PrintReceipt
)
