"""``Ledger``: the one object the runtime, the session and the commands use for money.

Every method is one transaction on the journal (``store.py``): when it returns, its rows are on
disk (WAL, synchronous=FULL); when it raises, nothing was written. Methods are safe to call
from any thread (one connection behind one lock; no method does network or device I/O while
holding it). Amounts are int bani.

Typical use::

    ledger = Ledger.open(state_dir, terminal_id=config.terminal.id)
    for s in ledger.interrupted_sessions(): ...           # at start: finish or voucher
    sid = ledger.begin_session()
    ledger.note_intent(sid, service_id=..., order_key=..., amount=..., data={...})
    ledger.record_credit(sid, source="bill", amount=10000, device="ccnet", ref="ccnet:...")
    payment = ledger.mint_payment(sid, lambda pid, at: build_confirmation(order, ..., pid, at))
    worker.wake()                                         # the outbox worker confirms it
    if rest := ledger.balance(sid):                       # change, or money not applied
        ledger.issue_voucher(sid, rest, "change")
"""

from __future__ import annotations

import re
import secrets
import time
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from kiosk.ledger import (
    archive,
    cashbox,
    credits,
    export,
    outbox,
    payments,
    recovery,
    vouchers,
)
from kiosk.ledger.errors import MintError
from kiosk.ledger.payments import Builder
from kiosk.ledger.records import (
    ArchivedMessage,
    AuditRecord,
    CardApproval,
    CashBoxCount,
    Collection,
    Credit,
    InterruptedSession,
    OfflinePolicy,
    OutboxEntry,
    OutboxSummary,
    Payment,
    SessionIntent,
    StoredReceipt,
    VerifyReport,
    Voucher,
)
from kiosk.ledger.schema import MIGRATIONS
from kiosk.ledger.store import DB_NAME, Store, ensure_private_dir, utc_iso
from kiosk.mpay.models import Evidence

if TYPE_CHECKING:
    from kiosk.ledger.worker import Confirmer, DrainResult

__all__ = ["Ledger"]

_TERMINAL_ID = re.compile(r"[A-Za-z0-9-]{1,16}")
_MAX_ERROR = 500


