"""Credit vouchers: money a payer inserted that could not be applied, redeemable once here.

A code is 11 random characters plus a check character, from a 31-letter alphabet without the
look-alikes 0/O, 1/I/L (``ALPHABET``); printed in groups of four (``7KQ2-MXBA-94RW``). That is
about 54 random bits: guessing a live code is hopeless, and typing one is easy. The check
character makes the weighted sum of all twelve values (weights 1..12) divisible by 31; since 31
is prime, any single mistyped character and any swap of two neighbours is caught before the
journal is even asked.

Issuing allocates the session's unallocated credit to the voucher (as a payment does).
Redeeming adds a credit of source ``voucher`` to the new session; the redemption row is keyed
by the code, so a second redemption is impossible, even from two threads at once.
"""

from __future__ import annotations

import secrets
import sqlite3
from typing import Any

from sqlite_utils import Database

from kiosk.ledger import chain, credits
from kiosk.ledger.errors import LedgerError, VoucherRefused
from kiosk.ledger.records import Credit, Voucher

__all__ = [
    "ALPHABET",
    "CODE_LENGTH",
    "check_char",
    "normalize_code",
    "new_code",
    "issue",
    "redeem",
    "voucher",
    "vouchers",
]

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
assert len(ALPHABET) == 31
CODE_LENGTH = 12
_VALUE = {ch: i for i, ch in enumerate(ALPHABET)}


def check_char(body: str) -> str:
    """The check character for 11 body characters."""
    total = sum((i + 1) * _VALUE[ch] for i, ch in enumerate(body))
    # The check sits at weight 12: 12 * c = -total (mod 31); 12's inverse mod 31 is 13.
    return ALPHABET[(-total * 13) % 31]


def new_code() -> str:
    body = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH - 1))
    return body + check_char(body)


def normalize_code(text: str) -> str:
    """The 12-character code from what a payer typed (case, spaces and dashes ignored).

    Raises VoucherRefused(``malformed`` or ``check``)."""
    code = "".join(ch for ch in text.upper() if ch not in " -\t")
    if len(code) != CODE_LENGTH:
        raise VoucherRefused("malformed", f"a voucher code has {CODE_LENGTH} characters")
    bad = sorted({ch for ch in code if ch not in _VALUE})
    if bad:
        raise VoucherRefused("malformed", f"not a voucher code character: {''.join(bad)}")
    if check_char(code[:-1]) != code[-1]:
        raise VoucherRefused("check", "the voucher code is mistyped (its check character fails)")
    return code


def _voucher(row: Any) -> Voucher:
    return Voucher(
        code=row["code"],
        session_id=row["session_id"],
        amount=row["amount"],
        currency=row["currency"],
        reason=row["reason"],
        issued_at=row["issued_at"],
        redeemed_at=row["redeemed_at"],
        redeemed_session_id=row["redeemed_session_id"],
    )


_SELECT = (
    "SELECT v.*, r.at AS redeemed_at, r.session_id AS redeemed_session_id "
    "FROM vouchers v LEFT JOIN voucher_redemptions r ON r.code = v.code"
)


def voucher(db: Database, code: str) -> Voucher | None:
    row = db.execute(f"{_SELECT} WHERE v.code = ?", [code]).fetchone()
    return _voucher(row) if row is not None else None


def vouchers(db: Database) -> list[Voucher]:
    return [_voucher(r) for r in db.execute(f"{_SELECT} ORDER BY v.rowid")]


def issue(
    db: Database, session_id: str, amount: int, reason: str, at: str, currency: str = "MDL"
) -> Voucher:
    """Issue a voucher for ``amount`` bani of the session's unallocated credit.

    Raises ValueError on a bad amount, InsufficientCredit if the session holds less."""
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        raise ValueError(f"amount must be a positive int of bani, got {amount!r}")
    if not reason:
        raise ValueError("a voucher needs a reason")
    for _ in range(16):
        code = new_code()
        if voucher(db, code) is None:
            break
    else:  # pragma: no cover - 54 random bits
        raise LedgerError("could not choose a fresh voucher code")
    credits.ensure_session(db, session_id, at)
    credits.allocate(db, session_id, amount, "voucher", code, at)
    chain.append(
        db,
        "vouchers",
        {
            "code": code,
            "session_id": session_id,
            "amount": amount,
            "currency": currency,
            "reason": reason,
            "issued_at": at,
        },
    )
    return Voucher(
        code=code,
        session_id=session_id,
        amount=amount,
        currency=currency,
        reason=reason,
        issued_at=at,
    )


def redeem(db: Database, text: str, session_id: str, at: str) -> Credit:
    """Redeem a voucher into ``session_id`` as a credit of source ``voucher``.

    Raises VoucherRefused: ``malformed``/``check`` (mistyped), ``unknown`` (not issued here),
    ``redeemed`` (already used; the message says when)."""
    code = normalize_code(text)
    found = voucher(db, code)
    if found is None:
        raise VoucherRefused("unknown", "no such voucher was issued by this terminal")
    if found.redeemed_at is not None:
        raise VoucherRefused("redeemed", f"this voucher was already used on {found.redeemed_at}")
    credit = credits.insert_credit(
        db,
        ref=f"voucher:{code}",
        session_id=session_id,
        source="voucher",
        device="voucher",
        amount=found.amount,
        currency=found.currency,
        detail={"code": code, "issued_in": found.session_id},
        at=at,
    )
    try:
        chain.append(
            db,
            "voucher_redemptions",
            {"code": code, "session_id": session_id, "credit_id": credit.id, "at": at},
        )
    except sqlite3.IntegrityError as exc:  # pragma: no cover - guarded by the check above
        raise VoucherRefused("redeemed", "this voucher was already used") from exc
    return credit
