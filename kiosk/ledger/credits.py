"""Sessions, credits, allocations and card approvals (functions over an open transaction).

Rules kept here:

* A credit is one row, keyed by its raw event ``ref``; journalling the same ``ref`` again
  returns the existing row (``fresh=False``) and writes nothing.
* Credits are never changed. Where money went is recorded as allocation rows (credit ->
  payment, voucher or card reversal, with an amount). The sum allocated from a credit never
  exceeds it; a session's *balance* is what is still unallocated.
* ``detail`` holds flat, small facts (device serial, masked PAN, RRN ...). A value that looks
  like a full card number (13-19 digits passing the Luhn check) is stored masked.
"""

from __future__ import annotations

import json
import logging
import re
import sqlite3
from collections.abc import Mapping
from typing import Any

from sqlite_utils import Database

from kiosk.ledger import chain
from kiosk.ledger.errors import CreditConflict, InsufficientCredit, LedgerError, UnknownEntry
from kiosk.ledger.records import CREDIT_SOURCES, CardApproval, Credit, SessionIntent

__all__ = [
    "check_detail",
    "looks_like_pan",
    "ensure_session",
    "end_session",
    "note_intent",
    "latest_intent",
    "insert_credit",
    "credit_by_ref",
    "session_credits",
    "unallocated",
    "balance",
    "allocate",
    "insert_card_approval",
    "card_approval",
    "resolve_card_approval",
]

_SEPARATORS = re.compile(r"[ \-]")
log = logging.getLogger(__name__)


def _luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def looks_like_pan(value: str) -> bool:
    """True for a value that is, as a whole, a 13-19 digit number passing the Luhn check."""
    digits = _SEPARATORS.sub("", value)
    return digits.isdigit() and 13 <= len(digits) <= 19 and _luhn_ok(digits)


def check_detail(detail: Mapping[str, Any] | None) -> dict[str, Any]:
    """A flat JSON-able copy of ``detail``. Raises ValueError on nested values.

    A value that looks like a full card number is masked (all but the last four digits), never
    refused: refusing would lose a credit, storing it would keep a card number."""
    if not detail:
        return {}
    out: dict[str, Any] = {}
    for key, value in (detail or {}).items():
        if not isinstance(key, str):
            raise ValueError(f"detail keys must be text, got {key!r}")
        if value is not None and not isinstance(value, str | int | bool):
            raise ValueError(f"detail {key!r} must be text, int, bool or None")
        text = str(value) if isinstance(value, int) and not isinstance(value, bool) else value
        if isinstance(text, str) and looks_like_pan(text):
            digits = _SEPARATORS.sub("", text)
            log.warning("detail %r looked like a full card number: stored masked", key)
            value = "*" * (len(digits) - 4) + digits[-4:]
        out[key] = value
    return out


_ENCODER = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _dumps(obj: Any) -> str:
    return _ENCODER.encode(obj)


# ------------------------------------------------------------------ sessions


def ensure_session(db: Database, session_id: str, at: str) -> None:
    if not session_id or len(session_id) > 100:
        raise ValueError("session_id must be 1-100 characters")
    db.conn.execute(
        "INSERT OR IGNORE INTO sessions (id, started_at) VALUES (?, ?)", (session_id, at)
    )


def end_session(db: Database, session_id: str, outcome: str, at: str) -> bool:
    """Mark the session ended (once). False if it had already ended."""
    cur = db.execute(
        "UPDATE sessions SET ended_at = ?, outcome = ? WHERE id = ? AND ended_at IS NULL",
        [at, outcome, session_id],
    )
    return cur.rowcount == 1


def note_intent(
    db: Database,
    session_id: str,
    *,
    service_id: str | None,
    order_key: str | None,
    amount: int | None,
    fee: int,
    data: Mapping[str, Any],
    at: str,
) -> None:
    ensure_session(db, session_id, at)
    db.execute(
        "INSERT INTO session_intents (session_id, service_id, order_key, amount, fee, data, at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        [session_id, service_id, order_key, amount, fee, _dumps(dict(data)), at],
    )


