"""The sans-I/O CCNET exchange: ACK/NAK, retries, t-free and timeouts with a hand-driven clock."""

from __future__ import annotations

import pytest

from drivers.ccnet.frames import encode_frame
from drivers.ccnet.messages import Ack, Command, IllegalCommand, PollStatus, State
from drivers.ccnet.protocol import Answered, HostProtocol, NoAnswer, ProtocolState
from drivers.errors import LocalProtocolError

POLL = encode_frame(3, b"\x33")
ACK = encode_frame(3, b"\x00")
NAK = encode_frame(3, b"\xff")
IDLING = encode_frame(3, b"\x14")
ESCROW = encode_frame(3, b"\x80\x05")


def _poll(proto: HostProtocol, now: float = 0.0) -> bytes:
    proto.send_command(Command.POLL, now=now, timeout=0.1)
    return proto.data_to_send(now)


def test_data_reply_waits_for_confirm_then_acks() -> None:
    proto = HostProtocol(t_free=0.02)
    assert _poll(proto) == POLL
    assert proto.next_event(0.001) is None
    proto.receive_data(ESCROW)
    event = proto.next_event(0.005)
    assert isinstance(event, Answered) and event.needs_confirm
    assert event.reply == PollStatus(state=State.ESCROW_POSITION, data=5)
    assert proto.state is ProtocolState.AWAIT_CONFIRM
    proto.confirm(0.006)
    assert proto.data_to_send(0.006) == ACK
    # t-free: the next command waits 20 ms after the ACK
    proto.send_command(Command.STACK, now=0.007)
    assert proto.data_to_send(0.02) == b""
    wake = proto.wakeup_time()
    assert wake == pytest.approx(0.026)
    assert proto.data_to_send(wake) == encode_frame(3, b"\x35")


def test_withhold_sends_nothing() -> None:
    proto = HostProtocol()
    _poll(proto)
    proto.receive_data(IDLING)
    assert isinstance(proto.next_event(0.001), Answered)
    proto.withhold(0.002)
    assert proto.state is ProtocolState.IDLE
    assert proto.data_to_send(1.0) == b""


def test_reply_byte_by_byte_after_garbage() -> None:
    proto = HostProtocol()
    _poll(proto)
    for byte in b"\xff\x13" + IDLING:
        assert proto.next_event(0.001) is None
        proto.receive_data(bytes((byte,)))
    event = proto.next_event(0.002)
    assert isinstance(event, Answered) and event.reply == PollStatus(state=State.IDLING)


def test_ack_reply_needs_no_confirm() -> None:
    proto = HostProtocol()
    proto.send_command(Command.RESET, now=0.0)
    proto.data_to_send(0.0)
    proto.receive_data(ACK)
    event = proto.next_event(0.001)
    assert isinstance(event, Answered) and event.reply == Ack() and not event.needs_confirm
    assert proto.state is ProtocolState.IDLE
    assert proto.data_to_send(0.001) == b""


def test_illegal_command_is_acked() -> None:
    proto = HostProtocol()
    proto.send_command(Command.STACK, now=0.0)
    proto.data_to_send(0.0)
    proto.receive_data(encode_frame(3, b"\x30"))
    event = proto.next_event(0.001)
    assert isinstance(event, Answered) and event.reply == IllegalCommand()
    assert proto.data_to_send(0.001) == ACK


def test_device_nak_resends_after_t_free() -> None:
    proto = HostProtocol(t_free=0.02)
    _poll(proto)
    proto.receive_data(NAK)
    assert proto.next_event(0.005) is None
    assert proto.data_to_send(0.01) == b""
    assert proto.data_to_send(0.026) == POLL
    assert proto.naks_received == 1


def test_bad_crc_reply_gets_nak_and_a_resend() -> None:
    proto = HostProtocol(t_free=0.02)
    _poll(proto)
    proto.receive_data(IDLING[:-1] + b"\x00")
    assert proto.next_event(0.005) is None
    assert proto.data_to_send(0.005) == NAK
    assert proto.data_to_send(0.026) == POLL
    proto.receive_data(IDLING)
    assert isinstance(proto.next_event(0.03), Answered)
    assert proto.crc_errors == 1


def test_timeouts_then_no_answer() -> None:
    proto = HostProtocol(retries=2, t_free=0.01)
    now = 0.0
    sent = [_poll(proto, now)]
    for _ in range(10):
        now = proto.wakeup_time() or now
        event = proto.next_event(now)
        if isinstance(event, NoAnswer):
            break
        out = proto.data_to_send(now)
        if out:
            sent.append(out)
    assert isinstance(event, NoAnswer) and event.command == Command.POLL
    assert sent == [POLL, POLL, POLL]
    assert proto.state is ProtocolState.IDLE
    assert proto.timeouts == 3


def test_other_address_is_ignored() -> None:
    proto = HostProtocol()
    _poll(proto)
    proto.receive_data(encode_frame(1, b"\x14"))
    assert proto.next_event(0.05) is None


def test_stale_bytes_between_exchanges_are_dropped() -> None:
    proto = HostProtocol()
    proto.receive_data(IDLING)  # a late reply to an exchange we gave up on
    assert proto.next_event(0.0) is None
    _poll(proto, 1.0)
    assert proto.next_event(1.001) is None


def test_misuse_is_a_local_error() -> None:
    proto = HostProtocol()
    with pytest.raises(LocalProtocolError):
        proto.confirm(0.0)
    _poll(proto)
    with pytest.raises(LocalProtocolError):
        proto.send_command(Command.POLL, now=0.0)
