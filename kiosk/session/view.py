"""What the payer's screen shows: a plain frozen dataclass tree, built from the session state.

The UI renders a ``SessionView`` and nothing else; it never looks into the machine's state. Every
text is an i18n key (catalogue ``kiosk/i18n/session.json``, translated by the UI with
``kiosk.i18n.t``), except texts MPay or the configuration already gives in the chosen language
(order reason, customer and line texts, property display names, service names and hints).
Amounts are int bani. Names here are a contract with ``ui/``: fields are added, never renamed.

``view_of(state)`` (in ``kiosk.session.machine``, re-exported by the package) builds it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

__all__ = [
    "Screen",
    "Keyboard",
    "Method",
    "Outcome",
    "ConfirmationState",
    "ReceiptState",
    "ServiceView",
    "CategoryView",
    "ServicesView",
    "KeyEntryView",
    "LookupView",
    "LineView",
    "PropertyView",
    "OrderView",
    "PropertyInputView",
    "PropertiesView",
    "AmountView",
    "PaymentView",
    "MethodView",
    "CashView",
    "CardView",
    "VoucherEntryView",
    "VoucherView",
    "FinishingView",
    "ResultView",
    "ErrorView",
    "SessionView",
]


class Screen(StrEnum):
    """The screen to show. One per payer-visible step (internal phases map onto these)."""

    ATTRACT = "attract"  # language choice, accessibility toggle, "tap to start"
    SERVICES = "services"  # service tiles, search, categories
    ORDER_KEY = "order_key"  # on-screen keyboard for the order key (or scan)
    LOOKUP = "lookup"  # asking MPay; cancellable
    ORDER_CHOICE = "order_choice"  # several orders came back: pick one
    INVOICE = "invoice"  # the chosen order: reason, customer, lines, due, fee; or why unpayable
    PROPERTIES = "properties"  # properties the payer must fill in (IDNP, ...)
    AMOUNT = "amount"  # amount entry where partial/advance payment allows it
    METHOD = "method"  # cash / card / credit voucher
    VOUCHER_CODE = "voucher_code"  # typing a credit voucher's code to pay with it
    CASH = "cash"  # inserting banknotes/coins
    CARD = "card"  # the card terminal is working
    FINISHING = "finishing"  # recording, confirming, printing (never cancellable)
    RESULT = "result"  # what happened to the money; receipt or QR
    ERROR = "error"  # lookup failures and the like (never with money in)
    OUT_OF_SERVICE = "out_of_service"


class Keyboard(StrEnum):
    DIGITS = "digits"
    ALNUM = "alnum"
    AMOUNT = "amount"  # digits and one decimal separator


class Method(StrEnum):
    CASH = "cash"
    CARD = "card"
    VOUCHER = "voucher"  # pay with a credit voucher printed earlier


class Outcome(StrEnum):
    PAID = "paid"  # the order got the whole amount due (or more, as an advance)
    PAID_PARTIAL = "paid_partial"  # a partial payment, at the payer's request or on timeout/fault
    VOUCHER = "voucher"  # nothing paid; all money inserted became a credit voucher


class ConfirmationState(StrEnum):
    NONE = "none"  # no payment in this result (voucher only)
    CONFIRMING = "confirming"  # sent, waiting (bounded by the confirm wait)
    CONFIRMED = "confirmed"  # MPay accepted it
    PENDING = "pending"  # accepted by the terminal; confirmation still being delivered
    REVIEW = "review"  # MPay refused it; parked for the operator (money is safe, keep receipt)


class ReceiptState(StrEnum):
    PRINTING = "printing"
    PRINTED = "printed"
    FAILED = "failed"  # printing failed mid-way: show the QR / codes on screen
    NO_PAPER = "no_paper"  # the printer was known unusable: not attempted, show the QR


@dataclass(frozen=True, slots=True, kw_only=True)
class ServiceView:
    """One service tile. ``name``/``hint`` are already in the view's language."""

    id: str
    name: str
    icon: str
    category: str
    hint: str  # where to find the order key (may be "")
    keyboard: Keyboard


@dataclass(frozen=True, slots=True, kw_only=True)
class CategoryView:
    id: str
    label_key: str  # i18n key "session.category.<id>"
    selected: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class ServicesView:
    search: str
    categories: tuple[CategoryView, ...]
    category: str | None  # selected category id (None = all)
    services: tuple[ServiceView, ...]  # after search and category filters
    empty_key: str | None  # "session.services.none_found" when the filter hides everything


@dataclass(frozen=True, slots=True, kw_only=True)
class KeyEntryView:
    service: ServiceView
    text: str  # as the session keeps it (may be trimmed/cut to 36)
    keyboard: Keyboard
    max_length: int
    valid: bool  # Continue enabled
    error_key: str | None  # shown only after a submit attempt or for an over-long key


@dataclass(frozen=True, slots=True, kw_only=True)
class LookupView:
    service: ServiceView
    order_key: str
    cancellable: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class LineView:
    line_id: str
    reason: str  # from MPay, in the chosen language
    amount_due: int | None


@dataclass(frozen=True, slots=True, kw_only=True)
class PropertyView:
    """A read-only property shown on the invoice (visible, not asked from the payer)."""

    name: str
    label: str  # DisplayName from MPay (or the name)
    value: str


