"""The journal's schema, as numbered migrations (``PRAGMA user_version`` holds the number).

Money tables are append-only, and triggers make SQLite itself refuse an UPDATE or DELETE of
them (a bug cannot rewrite history; someone editing the file by hand is caught by the hash chain,
``chain.py``). State that moves on lives in status columns that only move forward: the outbox
(``pending`` -> ``confirmed``, never back), card approvals, sessions' end.

Amounts are INTEGER bani. ``at`` columns are ISO 8601 UTC text; outbox scheduling columns are
REAL POSIX seconds.

A new migration is appended to ``MIGRATIONS``; existing ones are never edited (files in the
field carry them). ``store.py`` backs the file up before it applies any.
"""

from __future__ import annotations

__all__ = ["MIGRATIONS", "APPEND_ONLY_TABLES"]

APPEND_ONLY_TABLES = (
    "credits",
    "payments",
    "allocations",
    "vouchers",
    "voucher_redemptions",
    "collections",
    "messages",
    "receipts",
    "audit",
    "session_intents",
    "boots",
)


def _append_only(table: str) -> str:
    return f"""
CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table}
BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END;
CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table}
BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END;
"""


_V1 = """
CREATE TABLE boots (
    id INTEGER PRIMARY KEY,
    epoch TEXT NOT NULL UNIQUE,          -- PaymentID component, fresh and random per open
    opened_at TEXT NOT NULL,
    pid INTEGER NOT NULL
);

CREATE TABLE sessions (
    id TEXT PRIMARY KEY,
    started_at TEXT NOT NULL,
    ended_at TEXT,
    outcome TEXT
);

CREATE TABLE session_intents (
    id INTEGER PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES sessions(id),
    service_id TEXT,
    order_key TEXT,
    amount INTEGER,
    fee INTEGER NOT NULL DEFAULT 0,
    data TEXT NOT NULL,                  -- JSON object
    at TEXT NOT NULL
);
CREATE INDEX session_intents_session ON session_intents(session_id);

CREATE TABLE credits (
    id INTEGER PRIMARY KEY,
    ref TEXT NOT NULL UNIQUE,            -- the raw event's id: a re-delivery is a no-op
    session_id TEXT NOT NULL REFERENCES sessions(id),
    source TEXT NOT NULL CHECK (source IN ('bill', 'coin', 'card', 'voucher')),
    device TEXT NOT NULL,
    amount INTEGER NOT NULL CHECK (amount > 0),
    currency TEXT NOT NULL,
    detail TEXT NOT NULL,                -- JSON object (never a full card number)
    at TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX credits_session ON credits(session_id);

CREATE TABLE payments (
    payment_id TEXT PRIMARY KEY CHECK (length(payment_id) BETWEEN 1 AND 36),
    epoch TEXT NOT NULL,
    seq INTEGER NOT NULL,
    session_id TEXT NOT NULL REFERENCES sessions(id),
    service_id TEXT NOT NULL,
    order_key TEXT NOT NULL,
    amount INTEGER NOT NULL CHECK (amount > 0),
    fee INTEGER NOT NULL CHECK (fee >= 0),
    currency TEXT NOT NULL,
    paid_at TEXT NOT NULL,
    content TEXT NOT NULL,               -- canonical JSON of the PaymentConfirmation
    content_sha256 TEXT NOT NULL,
    created_at TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL,
    UNIQUE (epoch, seq)
);
CREATE INDEX payments_session ON payments(session_id);

CREATE TABLE vouchers (
    code TEXT PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES sessions(id),
    amount INTEGER NOT NULL CHECK (amount > 0),
    currency TEXT NOT NULL,
    reason TEXT NOT NULL,
    issued_at TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX vouchers_session ON vouchers(session_id);

-- Which credit money went where: a payment (amount + fee), a voucher, or a card reversal.
-- A credit is split over two targets only when a payment leaves change (a voucher).
CREATE TABLE allocations (
    id INTEGER PRIMARY KEY,
    credit_id INTEGER NOT NULL REFERENCES credits(id),
    target_kind TEXT NOT NULL CHECK (target_kind IN ('payment', 'voucher', 'reversal')),
    target TEXT NOT NULL,
    amount INTEGER NOT NULL CHECK (amount > 0),
    at TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX allocations_credit ON allocations(credit_id);
CREATE INDEX allocations_target ON allocations(target_kind, target);

CREATE TABLE voucher_redemptions (
    code TEXT PRIMARY KEY REFERENCES vouchers(code),   -- once, ever
    session_id TEXT NOT NULL,
    credit_id INTEGER NOT NULL UNIQUE REFERENCES credits(id),
    at TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);

CREATE TABLE outbox (
    payment_id TEXT PRIMARY KEY REFERENCES payments(payment_id),
    status TEXT NOT NULL CHECK (status IN ('pending', 'confirmed', 'needs_technician')),
    attempts INTEGER NOT NULL DEFAULT 0,
    created_at REAL NOT NULL,
    next_attempt_at REAL NOT NULL,
    last_attempt_at REAL,
    last_error TEXT,
    last_error_kind TEXT,
    alert INTEGER NOT NULL DEFAULT 0,
    confirmed_at REAL
);
CREATE INDEX outbox_due ON outbox(status, next_attempt_at);

CREATE TABLE messages (
    id INTEGER PRIMARY KEY,
    payment_id TEXT NOT NULL REFERENCES payments(payment_id),
    attempt INTEGER NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('confirmed', 'retry', 'parked')),
    error_kind TEXT,
    error TEXT,
    request BLOB NOT NULL,
    response BLOB NOT NULL,
    extra TEXT NOT NULL
);
CREATE INDEX messages_payment ON messages(payment_id);

CREATE TABLE receipts (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL,                   -- PaymentID or voucher code
    kind TEXT NOT NULL,
    body TEXT NOT NULL,                  -- JSON object
    at TEXT NOT NULL
);
CREATE INDEX receipts_key ON receipts(key);

CREATE TABLE card_approvals (
    ref TEXT PRIMARY KEY,
    credit_id INTEGER NOT NULL UNIQUE REFERENCES credits(id),
    session_id TEXT NOT NULL,
    amount INTEGER NOT NULL CHECK (amount > 0),
    received_at TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('awaiting_ack', 'acknowledged', 'reversed')),
    resolved_at TEXT,
    resolution TEXT
);

CREATE TABLE collections (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    after_credit_id INTEGER NOT NULL,
    last_credit_id INTEGER NOT NULL,
    expected TEXT NOT NULL,              -- JSON {"bill": {"10000": 3}, "coin": {...}}
    expected_total INTEGER NOT NULL,
    counted TEXT,
    counted_total INTEGER,
    device_counters TEXT,
    discrepancies TEXT NOT NULL,         -- JSON list
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);

CREATE TABLE audit (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    detail TEXT NOT NULL
);

-- Forward-only state.
CREATE TRIGGER outbox_no_delete BEFORE DELETE ON outbox
BEGIN SELECT RAISE(ABORT, 'outbox entries are never deleted'); END;
CREATE TRIGGER outbox_confirmed_final BEFORE UPDATE ON outbox
WHEN OLD.status = 'confirmed' AND NEW.status != 'confirmed'
BEGIN SELECT RAISE(ABORT, 'a confirmed outbox entry stays confirmed'); END;
CREATE TRIGGER outbox_content_fixed BEFORE UPDATE OF payment_id, created_at ON outbox
BEGIN SELECT RAISE(ABORT, 'outbox identity is fixed'); END;
CREATE TRIGGER card_approvals_forward BEFORE UPDATE ON card_approvals
WHEN OLD.status != 'awaiting_ack' OR NEW.ref != OLD.ref OR NEW.credit_id != OLD.credit_id
    OR NEW.amount != OLD.amount OR NEW.session_id != OLD.session_id
BEGIN SELECT RAISE(ABORT, 'a resolved card approval is final'); END;
CREATE TRIGGER card_approvals_no_delete BEFORE DELETE ON card_approvals
BEGIN SELECT RAISE(ABORT, 'card approvals are never deleted'); END;
CREATE TRIGGER sessions_end_once BEFORE UPDATE ON sessions
WHEN OLD.ended_at IS NOT NULL OR NEW.id != OLD.id OR NEW.started_at != OLD.started_at
BEGIN SELECT RAISE(ABORT, 'a session ends once'); END;
CREATE TRIGGER sessions_no_delete BEFORE DELETE ON sessions
BEGIN SELECT RAISE(ABORT, 'sessions are never deleted'); END;
""" + "".join(_append_only(t) for t in APPEND_ONLY_TABLES)

#: (version, SQL) in order; the journal's ``user_version`` is the last one applied.
MIGRATIONS: tuple[tuple[int, str], ...] = ((1, _V1),)
