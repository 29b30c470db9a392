"""The MPay sandbox itself: demo data, durability, controls, and `kiosk sandbox mpay`."""

from __future__ import annotations

import http.client
import json
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from kiosk.mpay import errors
from kiosk.mpay.client import MpayClient
from kiosk.mpay.confirmation import build_confirmation
from kiosk.mpay.payability import assess
from kiosk.mpay.sandbox import MpaySandbox
from kiosk.mpay.sandbox_data import DEMO_ORDERS, ORDERS, SERVICES, sim_order_key

from .helpers import settings_for

NOW = datetime.now(UTC)
PROPS = {  # payer input for the demo orders that ask for some
    "Offender": "2006022048426",
    "Plate": "C AB 123",
    "Applicant": "Elena Munteanu",
    "Month": "2025-10",
    "IDNP": "2006022048426",
}


def test_demo_data_covers_the_brief() -> None:
    assert set(SERVICES) >= {"MDS02", "IGP01", "ASP01", "GRD01", "APA01", "FSC01"}
    statuses = {o.status for o in ORDERS}
    assert statuses >= {
        "Active",
        "PartiallyPaid",
        "Paid",
        "Completed",
        "Expired",
        "Canceled",
        "Refunding",
        "Refunded",
    }
    assert any(len(o.lines) > 1 for o in ORDERS)
    types = {
        p.type
        for o in ORDERS
        for p in o.properties + tuple(q for li in o.lines for q in li.properties)
        if p.required and p.modifiable
    }
    assert types >= {"idn", "tc", "string"}
    grd = next(o for o in ORDERS if o.service_id == "GRD01")
    assert grd.total is None and grd.allow_partial and grd.allow_advance
    assert any(o.service_id == "APA01" and o.allow_partial for o in ORDERS)
    assert any(o.service_id == "FSC01" and o.allow_advance for o in ORDERS)


def test_every_demo_order_is_payable_and_can_be_paid(client: MpayClient) -> None:
    for n, (service_id, key) in enumerate(DEMO_ORDERS):
        [order] = client.get_order_details(service_id, key, "ro")
        verdict = assess(order, NOW)
        assert verdict.payable, (key, verdict)
        amount = verdict.due_amount or 5000
        conf = build_confirmation(
            order,
            max(amount, verdict.min_amount or 1),
            f"D-{n}",
            NOW,
            {k: v for k, v in PROPS.items()},
        )
        client.confirm_order_payment(conf)
        [after] = client.get_order_details(service_id, key, "ro")
        if order.total_amount_due is not None:
            assert after.status == "Paid", key


def test_non_payable_demo_orders(client: MpayClient) -> None:
    reasons = {}
    for order in ORDERS:
        if (order.service_id, order.order_key) in DEMO_ORDERS:
            continue
        [got] = client.get_order_details(order.service_id, order.order_key)
        verdict = assess(got, NOW)
        assert not verdict.payable, order.order_key
        reasons[order.order_key] = verdict.reason_key
    assert reasons["IGP2025000126"] == "mpay.payability.overdue"
    assert reasons["IGP2025000125"] == "mpay.payability.cancelled"


def test_texts_follow_the_language(client: MpayClient) -> None:
    for service_id, key in DEMO_ORDERS:
        reasons = {
            lang: client.get_order_details(service_id, key, lang)[0].reason
            for lang in ("ro", "ru", "en")
        }
        assert len(set(reasons.values())) == 3, key
    unknown = client.get_order_details("MDS02", "MDS02250710092629689", "de")
    assert unknown[0].reason.startswith("Agenția")  # unknown language: Romanian


def test_sim_orders_are_fresh_and_turn_paid(client: MpayClient) -> None:
    key = sim_order_key("FSC01", 7)
    assert key == "SIM-FSC01-000007"
    [order] = client.get_order_details("FSC01", key)
    assert (order.status, order.total_amount_due) == ("Active", Decimal("150.00"))
    client.confirm_order_payment(build_confirmation(order, 15000, "S-7", NOW))
    assert client.get_order_details("FSC01", key)[0].status == "Paid"
    assert client.get_order_details("FSC01", sim_order_key("FSC01", 8))[0].status == "Active"


def test_unknown_amount_order_stays_active(client: MpayClient) -> None:
    [order] = client.get_order_details("GRD01", "GRD125-0042")
    conf = build_confirmation(
        order, 45000, "G-1", NOW, {"Month": "2025-10", "IDNP": "2006022048426"}
    )
    client.confirm_order_payment(conf)
    [after] = client.get_order_details("GRD01", "GRD125-0042")
    assert after.status == "Active" and after.total_amount_due is None


