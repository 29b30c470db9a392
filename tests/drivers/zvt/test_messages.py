from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drivers.errors import RemoteProtocolError
from drivers.zvt import bmp
from drivers.zvt import messages as m
from drivers.zvt.bmp import Tlv
from tests.drivers.zvt.vectors import FULL_PAN, STATUS_INFO, h

GOLDEN_MESSAGES = [
    (m.Ack(), h("80 00 00")),
    (m.Nack(code=0x66), h("84 66 00")),
    (m.Registration(password="123456", config=0xBA, currency=978), h("06 00 06 12 34 56 BA 09 78")),
    (m.Authorisation(amount=1000), h("06 01 0A 04 00 00 00 00 10 00 49 04 98")),
    (m.Authorisation(amount=12345), h("06 01 0A 04 00 00 00 01 23 45 49 04 98")),
    (m.Authorisation(amount=11000, currency=978), h("06 01 0A 04 00 00 00 01 10 00 49 09 78")),
    (m.StatusEnquiry(password="123456"), h("05 01 03 12 34 56")),
    (m.StatusEnquiry(password=None), h("05 01 00")),
    (m.AbortRequest(), h("06 B0 00")),
    (m.LogOff(), h("06 02 00")),
    (m.EndOfDay(password="000000"), h("06 50 03 00 00 00")),
    (m.Reversal(password="000000", receipt_no=42), h("06 30 06 00 00 00 87 00 42")),
    (m.RepeatReceipt(password="000000", service_byte=3), h("06 20 05 00 00 00 03 03")),
    (m.Completion(), h("06 0F 00")),
    (m.Abort(result_code=0x6C), h("06 1E 01 6C")),
    (m.IntermediateStatus(status=0x0A), h("04 FF 01 0A")),
    (m.IntermediateStatus(status=0x0A, timeout_min=2), h("04 FF 02 0A 02")),
    (m.PrintLine(attribute=0x81, text="OK"), h("06 D1 03 81 4F 4B")),
    (m.PrintLine(attribute=0xFF, feed=3), h("06 D1 02 FF 03")),
    (
        m.Completion(status_byte=0, terminal_id="12345678", currency=498),
        h("06 0F 0A 19 00 29 12 34 56 78 49 04 98"),
    ),
    (
        m.Completion(sw_version="V1", terminal_status=0xDC),
        h("06 0F 06 F0 F0 F2 56 31 DC"),
    ),
]


@pytest.mark.parametrize(
    ("msg", "apdu"), GOLDEN_MESSAGES, ids=[repr(g[0]) for g in GOLDEN_MESSAGES]
)
def test_golden_both_ways(msg, apdu):
    assert m.encode(msg) == apdu
    assert m.decode(apdu) == msg


def test_status_information_fixture_fields():
    info = m.decode(STATUS_INFO)
    assert isinstance(info, m.StatusInformation)
    assert info.result_code == 0
    assert info.amount == 1000
    assert info.currency == 498
    assert info.trace == "000123"
    assert (info.time, info.date) == ("143005", "1122")
    assert info.masked_pan == "411111******1111"
    assert info.terminal_id == "12345678"
    assert info.vu_number == "000000000123456"
    assert info.approval_code == "A1B2C3"
    assert info.receipt_no == "0042"
    assert info.turnover_no == "000042"
    assert info.card_type_id == 0x0A
    assert info.card_name == "VISA"
    assert info.payment_type == 0x70
    assert info.unparsed_len == 0
    assert m.encode(info) == STATUS_INFO  # nothing sensitive in it: same bytes back


def _info_with(*items: tuple[int, bytes]) -> bytes:
    return m.encode(m.StatusInformation(items=((0x27, b"\x00"), *items)))


def test_full_pan_is_masked_and_track_data_dropped_at_the_codec_boundary():
    apdu = _info_with(
        (0x22, bmp.encode_pan(FULL_PAN)),
        (0x23, bytes.fromhex(FULL_PAN + "D2812101")),
        (0x3A, b"\x12\x3f"),
        (0x06, bmp.tlv_container(Tlv(0x5A, bytes.fromhex(FULL_PAN)), Tlv(0x4F, b"\xa0\x00"))),
        (0x3C, f"card {FULL_PAN} ok".encode()),
    )
    info = m.decode(apdu)
    assert isinstance(info, m.StatusInformation)
    assert info.masked_pan == "411111******1111"
    assert info.get(0x23) is None and info.get(0x3A) is None
    assert info.tlv_value(0x5A) is None and info.tlv_value(0x4F) == b"\xa0\x00"
    assert info.additional_text == "card 411111******1111 ok"
    for text in (repr(info), m.encode(info).hex(), m.describe(apdu), bytes(m.encode(info)).hex()):
        assert FULL_PAN not in text and FULL_PAN[6:] not in text
    assert bytes.fromhex(FULL_PAN) not in m.encode(info)


