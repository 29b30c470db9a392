"""MpayClient over real HTTP on loopback, signatures on: the real reply, faults, timeouts,
hostile XML, tampered and wrapped signatures, mTLS."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from lxml import etree

from kiosk.mpay import errors
from kiosk.mpay.client import MpayClient
from kiosk.mpay.sandbox import MpaySandbox, SandboxTls, demo_cert
from kiosk.mpay.sandbox_xml import BILLION_LAUGHS, envelope_bytes, fault_body
from kiosk.mpay.wssec import Signer

from .helpers import (
    DATA,
    SOAP,
    WSU,
    fixture_body,
    order_xml,
    orders_body,
    settings_for,
    signed_envelope,
)
from .rawserver import RawServer, closed_port, http_response

CHISINAU = ZoneInfo("Europe/Chisinau")


# --------------------------------------------------------------------------- the real reply


def test_real_reply_replayed_byte_for_byte(sandbox: MpaySandbox, client: MpayClient) -> None:
    body = fixture_body()
    sandbox.set_canned_reply("MDS02", "MDS02250710092629689", body)
    orders = client.get_order_details("MDS02", "MDS02250710092629689", "ro")

    assert client.last_evidence is not None
    assert body in client.last_evidence.response  # on the wire exactly as published
    assert client.last_evidence.extra["signature"] == "verified"
    [order] = orders
    assert order.service_id == "MDS02" and order.order_key == "MDS02250710092629689"
    assert order.status == "Active"
    assert order.total_amount_due == Decimal("9267.00")
    assert order.reason == "Agenția Moldsilva plata pentru arenda terenului fondului \nforestier"
    assert len(order.reason) > 50  # over the documented limit, kept (Q8)
    assert order.issued_at == datetime(2025, 7, 10, 9, 26, 29, 463000, tzinfo=CHISINAU)
    assert order.customer_id == "2006022048426" and order.customer_type == "Person"
    assert (order.allow_partial, order.allow_advance) == (False, False)
    [line] = order.lines
    assert line.line_id == "Base:1|Nb-1"
    assert line.amount_due == Decimal("9267.00")
    assert (line.allow_partial, line.allow_advance) == (False, False)
    acc = line.destination_account
    assert acc is not None
    assert (acc.bank_account, acc.bank_code, acc.bank_fiscal_code, acc.beneficiary_name) == (
        "MD77TRGAAA14153401000000",
        "TREZMD2X",
        "1006601000255",
        "Agenția Moldsilva",
    )
    [desc] = line.properties
    assert (desc.name, desc.type, desc.id) == (
        "Description",
        "LineDescription",
        "7254f94c-6da5-4b3e-be53-613b84c5ca96",
    )
    props = {p.name: p for p in order.properties}
    assert list(props) == ["Telephone", "Date", "IDNP", "Contract", "Name", "PayerType"]
    assert props["IDNP"].visible is True  # IsVisible absent = visible
    assert props["IDNP"].type == "idn" and props["IDNP"].value == "2006022048426"
    assert props["Telephone"].id == "ff247faa639344ae87f81b2f0311d7ab"
    assert props["Telephone"].type == "number" and props["Telephone"].required
    assert not any(p.modifiable for p in order.properties)


def test_sandbox_renders_the_same_order_as_the_real_reply(
    sandbox: MpaySandbox, client: MpayClient
) -> None:
    sandbox.set_canned_reply("MDS02", "MDS02250710092629689", fixture_body())
    real = client.get_order_details("MDS02", "MDS02250710092629689", "ro")
    sandbox.set_canned_reply("MDS02", "MDS02250710092629689", None)
    generated = client.get_order_details("MDS02", "MDS02250710092629689", "ro")
    assert generated == real


def test_language_is_sent_upper_case_and_selects_texts(client: MpayClient) -> None:
    ru = client.get_order_details("MDS02", "MDS02250710092629689", "ru")
    assert client.last_evidence is not None
    assert b"<ns0:Language>RU</ns0:Language>" in client.last_evidence.request
    assert ru[0].reason.startswith("Агентство")
    en = client.get_order_details("MDS02", "MDS02250710092629689", "en")
    assert en[0].lines[0].properties[0].display_name == "Payment description"


def test_zero_one_or_several_orders(sandbox: MpaySandbox, client: MpayClient) -> None:
    assert client.get_order_details("MDS02", "NO-SUCH-ORDER") == []
    sandbox.set_canned_reply("MDS02", "TWO", orders_body(order_xml("A"), order_xml("B")))
    assert [o.order_key for o in client.get_order_details("MDS02", "TWO")] == ["A", "B"]
    sandbox.set_canned_reply(
        "MDS02",
        "NIL",
        b'<GetOrderDetailsResponse xmlns="https://mpay.gov.md"'
        b' xmlns:i="http://www.w3.org/2001/XMLSchema-instance">'
        b'<GetOrderDetailsResult i:nil="true"/></GetOrderDetailsResponse>',
    )
    assert client.get_order_details("MDS02", "NIL") == []


def test_canceled_spelling_and_unknown_members_are_tolerated(
    sandbox: MpaySandbox, client: MpayClient
) -> None:
    assert client.get_order_details("IGP01", "IGP2025000125")[0].status == "Cancelled"
    [quirky] = client.get_order_details("IGP01", "FAULT-QUIRKS")
    assert quirky.status == "Active" and quirky.total_amount_due == Decimal("150.00")
    assert quirky.allow_partial is False  # the singular AllowPartialPayment is not ours
    odd = order_xml("X", "Canceled", extra="<Surprise><Deep>1</Deep></Surprise>")
    sandbox.set_canned_reply("MDS02", "ODD", orders_body(odd))
    assert client.get_order_details("MDS02", "ODD")[0].status == "Cancelled"


def test_bad_amount_in_a_reply_is_a_protocol_error(
    sandbox: MpaySandbox, client: MpayClient
) -> None:
    bad = order_xml("X").replace(b"<TotalAmountDue>10.00<", b"<TotalAmountDue>ten<")
    sandbox.set_canned_reply("MDS02", "BAD", orders_body(bad))
    with pytest.raises(errors.MpayProtocolError, match="TotalAmountDue.*not a decimal"):
        client.get_order_details("MDS02", "BAD")
    bad_date = order_xml("X", extra="").replace(b"<Lines>", b"<DueDate>2025-13-40</DueDate><Lines>")
    sandbox.set_canned_reply("MDS02", "BADDATE", orders_body(bad_date))
    with pytest.raises(errors.MpayProtocolError, match="DueDate"):
        client.get_order_details("MDS02", "BADDATE")
    no_status = order_xml("X").replace(b"<Status>Active</Status>", b"")
    sandbox.set_canned_reply("MDS02", "NOSTATUS", orders_body(no_status))
    with pytest.raises(errors.MpayProtocolError, match="lacks Status"):
        client.get_order_details("MDS02", "NOSTATUS")


# --------------------------------------------------------------------------- faults


@pytest.mark.parametrize(
    ("key", "exc", "retryable"),
    [
        ("FAULT-500", errors.MpayHttpError, True),
        ("FAULT-503", errors.MpayHttpError, True),
        ("FAULT-INTERNAL", errors.InternalError, True),
        ("FAULT-INVALID", errors.InvalidParameter, False),
        ("FAULT-UNKNOWNORDER", errors.UnknownOrder, False),
        ("FAULT-AUTH", errors.AuthFailed, True),
        ("FAULT-BADSIG", errors.MpaySignatureError, True),
        ("FAULT-UNSIGNED", errors.MpaySignatureError, True),
        ("FAULT-GARBAGE", errors.MpayProtocolError, True),
        ("FAULT-DTD", errors.MpayProtocolError, True),
        ("FAULT-HUGE", errors.MpayProtocolError, True),
        ("FAULT-RESET", errors.MpayConnectionError, True),
    ],
)
def test_fault_keys_map_to_distinct_errors(
    client: MpayClient, key: str, exc: type[errors.MpayError], retryable: bool
) -> None:
    with pytest.raises(exc) as info:
        client.get_order_details("IGP01", key)
    assert info.value.retryable is retryable
    assert info.value.evidence is not None and info.value.evidence.request  # what was sent
    # and the client still works afterwards (connection dropped or reused as needed)
    assert client.get_order_details("IGP01", "IGP2025000123")[0].status == "Active"


def test_http_errors_carry_the_status(client: MpayClient) -> None:
    with pytest.raises(errors.MpayHttpError) as info:
        client.get_order_details("IGP01", "FAULT-503")
    assert info.value.status == 503


def test_unknown_service_fault(client: MpayClient) -> None:
    with pytest.raises(errors.UnknownService) as info:
        client.get_order_details("NOPE1", "x")
    assert info.value.needs_technician and not info.value.retryable


def test_unsigned_fault_is_still_a_fault() -> None:
    body = fault_body("UnknownOrder", "nu există", prefixed=True)
    reply = http_response(envelope_bytes(body), status="500 Error")
    with (
        RawServer(lambda _: reply) as srv,
        MpayClient(settings_for(srv.url)) as c,
        pytest.raises(errors.UnknownOrder) as info,
    ):
        c.get_order_details("MDS02", "x")
    assert info.value.message == "nu există"
    assert info.value.evidence is not None
    assert info.value.evidence.extra["signature"] == "unsigned fault"


def test_fault_code_in_detail_is_found() -> None:
    body = (
        b'<s:Fault xmlns:s="' + SOAP.encode() + b'"><faultcode>s:Client</faultcode>'
        b'<faultstring>bad</faultstring><detail><UnknownService xmlns="https://mpay.gov.md"/>'
        b"</detail></s:Fault>"
    )
    reply = http_response(signed_envelope(body), status="500 Error")
    with (
        RawServer(lambda _: reply) as srv,
        MpayClient(settings_for(srv.url)) as c,
        pytest.raises(errors.UnknownService),
    ):
        c.get_order_details("MDS02", "x")


# --------------------------------------------------------------------------- transport


def test_timeout_is_bounded_and_distinct(sandbox: MpaySandbox) -> None:
    sandbox.set_delay(3.0)
    with MpayClient(settings_for(sandbox.url, timeout_s=0.3)) as c:
        started = time.monotonic()
        with pytest.raises(errors.MpayTimeout):
            c.get_order_details("IGP01", "IGP2025000123")
        assert time.monotonic() - started < 1.5
        sandbox.set_delay(0)
        assert c.get_order_details("IGP01", "IGP2025000123")


def test_offline_then_back_online(sandbox: MpaySandbox, client: MpayClient) -> None:
    assert client.get_order_details("IGP01", "IGP2025000123")  # a kept-alive connection
    sandbox.set_offline(True)
    with pytest.raises(errors.MpayConnectionError):
        client.get_order_details("IGP01", "IGP2025000123")
    with pytest.raises(errors.MpayConnectionError):
        client.get_order_details("IGP01", "IGP2025000123")
    sandbox.set_offline(False)
    assert client.get_order_details("IGP01", "IGP2025000123")


def test_connection_refused() -> None:
    url = f"http://127.0.0.1:{closed_port()}/ServiceProvider"
    with MpayClient(settings_for(url)) as c, pytest.raises(errors.MpayConnectionError) as info:
        c.get_order_details("MDS02", "x")
    assert isinstance(info.value, errors.MpayUnavailable)


def test_truncated_and_unbounded_replies() -> None:
    full = signed_envelope(orders_body(order_xml("A")))
    with (
        RawServer(lambda _: http_response(full[: len(full) // 2], length=False)) as srv,
        MpayClient(settings_for(srv.url)) as c,
        pytest.raises(errors.MpayProtocolError),
    ):
        c.get_order_details("MDS02", "A")
    big = b"<x>" + b"y" * 3_000_000 + b"</x>"
    with (
        RawServer(lambda _: http_response(big, length=False)) as srv,
        MpayClient(settings_for(srv.url, max_reply_bytes=100_000)) as c,
        pytest.raises(errors.MpayProtocolError, match="over the limit"),
    ):
        c.get_order_details("MDS02", "A")


def test_hostile_xml_is_refused_before_anything_else() -> None:
    xxe = (
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b'<s:Envelope xmlns:s="' + SOAP.encode() + b'"><s:Body>&x;</s:Body></s:Envelope>'
    )
    for payload in (BILLION_LAUGHS, xxe):
        with (
            RawServer(lambda _, p=payload: http_response(p)) as srv,
            MpayClient(settings_for(srv.url)) as c,
            pytest.raises(errors.MpayProtocolError, match="DTD"),
        ):
            c.get_order_details("MDS02", "A")


def test_mutual_tls() -> None:
    tls = SandboxTls(
        cert=demo_cert("sandbox-tls.crt"),
        key=demo_cert("sandbox-tls.key"),
        client_ca=demo_cert("terminal.crt"),
    )
    with MpaySandbox(tls=tls) as sb:
        assert sb.url.startswith("https://127.0.0.1:")
        good = settings_for(
            sb.url,
            tls_ca=demo_cert("sandbox-tls.crt"),
            tls_client_cert=demo_cert("terminal.crt"),
            tls_client_key=demo_cert("terminal.key"),
        )
        with MpayClient(good) as c:
            assert c.get_order_details("IGP01", "IGP2025000123")
        no_client_cert = settings_for(sb.url, tls_ca=demo_cert("sandbox-tls.crt"))
        with MpayClient(no_client_cert) as c, pytest.raises(errors.MpayConnectionError):
            c.get_order_details("IGP01", "IGP2025000123")
        wrong_ca = settings_for(
            sb.url,
            tls_ca=demo_cert("mpay.crt"),
            tls_client_cert=demo_cert("terminal.crt"),
            tls_client_key=demo_cert("terminal.key"),
        )
        with (
            MpayClient(wrong_ca) as c,
            pytest.raises(errors.MpayConnectionError, match="not trusted"),
        ):
            c.get_order_details("IGP01", "IGP2025000123")


# --------------------------------------------------------------------------- signatures


def test_tampered_reply_is_rejected_with_a_clear_message(
    sandbox: MpaySandbox, client: MpayClient
) -> None:
    sandbox.set_bad_signatures(True)
    with pytest.raises(errors.MpaySignatureError, match="does not verify with the pinned"):
        client.get_order_details("IGP01", "IGP2025000123")


def test_reply_from_a_different_signer_is_rejected() -> None:
    foreign = Signer(DATA / "foreign.crt", DATA / "foreign.key")
    reply = signed_envelope(orders_body(order_xml("A")), signer=foreign)
    with RawServer(lambda _: http_response(reply)) as srv:
        with MpayClient(settings_for(srv.url)) as c, pytest.raises(errors.MpaySignatureError):
            c.get_order_details("MDS02", "A")
        unchecked = settings_for(srv.url, verify_replies=False)
        with MpayClient(unchecked) as c:  # diagnostics only: accepted, and said so
            assert c.get_order_details("MDS02", "A")[0].order_key == "A"
            assert c.last_evidence is not None
            assert c.last_evidence.extra["signature"].startswith("not verified")


def test_signature_wrapping_is_rejected() -> None:
    genuine = signed_envelope(orders_body(order_xml("GENUINE")))
    env = etree.fromstring(genuine)
    body = env.find(f"{{{SOAP}}}Body")
    assert body is not None
    # Attack 1: hide the signed Body in the header, put a forged one (same id) in its place.
    header = env.find(f"{{{SOAP}}}Header")
    assert header is not None
    forged = etree.fromstring(etree.tostring(body).replace(b"GENUINE", b"FORGED"))
    header.append(body)
    env.append(forged)
    attack1 = etree.tostring(env)
    # Attack 2: a forged Body without the id, the signed one moved away.
    env2 = etree.fromstring(genuine)
    body2 = env2.find(f"{{{SOAP}}}Body")
    assert body2 is not None
    forged2 = etree.fromstring(etree.tostring(body2).replace(b"GENUINE", b"FORGED"))
    del forged2.attrib[f"{{{WSU}}}Id"]
    env2.find(f"{{{SOAP}}}Header").append(body2)  # type: ignore[union-attr]
    env2.append(forged2)
    attack2 = etree.tostring(env2)
    for attack in (attack1, attack2):
        with (
            RawServer(lambda _, a=attack: http_response(a)) as srv,
            MpayClient(settings_for(srv.url)) as c,
            pytest.raises(errors.MpaySignatureError),
        ):
            c.get_order_details("MDS02", "GENUINE")


@pytest.mark.parametrize(
    ("offset_s", "ok"), [(100, True), (-100, True), (3600, False), (-3600, False)]
)
def test_reply_timestamp_freshness(
    sandbox: MpaySandbox, client: MpayClient, offset_s: int, ok: bool
) -> None:
    sandbox.set_clock_offset(offset_s)
    if ok:
        assert client.get_order_details("IGP01", "IGP2025000123")
    else:
        with pytest.raises(errors.MpaySignatureError, match="Timestamp"):
            client.get_order_details("IGP01", "IGP2025000123")


def test_request_signed_by_an_unknown_key_is_refused_by_the_sandbox(sandbox: MpaySandbox) -> None:
    wrong = settings_for(sandbox.url, sign_cert=DATA / "foreign.crt", sign_key=DATA / "foreign.key")
    with MpayClient(wrong) as c, pytest.raises(errors.AuthFailed, match="signature rejected"):
        c.get_order_details("IGP01", "IGP2025000123")
    assert sandbox.stats()["rejected_signatures"] == 1


def test_requests_are_signed_as_specified(client: MpayClient) -> None:
    client.get_order_details("IGP01", "IGP2025000123")
    assert client.last_evidence is not None
    req = etree.fromstring(client.last_evidence.request)
    ns = {
        "s": SOAP,
        "wsse": "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd",
        "ds": "http://www.w3.org/2000/09/xmldsig#",
        "wsu": WSU,
    }
    sec = req.find("s:Header/wsse:Security", ns)
    assert sec is not None
    assert [etree.QName(c).localname for c in sec] == [
        "Timestamp",
        "BinarySecurityToken",
        "Signature",
    ]
    refs = [r.get("URI") for r in sec.findall("ds:Signature/ds:SignedInfo/ds:Reference", ns)]
    body_id = req.find("s:Body", ns).get(f"{{{WSU}}}Id")  # type: ignore[union-attr]
    ts_id = sec.find("wsu:Timestamp", ns).get(f"{{{WSU}}}Id")  # type: ignore[union-attr]
    assert sorted(refs) == sorted([f"#{body_id}", f"#{ts_id}"])
    methods = {a.get("Algorithm") for a in sec.iter() if a.get("Algorithm")}
    assert methods == {
        "http://www.w3.org/2001/10/xml-exc-c14n#",
        "http://www.w3.org/2000/09/xmldsig#rsa-sha1",
        "http://www.w3.org/2000/09/xmldsig#sha1",
    }
    token_ref = sec.find("ds:Signature/ds:KeyInfo/wsse:SecurityTokenReference/wsse:Reference", ns)
    token = sec.find("wsse:BinarySecurityToken", ns)
    assert token_ref is not None and token is not None
    assert token_ref.get("URI") == "#" + token.get(f"{{{WSU}}}Id", "")
    created = sec.find("wsu:Timestamp/wsu:Created", ns).text  # type: ignore[union-attr]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", created or "")


def test_config_errors_are_clear(tmp_path: object) -> None:
    from pathlib import Path

    missing = Path(str(tmp_path)) / "missing.crt"
    with pytest.raises(errors.MpayConfigError, match="cannot read the signing certificate"):
        MpayClient(settings_for("http://127.0.0.1:1/x", sign_cert=missing))
    with pytest.raises(errors.MpayConfigError, match="no MPay certificate"):
        MpayClient(settings_for("http://127.0.0.1:1/x", mpay_cert=None))
    with pytest.raises(errors.MpayConfigError, match="http"):
        MpayClient(settings_for("ftp://example.org/x"))
    not_pem = Path(str(tmp_path)) / "x.crt"
    not_pem.write_text("hello")
    with pytest.raises(errors.MpayConfigError, match="not a PEM"):
        MpayClient(settings_for("http://127.0.0.1:1/x", mpay_cert=not_pem))


def test_clock_is_injectable_for_timestamps(sandbox: MpaySandbox) -> None:
    skewed = datetime.now(UTC) - timedelta(hours=2)
    # the sandbox refuses our stale request, and its (signed) fault is stamped two hours
    # ahead of our clock: the kiosk names the clock problem
    with (
        MpayClient(settings_for(sandbox.url), clock=lambda: skewed) as c,
        pytest.raises(errors.MpaySignatureError, match="future.*check the clocks"),
    ):
        c.get_order_details("IGP01", "IGP2025000123")
    assert sandbox.stats()["rejected_signatures"] == 1
