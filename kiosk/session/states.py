"""The session's state: the phase (a table key), the terminal's conditions, and the journey.

``SessionState`` is frozen; handlers return ``replace``-d copies. The static inputs the machine
needs (service catalogue, timeouts, denominations, what is configured) are a ``SessionContext``
carried in the state, so ``step(state, event)`` needs nothing else.

Money bookkeeping lives in ``Journey``: ``credits`` are journalled credits of this session not
yet settled; once a settlement is emitted they move to ``settled_credit_ids`` and never come
back. A credit that arrives when the session cannot take it (before the method screen, after the
settlement, or with no session) becomes a voucher of its own at once ("late credit").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import Any

from kiosk.mpay.models import Order
from kiosk.mpay.payability import Payability
from kiosk.session.fees import FeeSchedule, NoFee
from kiosk.session.properties import PropertySpec
from kiosk.session.view import ConfirmationState, Keyboard, Outcome, ReceiptState

__all__ = [
    "Phase",
    "ServiceEntry",
    "Timeouts",
    "SessionContext",
    "Credit",
    "Settled",
    "Journey",
    "SessionState",
    "initial_state",
    "COLLECTING",
    "FINISHING",
]


class Phase(StrEnum):
    ATTRACT = "attract"
    SERVICES = "services"
    ORDER_KEY = "order_key"
    LOOKUP = "lookup"
    ORDER_CHOICE = "order_choice"
    INVOICE = "invoice"
    PROPERTIES = "properties"
    AMOUNT = "amount"
    METHOD = "method"
    VOUCHER_CODE = "voucher_code"
    CASH = "cash"
    CARD = "card"
    STOPPING = "stopping"  # acceptors being disabled before settling
    RECORDING = "recording"  # waiting for PaymentRecorded / VoucherIssued
    CONFIRMING = "confirming"  # waiting (bounded) for ConfirmationSettled
    PRINTING = "printing"  # waiting (bounded) for ReceiptPrinted
    RESULT = "result"
    ERROR = "error"
    OUT_OF_SERVICE = "out_of_service"


#: Phases in which a journalled credit is added to the session's money.
COLLECTING = frozenset({Phase.METHOD, Phase.VOUCHER_CODE, Phase.CASH, Phase.CARD, Phase.STOPPING})
#: Phases after the settlement was decided (shown as the FINISHING screen, then RESULT).
FINISHING = frozenset({Phase.RECORDING, Phase.CONFIRMING, Phase.PRINTING})


@dataclass(frozen=True, slots=True, kw_only=True)
class ServiceEntry:
    """One payable service, from the configuration."""

    service_id: str
    names: Mapping[str, str]  # language -> name
    category: str = "other"
    icon: str = "document"
    key_hint: Mapping[str, str] = field(default_factory=dict)
    key_pattern: str = r"[A-Za-z0-9-]{1,36}"
    keyboard: Keyboard = Keyboard.ALNUM
    fee: FeeSchedule = NoFee()

    def name(self, language: str) -> str:
        return self.names.get(language) or self.names.get("ro") or self.service_id

    def hint(self, language: str) -> str:
        return self.key_hint.get(language) or self.key_hint.get("ro") or ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Timeouts:
    """Seconds. Idle screens prompt "need more time?" after ``screen_s`` (``cash_s`` on the cash
    screen) and end ``prompt_s`` later; the others are waits with a bound."""

    screen_s: float = 60
    prompt_s: float = 20
    cash_s: float = 120
    card_s: float = 180  # then the card payment is aborted (the machine still waits its answer)
    result_s: float = 20
    lookup_s: float = 20
    confirm_wait_s: float = 8
    print_s: float = 30
    stop_s: float = 15  # acceptors that never answer DisableAcceptors
    error_s: float = 30


@dataclass(frozen=True, slots=True, kw_only=True)
class SessionContext:
    services: tuple[ServiceEntry, ...]
    languages: tuple[str, ...] = ("ro", "ru", "en")
    default_language: str = "ro"
    denominations: tuple[int, ...] = ()  # accepted bills and coins in bani
    acceptors: tuple[str, ...] = ("bill", "coin")  # configured cash devices
    card_configured: bool = False
    vouchers_redeemable: bool = True  # credit vouchers can pay (the method screen offers it)
    change_as_voucher: bool = True  # False: acceptors refuse credits above what is still due
    cash_limit: int | None = None  # most cash one session may take (None = no limit)
    timeouts: Timeouts = Timeouts()

    def service(self, service_id: str) -> ServiceEntry | None:
        for entry in self.services:
            if entry.service_id == service_id:
                return entry
        return None


@dataclass(frozen=True, slots=True, kw_only=True)
class Credit:
    credit_id: str
    source: str  # bill | coin | card | voucher
    amount: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Settled:
    """What a settlement decided (and what the runtime answered)."""

    outcome: Outcome
    reason: str
    paid: int
    fee: int
    inserted: int
    voucher: int
    payment_request: int | None
    voucher_request: int | None
    payment_id: str | None = None
    voucher_code: str | None = None
    confirmation: ConfirmationState = ConfirmationState.NONE
    receipt: ReceiptState = ReceiptState.PRINTING
    print_request: int | None = None
    notice_key: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Journey:
    """One payer's data; replaced by a fresh ``Journey()`` on the way back to attract."""

    search: str = ""
    category: str | None = None
    service_id: str | None = None
    key_text: str = ""
    key_tried: bool = False  # a submit was attempted: show the key's problem
    lookup_request: int | None = None
    orders: tuple[Order, ...] = ()
    order_index: int | None = None
    payability: Payability | None = None
    specs: tuple[PropertySpec, ...] = ()
    values: tuple[tuple[str, str], ...] = ()  # property key -> value typed
    properties_tried: bool = False
    amount_text: str = ""
    amount_tried: bool = False
    amount: int | None = None  # chosen amount to pay the order (fixed at the method screen)
    fee: int = 0  # fee for ``amount`` (shown before money goes in)
    credits: tuple[Credit, ...] = ()  # journalled, not yet settled
    last_credit: int | None = None
    acceptors_on: bool = False
    accept_limit: int | None = None
    card_request: int | None = None  # a card payment is in progress
    card_status_key: str = "session.card.present_card"
    card_abort_requested: bool = False
    voucher_text: str = ""
    voucher_request: int | None = None  # redemption in flight
    voucher_error: str | None = None
    method_notice: str | None = None  # e.g. why the card was declined
    settle_reason: str | None = None  # while STOPPING: what to do once the acceptors are off
    unpayable_key: str | None = None  # the order turned unpayable mid-session
    fault_key: str | None = None  # an acceptor failed mid-session
    error_key: str | None = None
    error_retry: bool = False
    error_back: bool = False
    settled: Settled | None = None
    late_vouchers: tuple[tuple[int, str, int], ...] = ()  # (request_id, code, amount) issued

    @property
    def inserted(self) -> int:
        return sum(c.amount for c in self.credits)

    @property
    def total(self) -> int:
        return (self.amount or 0) + self.fee

    @property
    def remaining(self) -> int:
        return max(0, self.total - self.inserted)

    @property
    def order(self) -> Order | None:
        if self.order_index is None or not 0 <= self.order_index < len(self.orders):
            return None
        return self.orders[self.order_index]