@pytest.mark.parametrize(
    ("pan", "masked"),
    [
        ("4111111111111111", "411111******1111"),
        ("5500000000000004", "550000******0004"),
        ("4111111111111", "411111***1111"),  # 13 digits
        ("123456789", "*****6789"),  # short: last four only
        ("411111******1111", "411111******1111"),  # already masked: unchanged
    ],
)
def test_mask_pan(pan, masked):
    assert bmp.mask_pan(pan) == masked


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("VISA 4111 1111 1111 1111", "VISA 4111 11** **** 1111"),
        ("PAN 4111-1111-1111-1111.", "PAN 4111-11**-****-1111."),
        ("VU 000000000123456", "VU 000000000123456"),  # fails Luhn: not a card number
        ("TRACE 000123 RECEIPT 0042", "TRACE 000123 RECEIPT 0042"),
        ("4111111111111111111111", "4111111111111111111111"),  # 22 digits: not a PAN
    ],
)
def test_mask_pans_in_text(text, expected):
    assert bmp.mask_pans_in_text(text) == expected


def test_print_line_text_is_masked():
    msg = m.decode(m.encode(m.PrintLine(text=f"CARD {FULL_PAN}")))
    assert isinstance(msg, m.PrintLine)
    assert msg.text == "CARD 411111******1111"


def test_intermediate_status_with_tlv_display_lines():
    tlv = (Tlv(0x24, bmp.encode_tlv(0x07, b"Insert card") + bmp.encode_tlv(0x07, b"10.00 MDL")),)
    for timeout in (None, 6):  # 6 = also the BMP id of the TLV container
        msg = m.IntermediateStatus(status=0x0A, timeout_min=timeout, tlv=tlv)
        decoded = m.decode(m.encode(msg))
        assert decoded == msg
        assert isinstance(decoded, m.IntermediateStatus)
        assert decoded.texts == ("Insert card", "10.00 MDL")


def test_print_text_block_lines():
    block = m.PrintTextBlock(
        tlv=(
            Tlv(0x25, bmp.encode_tlv(0x07, b"LINE 1") + bmp.encode_tlv(0x07, b"LINE 2")),
            Tlv(0x1F07, b"\x01"),
        )
    )
    decoded = m.decode(m.encode(block))
    assert isinstance(decoded, m.PrintTextBlock)
    assert decoded.lines == ("LINE 1", "LINE 2")
    assert decoded.receipt_type == 1


def test_totals_of_end_of_day():
    totals = bmp.bcd_encode(1, 2) + bmp.bcd_encode(7, 2)
    for n, amount in [(0, 0), (2, 1500), (0, 0), (1, 250)]:
        totals += bytes([n]) + bmp.bcd_encode(amount, 6)
    info = m.decode(_info_with((0x60, totals)))
    assert isinstance(info, m.StatusInformation)
    assert info.totals == (3, 1750)


def test_extended_length():
    text = "x" * 300
    apdu = m.encode(m.PrintLine(text=text))
    assert apdu[2] == 0xFF and int.from_bytes(apdu[3:5], "little") == 301
    assert m.decode(apdu) == m.PrintLine(text=text)


def test_unknown_command_and_unknown_bmp():
    assert m.decode(h("06 93 03 00 00 00")) == m.Unknown(cmd=0x0693, data=h("00 00 00"))
    info = m.decode(h("04 0F 06 27 00 5E 01 02 03"))  # 5E: no such BMP
    assert isinstance(info, m.StatusInformation)
    assert info.result_code == 0 and info.unparsed_len == 4


@pytest.mark.parametrize(
    "apdu",
    [
        h("06 0F 05 00"),  # LEN says 5, one byte follows
        h("06"),  # too short
        h("04 0F 03 04 00 00"),  # amount cut short
        h("04 0F 07 04 00 00 00 00 0A 00"),  # amount not BCD
        h("04 0F 03 22 F9 01"),  # LLVAR says 9, one byte follows
        h("04 FF 00"),  # no status byte
        h("06 01 02 49 04"),  # authorisation without amount, currency cut short
        h("06 30 03 00 00 00"),  # reversal without receipt number
    ],
)
def test_malformed_apdus_raise_remote_protocol_error(apdu):
    with pytest.raises(RemoteProtocolError):
        m.decode(apdu)


def test_describe_names_and_masks():
    assert m.describe(h("06 0F 00")) == "Completion 06 0f 00"
    assert m.describe(h("84 83 00")) == "Nack 83 84 83 00"
    assert "malformed" in m.describe(h("06 0F 05 00"))
    assert m.describe(h("06 93 03 41 42 43")) == "unknown 0693 (3 data bytes)"


_COMMANDS = [0x040F, 0x04FF, 0x06D1, 0x06D3, 0x060F, 0x061E, 0x0600, 0x0601, 0x0630, 0x0620]


@given(st.sampled_from(_COMMANDS), st.binary(max_size=80))
def test_fuzz_decode_gives_messages_or_remote_protocol_error(cmd, data):
    apdu = bytes([cmd >> 8, cmd & 0xFF, len(data)]) + data
    try:
        msg = m.decode(apdu)
    except RemoteProtocolError:
        return
    assert isinstance(msg, m.Message)
    m.describe(apdu)
    if isinstance(msg, m.StatusInformation):  # every property is safe to read
        for name in ("amount", "trace", "receipt_no", "masked_pan", "terminal_id", "totals"):
            getattr(msg, name)


@given(st.binary(max_size=120))
def test_fuzz_decode_raw_bytes(apdu):
    try:
        assert isinstance(m.decode(apdu), m.Message)
    except RemoteProtocolError:
        pass
