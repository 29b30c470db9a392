"""Hardened parsing: every hostile or broken document is refused with a specific reason."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.mpay.errors import MpayProtocolError
from kiosk.mpay.sandbox_xml import BILLION_LAUGHS
from kiosk.mpay.xmlsafe import parse_untrusted

OK = '<?xml version="1.0" encoding="utf-8"?><a xmlns="urn:x"><b>ț</b><!-- c --></a>'.encode()


UTF16_DTD = '<?xml version="1.0" encoding="utf-16"?><!DOCTYPE r [<!ENTITY a "b">]><r>&a;</r>'
UTF16_DTD_BYTES = UTF16_DTD.encode("utf-16")


def test_plain_document() -> None:
    root = parse_untrusted(OK, max_bytes=1000)
    assert root[0].text == "ț" and len(root) == 1  # comment dropped


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (BILLION_LAUGHS, "DTD"),
        (b'<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>', "DTD"),
        (b'<!DOCTYPE r SYSTEM "http://example.org/r.dtd"><r/>', "DTD"),
        (
            UTF16_DTD_BYTES,
            "DTD",
        ),  # slips past the byte pre-check, caught after parsing
        (b"<a><b></a>", "not well-formed"),
        (b"<a>", "not well-formed"),
        (b"", "empty"),
        (b"   \n", "empty"),
        (b"<a>" + b"x" * 2000 + b"</a>", "over the limit"),
        (b"<a>&undefined;</a>", "not well-formed"),
    ],
)
def test_refused(data: bytes, reason: str) -> None:
    with pytest.raises(MpayProtocolError, match=reason):
        parse_untrusted(data, max_bytes=1000 if len(data) > 1000 else 10_000)


def test_deep_nesting_is_refused() -> None:
    deep = b"<a>" * 5000 + b"</a>" * 5000
    with pytest.raises(MpayProtocolError):
        parse_untrusted(deep, max_bytes=10**6)


@settings(max_examples=300)
@given(st.binary(max_size=300))
def test_fuzz_only_protocol_errors(data: bytes) -> None:
    try:
        parse_untrusted(data, max_bytes=200)
    except MpayProtocolError:
        pass
