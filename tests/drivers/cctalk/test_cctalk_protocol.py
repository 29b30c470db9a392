"""The sans-I/O ccTalk exchange: local echo stripping, retries, timeouts (hand-driven clock)."""

from __future__ import annotations

import pytest

from drivers.cctalk.frames import encode_packet
from drivers.cctalk.messages import Header
from drivers.cctalk.protocol import Answered, HostProtocol, NoAnswer
from drivers.errors import LocalProtocolError

POLL = encode_packet(2, 1, 254)
ACK = encode_packet(1, 2, 0)
SERIAL = encode_packet(1, 2, 0, bytes((78, 97, 188)))


def _send(proto: HostProtocol, header: int = Header.SIMPLE_POLL, now: float = 0.0) -> bytes:
    proto.send(header, now=now, timeout=0.1)
    return proto.data_to_send(now)


@pytest.mark.parametrize("echo", [None, True, False])
def test_reply_after_echo(echo: bool | None) -> None:
    proto = HostProtocol(echo=echo)
    assert _send(proto) == POLL
    proto.receive_data(POLL + ACK)
    event = proto.next_event(0.01)
    assert isinstance(event, Answered) and event.ack


@pytest.mark.parametrize("echo", [None, False])
def test_reply_without_echo(echo: bool | None) -> None:
    proto = HostProtocol(echo=echo)
    _send(proto)
    proto.receive_data(ACK)
    event = proto.next_event(0.01)
    assert isinstance(event, Answered) and event.ack
    assert proto.echoes_seen == 0


def test_echo_split_across_reads_byte_by_byte() -> None:
    proto = HostProtocol()
    _send(proto, Header.REQUEST_SERIAL_NUMBER)
    for byte in encode_packet(2, 1, 242) + SERIAL:
        assert proto.next_event(0.001) is None
        proto.receive_data(bytes((byte,)))
    event = proto.next_event(0.002)
    assert isinstance(event, Answered) and event.reply.data == bytes((78, 97, 188))
    assert proto.echoes_seen == 1


def test_garbled_echo_then_reply_is_still_found() -> None:
    proto = HostProtocol()
    _send(proto)
    proto.receive_data(POLL[:2] + b"\x77\x77\x77" + ACK)
    event = proto.next_event(0.01)
    assert isinstance(event, Answered) and event.ack


def test_expected_echo_missing_is_counted() -> None:
    proto = HostProtocol(echo=True)
    _send(proto)
    proto.receive_data(ACK)
    assert isinstance(proto.next_event(0.01), Answered)
    assert proto.echo_missing == 1


def test_reply_from_another_device_is_ignored() -> None:
    proto = HostProtocol()
    _send(proto)
    proto.receive_data(encode_packet(1, 3, 0))  # a hopper answering
    assert proto.next_event(0.01) is None


def test_silence_is_retried_then_no_answer() -> None:
    proto = HostProtocol(retries=2, gap=0.01)
    sent = [_send(proto)]
    now = 0.0
    event = None
    for _ in range(20):
        now = proto.wakeup_time() or now
        event = proto.next_event(now)
        if isinstance(event, NoAnswer):
            break
        out = proto.data_to_send(now)
        if out:
            sent.append(out)
    assert isinstance(event, NoAnswer) and event.header == Header.SIMPLE_POLL
    assert sent == [POLL] * 3
    assert proto.timeouts == 3


def test_bad_checksum_reply_times_out_and_retries() -> None:
    proto = HostProtocol(gap=0.0)
    _send(proto)
    proto.receive_data(POLL + ACK[:-1] + b"\x00")
    assert proto.next_event(0.01) is None
    deadline = proto.wakeup_time()
    assert deadline is not None
    assert proto.next_event(deadline) is None  # timeout: resend
    assert proto.data_to_send(deadline) == POLL
    proto.receive_data(POLL + ACK)
    assert isinstance(proto.next_event(deadline + 0.01), Answered)
    assert proto.checksum_errors >= 1


def test_busy_is_retried_nak_is_an_answer() -> None:
    proto = HostProtocol(gap=0.0)
    _send(proto)
    proto.receive_data(encode_packet(1, 2, Header.BUSY))
    assert proto.next_event(0.01) is None
    assert proto.data_to_send(0.01) == POLL
    proto.receive_data(encode_packet(1, 2, Header.NAK))
    event = proto.next_event(0.02)
    assert isinstance(event, Answered) and event.nak


def test_misuse_is_a_local_error() -> None:
    proto = HostProtocol()
    _send(proto)
    with pytest.raises(LocalProtocolError):
        proto.send(Header.SIMPLE_POLL, now=0.0)