@dataclass(frozen=True, slots=True, kw_only=True)
class SessionState:
    ctx: SessionContext
    phase: Phase
    now: datetime
    language: str
    high_contrast: bool = False
    large_text: bool = False
    printer_ok: bool = True
    online: bool = True
    card_available: bool = True
    faulted: frozenset[str] = frozenset()  # acceptors currently failed
    out_of_service_key: str | None = None  # set: out of service now, or once the session ends
    out_of_service_message: str = ""  # the technician's words, if any
    activity_at: datetime  # last payer tap (or credit) - idle timeouts count from here
    phase_since: datetime  # when the phase was entered - bounded waits count from here
    prompt_until: datetime | None = None  # "need more time?" shown until then
    next_request: int = 1
    late_requests: frozenset[int] = frozenset()  # IssueVoucher ids for late credits
    journey: Journey = Journey()

    def go(self, phase: Phase, **changes: Any) -> SessionState:
        """The state in ``phase`` (timers restarted), with journey fields changed."""
        journey = replace(self.journey, **changes) if changes else self.journey
        return replace(
            self,
            phase=phase,
            phase_since=self.now,
            activity_at=self.now,
            prompt_until=None,
            journey=journey,
        )

    def with_journey(self, **changes: Any) -> SessionState:
        return replace(self, journey=replace(self.journey, **changes))

    def request(self) -> tuple[SessionState, int]:
        """A fresh request id and the state that has used it."""
        return replace(self, next_request=self.next_request + 1), self.next_request


def initial_state(
    ctx: SessionContext,
    now: datetime,
    *,
    printer_ok: bool = True,
    online: bool = True,
    card_available: bool = True,
    out_of_service_key: str | None = None,
) -> SessionState:
    """The machine at start-up (attract screen, or out of service if a reason is given)."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    return SessionState(
        ctx=ctx,
        phase=Phase.OUT_OF_SERVICE if out_of_service_key else Phase.ATTRACT,
        now=now,
        language=ctx.default_language,
        printer_ok=printer_ok,
        online=online,
        card_available=card_available,
        out_of_service_key=out_of_service_key,
        activity_at=now,
        phase_since=now,
    )
