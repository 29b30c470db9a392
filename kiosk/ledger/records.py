"""What the ledger hands out: frozen snapshots of journal rows. Amounts are int bani.

Times: ``at``-style fields are ISO 8601 UTC text with milliseconds (``2025-07-10T07:51:23.123Z``);
outbox scheduling fields (``next_attempt_at`` ...) are POSIX seconds (float) of the ledger clock.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kiosk.mpay.models import PaymentConfirmation

__all__ = [
    "CREDIT_SOURCES",
    "CASH_SOURCES",
    "Credit",
    "Payment",
    "OutboxEntry",
    "OutboxSummary",
    "OfflinePolicy",
    "Voucher",
    "CardApproval",
    "SessionIntent",
    "InterruptedSession",
    "CashBoxCount",
    "Discrepancy",
    "Collection",
    "AuditRecord",
    "StoredReceipt",
    "ArchivedMessage",
    "VerifyProblem",
    "VerifyReport",
]

CREDIT_SOURCES = ("bill", "coin", "card", "voucher")
#: Sources whose money lands in the cash box.
CASH_SOURCES = ("bill", "coin")


@dataclass(frozen=True, slots=True, kw_only=True)
class Credit:
    """One bill stacked, coin counted, card approval or voucher redeemed (``amount`` > 0; for
    a bill or coin it is the denomination)."""

    id: int
    ref: str
    session_id: str
    source: str
    device: str
    amount: int
    currency: str
    detail: dict[str, Any]
    at: str
    #: True if this call journalled it; False if ``ref`` was already there (a re-delivery).
    fresh: bool = field(default=False, compare=False)
    #: its hash-chain link, when this call wrote it (the ledger remembers the chain's tail)
    link: str | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class Payment:
    payment_id: str
    session_id: str
    service_id: str
    order_key: str
    amount: int  # confirmed to MPay (TotalAmount)
    fee: int  # terminal fee kept by the operator, funded by the same credits
    currency: str
    paid_at: str
    created_at: str
    content_sha256: str
    confirmation: PaymentConfirmation


@dataclass(frozen=True, slots=True, kw_only=True)
class OutboxEntry:
    """Delivery state of one payment's confirmation.

    ``status``: ``pending`` (will be tried at ``next_attempt_at``), ``confirmed`` (MPay accepted
    it; final) or ``needs_technician`` (a non-retryable fault: parked, never dropped; ``kiosk
    outbox retry`` re-queues it). ``alert`` marks a pending entry whose last error needs a
    technician although it is retried (bad certificate, bad reply signature).
    ``confirmation`` is None only if the stored content cannot be read back (then it is parked).
    """

    payment_id: str
    status: str
    attempts: int
    created_at: float
    next_attempt_at: float
    last_attempt_at: float | None
    last_error: str | None
    last_error_kind: str | None
    alert: bool
    confirmed_at: float | None
    service_id: str
    order_key: str
    amount: int
    confirmation: PaymentConfirmation | None


@dataclass(frozen=True, slots=True, kw_only=True)
class OutboxSummary:
    pending: int
    pending_amount: int
    needs_technician: int
    needs_technician_amount: int
    alert: int
    confirmed: int
    oldest_unconfirmed_at: float | None
    next_attempt_at: float | None

    @property
    def unconfirmed(self) -> int:
        return self.pending + self.needs_technician

    @property
    def unconfirmed_amount(self) -> int:
        return self.pending_amount + self.needs_technician_amount


@dataclass(frozen=True, slots=True, kw_only=True)
class OfflinePolicy:
    """Stop taking money once this many payments / this much money (bani) is unconfirmed."""

    max_pending_count: int
    max_pending_amount: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Voucher:
    code: str  # 12 characters, no separators (see ``vouchers.display_code``)
    session_id: str
    amount: int
    currency: str
    reason: str
    issued_at: str
    redeemed_at: str | None = None
    redeemed_session_id: str | None = None

    @property
    def display_code(self) -> str:
        return "-".join(self.code[i : i + 4] for i in range(0, len(self.code), 4))


@dataclass(frozen=True, slots=True, kw_only=True)
class CardApproval:
    """A card approval journalled as a credit, awaiting the card terminal's acknowledgement.

    ``status``: ``awaiting_ack``, ``acknowledged`` or ``reversed``."""

    ref: str
    credit_id: int
    session_id: str
    amount: int
    received_at: str
    status: str
    detail: dict[str, Any]
    resolution: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class SessionIntent:
    """What a session was paying (the latest ``note_intent``), for finishing it after a crash."""

    session_id: str
    service_id: str | None
    order_key: str | None
    amount: int | None
    fee: int
    data: dict[str, Any]
    at: str


@dataclass(frozen=True, slots=True, kw_only=True)
class InterruptedSession:
    """A session holding credit that is in no payment, voucher or reversal."""

    session_id: str
    started_at: str
    balance: int  # unallocated bani
    credits: tuple[Credit, ...]  # every credit of the session
    payments: tuple[str, ...]  # PaymentIDs already minted in it
    intent: SessionIntent | None


@dataclass(frozen=True, slots=True, kw_only=True)
class CashBoxCount:
    """Bills and coins taken in since the last collection.

    ``counts[source][denomination_bani] = pieces`` for source ``bill`` and ``coin``."""

    since: str | None  # time of the last collection (None: never collected)
    after_credit_id: int  # the period holds cash credits with a larger id
    last_credit_id: int
    counts: dict[str, dict[int, int]]

    def total(self, source: str | None = None) -> int:
        sources = [source] if source else list(self.counts)
        return sum(d * n for s in sources for d, n in self.counts.get(s, {}).items())

    @property
    def pieces(self) -> int:
        return sum(n for per in self.counts.values() for n in per.values())


@dataclass(frozen=True, slots=True, kw_only=True)
class Discrepancy:
    """``against`` is ``counted`` (the technician's count) or ``device`` (the device counters)."""

    against: str
    source: str
    denomination: int
    expected: int
    found: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Collection:
    id: int
    at: str
    actor: str
    since: str | None
    expected: dict[str, dict[int, int]]
    expected_total: int
    counted: dict[str, dict[int, int]] | None
    counted_total: int | None
    device_counters: dict[str, dict[int, int]] | None
    discrepancies: tuple[Discrepancy, ...]

    @property
    def balanced(self) -> bool:
        return not self.discrepancies


@dataclass(frozen=True, slots=True, kw_only=True)
class AuditRecord:
    id: int
    at: str
    actor: str
    action: str
    detail: dict[str, Any]


@dataclass(frozen=True, slots=True, kw_only=True)
class StoredReceipt:
    """One stored receipt version (``Ledger.store_receipt``): ``body`` is the JSON dict."""

    key: str  # PaymentID or voucher code
    kind: str
    body: dict[str, Any]
    at: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ArchivedMessage:
    """One delivery attempt's evidence: the signed request and the raw reply, as exchanged.

    ``outcome``: ``confirmed``, ``retry`` or ``parked``."""

    id: int
    payment_id: str
    attempt: int
    started_at: str
    finished_at: str
    outcome: str
    error_kind: str | None
    error: str | None
    request: bytes
    response: bytes
    extra: dict[str, str]


@dataclass(frozen=True, slots=True, kw_only=True)
class VerifyProblem:
    table: str
    key: str  # the row's key, e.g. "id=17" or "payment_id=DEMO-01-..."
    problem: str

    def __str__(self) -> str:
        return f"{self.table} row {self.key}: {self.problem}"


@dataclass(frozen=True, slots=True, kw_only=True)
class VerifyReport:
    rows: dict[str, int]  # rows checked per table
    problems: tuple[VerifyProblem, ...]

    @property
    def ok(self) -> bool:
        return not self.problems
