"""WS-Security signing and verification, without the network."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta

import pytest
import xmlsec
from lxml import etree

from kiosk.mpay.errors import MpayConfigError, MpaySignatureError
from kiosk.mpay.sandbox import demo_cert
from kiosk.mpay.wssec import DS_NS, SOAP_NS, WSSE_NS, WSU_NS, Signer, Verifier, parse_xs_datetime

from .helpers import DATA

NOW = datetime(2025, 7, 10, 7, 51, 23, tzinfo=UTC)
BODY = (
    b'<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>'
    b'<GetOrderDetails xmlns="https://mpay.gov.md"><query><OrderKey>K</OrderKey>'
    b"<ServiceID>S</ServiceID></query></GetOrderDetails></s:Body></s:Envelope>"
)


@pytest.fixture(scope="module")
def signer() -> Signer:
    return Signer(demo_cert("terminal.crt"), demo_cert("terminal.key"))


@pytest.fixture(scope="module")
def verifier() -> Verifier:
    return Verifier(demo_cert("terminal.crt"), clock_skew_s=300)


def signed(signer: Signer, now: datetime = NOW) -> etree._Element:
    return signer.sign(etree.fromstring(BODY), now=now)


def roundtrip(env: etree._Element) -> etree._Element:
    return etree.fromstring(etree.tostring(env))


def test_sign_then_verify(signer: Signer, verifier: Verifier) -> None:
    info = verifier.verify(roundtrip(signed(signer)), now=NOW + timedelta(seconds=5))
    assert info.created == NOW and info.expires == NOW + timedelta(minutes=5)


def test_pinning_refuses_another_certificate(signer: Signer) -> None:
    other = Verifier(demo_cert("mpay.crt"))
    with pytest.raises(MpaySignatureError, match="pinned"):
        other.verify(roundtrip(signed(signer)), now=NOW)


def test_embedded_token_is_not_trusted(verifier: Verifier) -> None:
    """A message signed by a foreign key carrying its own BinarySecurityToken is refused."""
    foreign = Signer(DATA / "foreign.crt", DATA / "foreign.key")
    with pytest.raises(MpaySignatureError):
        verifier.verify(roundtrip(signed(foreign)), now=NOW)


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d.replace(b"<OrderKey>K<", b"<OrderKey>X<"), "does not verify"),
        (
            lambda d: d.replace(b"2025-07-10T07:56:23.000Z", b"2026-07-10T07:56:23.000Z"),
            "does not verify",
        ),
        (lambda d: d.replace(b"#BD-", b"#XX-"), "does not cover the Body"),
        (lambda d: d.replace(b"xml-exc-c14n#", b"xml-c14n11"), "unsupported"),
        (lambda d: d.replace(b"xmldsig#rsa-sha1", b"xmldsig#dsa-sha1"), "unsupported"),
    ],
)
def test_tampering(signer: Signer, verifier: Verifier, mutate: object, message: str) -> None:
    data = etree.tostring(signed(signer))
    bad = mutate(data)  # type: ignore[operator]
    assert bad != data
    with pytest.raises(MpaySignatureError, match=message):
        verifier.verify(etree.fromstring(bad), now=NOW)


def test_structure_checks(signer: Signer, verifier: Verifier) -> None:
    env = signed(signer)
    no_ts = copy.deepcopy(env)
    sec = no_ts.find(f".//{{{WSSE_NS}}}Security")
    assert sec is not None
    sec.remove(sec.find(f"{{{WSU_NS}}}Timestamp"))  # type: ignore[arg-type]
    with pytest.raises(MpaySignatureError, match="Timestamp"):
        verifier.verify(no_ts, now=NOW)
    unsigned = etree.fromstring(BODY)
    with pytest.raises(MpaySignatureError, match="not signed"):
        verifier.verify(unsigned, now=NOW)
    two = copy.deepcopy(env)
    header = two.find(f"{{{SOAP_NS}}}Header")
    assert header is not None
    header.append(copy.deepcopy(header[0]))
    with pytest.raises(MpaySignatureError, match="more than one"):
        verifier.verify(two, now=NOW)
    with pytest.raises(MpaySignatureError, match="SOAP 1.1"):
        verifier.verify(etree.fromstring(b"<x/>"), now=NOW)


def test_xslt_transform_is_refused(signer: Signer, verifier: Verifier) -> None:
    env = signed(signer)
    transform = env.find(f".//{{{DS_NS}}}Transform")
    assert transform is not None
    transform.set("Algorithm", "http://www.w3.org/TR/1999/REC-xslt-19991116")
    with pytest.raises(MpaySignatureError, match="unsupported transform"):
        verifier.verify(env, now=NOW)


@pytest.mark.parametrize(
    ("delta_s", "ok"), [(-290, True), (290, True), (599, True), (-400, False), (601, False)]
)
def test_timestamp_window(signer: Signer, verifier: Verifier, delta_s: int, ok: bool) -> None:
    """Created may be up to skew (300 s) ahead; Expires (Created + 300 s) up to skew behind."""
    env = roundtrip(signed(signer))
    now = NOW + timedelta(seconds=delta_s)
    if ok:
        verifier.verify(env, now=now)
    else:
        with pytest.raises(MpaySignatureError, match="Timestamp"):
            verifier.verify(env, now=now)


def test_header_after_body_is_tolerated(signer: Signer, verifier: Verifier) -> None:
    """Q16: openIMIS appends the Header after the Body."""
    env = signed(signer)
    header = env.find(f"{{{SOAP_NS}}}Header")
    assert header is not None
    env.remove(header)
    env.append(header)
    verifier.verify(roundtrip(env), now=NOW)


def test_inclusive_namespaces_prefix_list_is_honoured(verifier: Verifier) -> None:
    """Q15 / stack.md: the tool-style sample lists InclusiveNamespaces; libxmlsec honours it."""
    env = etree.fromstring(BODY)
    header = etree.Element(f"{{{SOAP_NS}}}Header")
    env.insert(0, header)
    sec = etree.SubElement(header, f"{{{WSSE_NS}}}Security", nsmap={"wsse": WSSE_NS, "wsu": WSU_NS})
    ts = etree.SubElement(sec, f"{{{WSU_NS}}}Timestamp", {f"{{{WSU_NS}}}Id": "TS-1"})
    etree.SubElement(ts, f"{{{WSU_NS}}}Created").text = "2025-07-10T07:51:23.000Z"
    etree.SubElement(ts, f"{{{WSU_NS}}}Expires").text = "2025-07-10T07:52:23.000Z"
    body = env.find(f"{{{SOAP_NS}}}Body")
    assert body is not None
    body.set(f"{{{WSU_NS}}}Id", "id-1")
    sig = xmlsec.template.create(
        env, xmlsec.constants.TransformExclC14N, xmlsec.constants.TransformRsaSha1, ns="ds"
    )
    sec.append(sig)
    ctx = xmlsec.SignatureContext()
    for node, uri in ((body, "#id-1"), (ts, "#TS-1")):
        ref = xmlsec.template.add_reference(sig, xmlsec.constants.TransformSha1, uri=uri)
        tr = xmlsec.template.add_transform(ref, xmlsec.constants.TransformExclC14N)
        incl = etree.SubElement(tr, "{http://www.w3.org/2001/10/xml-exc-c14n#}InclusiveNamespaces")
        incl.set("PrefixList", "s")
        ctx.register_id(node, "Id", WSU_NS)
    key = xmlsec.Key.from_file(str(demo_cert("terminal.key")), xmlsec.constants.KeyDataFormatPem)
    ctx.key = key
    ctx.sign(sig)
    verifier.verify(roundtrip(env), now=NOW)
    tampered = etree.tostring(env).replace(b'PrefixList="s"', b'PrefixList="s wsu"', 1)
    with pytest.raises(MpaySignatureError):
        verifier.verify(etree.fromstring(tampered), now=NOW)


def test_body_id_is_deterministic(signer: Signer) -> None:
    a, b = signed(signer), signed(signer, NOW + timedelta(seconds=1))
    body_a = a.find(f"{{{SOAP_NS}}}Body")
    body_b = b.find(f"{{{SOAP_NS}}}Body")
    assert body_a is not None and body_b is not None
    assert etree.tostring(body_a) == etree.tostring(body_b)


def test_bad_key_files(tmp_path: object) -> None:
    from pathlib import Path

    with pytest.raises(MpayConfigError, match="signing key"):
        Signer(demo_cert("terminal.crt"), demo_cert("terminal.crt"))
    with pytest.raises(MpayConfigError, match="cannot read"):
        Verifier(Path(str(tmp_path)) / "none.pem")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-07-10T09:26:29.463", datetime(2025, 7, 10, 9, 26, 29, 463000)),
        ("2025-07-10", datetime(2025, 7, 10)),
        ("2025-07-10T07:51:23Z", datetime(2025, 7, 10, 7, 51, 23, tzinfo=UTC)),
        ("2025-07-10T10:51:23+03:00", datetime(2025, 7, 10, 7, 51, 23, tzinfo=UTC)),
        ("2025-07-10T09:26:29.1234567", datetime(2025, 7, 10, 9, 26, 29, 123456)),
    ],
)
def test_parse_xs_datetime(text: str, expected: datetime) -> None:
    assert parse_xs_datetime(text) == expected


@pytest.mark.parametrize(
    "text", ["", "2025-13-01", "10.07.2025", "2025-07-10T25:00:00", "99999-01-01"]
)
def test_parse_xs_datetime_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        parse_xs_datetime(text)


def test_reply_signed_with_zeeps_x509data_keyinfo_verifies(verifier: Verifier) -> None:
    """KeyInfo forms differ between stacks (STR->X509Data here, as zeep's Signature writes
    it); none is trusted, all verify against the pinned certificate."""
    from zeep.wsse.signature import _make_sign_key, _sign_envelope_with_key

    env = etree.fromstring(BODY)
    header = etree.Element(f"{{{SOAP_NS}}}Header")
    env.insert(0, header)
    sec = etree.SubElement(header, f"{{{WSSE_NS}}}Security", nsmap={"wsse": WSSE_NS})
    sec.set(f"{{{SOAP_NS}}}mustUnderstand", "1")
    ts = etree.SubElement(sec, f"{{{WSU_NS}}}Timestamp", nsmap={"wsu": WSU_NS})
    etree.SubElement(ts, f"{{{WSU_NS}}}Created").text = "2025-07-10T07:51:23Z"
    etree.SubElement(ts, f"{{{WSU_NS}}}Expires").text = "2025-07-10T07:52:23Z"
    key = _make_sign_key(
        demo_cert("terminal.key").read_bytes(), demo_cert("terminal.crt").read_bytes(), None
    )
    _sign_envelope_with_key(env, key, None, None)
    assert env.find(f".//{{{DS_NS}}}X509Certificate") is not None
    verifier.verify(roundtrip(env), now=NOW)
    with pytest.raises(MpaySignatureError):
        Verifier(demo_cert("mpay.crt")).verify(roundtrip(env), now=NOW)
