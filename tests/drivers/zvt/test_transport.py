from __future__ import annotations

from drivers.zvt.frames import encode_frame
from drivers.zvt.transport import (
    ApduReceived,
    BlockTransport,
    Delivered,
    DeliveryFailed,
    TransportTimeouts,
)
from tests.drivers.zvt.vectors import h

FAST = TransportTimeouts(t1=0.2, t2=5.0, retries=2)


def events(t: BlockTransport) -> list[object]:
    out = []
    while (e := t.next_event()) is not None:
        out.append(e)
    return out


def test_receiver_acks_good_block_and_naks_bad_one():
    t = BlockTransport(FAST)
    t.receive_data(encode_frame(h("06 0F 00")), 0.0)
    assert t.data_to_send() == b"\x06"
    assert events(t) == [ApduReceived(h("06 0F 00"))]
    bad = bytearray(encode_frame(h("06 0F 00")))
    bad[-1] ^= 0xFF
    t.receive_data(bytes(bad), 0.1)
    assert t.data_to_send() == b"\x15"
    assert events(t) == []


def test_sender_delivers_on_ack_and_queues_the_rest():
    t = BlockTransport(FAST)
    first = t.send(h("80 00 00"), 0.0)
    second = t.send(h("06 B0 00"), 0.0)
    assert t.data_to_send() == encode_frame(h("80 00 00"))  # one block in flight at a time
    assert not t.idle
    t.receive_data(b"\x06", 0.5)
    assert events(t) == [Delivered(h("80 00 00"), first)]
    assert t.data_to_send() == encode_frame(h("06 B0 00"))
    t.receive_data(b"\x06", 0.6)
    assert events(t) == [Delivered(h("06 B0 00"), second)]
    assert t.idle


def test_nak_repeats_twice_then_fails():
    t = BlockTransport(FAST)
    ref = t.send(h("06 0F 00"), 0.0)
    wire = encode_frame(h("06 0F 00"))
    assert t.data_to_send() == wire
    t.receive_data(b"\x15", 0.1)
    assert t.data_to_send() == wire  # repeat 1
    t.receive_data(b"\x15", 0.2)
    assert t.data_to_send() == wire  # repeat 2
    t.receive_data(b"\x15", 0.3)
    assert t.data_to_send() == b""
    assert events(t) == [DeliveryFailed(h("06 0F 00"), ref, "NAK")]
    assert t.idle


def test_t2_without_answer_repeats_then_fails():
    t = BlockTransport(FAST)
    ref = t.send(h("06 0F 00"), 0.0)
    t.data_to_send()
    assert t.next_deadline() == 5.0
    t.on_timeout(4.9)
    assert t.data_to_send() == b""
    for now in (5.0, 10.0):
        t.on_timeout(now)
        assert t.data_to_send() == encode_frame(h("06 0F 00"))
    t.on_timeout(15.0)
    assert events(t) == [DeliveryFailed(h("06 0F 00"), ref, "no ACK within T2")]
    assert t.next_deadline() is None


def test_nak_then_ack_delivers():
    t = BlockTransport(FAST)
    ref = t.send(h("06 0F 00"), 0.0)
    t.data_to_send()
    t.receive_data(b"\x15", 0.1)
    t.receive_data(b"\x06", 0.2)
    assert events(t) == [Delivered(h("06 0F 00"), ref)]


def test_t1_gap_naks_partial_block():
    t = BlockTransport(FAST)
    wire = encode_frame(h("06 0F 00"))
    t.receive_data(wire[:3], 1.0)
    assert t.next_deadline() == 1.2
    t.on_timeout(1.3)
    assert t.data_to_send() == b"\x15"
    assert any("T1" in line for line in t.recent)


def test_two_sides_in_memory_with_a_corrupted_byte():
    a, b = BlockTransport(FAST), BlockTransport(FAST)
    ref = a.send(h("06 01 0A 04 00 00 00 00 10 00 49 04 98"), 0.0)
    wire = bytearray(a.data_to_send())
    wire[5] ^= 0x01  # corrupt one data byte: b answers NAK, a repeats
    b.receive_data(bytes(wire), 0.0)
    a.receive_data(b.data_to_send(), 0.01)
    b.receive_data(a.data_to_send(), 0.02)
    a.receive_data(b.data_to_send(), 0.03)
    assert events(b) == [ApduReceived(h("06 01 0A 04 00 00 00 00 10 00 49 04 98"))]
    assert events(a) == [Delivered(h("06 01 0A 04 00 00 00 00 10 00 49 04 98"), ref)]


def test_stray_ack_is_ignored_and_reset_forgets():
    t = BlockTransport(FAST)
    t.receive_data(b"\x06\x15", 0.0)
    assert events(t) == []
    t.send(h("06 0F 00"), 0.0)
    t.reset()
    assert t.idle and t.data_to_send() == b"" and t.next_deadline() is None