def latest_intent(db: Database, session_id: str) -> SessionIntent | None:
    row = db.execute(
        "SELECT * FROM session_intents WHERE session_id = ? ORDER BY id DESC LIMIT 1",
        [session_id],
    ).fetchone()
    if row is None:
        return None
    return SessionIntent(
        session_id=row["session_id"],
        service_id=row["service_id"],
        order_key=row["order_key"],
        amount=row["amount"],
        fee=row["fee"],
        data=json.loads(row["data"]),
        at=row["at"],
    )


# ------------------------------------------------------------------ credits


def _credit(row: Any, *, fresh: bool = False) -> Credit:
    return Credit(
        id=row["id"],
        ref=row["ref"],
        session_id=row["session_id"],
        source=row["source"],
        device=row["device"],
        amount=row["amount"],
        currency=row["currency"],
        detail=json.loads(row["detail"]),
        at=row["at"],
        fresh=fresh,
    )


def credit_by_ref(db: Database, ref: str) -> Credit | None:
    row = db.execute("SELECT * FROM credits WHERE ref = ?", [ref]).fetchone()
    return _credit(row) if row is not None else None


def insert_credit(
    db: Database,
    *,
    ref: str,
    session_id: str,
    source: str,
    device: str,
    amount: int,
    currency: str,
    detail: Mapping[str, Any] | None,
    at: str,
    tail: tuple[int, str] | None = None,
    session_known: bool = False,
) -> Credit:
    """Journal one credit (see the module rules). Raises ValueError on bad arguments and
    CreditConflict if ``ref`` exists with different content.

    Hot-path hints from the caller: ``tail`` is the chain's last link as this process last
    committed it (saves reading it), ``session_known`` that the session row exists (sessions
    are never deleted). A stale ``tail`` cannot fork the chain: if another writer appended
    meanwhile, the next id is taken, the INSERT fails on the primary key, and the real tail is
    read and the insert retried."""
    if source not in CREDIT_SOURCES:
        raise ValueError(f"source must be one of {CREDIT_SOURCES}, got {source!r}")
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        raise ValueError(f"amount must be a positive int of bani, got {amount!r}")
    if not ref or len(ref) > 200:
        raise ValueError("ref must be 1-200 characters")
    if not device:
        raise ValueError("device must be named")
    clean = check_detail(detail)
    last_id, prev = tail if tail is not None else chain.tail(db, "credits")
    row: dict[str, Any] = {
        "id": last_id + 1,
        "ref": ref,
        "session_id": session_id,
        "source": source,
        "device": device,
        "amount": amount,
        "currency": currency,
        "detail": _dumps(clean) if clean else "{}",
        "at": at,
    }
    if not session_known:
        ensure_session(db, session_id, at)
    try:
        link = chain.append(db, "credits", row, prev=prev)["hash"]
    except sqlite3.IntegrityError:
        # Insert first, look second: the usual case (a new event) costs no extra query.
        existing = credit_by_ref(db, ref)
        if existing is None:
            if tail is None:
                raise
            # the tail hint was stale (another writer appended): read it and try once more
            return insert_credit(db, ref=ref, session_id=session_id, source=source,
                                 device=device, amount=amount, currency=currency,
                                 detail=detail, at=at)
        mine = (session_id, source, device, amount, currency)
        theirs = (
            existing.session_id,
            existing.source,
            existing.device,
            existing.amount,
            existing.currency,
        )
        if mine != theirs:
            raise CreditConflict(
                f"credit {ref!r} was journalled as {theirs}, now re-delivered as {mine}"
            ) from None
        return existing
    return Credit(
        id=last_id + 1,
        ref=ref,
        session_id=session_id,
        source=source,
        device=device,
        amount=amount,
        currency=currency,
        detail=clean,
        at=at,
        fresh=True,
        link=link,
    )


def session_credits(db: Database, session_id: str) -> list[Credit]:
    rows = db.execute("SELECT * FROM credits WHERE session_id = ? ORDER BY id", [session_id])
    return [_credit(r) for r in rows]