@dataclass(frozen=True, slots=True, kw_only=True)
class OrderView:
    index: int  # position in the lookup result (OrderChosen(index=...))
    service_id: str
    order_key: str
    status: str
    reason: str
    customer_name: str | None
    customer_id: str | None
    issued_at: datetime | None
    due_date: datetime | None
    amount_due: int | None  # TotalAmountDue (None = unknown, payer types the amount)
    lines: tuple[LineView, ...]
    properties: tuple[PropertyView, ...]
    payable: bool
    reason_key: str  # "mpay.payability.ok" or why not payable (i18n key in mpay.json)
    min_amount: int | None
    max_amount: int | None  # None = no upper limit
    amount_editable: bool
    allow_partial: bool
    allow_advance: bool
    fee: int | None  # terminal fee on the amount due, when the amount is known


@dataclass(frozen=True, slots=True, kw_only=True)
class PropertyInputView:
    key: str  # echo in PropertyChanged(key=...)
    label: str  # DisplayName from MPay
    type: str  # idn | tc | number | string | ...
    value: str
    required: bool
    keyboard: Keyboard
    max_length: int
    valid: bool
    error_key: str | None  # shown after a Continue attempt, or at once for a non-empty bad value


@dataclass(frozen=True, slots=True, kw_only=True)
class PropertiesView:
    inputs: tuple[PropertyInputView, ...]
    all_valid: bool  # Continue enabled


@dataclass(frozen=True, slots=True, kw_only=True)
class AmountView:
    text: str
    amount: int | None  # parsed text (None when empty/invalid)
    min_amount: int
    max_amount: int | None
    suggested: int | None  # the amount due, if known (a "pay all" button)
    fee: int | None  # fee for the typed amount
    total: int | None  # amount + fee
    valid: bool
    error_key: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class PaymentView:
    """The money picture from the method screen on. ``total`` = ``amount`` + ``fee``."""

    amount: int  # to be paid to the order
    fee: int
    total: int
    inserted: int  # journalled credits of this session (cash, card, vouchers)
    remaining: int  # max(0, total - inserted)


@dataclass(frozen=True, slots=True, kw_only=True)
class MethodView:
    method: Method
    available: bool
    reason_key: str | None  # why unavailable ("session.method.card_offline", ...)


@dataclass(frozen=True, slots=True, kw_only=True)
class CashView:
    due: int  # total to insert (amount + fee)
    inserted: int
    remaining: int
    denominations: tuple[int, ...]  # accepted bills and coins, bani, ascending
    last_credit: int | None  # the most recent credit's amount (for a "+100 lei" flash)
    accepting: bool  # acceptors enabled
    can_pay_inserted: bool  # partial payment possible now ("pay what I inserted")
    pay_inserted_amount: int | None  # what a partial payment would credit to the order
    can_take_voucher: bool  # money in and the payer may stop: the money becomes a voucher
    notice_key: str | None  # e.g. "session.cash.no_change" (excess becomes a voucher)


@dataclass(frozen=True, slots=True, kw_only=True)
class CardView:
    amount: int
    status_key: str  # "session.card.present_card", or the terminal's status key
    abort_requested: bool
    can_abort: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class VoucherEntryView:
    text: str
    busy: bool  # redemption request in flight
    valid: bool
    error_key: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class VoucherView:
    code: str
    amount: int


@dataclass(frozen=True, slots=True, kw_only=True)
class FinishingView:
    step_key: str  # "session.finishing.stopping" | ".recording" | ".confirming" | ".printing"


@dataclass(frozen=True, slots=True, kw_only=True)
class ResultView:
    outcome: Outcome
    confirmation: ConfirmationState
    payment_id: str | None
    paid_amount: int  # to the order
    fee: int
    inserted: int
    voucher: VoucherView | None  # change / unapplied money
    receipt: ReceiptState
    qr_data: str | None  # shown when the receipt is not printed (PaymentID or voucher code)
    message_key: str  # headline, e.g. "session.result.paid_confirmed"
    notice_key: str | None  # why it ended this way (fault, order no longer payable, timeout)
    extra_vouchers: tuple[VoucherView, ...] = ()  # credits that came after the settlement


@dataclass(frozen=True, slots=True, kw_only=True)
class ErrorView:
    message_key: str
    can_retry: bool  # Retry intent
    can_go_back: bool  # Back intent (to the order key)


@dataclass(frozen=True, slots=True, kw_only=True)
class SessionView:
    """The whole screen state. Only the section for ``screen`` (and ``payment``) is set."""

    screen: Screen
    language: str
    languages: tuple[str, ...]
    high_contrast: bool
    large_text: bool
    timeout_prompt: bool  # "Need more time?" overlay (MoreTime intent)
    seconds_left: int | None  # countdown of the prompt (or of the result screen)
    can_cancel: bool  # Cancel leaves without consequence; False whenever money is in
    can_go_back: bool  # False whenever money is in
    money_in: bool  # journalled money in this session not yet settled
    printer_ok: bool  # False: tell the payer up front there will be no paper receipt
    out_of_service_key: str | None = None
    out_of_service_message: str = ""  # a technician's own words (shown as typed)
    service: ServiceView | None = None  # the chosen service (header)
    services: ServicesView | None = None
    key_entry: KeyEntryView | None = None
    lookup: LookupView | None = None
    orders: tuple[OrderView, ...] = ()  # ORDER_CHOICE
    order: OrderView | None = None  # the chosen order, from INVOICE on
    properties: PropertiesView | None = None
    amount: AmountView | None = None
    payment: PaymentView | None = None  # from METHOD on
    methods: tuple[MethodView, ...] = ()
    cash: CashView | None = None
    card: CardView | None = None
    voucher_entry: VoucherEntryView | None = None
    finishing: FinishingView | None = None
    result: ResultView | None = None
    error: ErrorView | None = None
    notice_key: str | None = None  # method screen: why the last attempt failed (card declined...)
