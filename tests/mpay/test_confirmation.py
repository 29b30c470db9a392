"""``build_confirmation``: split over lines, limits, properties, determinism."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.mpay.confirmation import ConfirmationError, build_confirmation, split_amount
from kiosk.mpay.mapping import confirmation_params
from kiosk.mpay.models import Order, OrderLine, OrderProperty, PaymentAccount, PaymentProperty
from kiosk.mpay.payability import assess

PAID = datetime(2025, 7, 10, 7, 51, 23, tzinfo=UTC)
ACC_A = PaymentAccount(
    bank_account="MD77TRGAAA14153401000000",
    bank_code="TREZMD2X",
    bank_fiscal_code="1006601000255",
    beneficiary_name="A",
)
ACC_B = PaymentAccount(
    bank_account="MD59TRGAAA14211401000001", bank_code="TREZMD2X", beneficiary_name="B"
)


def two_lines(
    *,
    partial: bool = False,
    advance: bool = False,
    first: tuple[bool | None, bool | None] = (None, None),
    second: tuple[bool | None, bool | None] = (None, None),
) -> Order:
    return Order(
        service_id="APA01",
        order_key="K",
        status="Active",
        reason="r",
        total_amount_due=Decimal("411.00"),
        allow_partial=partial,
        allow_advance=advance,
        lines=(
            OrderLine(
                line_id="A",
                reason="water",
                amount_due=Decimal("312.40"),
                allow_partial=first[0],
                allow_advance=first[1],
                destination_account=ACC_A,
            ),
            OrderLine(
                line_id="B",
                reason="sewer",
                amount_due=Decimal("98.60"),
                allow_partial=second[0],
                allow_advance=second[1],
                destination_account=ACC_B,
            ),
        ),
    )


@pytest.mark.parametrize(
    ("the_order", "amount", "split"),
    [
        (two_lines(), 41100, [31240, 9860]),
        # RO-API: partial on the order and the first line only -> the second is paid in full
        (two_lines(partial=True, first=(True, None), second=(False, None)), 20000, [10140, 9860]),
        (two_lines(partial=True, first=(True, None), second=(False, None)), 9860, [0, 9860]),
        # partial everywhere: lines filled in order
        (two_lines(partial=True), 20000, [20000, 0]),
        (two_lines(partial=True), 35000, [31240, 3760]),
        # advance: the excess goes to the first line that allows it
        (two_lines(advance=True), 50000, [40140, 9860]),
        (two_lines(advance=True, first=(None, False), second=(None, True)), 50000, [31240, 18760]),
    ],
)
def test_split(the_order: Order, amount: int, split: list[int]) -> None:
    assert split_amount(the_order, amount) == split


@pytest.mark.parametrize(
    ("the_order", "amount", "message"),
    [
        (two_lines(), 41099, "below the minimum"),
        (two_lines(), 41101, "above the maximum"),
        (two_lines(partial=True, first=(True, None), second=(False, None)), 9859, "below"),
        (two_lines(), 0, "positive"),
    ],
)
def test_amount_limits(the_order: Order, amount: int, message: str) -> None:
    with pytest.raises(ConfirmationError, match=message):
        build_confirmation(the_order, amount, "P-1", PAID)


def test_lines_echo_accounts_skip_zero_and_add_up() -> None:
    order = two_lines(partial=True, first=(True, None), second=(False, None))
    conf = build_confirmation(order, 9860, "P-1", PAID)
    assert [(li.line_id, li.amount) for li in conf.lines] == [("B", Decimal("98.60"))]
    assert conf.lines[0].destination_account == ACC_B
    conf = build_confirmation(order, 41100, "P-1", PAID)
    assert sum(li.amount for li in conf.lines) == conf.total_amount == Decimal("411.00")
    assert [li.destination_account for li in conf.lines] == [ACC_A, ACC_B]
    assert (conf.service_id, conf.order_key, conf.currency) == ("APA01", "K", "MDL")


def test_unknown_total_goes_to_the_first_line() -> None:
    order = Order(
        service_id="GRD01",
        order_key="K",
        status="Active",
        reason="r",
        allow_partial=True,
        allow_advance=True,
        lines=(OrderLine(line_id="ALIM", reason="meals"),),
    )
    conf = build_confirmation(order, 123456, "P-1", PAID)
    assert [(li.line_id, li.amount) for li in conf.lines] == [("ALIM", Decimal("1234.56"))]


def _with_props() -> Order:
    return Order(
        service_id="IGP01",
        order_key="K",
        status="Active",
        reason="r",
        total_amount_due=Decimal("600.00"),
        lines=(
            OrderLine(
                line_id="PV-1",
                reason="fine",
                amount_due=Decimal("600.00"),
                properties=(
                    OrderProperty(name="Note", type="string", required=True, modifiable=True),
                ),
            ),
        ),
        properties=(
            OrderProperty(name="Report", value="MAI04123456", required=True),
            OrderProperty(name="Offender", type="idn", required=True, modifiable=True),
            OrderProperty(name="Plate", type="tc", required=True, modifiable=True),
            OrderProperty(name="Hidden", value="x"),  # neither required nor modifiable
        ),
    )


def test_properties_are_echoed_and_validated() -> None:
    conf = build_confirmation(
        _with_props(),
        60000,
        "P-1",
        PAID,
        {"Offender": "2006022048426", "Plate": "C AB 123", "Note": "ok", "Bank": "Kiosk"},
    )
    assert conf.properties == (
        PaymentProperty(name="Report", value="MAI04123456"),
        PaymentProperty(name="Offender", value="2006022048426"),
        PaymentProperty(name="Plate", value="C AB 123"),
        PaymentProperty(name="Bank", value="Kiosk"),
    )
    assert conf.lines[0].properties == (PaymentProperty(name="Note", value="ok"),)


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"Plate": "C AB 123", "Note": "n"}, "Offender is empty"),
        ({"Offender": "2006022048420", "Plate": "C AB 123", "Note": "n"}, "not a valid idn"),
        ({"Offender": "2006022048426", "Plate": "1234", "Note": "n"}, "not a valid tc"),
        ({"Offender": "2006022048426", "Plate": "12345678", "Note": "n"}, "not a valid tc"),
        (
            {"Offender": "2006022048426", "Plate": "C AB 1", "Note": "n", "Report": "X"},
            "Report may not be changed",
        ),
        ({"Offender": "2006022048426", "Plate": "C AB 123"}, "Note is empty"),
    ],
)
def test_bad_properties(values: dict[str, str], message: str) -> None:
    with pytest.raises(ConfirmationError, match=message):
        build_confirmation(_with_props(), 60000, "P-1", PAID, values)


def test_tc_accepts_an_idn() -> None:
    build_confirmation(
        _with_props(),
        60000,
        "P-1",
        PAID,
        {"Offender": "2006022048426", "Plate": "1006601000255", "Note": "n"},
    )


def test_payment_id_and_time_are_checked() -> None:
    with pytest.raises(ConfirmationError, match="1-36"):
        build_confirmation(two_lines(), 41100, "x" * 37, PAID)
    with pytest.raises(ConfirmationError, match="aware"):
        build_confirmation(two_lines(), 41100, "P", datetime(2025, 7, 10))


def test_deterministic_content() -> None:
    a = build_confirmation(
        _with_props(),
        60000,
        "P-1",
        PAID,
        {"Offender": "2006022048426", "Plate": "C AB 123", "Note": "n"},
    )
    b = build_confirmation(
        _with_props(),
        60000,
        "P-1",
        PAID,
        {"Offender": "2006022048426", "Plate": "C AB 123", "Note": "n"},
    )
    assert a == b and confirmation_params(a) == confirmation_params(b)


@given(
    dues=st.lists(st.integers(0, 500_000), min_size=1, max_size=4),
    partial=st.booleans(),
    advance=st.booleans(),
    flags=st.lists(
        st.tuples(st.sampled_from([None, True, False]), st.sampled_from([None, True, False])),
        min_size=4,
        max_size=4,
    ),
    amount=st.integers(1, 3_000_000),
)
def test_split_invariants(
    dues: list[int],
    partial: bool,
    advance: bool,
    flags: list[tuple[bool | None, bool | None]],
    amount: int,
) -> None:
    """Whatever the flags: an amount inside assess()'s limits splits into lines that add up,
    never exceed a line's due unless advance is allowed there; outside them it is refused."""
    total = sum(dues)
    order = Order(
        service_id="S",
        order_key="K",
        status="Active",
        reason="r",
        total_amount_due=Decimal(total) / 100,
        allow_partial=partial,
        allow_advance=advance,
        lines=tuple(
            OrderLine(
                line_id=f"L{i}",
                reason="r",
                amount_due=Decimal(d) / 100,
                allow_partial=flags[i][0],
                allow_advance=flags[i][1],
            )
            for i, d in enumerate(dues)
        ),
    )
    verdict = assess(order, PAID)
    inside = (
        verdict.payable
        and verdict.min_amount is not None
        and (
            verdict.min_amount <= amount
            and (verdict.max_amount is None or amount <= verdict.max_amount)
        )
    )
    if not inside:
        with pytest.raises(ConfirmationError):
            split_amount(order, amount)
        return
    split = split_amount(order, amount)
    assert sum(split) == amount
    for i, (got, due) in enumerate(zip(split, dues, strict=True)):
        assert got >= 0
        if got > due:
            own = flags[i][1]
            assert advance and (own is None or own)
    conf = build_confirmation(order, amount, "P", PAID)
    assert sum(li.amount for li in conf.lines) == conf.total_amount
