"""Hash chains over the money tables, so that editing the journal file by hand is detectable.

Each chained table is its own chain, in insertion (rowid) order. A row stores
``prev_hash`` (the previous row's ``hash``; 64 zeros for the first row) and
``hash = sha256(prev_hash + canonical(table, row))``, where ``canonical`` is compact JSON of the
table name and the columns listed in ``CHAINED``, in that order (UTF-8). Changing a chained
column, deleting or inserting a row in the middle, or swapping rows breaks the chain at that
row. The column lists are frozen per schema version: a later migration that adds a column does
not change what older rows were hashed over.

Limits (stated, not hidden): the hash is unkeyed, so someone who rewrites the file AND
recomputes every later hash is not caught; nor is cutting rows off the end of a chain. The
chain catches edits, bugs and partial restores; it is not a signature.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from sqlite_utils import Database

from kiosk.ledger.records import VerifyProblem

__all__ = [
    "CHAINED",
    "GENESIS",
    "canonical",
    "row_hash",
    "tail",
    "append",
    "next_id",
    "verify_table",
]

GENESIS = "0" * 64

#: table -> (key column, chained columns)
CHAINED: dict[str, tuple[str, tuple[str, ...]]] = {
    "credits": (
        "id",
        ("id", "ref", "session_id", "source", "device", "amount", "currency", "detail", "at"),
    ),
    "payments": (
        "payment_id",
        (
            "payment_id",
            "epoch",
            "seq",
            "session_id",
            "service_id",
            "order_key",
            "amount",
            "fee",
            "currency",
            "paid_at",
            "content",
            "content_sha256",
            "created_at",
        ),
    ),
    "allocations": ("id", ("id", "credit_id", "target_kind", "target", "amount", "at")),
    "vouchers": (
        "code",
        ("code", "session_id", "amount", "currency", "reason", "issued_at"),
    ),
    "voucher_redemptions": ("code", ("code", "session_id", "credit_id", "at")),
    "collections": (
        "id",
        (
            "id",
            "at",
            "actor",
            "after_credit_id",
            "last_credit_id",
            "expected",
            "expected_total",
            "counted",
            "counted_total",
            "device_counters",
            "discrepancies",
        ),
    ),
}


_INSERTS: dict[tuple[str, tuple[str, ...]], str] = {}


# One encoder for every link (json.dumps with these options would build one per call).
_CANONICAL = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)


def canonical(table: str, row: Mapping[str, Any]) -> str:
    _, columns = CHAINED[table]
    # Keys in the fixed CHAINED order (no sort needed: the order is part of the format).
    return _CANONICAL.encode([table, {c: row[c] for c in columns}])


def row_hash(prev_hash: str, table: str, row: Mapping[str, Any]) -> str:
    return hashlib.sha256((prev_hash + canonical(table, row)).encode("utf-8")).hexdigest()


def tail(db: Database, table: str) -> tuple[int, str]:
    """(the last row's rowid or 0, its hash or GENESIS): where the next link attaches."""
    row = db.conn.execute(f"SELECT rowid, hash FROM {table} ORDER BY rowid DESC LIMIT 1").fetchone()
    return (row[0], row[1]) if row is not None else (0, GENESIS)


def append(
    db: Database, table: str, row: dict[str, Any], prev: str | None = None
) -> dict[str, Any]:
    """Insert ``row`` (all chained columns given, integer ids included) as the chain's next link.

    ``prev`` is the chain's current tail hash if the caller has just read it (``tail``). Must
    run inside a write transaction. Returns the row with ``prev_hash`` and ``hash``; raises
    sqlite3.IntegrityError (nothing inserted) on a constraint violation."""
    if prev is None:
        prev = tail(db, table)[1]
    full = dict(row, prev_hash=prev, hash=row_hash(prev, table, row))
    key = (table, tuple(full))
    sql = _INSERTS.get(key)
    if sql is None:
        sql = _INSERTS[key] = (
            f"INSERT INTO {table} ({', '.join(full)}) VALUES ({', '.join('?' for _ in full)})"
        )
    db.conn.execute(sql, list(full.values()))
    return full


def next_id(db: Database, table: str) -> int:
    """The id the next row of an INTEGER PRIMARY KEY ``id`` table gets (rows are never deleted)."""
    return tail(db, table)[0] + 1


def verify_table(db: Database, table: str) -> tuple[int, VerifyProblem | None]:
    """Walk one chain: (rows checked, the first broken row or None)."""
    key, columns = CHAINED[table]
    prev = GENESIS
    count = 0
    cursor = db.execute(f"SELECT {', '.join(columns)}, prev_hash, hash FROM {table} ORDER BY rowid")
    for row in cursor:
        count += 1
        data = {c: row[c] for c in columns}
        where = f"{key}={row[key]}"
        if row["prev_hash"] != prev:
            problem = "chain broken before this row (a row was removed, inserted or reordered)"
            return count, VerifyProblem(table=table, key=where, problem=problem)
        if row_hash(prev, table, data) != row["hash"]:
            problem = "content does not match its hash (the row was edited)"
            return count, VerifyProblem(table=table, key=where, problem=problem)
        prev = row["hash"]
    return count, None
