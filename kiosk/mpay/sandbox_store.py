"""The sandbox's durable record of accepted confirmations (SQLite; in memory without a state dir).

One row per PaymentID, written once: ``record`` is idempotent (the same PaymentID with the same
content changes nothing) and refuses a conflicting repeat. Per-line amounts are kept so orders
can shrink line by line. WAL + synchronous=FULL when on disk. Safe for the sandbox's handler
threads (one connection behind a lock).
"""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path

__all__ = ["SandboxConfirmation", "ConfirmationStore", "Conflict", "DB_NAME"]

DB_NAME = "mpay-sandbox.sqlite3"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS confirmations (
    payment_id TEXT PRIMARY KEY,
    service_id TEXT NOT NULL,
    order_key TEXT NOT NULL,
    total_bani INTEGER NOT NULL,
    paid_at TEXT NOT NULL,
    content_sha256 TEXT NOT NULL,
    received_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS confirmation_lines (
    payment_id TEXT NOT NULL REFERENCES confirmations(payment_id),
    line_id TEXT NOT NULL,
    amount_bani INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS confirmations_order ON confirmations(service_id, order_key);
"""


@dataclass(frozen=True, slots=True, kw_only=True)
class SandboxConfirmation:
    payment_id: str
    service_id: str
    order_key: str
    total_bani: int
    lines: tuple[tuple[str, int], ...]
    paid_at: str
    content_sha256: str
    received_at: str


class Conflict(Exception):
    """The PaymentID was already accepted with different content."""


class ConfirmationStore:
    def __init__(self, state_dir: Path | None) -> None:
        if state_dir is not None:
            state_dir.mkdir(parents=True, exist_ok=True)
            path = str(state_dir / DB_NAME)
        else:
            path = ":memory:"
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._lock = threading.Lock()
        with self._lock:
            if state_dir is not None:
                self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            self._db.executescript(_SCHEMA)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def find(self, payment_id: str) -> SandboxConfirmation | None:
        with self._lock:
            return self._find(payment_id)

    def record(self, conf: SandboxConfirmation) -> bool:
        """Store ``conf``; False if this exact confirmation was already stored (a repeat).

        Raises ``Conflict`` if the PaymentID exists with different content.
        """
        with self._lock:
            existing = self._find(conf.payment_id)
            if existing is not None:
                if existing.content_sha256 != conf.content_sha256:
                    raise Conflict(conf.payment_id)
                return False
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._db.execute(
                    "INSERT INTO confirmations VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (
                        conf.payment_id,
                        conf.service_id,
                        conf.order_key,
                        conf.total_bani,
                        conf.paid_at,
                        conf.content_sha256,
                        conf.received_at,
                    ),
                )
                self._db.executemany(
                    "INSERT INTO confirmation_lines VALUES (?, ?, ?)",
                    [(conf.payment_id, line_id, bani) for line_id, bani in conf.lines],
                )
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            return True

    def paid_by_line(self, service_id: str, order_key: str) -> dict[str, int]:
        """Bani confirmed so far for each LineID of one order."""
        with self._lock:
            rows = self._db.execute(
                "SELECT l.line_id, SUM(l.amount_bani) FROM confirmation_lines l "
                "JOIN confirmations c ON c.payment_id = l.payment_id "
                "WHERE c.service_id = ? AND c.order_key = ? GROUP BY l.line_id",
                (service_id, order_key),
            ).fetchall()
        return {line_id: int(total) for line_id, total in rows}

    def all(self) -> list[SandboxConfirmation]:
        with self._lock:
            ids = [
                r[0]
                for r in self._db.execute(
                    "SELECT payment_id FROM confirmations ORDER BY received_at, rowid"
                )
            ]
            return [c for c in (self._find(i) for i in ids) if c is not None]

    def _find(self, payment_id: str) -> SandboxConfirmation | None:
        row = self._db.execute(
            "SELECT payment_id, service_id, order_key, total_bani, paid_at, content_sha256, "
            "received_at FROM confirmations WHERE payment_id = ?",
            (payment_id,),
        ).fetchone()
        if row is None:
            return None
        lines = tuple(
            (str(line_id), int(bani))
            for line_id, bani in self._db.execute(
                "SELECT line_id, amount_bani FROM confirmation_lines WHERE payment_id = ? "
                "ORDER BY rowid",
                (payment_id,),
            )
        )
        return SandboxConfirmation(
            payment_id=row[0],
            service_id=row[1],
            order_key=row[2],
            total_bani=int(row[3]),
            lines=lines,
            paid_at=row[4],
            content_sha256=row[5],
            received_at=row[6],
        )
