"""Evidence kept beside the money: the signed message archive, stored receipts, the audit log.

* ``messages``: one row per confirmation attempt, with the exact signed request and the raw
  reply bytes (spec 1.7.6: the non-repudiation evidence), linked to the payment.
* ``receipts``: the receipt as a JSON dict (``kiosk.receipts.model.receipt_to_dict``), by
  PaymentID or voucher code, for reprints; storing again adds a version, the newest wins.
* ``audit``: what technicians (and the terminal on their behalf) did: time, actor, action,
  detail.

All three are append-only.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from sqlite_utils import Database

from kiosk.ledger.credits import check_detail
from kiosk.ledger.records import ArchivedMessage, AuditRecord, StoredReceipt

__all__ = [
    "insert_message",
    "messages",
    "insert_receipt",
    "receipt",
    "last_receipt",
    "insert_audit",
    "audit_log",
]


def _dumps(obj: Any) -> str:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def insert_message(
    db: Database,
    *,
    payment_id: str,
    attempt: int,
    started_at: str,
    finished_at: str,
    outcome: str,
    error_kind: str | None,
    error: str | None,
    request: bytes,
    response: bytes,
    extra: Mapping[str, str],
) -> None:
    db.execute(
        "INSERT INTO messages (payment_id, attempt, started_at, finished_at, outcome, "
        "error_kind, error, request, response, extra) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            payment_id,
            attempt,
            started_at,
            finished_at,
            outcome,
            error_kind,
            error,
            bytes(request),
            bytes(response),
            _dumps({str(k): str(v) for k, v in extra.items()}),
        ],
    )


def messages(db: Database, payment_id: str) -> list[ArchivedMessage]:
    rows = db.execute("SELECT * FROM messages WHERE payment_id = ? ORDER BY id", [payment_id])
    return [
        ArchivedMessage(
            id=r["id"],
            payment_id=r["payment_id"],
            attempt=r["attempt"],
            started_at=r["started_at"],
            finished_at=r["finished_at"],
            outcome=r["outcome"],
            error_kind=r["error_kind"],
            error=r["error"],
            request=bytes(r["request"]),
            response=bytes(r["response"]),
            extra=json.loads(r["extra"]),
        )
        for r in rows
    ]


def insert_receipt(db: Database, key: str, kind: str, body: Mapping[str, Any], at: str) -> None:
    if not key or not kind:
        raise ValueError("a receipt needs a key and a kind")
    db.execute(
        "INSERT INTO receipts (key, kind, body, at) VALUES (?, ?, ?, ?)",
        [key, kind, _dumps(dict(body)), at],
    )


def receipt(db: Database, key: str) -> dict[str, Any] | None:
    row = db.execute(
        "SELECT body FROM receipts WHERE key = ? ORDER BY id DESC LIMIT 1", [key]
    ).fetchone()
    return json.loads(row[0]) if row is not None else None


def last_receipt(db: Database) -> StoredReceipt | None:
    row = db.execute("SELECT * FROM receipts ORDER BY id DESC LIMIT 1").fetchone()
    if row is None:
        return None
    return StoredReceipt(key=row["key"], kind=row["kind"], body=json.loads(row["body"]), at=row["at"])


def insert_audit(
    db: Database, actor: str, action: str, detail: Mapping[str, Any] | None, at: str
) -> None:
    if not actor or not action:
        raise ValueError("an audit record needs an actor and an action")
    db.execute(
        "INSERT INTO audit (at, actor, action, detail) VALUES (?, ?, ?, ?)",
        [at, actor, action, _dumps(check_detail(detail))],
    )


def audit_log(db: Database, limit: int = 100) -> list[AuditRecord]:
    """The newest ``limit`` records, oldest first."""
    rows = db.execute("SELECT * FROM audit ORDER BY id DESC LIMIT ?", [limit]).fetchall()
    return [
        AuditRecord(
            id=r["id"],
            at=r["at"],
            actor=r["actor"],
            action=r["action"],
            detail=json.loads(r["detail"]),
        )
        for r in reversed(rows)
    ]
