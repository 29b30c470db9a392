"""The ECR side of one ZVT command, as a sans-I/O state machine.

Theory of operation (ZVT-T 5, ZVT-C 2.2; card.md 1.6-1.8):

* ``start(command)`` sends a command. The PT answers ``80 00`` (accepted: it is now master
  until ``06 0F`` Completion or ``06 1E`` Abort) or ``84 xx`` (refused). T3 runs from the
  moment our block is acknowledged until that answer; T4 from the answer until the end,
  restarted by each ``04 FF`` / ``04 0F`` (a ``04 FF`` may carry a new T4 in minutes).
* Every PT command is answered ``80 00`` by this object, except a Status-Information that
  approves an Authorisation: that one waits in ``WAIT_VERDICT`` for ``answer_status_info``.
  ``80 00`` there is the commit ("goods issued"): from the moment the PT acknowledges it the
  payment stands (ZVT-C 2.2.9). ``84 66`` makes the PT reverse it. While a verdict is
  pending, later APDUs are held back so that nothing overtakes the caller's decision.
* Money guards: a Status-Information that cannot be decoded is answered ``84 66`` (never
  commit what we cannot read). One that arrives when no Authorisation runs is answered
  ``84 66`` too. A repeated identical Status-Information (the PT did not get our ACK and
  sent the block again) gets the same verdict again, without a second event.
* ``request_abort`` sends ``06 B0`` once the command is accepted; the next ``80 00`` /
  ``84 xx`` is its answer (``84 83``: too late, the host was contacted).
* A block of ours the PT never acknowledges (after the transport's repeats) ends the
  command with ``LinkFailed``, or ``VerdictLost`` if it was the verdict: then nobody knows
  whether the PT committed, and the caller must resolve it (``06 20`` repeat receipt).

Time is passed in; the object never reads a clock or touches a port. Misuse raises
``LocalProtocolError``; bad bytes from the PT never raise (they become events).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from enum import Enum

from drivers.errors import LocalProtocolError, RemoteProtocolError
from drivers.zvt import messages as m
from drivers.zvt.codes import NOT_ISSUED, Cmd, ResultCode
from drivers.zvt.transport import (
    ApduReceived,
    BlockTransport,
    Delivered,
    DeliveryFailed,
    TransportTimeouts,
)

__all__ = [
    "ZvtTimeouts",
    "State",
    "CommandAccepted",
    "CommandRefused",
    "StatusUpdate",
    "StatusInfoReceived",
    "UnreadableStatusInfo",
    "ReceiptLines",
    "VerdictSent",
    "VerdictLost",
    "AbortAnswered",
    "Completed",
    "PtAborted",
    "TimedOut",
    "LinkFailed",
    "PeerError",
    "ProtocolEvent",
    "EcrProtocol",
]


@dataclass(frozen=True, slots=True, kw_only=True)
class ZvtTimeouts:
    """All ZVT timers, in seconds (ZVT-T 3.4, 5.2.5, 5.2.6)."""

    t1: float = 0.2
    t2: float = 5.0
    retries: int = 2
    t3: float = 5.0
    t4: float = 180.0

    def transport(self) -> TransportTimeouts:
        return TransportTimeouts(t1=self.t1, t2=self.t2, retries=self.retries)


class State(Enum):
    IDLE = "idle"
    WAIT_RESPONSE = "wait_response"  # command sent, waiting for 80 00 / 84 xx (T3)
    PT_MASTER = "pt_master"  # PT drives until 06 0F / 06 1E (T4)
    WAIT_VERDICT = "wait_verdict"  # approved 04 0F handed to the caller


@dataclass(frozen=True, slots=True)
class CommandAccepted:
    pass


@dataclass(frozen=True, slots=True)
class CommandRefused:
    code: int


@dataclass(frozen=True, slots=True)
class StatusUpdate:
    status: m.IntermediateStatus


@dataclass(frozen=True, slots=True)
class StatusInfoReceived:
    """``verdict_needed``: call ``answer_status_info`` now (approved Authorisation)."""

    info: m.StatusInformation
    verdict_needed: bool


@dataclass(frozen=True, slots=True)
class UnreadableStatusInfo:
    """A Status-Information we could not decode; it was answered 84 66 (not issued)."""

    reason: str


@dataclass(frozen=True, slots=True)
class ReceiptLines:
    lines: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class VerdictSent:
    """The PT acknowledged our verdict block: with ``commit`` the payment stands."""

    commit: bool


@dataclass(frozen=True, slots=True)
class VerdictLost:
    """Our verdict block was never acknowledged: the PT may or may not have it."""

    commit: bool
    reason: str


@dataclass(frozen=True, slots=True)
class AbortAnswered:
    accepted: bool
    code: int | None


@dataclass(frozen=True, slots=True)
class Completed:
    completion: m.Completion


@dataclass(frozen=True, slots=True)
class PtAborted:
    result_code: int | None


@dataclass(frozen=True, slots=True)
class TimedOut:
    timer: str  # "T3" or "T4"


@dataclass(frozen=True, slots=True)
class LinkFailed:
    reason: str


@dataclass(frozen=True, slots=True)
class PeerError:
    """The PT sent something malformed or unexpected (answered, never raised)."""

    reason: str


ProtocolEvent = (
    CommandAccepted
    | CommandRefused
    | StatusUpdate
    | StatusInfoReceived
    | UnreadableStatusInfo
    | ReceiptLines
    | VerdictSent
    | VerdictLost
    | AbortAnswered
    | Completed
    | PtAborted
    | TimedOut
    | LinkFailed
    | PeerError
)

_ACK = m.encode(m.Ack())
_NOT_ISSUED = m.encode(m.Nack(code=NOT_ISSUED))
_NO_COMPLETION_PHASE = (Cmd.LOG_OFF,)


class EcrProtocol:
    """One ECR-side ZVT conversation over a ``BlockTransport``. Build a fresh one per link."""

    def __init__(self, timeouts: ZvtTimeouts | None = None) -> None:
        self.timeouts = timeouts or ZvtTimeouts()
        self.transport = BlockTransport(self.timeouts.transport(), describe=m.describe)
        self.state = State.IDLE
        self.command: m.EcrCommand | None = None
        self._command_ref = 0
        self._deadline: float | None = None
        self._timer = ""
        self._events: deque[ProtocolEvent] = deque()
        self._held: deque[bytes] = deque()  # APDUs received while a verdict is pending
        self._abort = ""  # "" | "wanted" | "sent" | "answered"
        self._abort_apdu = m.encode(m.AbortRequest())
        self._verdicts: dict[bytes, bytes] = {}  # status-info APDU -> verdict APDU sent
        self._verdict_refs: set[int] = set()  # transport references of verdicts in flight

    # ------------------------------------------------------------------ caller's inputs

    def start(self, command: m.EcrCommand, now: float) -> None:
        if self.state is not State.IDLE:
            raise LocalProtocolError(f"cannot start {type(command).__name__} in {self.state}")
        self.command = command
        self._abort = ""
        self._verdicts.clear()
        self._verdict_refs.clear()
        self.state = State.WAIT_RESPONSE
        self._set_timer(None, "")
        self._command_ref = self.transport.send(m.encode(command), now)

    def answer_status_info(self, commit: bool, now: float) -> None:
        """The verdict on the approved Status-Information just reported."""
        if self.state is not State.WAIT_VERDICT:
            if self.state is State.IDLE and b"" in self._verdicts.values():
                # the command failed (line lost) after the approval was reported and before
                # this verdict: nothing can be sent; the caller holds an unresolved approval
                # and recovers it (repeat receipt / status), so this is not a misuse.
                return
            raise LocalProtocolError(f"no Status-Information waits for a verdict ({self.state})")
        apdu = _ACK if commit else _NOT_ISSUED
        for info_apdu, verdict in self._verdicts.items():
            if not verdict:
                self._verdicts[info_apdu] = apdu
        self._verdict_refs.add(self.transport.send(apdu, now))
        self.state = State.PT_MASTER
        self._set_timer(now + self.timeouts.t4, "T4")
        while self._held and self.state is not State.WAIT_VERDICT:
            self._on_apdu(self._held.popleft(), now)

    def request_abort(self, now: float) -> bool:
        """Ask the PT to abort (06 B0). Returns False when there is nothing to abort."""
        if self._abort or self.state in (State.IDLE, State.WAIT_VERDICT):
            return False
        if self.state is State.WAIT_RESPONSE:
            self._abort = "wanted"
        else:
            self._send_abort(now)
        return True

    def receive_data(self, data: bytes, now: float) -> None:
        self.transport.receive_data(data, now)
        self._pump_transport(now)

    def on_timeout(self, now: float) -> None:
        self.transport.on_timeout(now)
        self._pump_transport(now)
        if self._deadline is not None and now >= self._deadline:
            timer = self._timer
            self._end()
            self._events.append(TimedOut(timer))

    # ------------------------------------------------------------------ outputs

    def data_to_send(self) -> bytes:
        return self.transport.data_to_send()

    def next_event(self) -> ProtocolEvent | None:
        return self._events.popleft() if self._events else None

    def next_deadline(self) -> float | None:
        candidates = [d for d in (self._deadline, self.transport.next_deadline()) if d is not None]
        return min(candidates) if candidates else None

    @property
    def recent_frames(self) -> tuple[str, ...]:
        return tuple(self.transport.recent)

    # ------------------------------------------------------------------ internals

    def _set_timer(self, deadline: float | None, name: str) -> None:
        self._deadline = deadline
        self._timer = name

    def _end(self) -> None:
        self.state = State.IDLE
        self._set_timer(None, "")
        self._held.clear()

    def _send_abort(self, now: float) -> None:
        self._abort = "sent"
        self.transport.send(self._abort_apdu, now)

    def _answer(self, apdu: bytes, now: float) -> None:
        self.transport.send(apdu, now)

    def _pump_transport(self, now: float) -> None:
        while (event := self.transport.next_event()) is not None:
            if isinstance(event, ApduReceived):
                if self.state is State.WAIT_VERDICT:
                    self._held.append(event.apdu)
                else:
                    self._on_apdu(event.apdu, now)
            elif isinstance(event, Delivered):
                if event.ref == self._command_ref and self.state is State.WAIT_RESPONSE:
                    self._set_timer(now + self.timeouts.t3, "T3")
                if event.ref in self._verdict_refs:
                    self._verdict_refs.discard(event.ref)
                    self._events.append(VerdictSent(commit=event.apdu == _ACK))
            elif isinstance(event, DeliveryFailed):
                self._delivery_failed(event)

    def _delivery_failed(self, event: DeliveryFailed) -> None:
        if event.ref in self._verdict_refs:
            self._verdict_refs.discard(event.ref)
            self._events.append(VerdictLost(commit=event.apdu == _ACK, reason=event.reason))
        elif self.state is not State.IDLE:
            what = m.describe(event.apdu)
            self._events.append(LinkFailed(f"{what}: {event.reason}"))
        else:
            return  # an answer to a stray block after the end: nothing depends on it
        self._end()

    def _on_apdu(self, apdu: bytes, now: float) -> None:
        try:
            msg = m.decode(apdu)
        except RemoteProtocolError as exc:
            if apdu[:2] == bytes([0x04, 0x0F]):
                self._answer(_NOT_ISSUED, now)
                self._events.append(UnreadableStatusInfo(str(exc)))
            elif apdu[:1] not in (b"\x80", b"\x84"):
                self._answer(m.encode(m.Nack(code=ResultCode.PROTOCOL_ERROR)), now)
                self._events.append(PeerError(str(exc)))
            else:
                self._events.append(PeerError(str(exc)))
            return
        self._dispatch(msg, apdu, now)

    def _dispatch(self, msg: m.Message, apdu: bytes, now: float) -> None:
        active = self.state in (State.WAIT_RESPONSE, State.PT_MASTER)
        if isinstance(msg, m.Ack | m.Nack):
            self._on_answer(msg, now)
        elif isinstance(msg, m.StatusInformation):
            self._on_status_info(msg, apdu, now)
        elif isinstance(msg, m.IntermediateStatus):
            self._answer(_ACK, now)
            if active:
                self._accepted_implicitly()
                minutes = msg.timeout_min
                t4 = minutes * 60.0 if minutes else self.timeouts.t4
                self._set_timer(now + t4, "T4")
                self._events.append(StatusUpdate(msg))
        elif isinstance(msg, m.PrintLine | m.PrintTextBlock):
            self._answer(_ACK, now)
            if active:
                self._events.append(ReceiptLines(msg.lines))
        elif isinstance(msg, m.Completion):
            self._answer(_ACK, now)
            if active:
                self._end()
                self._events.append(Completed(msg))
        elif isinstance(msg, m.Abort):
            self._answer(_ACK, now)
            if active:
                self._end()
                self._events.append(PtAborted(msg.result_code))
        else:
            self._answer(m.encode(m.Nack(code=ResultCode.FUNCTION_NOT_POSSIBLE)), now)
            self._events.append(PeerError(f"unexpected {type(msg).__name__} from the PT"))

    def _accepted_implicitly(self) -> None:
        """A PT that skips ``80 00`` and starts talking has accepted the command."""
        if self.state is State.WAIT_RESPONSE:
            self.state = State.PT_MASTER
            self._events.append(CommandAccepted())

    def _on_answer(self, msg: m.Ack | m.Nack, now: float) -> None:
        if self.state is State.WAIT_RESPONSE:
            if isinstance(msg, m.Nack):
                self._end()
                self._events.append(CommandRefused(msg.code))
                return
            self._events.append(CommandAccepted())
            if self.command is not None and self.command.CMD in _NO_COMPLETION_PHASE:
                self._end()
                self._events.append(Completed(m.Completion()))
                return
            self.state = State.PT_MASTER
            self._set_timer(now + self.timeouts.t4, "T4")
            if self._abort == "wanted":
                self._send_abort(now)
        elif self.state is State.PT_MASTER and self._abort == "sent":
            self._abort = "answered"
            accepted = isinstance(msg, m.Ack)
            code = None if isinstance(msg, m.Ack) else msg.code
            self._events.append(AbortAnswered(accepted=accepted, code=code))
        # any other answer is stray (e.g. a late repeat); nothing waits for it

    def _on_status_info(self, msg: m.StatusInformation, apdu: bytes, now: float) -> None:
        if apdu in self._verdicts:
            # the PT repeated a block we already judged: same verdict, no new event
            self._answer(self._verdicts[apdu] or _NOT_ISSUED, now)
            return
        if self.state not in (State.WAIT_RESPONSE, State.PT_MASTER):
            # nobody asked for it: never commit a payment no one is waiting for
            self._answer(_NOT_ISSUED if msg.result_code == 0 else _ACK, now)
            self._events.append(PeerError("Status-Information outside a command"))
            return
        self._accepted_implicitly()
        self._set_timer(now + self.timeouts.t4, "T4")
        is_payment = self.command is not None and self.command.CMD == Cmd.AUTHORISATION
        if is_payment and msg.result_code == 0:
            self._verdicts[apdu] = b""  # filled in by answer_status_info
            self.state = State.WAIT_VERDICT
            self._set_timer(None, "")
            self._events.append(StatusInfoReceived(msg, verdict_needed=True))
        else:
            self._answer(_ACK, now)
            self._events.append(StatusInfoReceived(msg, verdict_needed=False))
