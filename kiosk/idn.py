"""IDNP / IDNO (Moldovan personal and organisation numbers): 13 digits, 7-3-1 check digit.

Digits 1-12 are weighted 7, 3, 1, 7, 3, 1, ...; the sum mod 10 must equal digit 13
(specs/mpay.md section 5: 2006022048426 and 1006601000255 are valid, 1008600038412 is not).
"""

from __future__ import annotations

__all__ = ["is_valid_idn", "check_digit"]

_WEIGHTS = (7, 3, 1) * 4


def check_digit(first12: str) -> int:
    return sum(int(d) * w for d, w in zip(first12, _WEIGHTS, strict=True)) % 10


def is_valid_idn(value: str) -> bool:
    """True for a 13-digit number whose last digit is the 7-3-1 check digit."""
    if len(value) != 13 or not value.isascii() or not value.isdigit():
        return False
    return check_digit(value[:12]) == int(value[12])