def test_advance_payment_pays_the_order(client: MpayClient) -> None:
    [order] = client.get_order_details("FSC01", "2006022048426")
    conf = build_confirmation(order, 200000, "F-1", NOW)  # 2000.00 for 1250.00 due
    assert conf.lines[0].amount == Decimal("2000.00")
    client.confirm_order_payment(conf)
    assert client.get_order_details("FSC01", "2006022048426")[0].status == "Paid"


def test_confirmations_survive_a_restart(tmp_path: Path) -> None:
    with MpaySandbox(state_dir=tmp_path) as sb, MpayClient(settings_for(sb.url)) as c:
        [order] = c.get_order_details("IGP01", "SIM-DURABLE")
        c.confirm_order_payment(build_confirmation(order, 15000, "DUR-1", NOW))
    assert (tmp_path / "mpay-sandbox.sqlite3").exists()
    with MpaySandbox(state_dir=tmp_path) as sb, MpayClient(settings_for(sb.url)) as c:
        assert [x.payment_id for x in sb.confirmations()] == ["DUR-1"]
        assert c.get_order_details("IGP01", "SIM-DURABLE")[0].status == "Paid"
        c.confirm_order_payment(build_confirmation(order, 15000, "DUR-1", NOW))  # a repeat
        assert len(sb.confirmations()) == 1


def test_stop_interrupts_a_slow_reply(sandbox: MpaySandbox) -> None:
    sandbox.set_delay(30)
    with MpayClient(settings_for(sandbox.url, timeout_s=10)) as c:
        import threading

        failures: list[BaseException] = []

        def call() -> None:
            try:
                c.get_order_details("IGP01", "IGP2025000123")
            except errors.MpayError as exc:
                failures.append(exc)

        worker = threading.Thread(target=call)
        worker.start()
        time.sleep(0.2)  # let the request reach the sandbox
        started = time.monotonic()
        sandbox.stop()
        worker.join(timeout=5)
        assert time.monotonic() - started < 3
        assert failures and isinstance(failures[0], errors.MpayConnectionError)


def test_unsigned_request_is_refused_and_wsdl_is_served(sandbox: MpaySandbox) -> None:
    parts = urlsplit(sandbox.url)
    conn = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=5)
    body = (
        b'<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>'
        b'<GetOrderDetails xmlns="https://mpay.gov.md"><query><OrderKey>K</OrderKey>'
        b"<ServiceID>MDS02</ServiceID></query></GetOrderDetails></s:Body></s:Envelope>"
    )
    conn.request("POST", parts.path, body=body, headers={"Content-Type": "text/xml"})
    reply = conn.getresponse()
    data = reply.read()
    assert reply.status == 500 and b"AuthenticationFailed" in data and b"not signed" in data
    conn.request("GET", parts.path + "?wsdl")
    wsdl = conn.getresponse().read()
    assert sandbox.url.encode() in wsdl and b"BasicHttpBinding_IServiceProvider" in wsdl
    conn.close()


def test_controls_validate_their_input(sandbox: MpaySandbox) -> None:
    sandbox.set_offline(True)
    sandbox.set_fault_rate(0.3, ["reset"])
    assert sandbox.controls()["offline"] is True
    assert sandbox.controls()["fault_kinds"] == ["reset"]
    with pytest.raises(ValueError):
        sandbox.set_fault_rate(1.5)
    with pytest.raises(ValueError):
        sandbox.fail_next("explode")


@pytest.mark.slow
def test_kiosk_sandbox_mpay_command(tmp_path: Path) -> None:
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    with subprocess.Popen(
        [sys.executable, "-m", "kiosk.cli", "sandbox", "mpay", "--state-dir", str(tmp_path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
    ) as proc:
        try:
            assert proc.stdout is not None and proc.stdin is not None
            url = proc.stdout.readline().strip()
            assert url.startswith("http://127.0.0.1:") and url.endswith("/ServiceProvider")
            with MpayClient(settings_for(url)) as c:
                [order] = c.get_order_details("ASP01", "ASP2025100001", "en")
                assert order.reason.startswith("State duty")
                proc.stdin.write("offline on\n")
                proc.stdin.flush()
                assert proc.stdout.readline().strip() == "ok"
                with pytest.raises(errors.MpayConnectionError):
                    c.get_order_details("ASP01", "ASP2025100001")
                proc.stdin.write("offline off\nstats\n")
                proc.stdin.flush()
                assert proc.stdout.readline().strip() == "ok"
                stats = json.loads(proc.stdout.readline())
                assert stats["GetOrderDetails"] == 1
            proc.send_signal(signal.SIGTERM)
            assert proc.wait(timeout=10) == 0
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
