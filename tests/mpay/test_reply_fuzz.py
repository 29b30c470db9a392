"""Whatever bytes come back, reading a reply raises only MpayError subclasses (or succeeds)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.mpay.client import MpayClient
from kiosk.mpay.errors import MpayError
from kiosk.mpay.mapping import orders_from_result
from kiosk.mpay.payability import assess
from kiosk.mpay.transport import HttpReply

from .helpers import fixture_body, settings_for, signed_envelope

VALID = signed_envelope(fixture_body())
NOW = datetime.now(UTC)


@pytest.fixture(scope="module")
def clients() -> Iterator[tuple[MpayClient, MpayClient]]:
    checked = MpayClient(settings_for("http://127.0.0.1:9/x"))
    unchecked = MpayClient(settings_for("http://127.0.0.1:9/x", verify_replies=False))
    yield checked, unchecked
    checked.close()
    unchecked.close()


def test_the_valid_reply_reads(clients: tuple[MpayClient, MpayClient]) -> None:
    for client in clients:
        result = client._read_reply("GetOrderDetails", HttpReply(200, "text/xml", VALID), {})
        assert len(result) == 1


@settings(
    max_examples=250,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    cut=st.integers(0, len(VALID)),
    length=st.integers(0, 40),
    insert=st.binary(max_size=20)
    | st.sampled_from(
        [
            b"<",
            b">",
            b"</Status>",
            b"<OrderDetails>",
            b"&amp;",
            b"<!DOCTYPE x>",
            b"\x00",
            b"<Status>Paid</Status>",
            b"<TotalAmountDue>1e9</TotalAmountDue>",
            b"]]>",
        ]
    ),
    status=st.sampled_from([200, 500]),
)
def test_mutated_replies_fail_only_with_mpay_errors(
    clients: tuple[MpayClient, MpayClient], cut: int, length: int, insert: bytes, status: int
) -> None:
    data = VALID[:cut] + insert + VALID[cut + length :]
    for client in clients:
        try:
            result = client._read_reply("GetOrderDetails", HttpReply(status, "text/xml", data), {})
            for order in orders_from_result(result):
                assess(order, NOW)
        except MpayError:
            pass
