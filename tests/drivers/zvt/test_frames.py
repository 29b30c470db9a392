from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drivers.zvt.frames import (
    AckReceived,
    FrameDecoder,
    FrameReceived,
    FrameRejected,
    NakReceived,
    crc16,
    encode_frame,
)
from tests.drivers.zvt.vectors import GOLDEN, STATUS_INFO, STATUS_INFO_CRC, h


def test_crc_is_kermit_check_value():
    assert crc16(b"123456789") == 0x2189


GOLDEN_PARAMS = [pytest.param(apdu, wire, id=name) for name, apdu, wire in GOLDEN]


@pytest.mark.parametrize(("apdu", "wire"), GOLDEN_PARAMS)
def test_golden_encode(apdu, wire):
    assert encode_frame(apdu) == wire


@pytest.mark.parametrize(("apdu", "wire"), GOLDEN_PARAMS)
def test_golden_decode_whole_bytewise_and_with_trailing(apdu, wire):
    assert FrameDecoder().feed(wire) == [FrameReceived(apdu)]
    decoder = FrameDecoder()
    events = []
    for i in range(len(wire)):
        events += decoder.feed(wire[i : i + 1])
    assert events == [FrameReceived(apdu)]
    # trailing: an ACK and the start of the next block
    assert FrameDecoder().feed(wire + b"\x06\x10\x02\x80") == [FrameReceived(apdu), AckReceived()]


def test_status_information_fixture_crc_and_stuffing():
    assert crc16(STATUS_INFO + b"\x03") == STATUS_INFO_CRC
    wire = encode_frame(STATUS_INFO)
    assert wire.endswith(h("41 00 10 03 A3 1F"))
    assert h("00 00 00 00 10 10 00") in wire  # the 10 of the amount is doubled
    assert FrameDecoder().feed(wire) == [FrameReceived(STATUS_INFO)]


def _crc_with_dle():
    """An APDU whose CRC contains a 10 byte: CRC bytes are written raw, never doubled."""
    for n in range(5000):
        apdu = b"\x06\xd1" + bytes([2]) + n.to_bytes(2, "big")
        crc = crc16(apdu + b"\x03")
        if 0x10 in (crc & 0xFF, crc >> 8):
            return apdu
    raise AssertionError("no such APDU")


@pytest.mark.parametrize(
    "apdu",
    [
        h("06 D1 01 10"),  # data ends with DLE: 10 10 10 03
        h("06 D1 02 10 10"),  # two DLEs in a row
        h("06 D1 03 10 03 10"),  # DLE ETX inside the data must not end the block
        h("06 D1 02 10 02"),  # DLE STX inside the data must not restart it
        h("10 10 00"),  # DLE as the class and instruction
        _crc_with_dle(),
    ],
)
def test_dle_stuffing_edge_cases(apdu):
    wire = encode_frame(apdu)
    body = wire[2:-4]
    assert body.replace(b"\x10\x10", b"").count(b"\x10") == 0  # every data DLE is doubled
    assert FrameDecoder().feed(wire) == [FrameReceived(apdu)]
    decoder = FrameDecoder()
    events = [e for b in wire for e in decoder.feed(bytes([b]))]
    assert events == [FrameReceived(apdu)]


def test_ack_and_nak_outside_blocks():
    assert FrameDecoder().feed(b"\x06\x15\x06") == [AckReceived(), NakReceived(), AckReceived()]


# Garbage and recovery: each row is (input, expected events, why).
RECOVERY = [
    (b"\x00\xff" + encode_frame(h("80 00 00")), [FrameReceived(h("80 00 00"))], "noise skipped"),
    (
        encode_frame(h("80 00 00"))[:-1] + b"\x00",
        [FrameRejected("CRC mismatch", 3)],
        "bad CRC is rejected (answer NAK)",
    ),
    (
        b"\x10\x02\x06\x0f" + encode_frame(h("06 0F 00")),
        [FrameRejected("block restarted", 2), FrameReceived(h("06 0F 00"))],
        "DLE STX inside a block restarts it",
    ),
    (
        b"\x10\x02\x06\x0f\x10\x41" + encode_frame(h("06 0F 00")),
        [FrameRejected("DLE 41 inside a block", 2), FrameReceived(h("06 0F 00"))],
        "a bad DLE sequence rejects the block, hunting resumes",
    ),
    (b"\x10\x06", [AckReceived()], "a lone DLE before an ACK is noise"),
    (
        b"\x10\x02\x80\x10\x03" + bytes([0x80 ^ 0xFF, 0]),
        [FrameRejected("CRC mismatch", 1)],
        "one-byte block",
    ),
]


@pytest.mark.parametrize(
    ("data", "expected"), [pytest.param(d, e, id=why) for d, e, why in RECOVERY]
)
def test_recovery(data, expected):
    assert FrameDecoder().feed(data) == expected


def test_too_short_block_rejected():
    apdu = b"\x80"
    wire = encode_frame(apdu)
    assert FrameDecoder().feed(wire) == [FrameRejected("block shorter than an APDU header", 1)]


def test_t1_gap_rejects_partial_block():
    decoder = FrameDecoder()
    wire = encode_frame(h("06 0F 00"))
    assert decoder.feed(wire[:4], now=10.0) == []
    assert decoder.deadline(0.2) == pytest.approx(10.2)
    assert decoder.expire(10.1, 0.2) == []
    assert decoder.expire(10.3, 0.2) == [FrameRejected("T1: gap between bytes too long", 2)]
    assert decoder.feed(wire, now=11.0) == [FrameReceived(h("06 0F 00"))]
    assert decoder.deadline(0.2) is None


def test_overlong_block_rejected():
    decoder = FrameDecoder(max_apdu=4)
    events = decoder.feed(encode_frame(h("06 D1 03 41 42 43")))
    assert events[0] == FrameRejected("block too long", 4)
    assert decoder.feed(encode_frame(h("80 00 00"))) == [FrameReceived(h("80 00 00"))]


@given(st.binary(min_size=2, max_size=300))
def test_roundtrip_any_apdu(apdu):
    assert FrameDecoder().feed(encode_frame(apdu)) == [FrameReceived(apdu)]


@given(st.lists(st.binary(max_size=40), max_size=20))
def test_fuzz_decoder_never_raises_and_recovers(chunks):
    decoder = FrameDecoder(max_apdu=64)
    for chunk in chunks:
        for event in decoder.feed(chunk):
            assert isinstance(event, AckReceived | NakReceived | FrameReceived | FrameRejected)
    decoder.expire(1e9, 0.2)  # whatever state it was left in, T1 brings it back
    assert decoder.feed(encode_frame(h("06 0F 00")), now=1e9)[-1] == FrameReceived(h("06 0F 00"))
