"""Payments: PaymentID minting and the fixed confirmation content.

A PaymentID is ``<terminal id>-<epoch>-<sequence>``, e.g. ``DEMO-01-7KQ2MXBA-000042``
(terminal ids are at most 16 characters, so the whole stays within MPay's 36). The epoch is 8
random characters (40 bits) chosen the first time a process mints and persisted in ``boots``;
the sequence counts up within it. A journal restored from an old backup gets a fresh epoch on
its next mint, so it can never hand out an id it handed out before the restore.

``mint`` runs in one transaction: PaymentID, the confirmation built by the caller's callback,
its canonical JSON, the allocation of the session's credits and the outbox entry are committed
together, before any attempt to confirm. Retries read the stored JSON back, so every attempt
sends the same business content.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import sqlite3
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlite_utils import Database

from kiosk.ledger import chain, credits
from kiosk.ledger.errors import MintError, UnknownEntry
from kiosk.ledger.records import Payment
from kiosk.ledger.store import utc_iso
from kiosk.money import AmountError, from_decimal
from kiosk.mpay.models import (
    ConfirmationLine,
    PaymentAccount,
    PaymentConfirmation,
    PaymentProperty,
)

__all__ = [
    "Builder",
    "EPOCH_ALPHABET",
    "new_epoch",
    "mint",
    "payment",
    "payments",
    "confirmation_to_json",
    "confirmation_from_json",
]

#: ``(payment_id, paid_at) -> PaymentConfirmation``; called inside the mint transaction, so it
#: must be quick and must not touch the ledger. Raising aborts the mint (nothing is written).
Builder = Callable[[str, datetime], PaymentConfirmation]

EPOCH_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32
_EPOCH_LEN = 8


# ------------------------------------------------------------------ canonical content


def _account(acc: PaymentAccount | None) -> dict[str, Any] | None:
    if acc is None:
        return None
    return {
        "bank_code": acc.bank_code,
        "bank_account": acc.bank_account,
        "bank_fiscal_code": acc.bank_fiscal_code,
        "bank_name": acc.bank_name,
        "beneficiary_name": acc.beneficiary_name,
        "configuration_code": acc.configuration_code,
    }


def _props(props: Iterable[PaymentProperty]) -> list[dict[str, Any]]:
    return [{"name": p.name, "value": p.value} for p in props]


def _decimal(value: Decimal) -> str:
    if not isinstance(value, Decimal) or not value.is_finite():
        raise MintError(f"amount must be a finite Decimal, got {value!r}")
    return str(value)


def confirmation_to_json(conf: PaymentConfirmation) -> str:
    """Canonical JSON (sorted keys, compact, UTF-8 text) of a confirmation."""
    data = {
        "payment_id": conf.payment_id,
        "service_id": conf.service_id,
        "order_key": conf.order_key,
        "paid_at": conf.paid_at.isoformat(),
        "total_amount": _decimal(conf.total_amount),
        "currency": conf.currency,
        "invoice_id": conf.invoice_id,
        "properties": _props(conf.properties),
        "lines": [
            {
                "line_id": line.line_id,
                "amount": _decimal(line.amount),
                "destination_account": _account(line.destination_account),
                "properties": _props(line.properties),
            }
            for line in conf.lines
        ],
    }
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def confirmation_from_json(text: str) -> PaymentConfirmation:
    """The inverse of ``confirmation_to_json``. Raises ValueError/KeyError on bad content."""
    data = json.loads(text)

    def props(items: list[dict[str, Any]]) -> tuple[PaymentProperty, ...]:
        return tuple(PaymentProperty(name=p["name"], value=p["value"]) for p in items)

    return PaymentConfirmation(
        payment_id=data["payment_id"],
        service_id=data["service_id"],
        order_key=data["order_key"],
        paid_at=datetime.fromisoformat(data["paid_at"]),
        total_amount=Decimal(data["total_amount"]),
        currency=data["currency"],
        invoice_id=data["invoice_id"],
        properties=props(data["properties"]),
        lines=tuple(
            ConfirmationLine(
                line_id=line["line_id"],
                amount=Decimal(line["amount"]),
                destination_account=(
                    PaymentAccount(**line["destination_account"])
                    if line["destination_account"] is not None
                    else None
                ),
                properties=props(line["properties"]),
            )
            for line in data["lines"]
        ),
    )


# ------------------------------------------------------------------ minting


def new_epoch(db: Database, at: str) -> str:
    """Choose and persist a fresh epoch (must run in a write transaction)."""
    for _ in range(16):
        epoch = "".join(secrets.choice(EPOCH_ALPHABET) for _ in range(_EPOCH_LEN))
        try:
            db.execute(
                "INSERT INTO boots (epoch, opened_at, pid) VALUES (?, ?, ?)",
                [epoch, at, os.getpid()],
            )
        except sqlite3.IntegrityError:
            continue
        return epoch
    raise MintError("could not choose a fresh PaymentID epoch")  # pragma: no cover


def _check(conf: object, payment_id: str, paid_at: datetime) -> PaymentConfirmation:
    if not isinstance(conf, PaymentConfirmation):
        raise MintError(f"the builder returned {type(conf).__name__}, not a PaymentConfirmation")
    if conf.payment_id != payment_id:
        raise MintError(f"the builder changed the PaymentID to {conf.payment_id!r}")
    if conf.paid_at != paid_at:
        raise MintError("the builder changed paid_at")
    if not conf.service_id or not conf.order_key:
        raise MintError("the confirmation has no ServiceID or OrderKey")
    if not conf.lines:
        raise MintError("the confirmation has no lines")
    try:
        total = from_decimal(conf.total_amount)
        lines = sum(from_decimal(line.amount) for line in conf.lines)
    except AmountError as exc:
        raise MintError(f"bad amount in the confirmation: {exc}") from exc
    if total <= 0:
        raise MintError("the confirmation's TotalAmount must be positive")
    if lines != total:
        raise MintError(f"line amounts add up to {lines} bani, TotalAmount is {total}")
    return conf


def mint(
    db: Database,
    *,
    terminal_id: str,
    epoch: str,
    session_id: str,
    build: Builder,
    fee: int,
    now: float,
) -> Payment:
    """Mint one payment (see the module docstring). Must run in a write transaction.

    Raises MintError, InsufficientCredit, or whatever ``build`` raises; the caller's
    transaction is then rolled back and nothing is written."""
    if isinstance(fee, bool) or not isinstance(fee, int) or fee < 0:
        raise ValueError(f"fee must be a non-negative int of bani, got {fee!r}")
    seq = int(
        db.execute(
            "SELECT COALESCE(MAX(seq), 0) + 1 FROM payments WHERE epoch = ?", [epoch]
        ).fetchone()[0]
    )
    payment_id = f"{terminal_id}-{epoch}-{seq:06d}"
    if len(payment_id) > 36:
        raise MintError(f"PaymentID {payment_id!r} would exceed 36 characters")
    paid_at = datetime.fromtimestamp(int(now), UTC)
    conf = _check(build(payment_id, paid_at), payment_id, paid_at)
    content = confirmation_to_json(conf)
    if confirmation_to_json(confirmation_from_json(content)) != content:
        raise MintError("the confirmation does not survive a round trip through the journal")
    amount = from_decimal(conf.total_amount)
    at = utc_iso(now)
    credits.ensure_session(db, session_id, at)
    credits.allocate(db, session_id, amount + fee, "payment", payment_id, at)
    row = {
        "payment_id": payment_id,
        "epoch": epoch,
        "seq": seq,
        "session_id": session_id,
        "service_id": conf.service_id,
        "order_key": conf.order_key,
        "amount": amount,
        "fee": fee,
        "currency": conf.currency,
        "paid_at": paid_at.isoformat(),
        "content": content,
        "content_sha256": hashlib.sha256(content.encode("utf-8")).hexdigest(),
        "created_at": at,
    }
    chain.append(db, "payments", row)
    db.execute(
        "INSERT INTO outbox (payment_id, status, attempts, created_at, next_attempt_at) "
        "VALUES (?, 'pending', 0, ?, ?)",
        [payment_id, now, now],
    )
    return _payment(row, conf)


def _payment(row: Any, conf: PaymentConfirmation | None = None) -> Payment:
    return Payment(
        payment_id=row["payment_id"],
        session_id=row["session_id"],
        service_id=row["service_id"],
        order_key=row["order_key"],
        amount=row["amount"],
        fee=row["fee"],
        currency=row["currency"],
        paid_at=row["paid_at"],
        created_at=row["created_at"],
        content_sha256=row["content_sha256"],
        confirmation=conf or confirmation_from_json(row["content"]),
    )


def payment(db: Database, payment_id: str) -> Payment:
    row = db.execute("SELECT * FROM payments WHERE payment_id = ?", [payment_id]).fetchone()
    if row is None:
        raise UnknownEntry(f"no payment {payment_id!r}")
    return _payment(row)


def payments(db: Database, session_id: str | None = None) -> list[Payment]:
    if session_id is None:
        rows = db.execute("SELECT * FROM payments ORDER BY rowid")
    else:
        rows = db.execute(
            "SELECT * FROM payments WHERE session_id = ? ORDER BY rowid", [session_id]
        )
    return [_payment(r) for r in rows]
