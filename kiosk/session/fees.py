"""Terminal fees: the rule shape the session needs, and the one sum it must solve.

A fee rule is anything with ``fee_for(amount_bani) -> fee_bani`` that never decreases as the
amount grows (``kiosk.config.FeeRule``: fixed + percent, clamped to [min, max], satisfies it).
The fee is shown before any money goes in and is charged on the amount paid to the order.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

__all__ = ["FeeSchedule", "NoFee", "FlatFee", "best_payment_within"]


class FeeSchedule(Protocol):
    def fee_for(self, amount: int) -> int: ...


@dataclass(frozen=True, slots=True)
class NoFee:
    def fee_for(self, _amount: int) -> int:
        return 0


@dataclass(frozen=True, slots=True)
class FlatFee:
    """A fixed fee per payment (tests and simple set-ups)."""

    bani: int

    def fee_for(self, _amount: int) -> int:
        return self.bani


def best_payment_within(budget: int, fee: FeeSchedule, low: int, high: int | None) -> int | None:
    """The largest ``p`` in [low, high] with ``p + fee(p) <= budget``, or None if there is none.

    ``p + fee(p)`` strictly increases with ``p`` (the fee never decreases), so a binary search
    finds it. ``high`` None means no upper bound (advance payments).
    """
    if low < 1:
        low = 1
    top = budget if high is None else min(high, budget)
    if top < low or low + fee.fee_for(low) > budget:
        return None
    lo, hi = low, top  # invariant: lo fits
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if mid + fee.fee_for(mid) <= budget:
            lo = mid
        else:
            hi = mid - 1
    return lo
