"""Helpers shared by the MPay tests (not fixtures)."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from pathlib import Path

from lxml import etree

from kiosk.mpay.sandbox import demo_cert
from kiosk.mpay.sandbox_xml import envelope_bytes
from kiosk.mpay.settings import MpaySettings
from kiosk.mpay.wssec import Signer

DATA = Path(__file__).parent / "data"
FIXTURE = DATA / "mds02-getorderdetails-response.xml"
SOAP = "http://schemas.xmlsoap.org/soap/envelope/"
WSU = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd"
TNS = "https://mpay.gov.md"


def fixture_body() -> bytes:
    """The documented real reply's GetOrderDetailsResponse element, byte for byte."""
    data = FIXTURE.read_bytes()
    return data[data.index(b"<GetOrderDetailsResponse") :].rstrip(b"\n")


def settings_for(url: str, **changes: object) -> MpaySettings:
    base = MpaySettings(
        endpoint=url,
        sign_cert=demo_cert("terminal.crt"),
        sign_key=demo_cert("terminal.key"),
        mpay_cert=demo_cert("mpay.crt"),
        timeout_s=5.0,
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


_MPAY_SIGNER: Signer | None = None


def mpay_signer() -> Signer:
    global _MPAY_SIGNER
    if _MPAY_SIGNER is None:
        _MPAY_SIGNER = Signer(demo_cert("mpay.crt"), demo_cert("mpay.key"))
    return _MPAY_SIGNER


def signed_envelope(
    body: bytes, *, signer: Signer | None = None, now: datetime | None = None
) -> bytes:
    """``body`` inside a SOAP envelope signed like the sandbox's replies."""
    env = etree.fromstring(envelope_bytes(body))
    env = (signer or mpay_signer()).sign(env, now=now or datetime.now(UTC))
    return bytes(etree.tostring(env, xml_declaration=True, encoding="utf-8"))


def orders_body(*order_xml: bytes) -> bytes:
    inner = b"".join(order_xml)
    return (
        b'<GetOrderDetailsResponse xmlns="https://mpay.gov.md"><GetOrderDetailsResult>'
        + inner
        + b"</GetOrderDetailsResult></GetOrderDetailsResponse>"
    )


def order_xml(key: str = "K1", status: str = "Active", extra: str = "") -> bytes:
    return (
        "<OrderDetails><Currency>MDL</Currency>"
        "<Lines><OrderLine><AmountDue>10.00</AmountDue><LineID>L1</LineID>"
        "<Reason>r</Reason></OrderLine></Lines>"
        f"<OrderKey>{key}</OrderKey><Reason>Reason {key}</Reason><ServiceID>MDS02</ServiceID>"
        f"<Status>{status}</Status><TotalAmountDue>10.00</TotalAmountDue>{extra}</OrderDetails>"
    ).encode()