class Ledger:
    """The journal of one terminal. Build it with ``Ledger.open``; ``close()`` when done."""

    def __init__(
        self, store: Store, *, terminal_id: str | None, clock: Callable[[], float]
    ) -> None:
        self.store = store
        self.terminal_id = terminal_id
        self._clock = clock
        self._epoch: str | None = None
        # record_credit's hot-path hints (see credits.insert_credit), set only after a commit
        self._credit_tail: tuple[int, str] | None = None
        self._sessions_seen: set[str] = set()

    @classmethod
    def open(
        cls,
        state_dir: Path,
        *,
        terminal_id: str | None = None,
        clock: Callable[[], float] = time.time,
        migrations: tuple[tuple[int, str], ...] = MIGRATIONS,
        busy_timeout_s: float = 10.0,
    ) -> Ledger:
        """Open ``<state_dir>/journal.sqlite3``, creating the directory (0700) and the file.

        Runs the recovery checks every opener needs: SQLite's WAL recovery, then the schema
        migration (with a backup first). ``terminal_id`` is needed only to mint payments.
        Raises SchemaError (newer or broken schema) or sqlite3.Error (unreadable file)."""
        if terminal_id is not None and not _TERMINAL_ID.fullmatch(terminal_id):
            raise ValueError("terminal id must be 1-16 letters, digits or '-'")
        ensure_private_dir(state_dir)
        store = Store.open(
            state_dir / DB_NAME, migrations=migrations, busy_timeout_s=busy_timeout_s
        )
        return cls(store, terminal_id=terminal_id, clock=clock)

    @property
    def path(self) -> Path:
        return self.store.path

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(
        self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def now(self) -> float:
        return self._clock()

    def _at(self) -> str:
        return utc_iso(self._clock())

    # ------------------------------------------------------------------ sessions

    def begin_session(self, session_id: str | None = None) -> str:
        """Record a payer session's start; returns its id (a fresh one if none is given).

        Optional: ``record_credit`` creates the session row when it first sees an id."""
        now = self._clock()
        sid = session_id or (
            time.strftime("%Y%m%dT%H%M%S", time.gmtime(now)) + "-" + secrets.token_hex(4)
        )
        with self.store.write() as db:
            credits.ensure_session(db, sid, utc_iso(now))
        return sid

    def end_session(self, session_id: str, outcome: str) -> bool:
        """Mark the session ended with ``outcome`` (e.g. paid, voucher, cancelled); once."""
        with self.store.write() as db:
            return credits.end_session(db, session_id, outcome, self._at())

    def note_intent(
        self,
        session_id: str,
        *,
        service_id: str | None,
        order_key: str | None,
        amount: int | None,
        fee: int = 0,
        data: Mapping[str, Any] | None = None,
    ) -> None:
        """Record what the session is paying, so a restart can finish it. ``data`` is any
        JSON-able dict the runtime needs for that (e.g. the order and the payer's properties)."""
        with self.store.write() as db:
            credits.note_intent(
                db,
                session_id,
                service_id=service_id,
                order_key=order_key,
                amount=amount,
                fee=fee,
                data=data or {},
                at=self._at(),
            )

    def intent(self, session_id: str) -> SessionIntent | None:
        """The session's latest ``note_intent`` (what it was paying), or None."""
        with self.store.read() as db:
            return credits.latest_intent(db, session_id)

    # ------------------------------------------------------------------ credits

    def record_credit(
        self,
        session_id: str,
        *,
        source: str,
        amount: int,
        device: str,
        ref: str,
        detail: Mapping[str, Any] | None = None,
        currency: str = "MDL",
    ) -> Credit:
        """Journal one bill (stacked), coin or card approval, durably, before anything acts on it.

        ``ref`` identifies the raw device event; the same ``ref`` again returns the stored credit
        with ``fresh=False`` and writes nothing. Raises ValueError on bad arguments,
        CreditConflict if ``ref`` exists with different content. ``source="voucher"`` is
        refused here: use ``redeem_voucher``."""
        if source == "voucher":
            raise ValueError("voucher credits come from redeem_voucher()")
        try:
            with self.store.write() as db:
                credit = credits.insert_credit(
                    db,
                    ref=ref,
                    session_id=session_id,
                    source=source,
                    device=device,
                    amount=amount,
                    currency=currency,
                    detail=detail,
                    at=self._at(),
                    tail=self._credit_tail,
                    session_known=session_id in self._sessions_seen,
                )
        except BaseException:
            self._credit_tail = None  # whatever happened, read the tail next time
            raise
        # committed: remember the tail and the session for the next credit
        self._credit_tail = (credit.id, credit.link) if credit.link else None
        if len(self._sessions_seen) > 256:
            self._sessions_seen.clear()
        self._sessions_seen.add(session_id)
        return credit

    def credit(self, ref: str) -> Credit | None:
        with self.store.read() as db:
            return credits.credit_by_ref(db, ref)

    def credits(self, session_id: str) -> list[Credit]:
        with self.store.read() as db:
            return credits.session_credits(db, session_id)

    def balance(self, session_id: str) -> int:
        """Bani of the session's credit not yet in a payment, voucher or reversal."""
        with self.store.read() as db:
            return credits.balance(db, session_id)

    # ------------------------------------------------------------------ card approvals

    def record_card_approval(
        self,
        session_id: str,
        *,
        ref: str,
        amount: int,
        device: str,
        detail: Mapping[str, Any] | None = None,
    ) -> CardApproval:
        """Journal a card approval as a ``card`` credit plus an awaiting-acknowledgement record,
        before acknowledging it to the card terminal. Idempotent by ``ref``."""
        with self.store.write() as db:
            credit = credits.insert_credit(
                db,
                ref=ref,
                session_id=session_id,
                source="card",
                device=device,
                amount=amount,
                currency="MDL",
                detail=detail,
                at=self._at(),
            )
            return credits.insert_card_approval(db, credit)

    def acknowledge_card_approval(self, ref: str) -> None:
        with self.store.write() as db:
            credits.resolve_card_approval(db, ref, "acknowledged", "acknowledged", self._at())

    def reverse_card_approval(self, ref: str, reason: str) -> None:
        """The approval was reversed on the card terminal: its credit leaves the session.
        Raises LedgerError if the credit is already in a payment or voucher."""
        with self.store.write() as db:
            credits.resolve_card_approval(db, ref, "reversed", reason, self._at())

    def pending_card_approvals(self) -> list[CardApproval]:
        with self.store.read() as db:
            return recovery.pending_card_approvals(db)

    # ------------------------------------------------------------------ payments

    def _ensure_epoch(self) -> str:
        if self._epoch is None:
            with self.store.write() as db:
                self._epoch = payments.new_epoch(db, self._at())
        return self._epoch

    def mint_payment(self, session_id: str, build: Builder, *, fee: int = 0) -> Payment:
        """Fix a payment: mint its PaymentID, call ``build(payment_id, paid_at)`` for the
        confirmation content, allocate ``amount + fee`` of the session's credit to it and queue
        its outbox entry, all in one transaction.

        ``paid_at`` is timezone-aware UTC, whole seconds. ``build`` runs under the ledger lock:
        keep it pure and quick (``kiosk.mpay.confirmation.build_confirmation`` is).
        Raises InsufficientCredit, MintError (content that does not match), or what ``build``
        raises; then nothing is written."""
        if self.terminal_id is None:
            raise MintError("this ledger was opened without a terminal id: it cannot mint")
        epoch = self._ensure_epoch()
        with self.store.write() as db:
            return payments.mint(
                db,
                terminal_id=self.terminal_id,
                epoch=epoch,
                session_id=session_id,
                build=build,
                fee=fee,
                now=self._clock(),
            )

    def payment(self, payment_id: str) -> Payment:
        with self.store.read() as db:
            return payments.payment(db, payment_id)

    def payments(self, session_id: str | None = None) -> list[Payment]:
        with self.store.read() as db:
            return payments.payments(db, session_id)

    # ------------------------------------------------------------------ outbox

    def outbox_entry(self, payment_id: str) -> OutboxEntry:
        with self.store.read() as db:
            return outbox.entry(db, payment_id)

    def outbox_entries(self, statuses: Iterable[str] | None = None) -> list[OutboxEntry]:
        with self.store.read() as db:
            return outbox.entries(db, statuses)

    def outbox_summary(self) -> OutboxSummary:
        with self.store.read() as db:
            return outbox.summary(db)

    def next_due(self, now: float, horizon: float) -> tuple[OutboxEntry | None, float | None]:
        """(the pending entry to try at ``now`` or None, the earliest pending due time)."""
        with self.store.read() as db:
            return outbox.next_due(db, now, horizon)

    def record_attempt(
        self,
        payment_id: str,
        *,
        outcome: str,
        started_at: float,
        evidence: Evidence | None,
        error: BaseException | None = None,
        next_attempt_at: float | None = None,
        alert: bool = False,
    ) -> int:
        """Archive one delivery attempt's evidence and move the entry on, atomically.

        ``outcome``: ``confirmed``, ``retry`` (due again at ``next_attempt_at``) or ``parked``
        (needs a technician). Returns the attempt number."""
        now = self._clock()
        kind = type(error).__name__ if error is not None else None
        text = str(error)[:_MAX_ERROR] if error is not None else None
        with self.store.write() as db:
            attempt = outbox.record_outcome(
                db,
                payment_id,
                outcome=outcome,
                now=now,
                error_kind=kind,
                error=text,
                next_attempt_at=next_attempt_at,
                alert=alert,
            )
            archive.insert_message(
                db,
                payment_id=payment_id,
                attempt=attempt,
                started_at=utc_iso(started_at),
                finished_at=utc_iso(now),
                outcome=outcome,
                error_kind=kind,
                error=text,
                request=evidence.request if evidence is not None else b"",
                response=evidence.response if evidence is not None else b"",
                extra=evidence.extra if evidence is not None else {},
            )
        return attempt

    def requeue(self, payment_id: str, actor: str) -> OutboxEntry:
        """Make a parked (or waiting) entry due now; audited. Raises UnknownEntry."""
        with self.store.write() as db:
            before = outbox.entry(db, payment_id)
            after = outbox.requeue(db, payment_id, self._clock())
            archive.insert_audit(
                db,
                actor,
                "outbox.requeue",
                {"payment_id": payment_id, "was": before.status},
                self._at(),
            )
            return after

    def may_accept_money(self, policy: OfflinePolicy) -> tuple[bool, str]:
        """(may the terminal take money now, reason code ``ok``/``outbox_count``/
        ``outbox_amount``): refuse once too much is unconfirmed."""
        return outbox.may_accept_money(self.outbox_summary(), policy)

    def messages(self, payment_id: str) -> list[ArchivedMessage]:
        """The archived evidence of every attempt for one payment, oldest first."""
        with self.store.read() as db:
            return archive.messages(db, payment_id)

    def drain(self, confirmer: Confirmer, timeout_s: float, **kwargs: Any) -> DrainResult:
        """Deliver every pending entry now (synchronously; see ``worker.drain``)."""
        from kiosk.ledger.worker import drain

        return drain(self, confirmer, timeout_s, **kwargs)

    # ------------------------------------------------------------------ vouchers

    def issue_voucher(self, session_id: str, amount: int, reason: str) -> Voucher:
        """Turn ``amount`` bani of the session's unallocated credit into a voucher.
        Raises InsufficientCredit or ValueError; then nothing is written."""
        with self.store.write() as db:
            return vouchers.issue(db, session_id, amount, reason, self._at())

    def redeem_voucher(self, code: str, session_id: str) -> Credit:
        """Redeem a voucher (as typed: case, spaces and dashes ignored) into ``session_id``.
        Raises VoucherRefused (``.reason``: malformed, check, unknown, redeemed)."""
        with self.store.write() as db:
            return vouchers.redeem(db, code, session_id, self._at())

    def voucher(self, code: str) -> Voucher | None:
        """The voucher for a code as typed (None if never issued here). Raises VoucherRefused
        (``malformed``/``check``) for a mistyped code."""
        with self.store.read() as db:
            return vouchers.voucher(db, vouchers.normalize_code(code))

    def vouchers(self) -> list[Voucher]:
        with self.store.read() as db:
            return vouchers.vouchers(db)

    # ------------------------------------------------------------------ cash box

    def cash_box(self) -> CashBoxCount:
        with self.store.read() as db:
            return cashbox.current(db)

    def collect(
        self,
        actor: str,
        counted: cashbox.Counts | None = None,
        device_counters: cashbox.Counts | None = None,
    ) -> Collection:
        """Close the cash-box period (the box was emptied); audited. ``counted`` /
        ``device_counters`` (``{"bill": {bani: pieces}, "coin": {...}}``) are compared with
        the journal's counts. Stop the acceptors first: a bill stacked meanwhile belongs to the
        next period."""
        with self.store.write() as db:
            result = cashbox.collect(db, actor, self._at(), counted, device_counters)
            archive.insert_audit(
                db,
                actor,
                "cashbox.collect",
                {"collection": result.id, "balanced": result.balanced},
                self._at(),
            )
            return result

    def collections(self, limit: int = 50) -> list[Collection]:
        with self.store.read() as db:
            return cashbox.collections(db, limit)

    # ------------------------------------------------------------------ receipts and audit

    def store_receipt(self, key: str, kind: str, receipt: Mapping[str, Any]) -> None:
        """Keep a receipt (a JSON-able dict) by PaymentID or voucher code, for reprints."""
        with self.store.write() as db:
            archive.insert_receipt(db, key, kind, receipt, self._at())

    def receipt(self, key: str) -> dict[str, Any] | None:
        with self.store.read() as db:
            return archive.receipt(db, key)

    def last_receipt(self) -> StoredReceipt | None:
        """The most recently stored receipt (any key and kind), or None."""
        with self.store.read() as db:
            return archive.last_receipt(db)

    def audit(self, actor: str, action: str, detail: Mapping[str, Any] | None = None) -> None:
        with self.store.write() as db:
            archive.insert_audit(db, actor, action, detail, self._at())

    def audit_log(self, limit: int = 100) -> list[AuditRecord]:
        with self.store.read() as db:
            return archive.audit_log(db, limit)

    # ------------------------------------------------------------------ recovery and checks

    def interrupted_sessions(self) -> list[InterruptedSession]:
        """Sessions holding credit in no payment, voucher or reversal. At start-up these are
        the interrupted ones (during operation the current session is among them)."""
        with self.store.read() as db:
            return recovery.interrupted_sessions(db)

    def export(self) -> dict[str, Any]:
        with self.store.read() as db:
            return export.export(db)

    def verify(self) -> VerifyReport:
        with self.store.read() as db:
            return recovery.verify(db)
