"""The ECR protocol object against a scripted PT, with a fake clock (no I/O, no sleeping)."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from drivers.errors import LocalProtocolError
from drivers.zvt import messages as m
from drivers.zvt.frames import encode_frame
from drivers.zvt.protocol import (
    AbortAnswered,
    CommandAccepted,
    CommandRefused,
    Completed,
    EcrProtocol,
    LinkFailed,
    PeerError,
    PtAborted,
    ReceiptLines,
    State,
    StatusInfoReceived,
    StatusUpdate,
    TimedOut,
    UnreadableStatusInfo,
    VerdictLost,
    VerdictSent,
    ZvtTimeouts,
)
from drivers.zvt.transport import ApduReceived, BlockTransport
from tests.drivers.zvt.vectors import STATUS_INFO, h

TIMEOUTS = ZvtTimeouts(t1=0.2, t2=1.0, retries=2, t3=5.0, t4=60.0)


class Wire:
    """An ECR protocol and a PT transport joined in memory; ``now`` is ours to move."""

    def __init__(self) -> None:
        self.ecr = EcrProtocol(TIMEOUTS)
        self.pt = BlockTransport(TIMEOUTS.transport())
        self.now = 0.0
        self.pt_got: list[m.Message] = []
        self.deaf = False  # the PT hears nothing (line broken one way)

    def pump(self) -> None:
        for _ in range(20):
            to_pt = self.ecr.data_to_send()
            if to_pt and not self.deaf:
                self.pt.receive_data(to_pt, self.now)
            to_ecr = self.pt.data_to_send()
            if to_ecr:
                self.ecr.receive_data(to_ecr, self.now)
            while (e := self.pt.next_event()) is not None:
                if isinstance(e, ApduReceived):
                    self.pt_got.append(m.decode(e.apdu))
            if not to_pt and not to_ecr:
                return

    def pt_says(self, msg: m.Message | bytes) -> None:
        self.pt.send(msg if isinstance(msg, bytes) else m.encode(msg), self.now)
        self.pump()

    def tick(self, seconds: float) -> None:
        self.now += seconds
        self.ecr.on_timeout(self.now)
        self.pt.on_timeout(self.now)
        self.pump()

    def events(self) -> list[object]:
        out = []
        while (e := self.ecr.next_event()) is not None:
            out.append(e)
        return out

    def start(self, cmd: m.EcrCommand) -> None:
        self.ecr.start(cmd, self.now)
        self.pump()


def approved_info() -> m.StatusInformation:
    info = m.decode(STATUS_INFO)
    assert isinstance(info, m.StatusInformation)
    return info


def test_payment_commit_flow():
    w = Wire()
    w.start(m.Authorisation(amount=1000))
    assert w.pt_got == [m.Authorisation(amount=1000)]
    w.pt_says(m.Ack())
    w.pt_says(m.IntermediateStatus(status=0x0A))
    w.pt_says(STATUS_INFO)
    events = w.events()
    assert events[:2] == [CommandAccepted(), StatusUpdate(m.IntermediateStatus(status=0x0A))]
    assert events[2] == StatusInfoReceived(approved_info(), verdict_needed=True)
    assert w.ecr.state is State.WAIT_VERDICT
    assert w.pt_got[-1] == m.Ack()  # the 04 FF was answered, the 04 0F not yet
    w.ecr.answer_status_info(True, w.now)
    w.pump()
    assert w.pt_got[-1] == m.Ack()
    assert w.events() == [VerdictSent(commit=True)]
    w.pt_says(m.PrintLine(text="RECEIPT"))
    w.pt_says(m.Completion())
    assert w.events() == [ReceiptLines(("RECEIPT",)), Completed(m.Completion())]
    assert w.ecr.state is State.IDLE


def test_refused_verdict_sends_84_66():
    w = Wire()
    w.start(m.Authorisation(amount=1000))
    w.pt_says(m.Ack())
    w.pt_says(STATUS_INFO)
    w.ecr.answer_status_info(False, w.now)
    w.pump()
    assert w.pt_got[-1] == m.Nack(code=0x66)
    w.pt_says(m.Abort(result_code=0x66))
    assert w.events()[-2:] == [VerdictSent(commit=False), PtAborted(0x66)]


def test_apdus_after_the_status_info_wait_for_the_verdict():
    w = Wire()
    w.start(m.Authorisation(amount=1000))
    w.pt_says(m.Ack())
    w.pt.send(STATUS_INFO, w.now)
    w.pump()
    w.pt_says(m.Abort(result_code=0x6C))  # the PT gave up waiting: must not overtake
    assert w.ecr.state is State.WAIT_VERDICT
    assert not any(isinstance(e, PtAborted) for e in w.events())
    w.ecr.answer_status_info(True, w.now)
    w.pump()
    assert PtAborted(0x6C) in w.events()
    assert w.ecr.state is State.IDLE


def test_repeated_status_info_gets_the_same_verdict_without_a_new_event():
    w = Wire()
    w.start(m.Authorisation(amount=1000))
    w.pt_says(m.Ack())
    w.pt_says(STATUS_INFO)
    w.events()
    w.ecr.answer_status_info(True, w.now)
    w.pump()
    w.events()
    w.pt_says(STATUS_INFO)  # the PT missed our ACK and repeats the block
    assert w.events() == []
    assert w.pt_got[-1] == m.Ack()


def test_declined_status_info_is_answered_without_asking():
    w = Wire()
    w.start(m.Authorisation(amount=1000))
    w.pt_says(m.Ack())
    declined = m.StatusInformation(items=((0x27, b"\x05"), (0x04, h("000000001000"))))
    w.pt_says(declined)
    assert w.ecr.state is State.PT_MASTER
    assert w.events()[-1] == StatusInfoReceived(declined, verdict_needed=False)
    assert w.pt_got[-1] == m.Ack()


def test_unreadable_status_info_is_not_committed():
    w = Wire()
    w.start(m.Authorisation(amount=1000))
    w.pt_says(m.Ack())
    w.pt_says(h("04 0F 07 27 00 04 00 00 00 0A"))  # amount cut short / not BCD
    assert w.pt_got[-1] == m.Nack(code=0x66)
    assert isinstance(w.events()[-1], UnreadableStatusInfo)


def test_status_info_nobody_asked_for_is_never_committed():
    w = Wire()
    w.pt_says(STATUS_INFO)
    assert w.pt_got[-1] == m.Nack(code=0x66)
    assert isinstance(w.events()[-1], PeerError)
    w2 = Wire()
    w2.start(m.EndOfDay())
    w2.pt_says(m.Ack())
    w2.pt_says(STATUS_INFO)  # an approval during an end of day: just data, acknowledged
    assert w2.events()[-1] == StatusInfoReceived(approved_info(), verdict_needed=False)


def test_refused_command():
    w = Wire()
    w.start(m.Authorisation(amount=1000))
    w.pt_says(m.Nack(code=0x83))
    assert w.events() == [CommandRefused(0x83)]
    assert w.ecr.state is State.IDLE


def test_abort_before_and_after_host_contact():
    w = Wire()
    w.start(m.Authorisation(amount=1000))
    assert w.ecr.request_abort(w.now)  # not yet accepted: remembered
    w.pt_says(m.Ack())
    assert w.pt_got[-1] == m.AbortRequest()
    w.pt_says(m.Nack(code=0x83))
    assert w.events()[-1] == AbortAnswered(accepted=False, code=0x83)
    assert not w.ecr.request_abort(w.now)  # only once per command
    w.pt_says(m.Abort(result_code=0x6C))
    assert w.events()[-1] == PtAborted(0x6C)
    assert not w.ecr.request_abort(w.now)  # idle: nothing to abort


def test_t3_and_t4():
    w = Wire()
    w.start(m.Authorisation(amount=1000))
    assert w.ecr.next_deadline() == pytest.approx(5.0)  # T3 runs once our block is ACKed
    w.tick(5.0)
    assert w.events() == [TimedOut("T3")]
    w.start(m.Authorisation(amount=1000))
    w.pt_says(m.Ack())
    w.tick(59.0)
    w.pt_says(m.IntermediateStatus(status=0x0A, timeout_min=2))  # a new T4 of 2 minutes
    w.tick(100.0)
    assert w.ecr.state is State.PT_MASTER
    w.tick(21.0)
    assert w.events()[-1] == TimedOut("T4")


def test_command_never_acknowledged_fails_the_link():
    w = Wire()
    w.deaf = True
    w.start(m.Authorisation(amount=1000))
    for _ in range(3):
        w.tick(1.0)
    assert w.events() == [
        LinkFailed("Authorisation 06 01 0a 04 00 00 00 00 10 00 49 04 98: no ACK within T2")
    ]


def test_lost_verdict_is_reported_as_such():
    w = Wire()
    w.start(m.Authorisation(amount=1000))
    w.pt_says(m.Ack())
    w.pt_says(STATUS_INFO)
    w.events()
    w.deaf = True
    w.ecr.answer_status_info(True, w.now)
    w.pump()
    for _ in range(3):
        w.tick(1.0)
    assert w.events() == [VerdictLost(commit=True, reason="no ACK within T2")]
    assert w.ecr.state is State.IDLE


def test_unknown_pt_command_is_refused_with_84_83():
    w = Wire()
    w.start(m.StatusEnquiry())
    w.pt_says(m.Ack())
    w.pt_says(h("06 93 00"))
    assert w.pt_got[-1] == m.Nack(code=0x83)
    assert isinstance(w.events()[-1], PeerError)


def test_misuse_raises_local_protocol_error():
    w = Wire()
    with pytest.raises(LocalProtocolError):
        w.ecr.answer_status_info(True, 0.0)
    w.start(m.StatusEnquiry())
    with pytest.raises(LocalProtocolError):
        w.ecr.start(m.StatusEnquiry(), 0.0)


def test_bad_crc_from_pt_is_nakked_and_repeated():
    w = Wire()
    w.start(m.StatusEnquiry())
    wire = bytearray(encode_frame(m.encode(m.Ack())))
    wire[3] ^= 0x40
    w.ecr.receive_data(bytes(wire), w.now)
    assert w.ecr.data_to_send() == b"\x15"
    w.pt_says(m.Ack())
    assert w.events() == [CommandAccepted()]


_PT_APDUS = st.sampled_from(
    [
        m.encode(m.Ack()),
        m.encode(m.Nack(code=0x83)),
        m.encode(m.IntermediateStatus(status=0x0A)),
        STATUS_INFO,
        m.encode(m.PrintLine(text="x")),
        m.encode(m.Completion()),
        m.encode(m.Abort(result_code=0x6C)),
    ]
)
_CHUNKS = st.one_of(
    st.binary(max_size=30),
    _PT_APDUS.map(encode_frame),
    st.binary(min_size=2, max_size=40).map(encode_frame),
    st.tuples(st.sampled_from([0x04, 0x06]), st.binary(max_size=30)).map(
        lambda t: encode_frame(bytes([t[0], 0x0F, len(t[1])]) + t[1])
    ),
)


# Found by this test: the approval arrives in the same turn in which the unacknowledged command
# gives up; the verdict then has nowhere to go and must not raise.
_LATE_APPROVAL = encode_frame(
    b"\x04\x0fY'\x00\x04\x00\x00\x00\x00\x10\x00\x0b\x00\x01#\x0c\x140\x05\r\x11\"\x0e(\x12\x17"
    b"\x00\x01\x19p\"\xf0\xf8A\x11\x11\xee\xee\xee\x11\x11)\x124Vx*000000000123456;A1B2C3\x00\x00I\x04"
    b"\x98\x87\x00B\x88\x00\x00B\x8a\n\x8b\xf0\xf5VISA\x00"
)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(_CHUNKS, st.floats(0, 3)), max_size=25), st.booleans())
@example(chunks=[(b"", 1.0), (b"", 1.0), (_LATE_APPROVAL, 1.0)], commit=False)
@example(chunks=[(b"", 1.0), (b"", 1.0), (_LATE_APPROVAL, 1.0)], commit=True)
def test_fuzz_protocol_never_raises_on_peer_bytes(chunks, commit):
    ecr = EcrProtocol(TIMEOUTS)
    now = 0.0
    ecr.start(m.Authorisation(amount=1000), now)
    verdicts = 0
    for data, dt in chunks:
        now += dt
        ecr.receive_data(data, now)
        ecr.on_timeout(now)
        while (event := ecr.next_event()) is not None:
            if isinstance(event, StatusInfoReceived) and event.verdict_needed:
                verdicts += 1
                ecr.answer_status_info(commit, now)
        ecr.data_to_send()
    assert verdicts <= len(chunks)
    assert ecr.state in State
