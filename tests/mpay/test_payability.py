"""``assess``: the payability table, one rule per row."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from kiosk.mpay.models import Order, OrderLine
from kiosk.mpay.payability import Payability, assess, due_deadline

CHI = ZoneInfo("Europe/Chisinau")
NOW = datetime(2025, 7, 10, 12, 0, tzinfo=CHI)


def line(
    line_id: str = "L1",
    amount: str | None = "100.00",
    partial: bool | None = None,
    advance: bool | None = None,
) -> OrderLine:
    return OrderLine(
        line_id=line_id,
        reason="r",
        amount_due=None if amount is None else Decimal(amount),
        allow_partial=partial,
        allow_advance=advance,
    )


def order(
    *,
    status: str = "Active",
    total: str | None = "100.00",
    lines: tuple[OrderLine, ...] | None = None,
    partial: bool = False,
    advance: bool = False,
    due: datetime | None = None,
    currency: str = "MDL",
) -> Order:
    return Order(
        service_id="S",
        order_key="K",
        status=status,
        reason="r",
        currency=currency,
        total_amount_due=None if total is None else Decimal(total),
        allow_partial=partial,
        allow_advance=advance,
        due_date=due,
        lines=(line(),) if lines is None else lines,
    )


def verdict(
    payable: bool,
    key: str,
    lo: int | None = None,
    hi: int | None = None,
    editable: bool = False,
    due: int | None = None,
) -> Payability:
    return Payability(
        payable=payable,
        reason_key=f"mpay.payability.{key}",
        min_amount=lo,
        max_amount=hi,
        amount_editable=editable,
        due_amount=due,
    )


CASES = [
    # --- status
    ("active fixed amount", order(), verdict(True, "ok", 10000, 10000, False, 10000)),
    (
        "partially paid",
        order(status="PartiallyPaid"),
        verdict(True, "ok", 10000, 10000, False, 10000),
    ),
    ("paid", order(status="Paid"), verdict(False, "already_paid")),
    ("completed", order(status="Completed"), verdict(False, "already_paid")),
    ("expired", order(status="Expired"), verdict(False, "expired")),
    ("cancelled", order(status="Cancelled"), verdict(False, "cancelled")),
    ("canceled, one l (Q12)", order(status="Canceled"), verdict(False, "cancelled")),
    ("refunding", order(status="Refunding"), verdict(False, "refunded")),
    ("refunded", order(status="Refunded"), verdict(False, "refunded")),
    ("unknown status", order(status="OnHold"), verdict(False, "unknown_status")),
    (
        "status case-insensitive",
        order(status="ACTIVE"),
        verdict(True, "ok", 10000, 10000, False, 10000),
    ),
    # --- currency and due date
    ("not lei", order(currency="EUR"), verdict(False, "currency")),
    (
        "due later today",
        order(due=datetime(2025, 7, 10, 18, 0, tzinfo=CHI)),
        verdict(True, "ok", 10000, 10000, False, 10000),
    ),
    (
        "due an hour ago",
        order(due=datetime(2025, 7, 10, 11, 0, tzinfo=CHI)),
        verdict(False, "overdue"),
    ),
    (
        "date-only due today counts to midnight",
        order(due=datetime(2025, 7, 10, tzinfo=CHI)),
        verdict(True, "ok", 10000, 10000, False, 10000),
    ),
    (
        "date-only due yesterday",
        order(due=datetime(2025, 7, 9, tzinfo=CHI)),
        verdict(False, "overdue"),
    ),
    (
        "due given in UTC",
        order(due=datetime(2025, 7, 10, 8, 59, tzinfo=UTC)),  # 11:59 local
        verdict(False, "overdue"),
    ),
    # --- amounts
    ("partial allowed", order(partial=True), verdict(True, "ok", 1, 10000, True, 10000)),
    ("advance allowed", order(advance=True), verdict(True, "ok", 10000, None, True, 10000)),
    (
        "partial and advance",
        order(partial=True, advance=True),
        verdict(True, "ok", 1, None, True, 10000),
    ),
    (
        "partial on order, line says no",
        order(partial=True, lines=(line(partial=False),)),
        verdict(True, "ok", 10000, 10000, False, 10000),
    ),
    (
        "line flag without order flag does nothing",
        order(lines=(line(partial=True),)),
        verdict(True, "ok", 10000, 10000, False, 10000),
    ),
    (
        "RO-API: partial on the first line only; others paid in full",
        order(
            total="411.00",
            partial=True,
            lines=(line("A", "312.40", partial=True), line("B", "98.60", partial=False)),
        ),
        verdict(True, "ok", 9860, 41100, True, 41100),
    ),
    (
        "unknown amount, nothing allowed",
        order(total=None, lines=(line(amount=None),)),
        verdict(False, "unknown_amount"),
    ),
    (
        "unknown amount, payer enters it",
        order(total=None, partial=True, advance=True, lines=(line(amount=None),)),
        verdict(True, "ok", 1, None, True, None),
    ),
    (
        "nothing due",
        order(total="0.00", lines=(line(amount="0.00"),)),
        verdict(False, "nothing_due"),
    ),
    (
        "nothing due but advance allowed",
        order(total="0.00", advance=True, lines=(line(amount="0.00"),)),
        verdict(True, "ok", 1, None, True, 0),
    ),
    (
        "lines without amounts: first line owes all",
        order(lines=(line("A", None), line("B", None))),
        verdict(True, "ok", 10000, 10000, False, 10000),
    ),
    (
        "lines do not add up",
        order(lines=(line("A", "60.00"), line("B", "30.00"))),
        verdict(False, "inconsistent"),
    ),
    (
        "three decimals",
        order(total="100.005", lines=(line(amount=None),)),
        verdict(False, "bad_amount"),
    ),
    (
        "negative total",
        order(total="-5.00", lines=(line(amount=None),)),
        verdict(False, "bad_amount"),
    ),
    ("no lines", order(lines=()), verdict(False, "no_lines")),
]


@pytest.mark.parametrize(
    ("the_order", "expected"), [c[1:] for c in CASES], ids=[str(c[0]) for c in CASES]
)
def test_payability_table(the_order: Order, expected: Payability) -> None:
    assert assess(the_order, NOW) == expected


def test_now_must_be_aware() -> None:
    with pytest.raises(ValueError, match="aware"):
        assess(order(), datetime(2025, 7, 10, 12, 0))


def test_due_deadline_rules() -> None:
    assert due_deadline(datetime(2025, 7, 10, tzinfo=CHI)) == datetime(
        2025, 7, 10, 23, 59, 59, 999999, tzinfo=CHI
    )
    assert due_deadline(datetime(2025, 7, 10, 15, 30)) == datetime(2025, 7, 10, 15, 30, tzinfo=CHI)


def test_payable_statuses_match_the_shared_contract() -> None:
    from kiosk.mpay.models import PAYABLE_STATUSES

    for status in PAYABLE_STATUSES:
        assert assess(order(status=status), NOW).payable
