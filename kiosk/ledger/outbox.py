"""The confirmation outbox: one entry per payment, created by ``payments.mint``.

Theory of operation
-------------------
* An entry is ``pending`` until MPay accepts the confirmation (``confirmed``, final: a trigger
  refuses to move it back) or answers with a non-retryable fault (``needs_technician``: parked,
  never dropped; ``requeue`` puts it back to ``pending`` and is audited by the caller).
* Each attempt is recorded with its evidence in the same transaction as its outcome, after the
  network call returned (the ledger lock is never held across I/O). A crash during an attempt
  leaves the entry ``pending`` and due: it is simply sent again, with the same PaymentID and
  content, which MPay treats idempotently.
* Failures back off exponentially with jitter (``backoff_delay``); the due time is stored, so
  the schedule survives restarts. A due time further ahead than the maximum backoff can only
  come from a clock that jumped back: such entries are treated as due.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from sqlite_utils import Database

from kiosk.ledger.errors import UnknownEntry
from kiosk.ledger.payments import confirmation_from_json
from kiosk.ledger.records import OfflinePolicy, OutboxEntry, OutboxSummary

__all__ = [
    "STATUSES",
    "backoff_delay",
    "entry",
    "entries",
    "next_due",
    "record_outcome",
    "requeue",
    "summary",
    "may_accept_money",
]

STATUSES = ("pending", "confirmed", "needs_technician")

_SELECT = (
    "SELECT o.*, p.service_id, p.order_key, p.amount, p.content "
    "FROM outbox o JOIN payments p ON p.payment_id = o.payment_id"
)


def backoff_delay(
    attempts: int, *, initial: float, maximum: float, rng: Callable[[], float]
) -> float:
    """Seconds to wait after the ``attempts``-th failure: ``initial * 2**(attempts-1)``, capped
    at ``maximum``, then jittered to between half and all of it (spreads a fleet's retries)."""
    base = min(maximum, initial * 2.0 ** max(0, min(attempts - 1, 60)))
    return base * (0.5 + 0.5 * rng())


def _entry(row: Any) -> OutboxEntry:
    try:
        conf = confirmation_from_json(row["content"])
    except (ValueError, KeyError, TypeError):
        conf = None
    return OutboxEntry(
        payment_id=row["payment_id"],
        status=row["status"],
        attempts=row["attempts"],
        created_at=row["created_at"],
        next_attempt_at=row["next_attempt_at"],
        last_attempt_at=row["last_attempt_at"],
        last_error=row["last_error"],
        last_error_kind=row["last_error_kind"],
        alert=bool(row["alert"]),
        confirmed_at=row["confirmed_at"],
        service_id=row["service_id"],
        order_key=row["order_key"],
        amount=row["amount"],
        confirmation=conf,
    )


def entry(db: Database, payment_id: str) -> OutboxEntry:
    row = db.execute(f"{_SELECT} WHERE o.payment_id = ?", [payment_id]).fetchone()
    if row is None:
        raise UnknownEntry(f"no outbox entry for payment {payment_id!r}")
    return _entry(row)


def entries(db: Database, statuses: Iterable[str] | None = None) -> list[OutboxEntry]:
    """Entries oldest first, optionally only those in ``statuses``."""
    if statuses is None:
        rows = db.execute(f"{_SELECT} ORDER BY o.created_at, o.rowid")
    else:
        wanted = list(statuses)
        marks = ", ".join("?" for _ in wanted)
        rows = db.execute(
            f"{_SELECT} WHERE o.status IN ({marks}) ORDER BY o.created_at, o.rowid", wanted
        )
    return [_entry(r) for r in rows]


def next_due(db: Database, now: float, horizon: float) -> tuple[OutboxEntry | None, float | None]:
    """(the pending entry to try now, or None; the earliest due time of the pending ones)."""
    row = db.execute(
        f"{_SELECT} WHERE o.status = 'pending' ORDER BY o.next_attempt_at, o.rowid LIMIT 1"
    ).fetchone()
    if row is None:
        return None, None
    due = float(row["next_attempt_at"])
    if due <= now or due - now > horizon:
        return _entry(row), due
    return None, due


def record_outcome(
    db: Database,
    payment_id: str,
    *,
    outcome: str,
    now: float,
    error_kind: str | None = None,
    error: str | None = None,
    next_attempt_at: float | None = None,
    alert: bool = False,
) -> int:
    """Move the entry on after an attempt (``confirmed``, ``retry`` or ``parked``) and return
    the attempt number. An entry some other process already confirmed stays confirmed."""
    current = entry(db, payment_id)
    attempt = current.attempts + 1
    if outcome == "confirmed":
        db.execute(
            "UPDATE outbox SET status = 'confirmed', attempts = ?, last_attempt_at = ?, "
            "confirmed_at = COALESCE(confirmed_at, ?), alert = 0 WHERE payment_id = ?",
            [attempt, now, now, payment_id],
        )
    elif outcome in ("retry", "parked"):
        status = "pending" if outcome == "retry" else "needs_technician"
        db.execute(
            "UPDATE outbox SET status = CASE WHEN status = 'confirmed' THEN status ELSE ? END, "
            "attempts = ?, last_attempt_at = ?, last_error = ?, last_error_kind = ?, "
            "next_attempt_at = ?, alert = ? WHERE payment_id = ?",
            [
                status,
                attempt,
                now,
                error,
                error_kind,
                next_attempt_at if next_attempt_at is not None else now,
                int(alert or outcome == "parked"),
                payment_id,
            ],
        )
    else:
        raise ValueError(f"unknown outcome {outcome!r}")
    return attempt


def requeue(db: Database, payment_id: str, now: float) -> OutboxEntry:
    """Make a parked (or waiting) entry due now. A confirmed entry is left as it is."""
    current = entry(db, payment_id)
    if current.status != "confirmed":
        db.execute(
            "UPDATE outbox SET status = 'pending', next_attempt_at = ? WHERE payment_id = ?",
            [now, payment_id],
        )
    return entry(db, payment_id)


def summary(db: Database) -> OutboxSummary:
    row = db.execute(
        "SELECT "
        " COALESCE(SUM(o.status = 'pending'), 0) AS pending,"
        " COALESCE(SUM(CASE WHEN o.status = 'pending' THEN p.amount END), 0) AS pending_amount,"
        " COALESCE(SUM(o.status = 'needs_technician'), 0) AS parked,"
        " COALESCE(SUM(CASE WHEN o.status = 'needs_technician' THEN p.amount END), 0)"
        "   AS parked_amount,"
        " COALESCE(SUM(o.status = 'pending' AND o.alert), 0) AS alert,"
        " COALESCE(SUM(o.status = 'confirmed'), 0) AS confirmed,"
        " MIN(CASE WHEN o.status != 'confirmed' THEN o.created_at END) AS oldest,"
        " MIN(CASE WHEN o.status = 'pending' THEN o.next_attempt_at END) AS next_at "
        "FROM outbox o JOIN payments p ON p.payment_id = o.payment_id"
    ).fetchone()
    return OutboxSummary(
        pending=row["pending"],
        pending_amount=row["pending_amount"],
        needs_technician=row["parked"],
        needs_technician_amount=row["parked_amount"],
        alert=row["alert"],
        confirmed=row["confirmed"],
        oldest_unconfirmed_at=row["oldest"],
        next_attempt_at=row["next_at"],
    )


def may_accept_money(s: OutboxSummary, policy: OfflinePolicy) -> tuple[bool, str]:
    """Whether the terminal may take money, given what is still unconfirmed.

    The reason is a stable code: ``ok``, ``outbox_count`` (too many unconfirmed payments) or
    ``outbox_amount`` (too much money unconfirmed); parked entries count as unconfirmed."""
    if s.unconfirmed >= policy.max_pending_count:
        return False, "outbox_count"
    if s.unconfirmed_amount >= policy.max_pending_amount:
        return False, "outbox_amount"
    return True, "ok"
