"""The money split (kiosk.session.amounts) and the fee solver (kiosk.session.fees)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.config import FeeRule
from kiosk.session.amounts import split_money
from kiosk.session.fees import FlatFee, NoFee, best_payment_within
from kiosk.session.view import Outcome

PCT = FeeRule(percent=Decimal("3"), min=100)


@pytest.mark.parametrize(
    ("inserted", "amount", "fee", "lo", "hi", "reason", "expected"),
    [
        # exact
        (15000, 15000, NoFee(), 15000, 15000, "due", (Outcome.PAID, 15000, 0, 0)),
        # overpay, no advance: change voucher
        (20000, 15000, NoFee(), 15000, 15000, "due", (Outcome.PAID, 15000, 0, 5000)),
        # overpay with advance: all to the order
        (20000, 15000, NoFee(), 15000, None, "due", (Outcome.PAID, 20000, 0, 0)),
        # with a fixed fee, overpay, no advance
        (16000, 15000, FlatFee(500), 15000, 15000, "due", (Outcome.PAID, 15000, 500, 500)),
        # advance with a fee: the fee stays as shown
        (16000, 15000, FlatFee(500), 15000, None, "due", (Outcome.PAID, 15500, 500, 0)),
        # partial allowed, PayWhatInserted
        (5000, 15000, NoFee(), 1, 15000, "partial", (Outcome.PAID_PARTIAL, 5000, 0, 0)),
        (5000, 15000, FlatFee(500), 1, 15000, "partial", (Outcome.PAID_PARTIAL, 4500, 500, 0)),
        # a 3 % fee (min 1 leu): the largest payment that fits; the odd ban is a voucher
        (5000, 15000, PCT, 1, 15000, "partial", (Outcome.PAID_PARTIAL, 4854, 146, 0)),
        # partial not allowed: everything becomes a voucher
        (5000, 15000, NoFee(), 15000, 15000, "partial", (Outcome.VOUCHER, 0, 0, 5000)),
        (5000, 15000, NoFee(), 15000, 15000, "timeout", (Outcome.VOUCHER, 0, 0, 5000)),
        # partial allowed but the line that must be paid in full is not covered
        (5000, 15000, NoFee(), 6000, 15000, "fault", (Outcome.VOUCHER, 0, 0, 5000)),
        (7000, 15000, NoFee(), 6000, 15000, "fault", (Outcome.PAID_PARTIAL, 7000, 0, 0)),
        # the fee alone eats the money: voucher
        (400, 15000, FlatFee(500), 1, 15000, "partial", (Outcome.VOUCHER, 0, 0, 400)),
        # giving up below the total: voucher, even where partial is allowed
        (5000, 15000, NoFee(), 1, 15000, "give_up", (Outcome.VOUCHER, 0, 0, 5000)),
        # giving up when the total was reached anyway (a bill stacked while stopping): pay
        (15000, 15000, NoFee(), 15000, 15000, "give_up", (Outcome.PAID, 15000, 0, 0)),
        # the order turned unpayable: all of it is a voucher, whatever the amount
        (20000, 15000, NoFee(), 15000, 15000, "unpayable", (Outcome.VOUCHER, 0, 0, 20000)),
    ],
)
def test_split_table(
    inserted: int,
    amount: int,
    fee: object,
    lo: int,
    hi: int | None,
    reason: str,
    expected: tuple[Outcome, int, int, int],
) -> None:
    shown = fee.fee_for(amount)  # type: ignore[attr-defined]
    s = split_money(
        inserted=inserted,
        amount=amount,
        fee_shown=shown,
        fee=fee,  # type: ignore[arg-type]
        min_amount=lo,
        max_amount=hi,
        reason=reason,
    )
    assert (s.outcome, s.paid, s.fee, s.voucher) == expected


def test_split_refuses_bad_input() -> None:
    with pytest.raises(ValueError, match="reason"):
        split_money(
            inserted=1,
            amount=1,
            fee_shown=0,
            fee=NoFee(),
            min_amount=1,
            max_amount=1,
            reason="whatever",
        )
    with pytest.raises(ValueError, match="negative"):
        split_money(
            inserted=-1,
            amount=1,
            fee_shown=0,
            fee=NoFee(),
            min_amount=1,
            max_amount=1,
            reason="due",
        )


fees = st.builds(
    FeeRule,
    fixed=st.integers(0, 1000),
    percent=st.decimals(0, 10, places=2),
    min=st.integers(0, 500),
    max=st.none() | st.integers(500, 5000),
)


@given(
    inserted=st.integers(0, 10**7),
    amount=st.integers(1, 10**7),
    fee=fees,
    lo_frac=st.floats(0, 1),
    advance=st.booleans(),
    reason=st.sampled_from(["due", "partial", "timeout", "fault", "give_up", "unpayable"]),
)
def test_split_conserves_money(
    inserted: int, amount: int, fee: FeeRule, lo_frac: float, advance: bool, reason: str
) -> None:
    lo = max(1, int(amount * lo_frac))
    hi = None if advance else amount
    s = split_money(
        inserted=inserted,
        amount=amount,
        fee_shown=fee.fee_for(amount),
        fee=fee,
        min_amount=lo,
        max_amount=hi,
        reason=reason,
    )
    assert min(s.paid, s.fee, s.voucher) >= 0
    assert s.paid + s.fee + s.voucher == inserted
    if s.paid:
        assert s.paid >= lo
        assert hi is None or s.paid <= hi
    else:
        assert s.outcome == Outcome.VOUCHER and s.fee == 0


@given(
    budget=st.integers(0, 10**6),
    fee=fees,
    lo=st.integers(0, 1000),
    hi=st.none() | st.integers(0, 10**6),
)
def test_best_payment_is_the_largest_that_fits(
    budget: int, fee: FeeRule, lo: int, hi: int | None
) -> None:
    p = best_payment_within(budget, fee, lo, hi)
    if p is None:
        low = max(1, lo)
        assert (hi is not None and hi < low) or low + fee.fee_for(low) > budget
        return
    assert max(1, lo) <= p and (hi is None or p <= hi)
    assert p + fee.fee_for(p) <= budget
    if hi is None or p < hi:
        assert p + 1 + fee.fee_for(p + 1) > budget
