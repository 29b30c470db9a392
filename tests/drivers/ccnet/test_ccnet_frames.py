"""CCNET framing: golden vectors (devices.md 1.3) both ways, resync after garbage, fuzzing."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drivers.ccnet.frames import CrcError, Frame, FrameDecoder, crc16, encode_frame
from drivers.errors import RemoteProtocolError

# (name, payload hex, frame hex) — address 0x03; computed vectors from devices.md 1.3
GOLDEN = [
    ("RESET", "30", "02 03 06 30 41 B3"),
    ("POLL", "33", "02 03 06 33 DA 81"),
    ("ACK", "00", "02 03 06 00 C2 82"),
    ("NAK", "FF", "02 03 06 FF BA 8D"),
    ("GET STATUS", "31", "02 03 06 31 C8 A2"),
    ("SET SECURITY no data", "32", "02 03 06 32 53 90"),
    ("SET SECURITY 000000", "32 00 00 00", "02 03 09 32 00 00 00 26 1F"),
    ("ENABLE all no escrow", "34 FF FF FF 00 00 00", "02 03 0C 34 FF FF FF 00 00 00 B5 C1"),
    ("ENABLE none", "34 00 00 00 00 00 00", "02 03 0C 34 00 00 00 00 00 00 17 0C"),
    ("ENABLE 1-7 escrow 1-7", "34 00 00 FE 00 00 FE", "02 03 0C 34 00 00 FE 00 00 FE 8F CB"),
    ("STACK", "35", "02 03 06 35 EC E4"),
    ("RETURN", "36", "02 03 06 36 77 D6"),
    ("HOLD", "38", "02 03 06 38 09 3F"),
    ("IDENTIFICATION", "37", "02 03 06 37 FE C7"),
    ("GET BILL TABLE", "41", "02 03 06 41 4F D1"),
    ("REQUEST STATISTICS", "60", "02 03 06 60 C4 E1"),
    ("EXTRACT BARCODE", "3A", "02 03 06 3A 1B 1C"),
    ("power up", "10", "02 03 06 10 43 92"),
    ("initialize", "13", "02 03 06 13 D8 A0"),
    ("idling", "14", "02 03 06 14 67 D4"),
    ("accepting", "15", "02 03 06 15 EE C5"),
    ("stacking", "17", "02 03 06 17 FC E6"),
    ("disabled", "19", "02 03 06 19 82 0F"),
    ("escrow 2", "80 02", "02 03 07 80 02 9E 10"),
    ("stacked 2", "81 02", "02 03 07 81 02 46 09"),
    ("returned 2", "82 02", "02 03 07 82 02 2E 23"),
    ("rejecting insertion", "1C 60", "02 03 07 1C 60 77 E0"),
    ("busy", "1B 0A", "02 03 07 1B 0A 23 61"),
    ("failure stack motor", "47 50", "02 03 07 47 50 AB E6"),
    ("power up bill in stacker", "12", "02 03 06 12 51 B1"),
    ("cassette removed", "42", "02 03 06 42 D4 E3"),
    ("GET STATUS reply", "FF FF FF 00 00 00", "02 03 0B FF FF FF 00 00 00 0A AA"),
]
IDS = [g[0] for g in GOLDEN]


def _hex(text: str) -> bytes:
    return bytes.fromhex(text)


def _decode_all(decoder: FrameDecoder) -> list[Frame]:
    frames = []
    while (frame := decoder.next_frame()) is not None:
        frames.append(frame)
    return frames


def test_crc_is_kermit_check_value() -> None:
    assert crc16(b"123456789") == 0x2189


@pytest.mark.parametrize(("name", "payload", "wire"), GOLDEN, ids=IDS)
def test_encode_golden(name: str, payload: str, wire: str) -> None:
    assert encode_frame(0x03, _hex(payload)) == _hex(wire), name


@pytest.mark.parametrize(("name", "payload", "wire"), GOLDEN, ids=IDS)
def test_decode_golden_whole_bytewise_and_with_trailing_bytes(
    name: str, payload: str, wire: str
) -> None:
    raw = _hex(wire)
    whole = FrameDecoder()
    whole.feed(raw)
    assert _decode_all(whole) == [Frame(address=3, payload=_hex(payload), raw=raw)], name

    bytewise = FrameDecoder()
    got = []
    for i in range(len(raw)):
        bytewise.feed(raw[i : i + 1])
        frame = bytewise.next_frame()
        if i < len(raw) - 1:
            assert frame is None
        else:
            got.append(frame)
    assert [f.payload for f in got if f] == [_hex(payload)]

    trailing = FrameDecoder()
    trailing.feed(raw + b"\x02\x03")  # the start of the next frame
    assert trailing.next_frame() == Frame(address=3, payload=_hex(payload), raw=raw)
    assert trailing.next_frame() is None
    assert trailing.pending == 2


def test_encode_refuses_what_cannot_be_a_short_frame() -> None:
    with pytest.raises(ValueError):
        encode_frame(3, b"")
    with pytest.raises(ValueError):
        encode_frame(3, bytes(251))
    assert len(encode_frame(3, bytes(250))) == 255


POLL = _hex("02 03 06 33 DA 81")
IDLING = _hex("02 03 06 14 67 D4")

# (why, bytes fed, errors expected, payloads expected)
RESYNC = [
    ("line noise before a frame is skipped", b"\xff\x00\x13" + POLL, 1, [b"\x33"]),
    ("a SYNC with an impossible LNG is not a frame start", b"\x02\x03\x01" + POLL, 2, [b"\x33"]),
    ("LNG 0 (long frame) is refused", b"\x02\x03\x00" + POLL, 2, [b"\x33"]),
    (
        "a frame with a bad CRC is reported, the next one is found",
        POLL[:-1] + b"\x00" + IDLING,
        2,  # the CRC error, then its remaining bytes skipped up to the next SYNC
        [b"\x14"],
    ),
    ("two frames back to back", POLL + IDLING, 0, [b"\x33", b"\x14"]),
    ("a frame hidden in garbage that starts with SYNC", b"\x02\x02" + POLL, 2, [b"\x33"]),
]


@pytest.mark.parametrize(("why", "data", "errors", "payloads"), RESYNC, ids=[r[0] for r in RESYNC])
def test_resync_after_garbage(why: str, data: bytes, errors: int, payloads: list[bytes]) -> None:
    decoder = FrameDecoder()
    decoder.feed(data)
    seen_errors, got = 0, []
    for _ in range(100):
        try:
            frame = decoder.next_frame()
        except RemoteProtocolError:
            seen_errors += 1
            continue
        if frame is None:
            break
        got.append(frame.payload)
    assert got == payloads, why
    assert seen_errors == errors, why


def test_crc_error_is_a_distinct_remote_error() -> None:
    decoder = FrameDecoder()
    decoder.feed(POLL[:-1] + b"\x00")
    with pytest.raises(CrcError):
        decoder.next_frame()


def test_partial_frame_waits_until_cleared() -> None:
    # A broken frame whose LNG promises more bytes blocks the decoder until the owner's
    # timeout clears it (CCNET has no other way to know the frame is dead).
    decoder = FrameDecoder()
    decoder.feed(b"\x02\x03\xff\x33")
    decoder.feed(POLL)
    assert decoder.next_frame() is None
    decoder.clear()
    decoder.feed(POLL)
    assert decoder.next_frame() is not None


@settings(max_examples=300, deadline=None)
@given(st.lists(st.binary(max_size=40), max_size=12))
def test_fuzz_decoder_only_returns_frames_or_raises_remote_error(chunks: list[bytes]) -> None:
    decoder = FrameDecoder()
    for chunk in chunks:
        decoder.feed(chunk)
        for _ in range(1000):
            try:
                frame = decoder.next_frame()
            except RemoteProtocolError:
                continue
            if frame is None:
                break
            assert isinstance(frame, Frame)
            assert crc16(frame.raw[:-2]) == frame.raw[-2] | frame.raw[-1] << 8
        else:
            pytest.fail("decoder did not settle")


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=30).filter(lambda b: 0x02 not in b), st.binary(min_size=1, max_size=20))
def test_fuzz_frame_after_garbage_without_sync_is_found(garbage: bytes, payload: bytes) -> None:
    decoder = FrameDecoder()
    decoder.feed(garbage + encode_frame(3, payload))
    frames = []
    for _ in range(100):
        try:
            frame = decoder.next_frame()
        except RemoteProtocolError:
            continue
        if frame is None:
            break
        frames.append(frame.payload)
    assert frames == [payload]
