"""DLE EOT / GS r status codec: every bit of every reply, the request matcher, the summary."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drivers.errors import LocalProtocolError
from drivers.escpos.status import (
    ErrorCauseByte,
    JobEndByte,
    OfflineCauseByte,
    PaperByte,
    PrinterByte,
    PrinterState,
    StatusKind,
    StatusProtocol,
    UnknownByte,
    Unsolicited,
    decode_job_end,
    decode_reply,
    encode_job_end,
    encode_job_end_request,
    encode_reply,
    encode_request,
    status_from_bytes,
    summarize,
)

HEALTHY = 0x12


def test_requests_are_dle_eot_n() -> None:
    assert [encode_request(k) for k in StatusKind] == [
        b"\x10\x04\x01",
        b"\x10\x04\x02",
        b"\x10\x04\x03",
        b"\x10\x04\x04",
    ]
    assert encode_job_end_request() == b"\x1d\x72\x01"
    with pytest.raises(ValueError):
        encode_request(5)


# (kind, bit, attribute that the bit sets) -- devices.md 4.1, one row per documented bit
BITS = [
    (StatusKind.PRINTER, 2, "drawer_high"),
    (StatusKind.PRINTER, 3, "offline"),
    (StatusKind.OFFLINE_CAUSE, 2, "cover_open"),
    (StatusKind.OFFLINE_CAUSE, 3, "feed_button"),
    (StatusKind.OFFLINE_CAUSE, 5, "paper_end_stop"),
    (StatusKind.OFFLINE_CAUSE, 6, "error"),
    (StatusKind.ERROR_CAUSE, 2, "mechanical"),
    (StatusKind.ERROR_CAUSE, 3, "cutter"),
    (StatusKind.ERROR_CAUSE, 5, "unrecoverable"),
    (StatusKind.ERROR_CAUSE, 6, "auto_recoverable"),
    (StatusKind.PAPER, 2, "near_end"),
    (StatusKind.PAPER, 3, "near_end"),
    (StatusKind.PAPER, 5, "paper_end"),
    (StatusKind.PAPER, 6, "paper_end"),
]
FLAGS = {
    StatusKind.PRINTER: ("drawer_high", "offline"),
    StatusKind.OFFLINE_CAUSE: ("cover_open", "feed_button", "paper_end_stop", "error"),
    StatusKind.ERROR_CAUSE: ("mechanical", "cutter", "unrecoverable", "auto_recoverable"),
    StatusKind.PAPER: ("near_end", "paper_end"),
}


@pytest.mark.parametrize(("kind", "bit", "attribute"), BITS)
def test_each_bit_sets_exactly_its_flag(kind: StatusKind, bit: int, attribute: str) -> None:
    reply = decode_reply(kind, HEALTHY | 1 << bit)
    assert not isinstance(reply, UnknownByte)
    assert reply.raw == HEALTHY | 1 << bit
    for name in FLAGS[kind]:
        assert getattr(reply, name) is (name == attribute), name


@pytest.mark.parametrize("kind", list(StatusKind))
def test_healthy_byte_has_no_flag_and_round_trips(kind: StatusKind) -> None:
    reply = decode_reply(kind, HEALTHY)
    assert not isinstance(reply, UnknownByte)
    assert not any(getattr(reply, name) for name in FLAGS[kind])
    assert encode_reply(reply) == HEALTHY


def test_both_paper_bits_are_what_epson_sends() -> None:
    assert encode_reply(PaperByte(raw=0, near_end=True, paper_end=False)) == 0x1E
    assert encode_reply(PaperByte(raw=0, near_end=False, paper_end=True)) == 0x72
    reply = decode_reply(StatusKind.PAPER, 0x72)
    assert isinstance(reply, PaperByte) and reply.paper_end and not reply.near_end


@pytest.mark.parametrize("value", [0x00, 0x13, 0x10, 0x02, 0x92, 0x33, 0xFF])
@pytest.mark.parametrize("kind", list(StatusKind))
def test_bytes_without_the_fixed_bits_are_unknown(kind: StatusKind, value: int) -> None:
    assert decode_reply(kind, value) == UnknownByte(raw=value)


@given(st.integers(0, 255))
def test_every_byte_decodes_to_a_reply_or_unknown(value: int) -> None:
    for kind in StatusKind:
        reply = decode_reply(kind, value)
        if value & 0x93 == 0x12:
            assert not isinstance(reply, UnknownByte)
            # re-encoding keeps every documented bit (pairs collapse to both bits set)
            assert encode_reply(reply) & 0x93 == 0x12
        else:
            assert isinstance(reply, UnknownByte)


def test_job_end_reply_bits() -> None:
    assert decode_job_end(0x00) == JobEndByte(raw=0, near_end=False, paper_end=False)
    assert decode_job_end(0x03) == JobEndByte(raw=3, near_end=True, paper_end=False)
    assert decode_job_end(0x0C) == JobEndByte(raw=12, near_end=False, paper_end=True)
    assert decode_job_end(0x12) == UnknownByte(raw=0x12)  # a DLE EOT reply, not GS r
    assert encode_job_end(near_end=True, paper_end=True) == 0x0F


def test_protocol_matches_replies_to_requests_in_order() -> None:
    proto = StatusProtocol()
    sent = b"".join(proto.send(k) for k in StatusKind)
    assert sent == b"".join(encode_request(k) for k in StatusKind)
    assert proto.in_flight == tuple(StatusKind)
    proto.receive_data(bytes([0x1A, 0x16, 0x12, 0x72]))
    events = [proto.next_event() for _ in range(4)]
    assert events == [
        PrinterByte(raw=0x1A, drawer_high=False, offline=True),
        OfflineCauseByte(
            raw=0x16, cover_open=True, feed_button=False, paper_end_stop=False, error=False
        ),
        ErrorCauseByte(
            raw=0x12, mechanical=False, cutter=False, unrecoverable=False, auto_recoverable=False
        ),
        PaperByte(raw=0x72, near_end=False, paper_end=True),
    ]
    assert proto.next_event() is None


def test_protocol_byte_by_byte_with_noise_and_job_end() -> None:
    proto = StatusProtocol()
    proto.send_job_end()
    proto.send(StatusKind.PAPER)
    for value in (0x13, 0x12, 0x00, 0x12):  # XOFF, reply, GS r answer, stale reply
        proto.receive_data(bytes([value]))
    assert [proto.next_event() for _ in range(4)] == [
        UnknownByte(raw=0x13),
        PaperByte(raw=0x12, near_end=False, paper_end=False),
        JobEndByte(raw=0, near_end=False, paper_end=False),
        Unsolicited(raw=0x12),
    ]
    assert proto.in_flight == () and proto.job_end_in_flight == 0


def test_protocol_refuses_a_fifth_request_and_forgets_on_timeout() -> None:
    proto = StatusProtocol()
    for kind in StatusKind:
        proto.send(kind)
    with pytest.raises(LocalProtocolError):
        proto.send(StatusKind.PRINTER)
    assert proto.on_timeout() is StatusKind.PRINTER
    assert proto.in_flight == (StatusKind.OFFLINE_CAUSE, StatusKind.ERROR_CAUSE, StatusKind.PAPER)
    proto.reset()
    assert proto.on_timeout() is None


@given(st.binary(max_size=64), st.lists(st.sampled_from(list(StatusKind)), max_size=4))
def test_protocol_fuzz_only_known_events(data: bytes, kinds: list[StatusKind]) -> None:
    proto = StatusProtocol()
    for kind in kinds:
        proto.send(kind)
    proto.receive_data(data)
    count = 0
    while (event := proto.next_event()) is not None:
        count += 1
        assert isinstance(
            event,
            PrinterByte | OfflineCauseByte | ErrorCauseByte | PaperByte | UnknownByte | Unsolicited,
        )
    assert count == len(data)


# (n1, n2, n3, n4) -> state: one row per situation, most serious wins
SUMMARY = [
    ((0x12, 0x12, 0x12, 0x12), PrinterState.ONLINE),
    ((0x12, 0x12, 0x12, 0x1E), PrinterState.PAPER_NEAR_END),
    ((0x1A, 0x12, 0x12, 0x72), PrinterState.PAPER_OUT),
    ((0x1A, 0x32, 0x12, 0x12), PrinterState.PAPER_OUT),  # stopped by paper end
    ((0x1A, 0x16, 0x12, 0x72), PrinterState.COVER_OPEN),  # cover open beats paper out
    ((0x1A, 0x52, 0x1A, 0x12), PrinterState.CUTTER_ERROR),
    ((0x1A, 0x52, 0x32, 0x12), PrinterState.ERROR),  # unrecoverable
    ((0x1A, 0x52, 0x16, 0x12), PrinterState.ERROR),  # mechanical
    ((0x1A, 0x52, 0x52, 0x12), PrinterState.ERROR),  # head overheat
    ((0x1A, 0x1A, 0x12, 0x12), PrinterState.OFFLINE),  # FEED button held
    ((0x16, 0x12, 0x12, 0x12), PrinterState.ONLINE),  # drawer pin high is no problem
    ((None, None, None, None), PrinterState.NOT_ANSWERING),
    ((0x12, 0x12, 0x12, None), PrinterState.NOT_ANSWERING),  # silent about paper: not "fine"
    ((0x12, 0x12, 0x12, 0xFF), PrinterState.NOT_ANSWERING),  # garbage is no answer
]


@pytest.mark.parametrize(("raw", "state"), SUMMARY)
def test_summary(raw: tuple[int | None, ...], state: PrinterState) -> None:
    status = status_from_bytes(*raw)
    assert status.state is state
    assert status.can_print is (state in (PrinterState.ONLINE, PrinterState.PAPER_NEAR_END))
    as_dict = status.to_dict()
    assert as_dict["state"] == state.value


def test_summary_keeps_the_raw_replies() -> None:
    status = status_from_bytes(0x12, 0x12, 0x12, 0x1E)
    assert status.paper_near_end
    assert status.to_dict()["raw"] == {
        "printer": "0x12",
        "offline_cause": "0x12",
        "error_cause": "0x12",
        "paper": "0x1E",
    }
    assert summarize(None, None, None, None).to_dict()["raw"]["paper"] is None
