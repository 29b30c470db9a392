"""How the money inserted in a session is split between the order, the fee and a voucher.

Rules (specs/mpay.md 1.7.3, 4.2), with A the amount chosen for the order, F = fee(A) shown
before money went in, T = A + F, I the journalled credits, [min, max] the order's bounds:

* I >= T, advance allowed (max None): the order gets I - F (the fee stays as shown).
* I >= T, no advance: the order gets A, the excess I - T becomes a change voucher.
* I < T and the payer finishes (``PayWhatInserted``), or a timeout/fault ends the session: the
  order gets the largest p in [min, A] with p + fee(p) <= I, if there is one (partial payment);
  the rest becomes a voucher. No such p (partial not allowed): all of I becomes a voucher.
* The payer gives up (``TakeVoucher``/``Cancel`` with money in) with I < T: all of I becomes a
  voucher. The order turned unpayable: all of I becomes a voucher, whatever I is.

So ``paid + fee + voucher == I`` always, and ``paid <= max`` when advance is not allowed.
"""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.money import AmountError, parse_amount
from kiosk.session.fees import FeeSchedule, best_payment_within
from kiosk.session.view import Outcome

__all__ = ["Split", "split_money", "partial_amount", "parse_amount_text", "SETTLE_REASONS"]

#: Why a session settles. ``due``: the total was reached; ``partial``: PayWhatInserted.
SETTLE_REASONS = ("due", "partial", "timeout", "fault", "give_up", "unpayable")


@dataclass(frozen=True, slots=True, kw_only=True)
class Split:
    outcome: Outcome
    paid: int
    fee: int
    voucher: int


def partial_amount(inserted: int, fee: FeeSchedule, min_amount: int, amount: int) -> int | None:
    """What a partial payment of ``inserted`` would give the order (None: not possible)."""
    return best_payment_within(inserted, fee, min_amount, amount)


def split_money(
    *,
    inserted: int,
    amount: int,
    fee_shown: int,
    fee: FeeSchedule,
    min_amount: int,
    max_amount: int | None,
    reason: str,
) -> Split:
    """Split ``inserted`` bani per the module rules. ``reason`` is one of ``SETTLE_REASONS``."""
    if reason not in SETTLE_REASONS:
        raise ValueError(f"unknown settle reason {reason!r}")
    if inserted < 0 or amount < 0 or fee_shown < 0:
        raise ValueError("amounts must not be negative")
    total = amount + fee_shown
    all_voucher = Split(outcome=Outcome.VOUCHER, paid=0, fee=0, voucher=inserted)
    if reason == "unpayable":
        return all_voucher
    if inserted >= total and amount > 0:
        if max_amount is None:
            return Split(outcome=Outcome.PAID, paid=inserted - fee_shown, fee=fee_shown, voucher=0)
        return Split(outcome=Outcome.PAID, paid=amount, fee=fee_shown, voucher=inserted - total)
    if reason == "give_up":
        return all_voucher
    paid = partial_amount(inserted, fee, min_amount, amount)
    if paid is None:
        return all_voucher
    charged = fee.fee_for(paid)
    outcome = Outcome.PAID if paid >= amount else Outcome.PAID_PARTIAL
    return Split(outcome=outcome, paid=paid, fee=charged, voucher=inserted - paid - charged)


def parse_amount_text(text: str) -> int | None:
    """The amount screen's text as bani, or None if it is not an amount."""
    try:
        return parse_amount(text)
    except AmountError:
        return None
