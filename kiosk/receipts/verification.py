"""The receipt's QR code content and its verification code.

Verification code: the first 10 characters of the Base32 form of
``HMAC-SHA256(key, "MPK1|<payment id>|<terminal id>|<amount bani>|<issued at, ISO seconds>")``
(for a voucher, the voucher code stands in the payment id and its value in the amount). With a
key (the terminal's receipt key, kept with its configuration) only the operator can produce or
check a code; without one the code is a plain SHA-256 of the same text, which catches typing
errors and naive edits but proves nothing. 10 Base32 characters carry 50 bits.

QR content (plain text, so any phone shows it): ``MPK1;P=<payment id>;T=<terminal id>;
A=<amount, 2 decimals>;D=<yyyymmddHHMMSS>;V=<verification code>``; vouchers use ``MPK1V`` with
``C=<voucher code>`` instead of ``P=``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import datetime

from kiosk.money import format_amount

__all__ = ["verification_code", "verify", "payment_qr", "voucher_qr", "CODE_LENGTH"]

CODE_LENGTH = 10


def _message(reference: str, terminal_id: str, amount: int, issued_at: datetime) -> bytes:
    stamp = issued_at.isoformat(timespec="seconds")
    return f"MPK1|{reference}|{terminal_id}|{amount}|{stamp}".encode()


def verification_code(
    *, reference: str, terminal_id: str, amount: int, issued_at: datetime, key: bytes | None
) -> str:
    """The code printed on a receipt (see the module docstring)."""
    message = _message(reference, terminal_id, amount, issued_at)
    if key:
        digest = hmac.new(key, message, hashlib.sha256).digest()
    else:
        digest = hashlib.sha256(message).digest()
    return base64.b32encode(digest).decode("ascii")[:CODE_LENGTH]


def verify(
    code: str,
    *,
    reference: str,
    terminal_id: str,
    amount: int,
    issued_at: datetime,
    key: bytes | None,
) -> bool:
    expected = verification_code(
        reference=reference, terminal_id=terminal_id, amount=amount, issued_at=issued_at, key=key
    )
    return hmac.compare_digest(expected, code.strip().upper())


def _stamp(issued_at: datetime) -> str:
    return issued_at.strftime("%Y%m%d%H%M%S")


def payment_qr(
    *, payment_id: str, terminal_id: str, amount: int, issued_at: datetime, code: str
) -> str:
    return (
        f"MPK1;P={payment_id};T={terminal_id};A={format_amount(amount)};"
        f"D={_stamp(issued_at)};V={code}"
    )


def voucher_qr(
    *, voucher_code: str, terminal_id: str, amount: int, issued_at: datetime, code: str
) -> str:
    return (
        f"MPK1V;C={voucher_code};T={terminal_id};A={format_amount(amount)};"
        f"D={_stamp(issued_at)};V={code}"
    )
