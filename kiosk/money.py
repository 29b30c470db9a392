"""Money as integer bani (1 leu = 100 bani); never float.

Every amount that crosses a boundary of ours is an ``int`` of bani. Text forms are parsed and
formatted here only, so that "9267.00" and 926700 mean the same thing everywhere.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

__all__ = ["AmountError", "parse_amount", "format_amount", "to_decimal", "from_decimal"]

_AMOUNT_RE = re.compile(r"^\s*(\d{1,12})(?:[.,](\d{1,2}))?\s*$")


class AmountError(ValueError):
    """A text or number that is not a valid non-negative amount of money."""


def parse_amount(text: str) -> int:
    """Parse "9267", "9267.5" or "9267,50" into bani. Rejects signs, exponents and >2 decimals."""
    if not isinstance(text, str):
        raise AmountError(f"amount must be text, got {type(text).__name__}")
    m = _AMOUNT_RE.match(text)
    if not m:
        raise AmountError(f"not an amount: {text!r}")
    lei = int(m.group(1))
    frac = (m.group(2) or "").ljust(2, "0")
    return lei * 100 + int(frac)


def format_amount(bani: int) -> str:
    """Format bani as the contract's amount string, e.g. 926700 -> "9267.00"."""
    if isinstance(bani, bool) or not isinstance(bani, int):
        raise AmountError(f"bani must be int, got {type(bani).__name__}")
    sign = "-" if bani < 0 else ""
    bani = abs(bani)
    return f"{sign}{bani // 100}.{bani % 100:02d}"


def to_decimal(bani: int) -> Decimal:
    """Bani to a two-place Decimal, for SOAP and display."""
    return Decimal(format_amount(bani))


def from_decimal(value: Decimal) -> int:
    """A Decimal amount to bani. Refuses amounts with more than two decimals rather than rounding."""
    try:
        q = value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    except InvalidOperation as exc:
        raise AmountError(f"not an amount: {value!r}") from exc
    if q != value:
        raise AmountError(f"amount has more than two decimals: {value}")
    return int(q * 100)
