"""Events the session machine consumes: payer intents (from ``ui/``) and results (from the runtime).

All are frozen, slotted, keyword-only dataclasses. Intents that make no sense on the current
screen are ignored (the machine returns the same state and no effects), so a double tap or a
late tap can never do harm. Runtime results carry the ``request_id`` of the effect they answer
where a stale answer is possible (a cancelled lookup), and are ignored when it does not match.

Money events (``CreditJournalled``, ``CardApproved``, ``VoucherRedeemed``) arrive only after the
runtime has journalled the credit; the machine accounts for every one of them, whenever it comes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from kiosk.mpay.models import Order

__all__ = [
    # time
    "Tick",
    # payer intents
    "LanguageChosen",
    "ToggleAccessibility",
    "Start",
    "SearchChanged",
    "CategoryChosen",
    "ServiceChosen",
    "KeyChanged",
    "KeySubmitted",
    "KeyScanned",
    "OrderChosen",
    "PropertyChanged",
    "AmountChanged",
    "Continue",
    "MethodChosen",
    "VoucherCodeChanged",
    "VoucherCodeEntered",
    "PayWhatInserted",
    "TakeVoucher",
    "Retry",
    "Cancel",
    "Back",
    "MoreTime",
    "Done",
    # runtime results
    "LookupSucceeded",
    "LookupFailed",
    "OrderNoLongerPayable",
    "CreditJournalled",
    "AcceptorsDisabled",
    "AcceptorFault",
    "AcceptorRecovered",
    "CardStatusChanged",
    "CardApproved",
    "CardDeclined",
    "CardAborted",
    "CardAvailability",
    "VoucherRedeemed",
    "VoucherRejected",
    "PaymentRecorded",
    "VoucherIssued",
    "ConfirmationSettled",
    "ReceiptPrinted",
    "PrinterStatusChanged",
    "NetworkStatusChanged",
    "OutOfService",
    "BackInService",
    "INTENTS",
]


# -- time -------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True, kw_only=True)
class Tick:
    """The runtime's clock, about once a second; drives every timeout. ``now`` is aware."""

    now: datetime


# -- payer intents ----------------------------------------------------------------------------
@dataclass(frozen=True, slots=True, kw_only=True)
class LanguageChosen:
    """On the attract screen this also starts the session."""

    language: str  # "ro" | "ru" | "en"


@dataclass(frozen=True, slots=True, kw_only=True)
class ToggleAccessibility:
    feature: str = "high_contrast"  # "high_contrast" | "large_text"


@dataclass(frozen=True, slots=True, kw_only=True)
class Start:
    """Tap on the attract screen."""


@dataclass(frozen=True, slots=True, kw_only=True)
class SearchChanged:
    text: str


@dataclass(frozen=True, slots=True, kw_only=True)
class CategoryChosen:
    category: str | None  # None = all


@dataclass(frozen=True, slots=True, kw_only=True)
class ServiceChosen:
    service_id: str


@dataclass(frozen=True, slots=True, kw_only=True)
class KeyChanged:
    text: str  # the whole field after an edit


@dataclass(frozen=True, slots=True, kw_only=True)
class KeySubmitted:
    """Continue on the order-key screen."""


@dataclass(frozen=True, slots=True, kw_only=True)
class KeyScanned:
    """A barcode/QR was scanned: on the services or order-key screen it fills the key and submits.

    ``service_id`` when the scanned code names the service too (else the chosen service is used).
    """

    text: str
    service_id: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class OrderChosen:
    index: int  # OrderView.index


@dataclass(frozen=True, slots=True, kw_only=True)
class PropertyChanged:
    key: str  # PropertyInputView.key
    value: str


@dataclass(frozen=True, slots=True, kw_only=True)
class AmountChanged:
    text: str  # "150", "150.5", "150,50"


@dataclass(frozen=True, slots=True, kw_only=True)
class Continue:
    """Next on the invoice, properties and amount screens."""


@dataclass(frozen=True, slots=True, kw_only=True)
class MethodChosen:
    method: str  # "cash" | "card" | "voucher" (view.Method values)


@dataclass(frozen=True, slots=True, kw_only=True)
class VoucherCodeChanged:
    text: str


