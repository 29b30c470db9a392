"""ccTalk packets: golden checksum vectors (devices.md 2.8) both ways, resync, fuzzing."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drivers.cctalk.frames import Packet, PacketDecoder, checksum, encode_packet
from drivers.errors import RemoteProtocolError

# (name, destination, source, header, data hex, packet hex)
GOLDEN = [
    ("simple poll", 2, 1, 254, "", "02 00 01 FE FF"),
    ("ACK from 2", 1, 2, 0, "", "01 00 02 00 FD"),
    ("NAK from 2", 1, 2, 5, "", "01 00 02 05 F8"),
    ("equipment category", 2, 1, 245, "", "02 00 01 F5 08"),
    ("serial number", 2, 1, 242, "", "02 00 01 F2 0B"),
    ("serial reply 12345678", 1, 2, 0, "4E 61 BC", "01 03 02 00 4E 61 BC 8F"),
    ("coin id 1", 2, 1, 184, "01", "02 01 01 B8 01 43"),
    ("inhibits FF FF", 2, 1, 231, "FF FF", "02 02 01 E7 FF FF 16"),
    ("master inhibit 1", 2, 1, 228, "01", "02 01 01 E4 01 17"),
    ("read buffered credit", 2, 1, 229, "", "02 00 01 E5 18"),
    (
        "229 reply coin 3 path 1",
        1,
        2,
        0,
        "01 03 01 00 00 00 00 00 00 00 00",
        "01 0B 02 00 01 03 01 00 00 00 00 00 00 00 00 ED",
    ),
    ("self-check", 2, 1, 232, "", "02 00 01 E8 15"),
    ("polling priority", 2, 1, 249, "", "02 00 01 F9 04"),
    ("reset", 2, 1, 1, "", "02 00 01 01 FC"),
]
IDS = [g[0] for g in GOLDEN]


@pytest.mark.parametrize(("name", "dest", "src", "header", "data", "wire"), GOLDEN, ids=IDS)
def test_encode_golden(name: str, dest: int, src: int, header: int, data: str, wire: str) -> None:
    packet = encode_packet(dest, src, header, bytes.fromhex(data))
    assert packet == bytes.fromhex(wire), name
    assert sum(packet) % 256 == 0


@pytest.mark.parametrize(("name", "dest", "src", "header", "data", "wire"), GOLDEN, ids=IDS)
def test_decode_golden_whole_bytewise_and_with_trailing_bytes(
    name: str, dest: int, src: int, header: int, data: str, wire: str
) -> None:
    raw = bytes.fromhex(wire)
    expected = Packet(
        destination=dest, source=src, header=header, data=bytes.fromhex(data), raw=raw
    )
    whole = PacketDecoder()
    whole.feed(raw)
    assert whole.next_packet() == expected, name
    assert whole.next_packet() is None

    bytewise = PacketDecoder()
    for i in range(len(raw)):
        bytewise.feed(raw[i : i + 1])
        got = bytewise.next_packet()
        assert got == (expected if i == len(raw) - 1 else None)

    trailing = PacketDecoder()
    trailing.feed(raw + b"\x02\x00")
    assert trailing.next_packet() == expected
    assert trailing.next_packet() is None and trailing.pending == 2


def test_checksum_of_spec_example() -> None:
    assert checksum(bytes((1, 0, 2, 0))) == 253  # Part 1 §7.10


def test_encode_refuses_bad_fields() -> None:
    with pytest.raises(ValueError):
        encode_packet(2, 1, 229, bytes(256))
    with pytest.raises(ValueError):
        encode_packet(256, 1, 229)


POLL = bytes.fromhex("02 00 01 FE FF")
ACK = bytes.fromhex("01 00 02 00 FD")


@pytest.mark.parametrize(
    ("why", "data", "headers"),
    [
        ("one byte of noise before a packet", b"\x55" + ACK, [0]),
        ("two packets back to back", ACK + POLL, [0, 254]),
    ],
)
def test_resync(why: str, data: bytes, headers: list[int]) -> None:
    decoder = PacketDecoder()
    decoder.feed(data)
    got = []
    for _ in range(100):
        try:
            packet = decoder.next_packet()
        except RemoteProtocolError:
            continue
        if packet is None:
            break
        got.append(packet.header)
    assert got == headers, why


def test_bad_checksum_is_reported_and_a_timeout_resynchronises() -> None:
    # Without a sync byte, hunting after a bad packet may wait on a bogus length: the owner's
    # 50 ms gap / reply timeout (clear) is what reliably resynchronises ccTalk.
    decoder = PacketDecoder()
    decoder.feed(ACK[:-1] + b"\x00")
    with pytest.raises(RemoteProtocolError):
        decoder.next_packet()
    decoder.clear()
    decoder.feed(POLL)
    packet = decoder.next_packet()
    assert packet is not None and packet.header == 254


def test_partial_packet_waits_until_cleared() -> None:
    decoder = PacketDecoder()
    decoder.feed(b"\x01\xf0\x02")  # promises 240 data bytes
    decoder.feed(ACK)
    assert decoder.next_packet() is None
    decoder.clear()
    decoder.feed(ACK)
    assert decoder.next_packet() is not None


@settings(max_examples=300, deadline=None)
@given(st.lists(st.binary(max_size=40), max_size=12))
def test_fuzz_decoder_only_returns_packets_or_raises_remote_error(chunks: list[bytes]) -> None:
    decoder = PacketDecoder()
    for chunk in chunks:
        decoder.feed(chunk)
        for _ in range(1000):
            try:
                packet = decoder.next_packet()
            except RemoteProtocolError:
                continue
            if packet is None:
                break
            assert isinstance(packet, Packet)
            assert sum(packet.raw) % 256 == 0 and len(packet.raw) == len(packet.data) + 5
        else:
            pytest.fail("decoder did not settle")