def unallocated(db: Database, session_id: str) -> list[tuple[int, int]]:
    """(credit id, bani still unallocated) for the session's credits with something left."""
    rows = db.execute(
        "SELECT c.id, c.amount - COALESCE("
        "  (SELECT SUM(a.amount) FROM allocations a WHERE a.credit_id = c.id), 0) AS remaining "
        "FROM credits c WHERE c.session_id = ? ORDER BY c.id",
        [session_id],
    )
    return [(r[0], r[1]) for r in rows if r[1] > 0]


def balance(db: Database, session_id: str) -> int:
    return sum(rest for _, rest in unallocated(db, session_id))


def allocate(
    db: Database, session_id: str, total: int, target_kind: str, target: str, at: str
) -> None:
    """Allocate ``total`` bani of the session's unallocated credit, oldest credit first.

    Raises InsufficientCredit (nothing written by this call) if the balance is short."""
    parts = unallocated(db, session_id)
    available = sum(rest for _, rest in parts)
    if total > available:
        raise InsufficientCredit(
            f"session {session_id} holds {available} bani unallocated, {total} needed",
            needed=total,
            available=available,
        )
    need = total
    for credit_id, rest in parts:
        if need == 0:
            break
        take = min(rest, need)
        chain.append(
            db,
            "allocations",
            {
                "id": chain.next_id(db, "allocations"),
                "credit_id": credit_id,
                "target_kind": target_kind,
                "target": target,
                "amount": take,
                "at": at,
            },
        )
        need -= take


# ------------------------------------------------------------------ card approvals


def _approval(row: Any, detail: dict[str, Any]) -> CardApproval:
    return CardApproval(
        ref=row["ref"],
        credit_id=row["credit_id"],
        session_id=row["session_id"],
        amount=row["amount"],
        received_at=row["received_at"],
        status=row["status"],
        detail=detail,
        resolution=row["resolution"],
    )


def card_approval(db: Database, ref: str) -> CardApproval | None:
    row = db.execute(
        "SELECT a.*, c.detail FROM card_approvals a JOIN credits c ON c.id = a.credit_id "
        "WHERE a.ref = ?",
        [ref],
    ).fetchone()
    return _approval(row, json.loads(row["detail"])) if row is not None else None


def insert_card_approval(db: Database, credit: Credit) -> CardApproval:
    existing = card_approval(db, credit.ref)
    if existing is not None:
        return existing
    db.execute(
        "INSERT INTO card_approvals (ref, credit_id, session_id, amount, received_at, status) "
        "VALUES (?, ?, ?, ?, ?, 'awaiting_ack')",
        [credit.ref, credit.id, credit.session_id, credit.amount, credit.at],
    )
    found = card_approval(db, credit.ref)
    assert found is not None
    return found


def resolve_card_approval(db: Database, ref: str, status: str, resolution: str, at: str) -> None:
    """Move an approval from ``awaiting_ack`` to ``acknowledged`` or ``reversed`` (once)."""
    approval = card_approval(db, ref)
    if approval is None:
        raise UnknownEntry(f"no card approval {ref!r}")
    if approval.status == status:
        return
    if approval.status != "awaiting_ack":
        raise LedgerError(f"card approval {ref!r} is already {approval.status}")
    if status == "reversed":
        rest = dict(unallocated(db, approval.session_id)).get(approval.credit_id, 0)
        if rest != approval.amount:
            raise LedgerError(
                f"card approval {ref!r} is already (partly) in a payment or voucher: "
                "it cannot be reversed"
            )
        chain.append(
            db,
            "allocations",
            {
                "id": chain.next_id(db, "allocations"),
                "credit_id": approval.credit_id,
                "target_kind": "reversal",
                "target": ref,
                "amount": approval.amount,
                "at": at,
            },
        )
    db.execute(
        "UPDATE card_approvals SET status = ?, resolved_at = ?, resolution = ? WHERE ref = ?",
        [status, at, resolution, ref],
    )