@dataclass(frozen=True, slots=True, kw_only=True)
class VoucherCodeEntered:
    """Submit a voucher code (``code`` None: the text typed so far)."""

    code: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class PayWhatInserted:
    """Finish now as a partial payment (only where the order allows partial payments)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class TakeVoucher:
    """Give up with money in: everything inserted becomes a credit voucher."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Retry:
    """On the error screen: try the lookup again."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Cancel:
    """Leave the session (no money in), abort the card payment, or cancel the lookup.

    With money in it means "give up": same as ``TakeVoucher``.
    """


@dataclass(frozen=True, slots=True, kw_only=True)
class Back:
    pass


@dataclass(frozen=True, slots=True, kw_only=True)
class MoreTime:
    """Answer to the "need more time?" prompt (any tap counts too)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Done:
    """On the result/error screen: back to the attract screen now."""


# -- runtime results --------------------------------------------------------------------------
@dataclass(frozen=True, slots=True, kw_only=True)
class LookupSucceeded:
    request_id: int
    orders: tuple[Order, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class LookupFailed:
    request_id: int
    kind: str  # "not_found" | "not_payable" | "unavailable" | "service_error"
    message_key: str  # i18n key (mpay.json or session.json)


@dataclass(frozen=True, slots=True, kw_only=True)
class OrderNoLongerPayable:
    """The runtime learnt mid-session that the chosen order cannot be paid any more."""

    reason_key: str


@dataclass(frozen=True, slots=True, kw_only=True)
class CreditJournalled:
    """Cash credited and already durable in the journal."""

    credit_id: str
    source: str  # "bill" | "coin"
    amount: int  # bani, > 0


@dataclass(frozen=True, slots=True, kw_only=True)
class AcceptorsDisabled:
    """Answer to ``DisableAcceptors``: no more credits will come (escrow returned or stacked)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class AcceptorFault:
    device: str  # "bill" | "coin"
    kind: str  # "jam" | "cassette_full" | "link" | "cheated" | ...


@dataclass(frozen=True, slots=True, kw_only=True)
class AcceptorRecovered:
    device: str


@dataclass(frozen=True, slots=True, kw_only=True)
class CardStatusChanged:
    key: str  # i18n key, e.g. "session.card.enter_pin"


@dataclass(frozen=True, slots=True, kw_only=True)
class CardApproved:
    """The card payment was approved and the credit is already journalled."""

    credit_id: str
    amount: int


@dataclass(frozen=True, slots=True, kw_only=True)
class CardDeclined:
    reason_key: str


@dataclass(frozen=True, slots=True, kw_only=True)
class CardAborted:
    pass


@dataclass(frozen=True, slots=True, kw_only=True)
class CardAvailability:
    """The card terminal (or gateway) became usable / unusable."""

    available: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class VoucherRedeemed:
    """A credit voucher was redeemed and journalled as a credit of this session."""

    request_id: int
    credit_id: str
    code: str
    amount: int


@dataclass(frozen=True, slots=True, kw_only=True)
class VoucherRejected:
    request_id: int
    reason_key: str  # "session.voucher.unknown" | ".used" | ".expired" | ...


@dataclass(frozen=True, slots=True, kw_only=True)
class PaymentRecorded:
    """``FinalizePayment`` done: PaymentID minted, confirmation queued in the outbox."""

    request_id: int
    payment_id: str


@dataclass(frozen=True, slots=True, kw_only=True)
class VoucherIssued:
    request_id: int
    code: str
    amount: int


@dataclass(frozen=True, slots=True, kw_only=True)
class ConfirmationSettled:
    payment_id: str
    confirmed: bool  # False: MPay refused it (parked for the operator)


@dataclass(frozen=True, slots=True, kw_only=True)
class ReceiptPrinted:
    request_id: int
    ok: bool
    reason_key: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class PrinterStatusChanged:
    ok: bool  # False: paper out, cover open, offline


@dataclass(frozen=True, slots=True, kw_only=True)
class NetworkStatusChanged:
    online: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class OutOfService:
    reason_key: str
    message: str = ""  # a technician's own words, shown as typed under the reason


@dataclass(frozen=True, slots=True, kw_only=True)
class BackInService:
    pass


#: Events the UI may send (everything else comes from the runtime).
INTENTS: tuple[type, ...] = (
    LanguageChosen,
    ToggleAccessibility,
    Start,
    SearchChanged,
    CategoryChosen,
    ServiceChosen,
    KeyChanged,
    KeySubmitted,
    KeyScanned,
    OrderChosen,
    PropertyChanged,
    AmountChanged,
    Continue,
    MethodChosen,
    VoucherCodeChanged,
    VoucherCodeEntered,
    PayWhatInserted,
    TakeVoucher,
    Retry,
    Cancel,
    Back,
    MoreTime,
    Done,
)
