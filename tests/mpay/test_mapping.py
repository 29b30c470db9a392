"""Requests built from our dataclasses; statuses and times read the way MPay means them."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from kiosk.mpay.errors import MpayRequestError
from kiosk.mpay.mapping import (
    confirmation_params,
    format_paid_at,
    local_datetime,
    normalize_status,
    query_params,
)
from kiosk.mpay.models import ConfirmationLine, PaymentAccount, PaymentConfirmation


@pytest.mark.parametrize(
    ("raw", "status"),
    [
        ("Canceled", "Cancelled"),
        ("cancelled", "Cancelled"),
        (" PartiallyPaid ", "PartiallyPaid"),
        ("Weird", "Weird"),
    ],
)
def test_normalize_status(raw: str, status: str) -> None:
    assert normalize_status(raw) == status


def test_offset_less_times_are_chisinau() -> None:
    value = local_datetime(datetime(2025, 7, 10, 10, 51, 23))
    assert value is not None and value.utcoffset() is not None
    assert value.astimezone(UTC) == datetime(2025, 7, 10, 7, 51, 23, tzinfo=UTC)
    winter = local_datetime(datetime(2025, 1, 10, 10, 0))
    assert winter is not None and winter.astimezone(UTC).hour == 8


def test_paid_at_is_written_like_mpay() -> None:
    assert (
        format_paid_at(datetime(2025, 7, 10, 7, 51, 23, 999, tzinfo=UTC)) == "2025-07-10T10:51:23"
    )
    with pytest.raises(MpayRequestError):
        format_paid_at(datetime(2025, 7, 10))


def test_query() -> None:
    assert query_params(" MDS02 ", " K1 ", "ro") == {
        "query": {"Language": "RO", "OrderKey": "K1", "ServiceID": "MDS02"}
    }
    with pytest.raises(MpayRequestError):
        query_params("", "K", "ro")


def _conf(**changes: object) -> PaymentConfirmation:
    base: dict[str, object] = dict(
        payment_id="P-1",
        service_id="S",
        order_key="K",
        paid_at=datetime(2025, 7, 10, 7, 51, 23, tzinfo=UTC),
        total_amount=Decimal("10.5"),
        lines=(
            ConfirmationLine(
                line_id="L",
                amount=Decimal("10.50"),
                destination_account=PaymentAccount(bank_account="MD..", bank_name="ignored"),
            ),
        ),
    )
    base.update(changes)
    return PaymentConfirmation(**base)  # type: ignore[arg-type]


def test_confirmation_params() -> None:
    params = confirmation_params(_conf())["confirmation"]
    assert params["TotalAmount"] == Decimal("10.50") and str(params["TotalAmount"]) == "10.50"
    assert params["PaidAt"] == "2025-07-10T10:51:23"
    line = params["Lines"]["PaymentConfirmationLine"][0]
    assert line["DestinationAccount"]["BankAccount"] == "MD.."
    assert "BankName" not in line["DestinationAccount"]  # the 2025 member set (Q2)
    assert params["Properties"] is None and params["InvoiceID"] is None


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"payment_id": ""}, "PaymentID"),
        ({"payment_id": "x" * 37}, "PaymentID"),
        ({"lines": ()}, "at least one line"),
        ({"total_amount": Decimal("10.499")}, "more than two decimals"),
        ({"total_amount": Decimal("-1")}, "non-negative"),
        ({"total_amount": Decimal("NaN")}, "non-negative"),
        ({"total_amount": Decimal("11.00")}, "add up"),
        ({"paid_at": datetime(2025, 7, 10)}, "aware"),
    ],
)
def test_confirmation_params_refuse_bad_content(changes: dict[str, object], message: str) -> None:
    with pytest.raises(MpayRequestError, match=message):
        confirmation_params(_conf(**changes))
