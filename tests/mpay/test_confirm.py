"""ConfirmOrderPayment end to end against the sandbox: evidence, idempotency, retries after a
lost reply, conflicting repeats, orders turning PartiallyPaid and Paid."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from lxml import etree

from kiosk.mpay import errors
from kiosk.mpay.client import MpayClient
from kiosk.mpay.confirmation import build_confirmation
from kiosk.mpay.models import ConfirmationLine, PaymentConfirmation
from kiosk.mpay.payability import assess
from kiosk.mpay.sandbox import MpaySandbox, demo_cert
from kiosk.mpay.sandbox_data import sim_order_key
from kiosk.mpay.wssec import Verifier

from .helpers import SOAP

PAID_AT = datetime(2025, 7, 10, 7, 51, 23, tzinfo=UTC)  # 10:51:23 in Chisinau


def _sim_conf(payment_id: str, key: str = "SIM-1") -> PaymentConfirmation:
    return PaymentConfirmation(
        payment_id=payment_id,
        service_id="IGP01",
        order_key=key,
        paid_at=PAID_AT,
        total_amount=Decimal("150.00"),
        lines=(ConfirmationLine(line_id="SIM-1", amount=Decimal("150.00")),),
    )


def _body_c14n(envelope_bytes: bytes) -> bytes:
    body = etree.fromstring(envelope_bytes).find(f"{{{SOAP}}}Body")
    assert body is not None
    return etree.tostring(body, method="c14n", exclusive=True)


def test_confirm_returns_signed_evidence(sandbox: MpaySandbox, client: MpayClient) -> None:
    evidence = client.confirm_order_payment(_sim_conf("K-0001"))
    assert evidence.extra["payment_id"] == "K-0001"
    assert evidence.extra["signature"] == "verified"
    assert b"ConfirmOrderPaymentResponse" in evidence.response
    # the archived request is exactly what a verifier accepts as signed by the terminal
    request = etree.fromstring(evidence.request)
    Verifier(demo_cert("terminal.crt")).verify(request, now=datetime.now(UTC))
    assert b"<ns0:PaidAt>2025-07-10T10:51:23</ns0:PaidAt>" in evidence.request
    assert b"<ns0:TotalAmount>150.00</ns0:TotalAmount>" in evidence.request
    [record] = sandbox.confirmations()
    assert (record.payment_id, record.total_bani, record.lines) == (
        "K-0001",
        15000,
        (("SIM-1", 15000),),
    )


def test_retries_are_byte_identical_and_applied_once(
    sandbox: MpaySandbox, client: MpayClient
) -> None:
    conf = _sim_conf("K-0002")
    first = client.confirm_order_payment(conf)
    second = client.confirm_order_payment(conf)
    assert _body_c14n(first.request) == _body_c14n(second.request)
    assert first.request != second.request  # fresh Timestamp and signature each time
    assert [c.payment_id for c in sandbox.confirmations()] == ["K-0002"]
    assert sandbox.stats()["repeats"] == 1
    assert client.get_order_details("IGP01", "SIM-1")[0].status == "Paid"


def test_lost_reply_then_retry_pays_once(sandbox: MpaySandbox, client: MpayClient) -> None:
    conf = _sim_conf("K-0003")
    sandbox.fail_next("lost_reply")
    with pytest.raises(errors.MpayConnectionError) as info:
        client.confirm_order_payment(conf)
    assert info.value.retryable
    assert info.value.evidence is not None and info.value.evidence.request
    assert len(sandbox.confirmations()) == 1  # it WAS applied; the reply was lost
    client.confirm_order_payment(conf)  # the outbox retries the same content
    assert len(sandbox.confirmations()) == 1


def test_conflicting_repeat_is_invalid_parameter(sandbox: MpaySandbox, client: MpayClient) -> None:
    client.confirm_order_payment(_sim_conf("K-0004", key="SIM-A"))
    with pytest.raises(errors.InvalidParameter, match="already used") as info:
        client.confirm_order_payment(_sim_conf("K-0004", key="SIM-B"))
    assert not info.value.retryable
    assert [c.order_key for c in sandbox.confirmations()] == ["SIM-A"]
    assert sandbox.stats()["conflicts"] == 1


def test_random_faults_with_retries_pay_each_payment_exactly_once(
    sandbox: MpaySandbox, client: MpayClient
) -> None:
    sandbox.set_fault_rate(0.4)
    confs = [_sim_conf(f"R-{n:03d}", key=sim_order_key("IGP01", n)) for n in range(12)]
    attempts = 0
    for conf in confs:
        for _ in range(30):
            attempts += 1
            try:
                client.confirm_order_payment(conf)
                break
            except errors.MpayError as exc:
                assert exc.retryable, exc
        else:
            pytest.fail("never confirmed")
    ids = [c.payment_id for c in sandbox.confirmations()]
    assert sorted(ids) == sorted(c.payment_id for c in confs)
    assert attempts > len(confs)  # faults did happen
    assert sandbox.stats()["faults_injected"] > 0


def test_partial_payments_shrink_the_order(client: MpayClient) -> None:
    [order] = client.get_order_details("APA01", "APA-100234")
    verdict = assess(order, datetime.now(UTC))
    assert verdict.payable and verdict.min_amount == 9860 and verdict.max_amount == 41100
    first = build_confirmation(order, 20000, "A-1", datetime.now(UTC))
    client.confirm_order_payment(first)
    [order] = client.get_order_details("APA01", "APA-100234")
    assert order.status == "PartiallyPaid"
    assert order.total_amount_due == Decimal("211.00")
    assert [li.amount_due for li in order.lines] == [Decimal("211.00"), Decimal("0.00")]
    rest = build_confirmation(order, 21100, "A-2", datetime.now(UTC))
    client.confirm_order_payment(rest)
    [order] = client.get_order_details("APA01", "APA-100234")
    assert order.status == "Paid"
    assert not assess(order, datetime.now(UTC)).payable


def test_sandbox_refuses_what_the_order_does_not_allow(client: MpayClient) -> None:
    [order] = client.get_order_details("IGP01", "IGP2025000123")  # no partial, no advance
    props = {"Offender": "2006022048426", "Plate": "C AB 123"}
    short = PaymentConfirmation(
        payment_id="X-1",
        service_id="IGP01",
        order_key="IGP2025000123",
        paid_at=PAID_AT,
        total_amount=Decimal("100.00"),
        lines=(ConfirmationLine(line_id="PV-1", amount=Decimal("100.00")),),
    )
    with pytest.raises(errors.InvalidParameter, match="partial"):
        client.confirm_order_payment(short)
    no_props = PaymentConfirmation(
        payment_id="X-2",
        service_id="IGP01",
        order_key="IGP2025000123",
        paid_at=PAID_AT,
        total_amount=Decimal("600.00"),
        lines=(ConfirmationLine(line_id="PV-1", amount=Decimal("600.00")),),
    )
    with pytest.raises(errors.InvalidParameter, match="required property Offender"):
        client.confirm_order_payment(no_props)
    ok = build_confirmation(order, 60000, "X-3", PAID_AT, props)
    client.confirm_order_payment(ok)
    with pytest.raises(errors.InvalidParameter, match="Paid"):
        client.confirm_order_payment(build_confirmation(order, 60000, "X-4", PAID_AT, props))


def test_unknown_order_and_service_on_confirm(client: MpayClient) -> None:
    with pytest.raises(errors.UnknownOrder):
        client.confirm_order_payment(_sim_conf("U-1", key="NOT-THERE"))
    bad = PaymentConfirmation(
        payment_id="U-2",
        service_id="NOPE1",
        order_key="x",
        paid_at=PAID_AT,
        total_amount=Decimal("1.00"),
        lines=(ConfirmationLine(line_id="1", amount=Decimal("1.00")),),
    )
    with pytest.raises(errors.UnknownService):
        client.confirm_order_payment(bad)


def test_bad_confirmation_content_never_leaves_the_kiosk(
    sandbox: MpaySandbox, client: MpayClient
) -> None:
    mismatch = PaymentConfirmation(
        payment_id="B-1",
        service_id="IGP01",
        order_key="SIM-1",
        paid_at=PAID_AT,
        total_amount=Decimal("150.00"),
        lines=(ConfirmationLine(line_id="SIM-1", amount=Decimal("149.99")),),
    )
    with pytest.raises(errors.MpayRequestError, match="add up"):
        client.confirm_order_payment(mismatch)
    assert sandbox.stats().get("requests", 0) == 0
