"""The controller side of one CCNET exchange, sans-I/O: command out, reply in, ACK/NAK, retries.

Theory of operation (CCNET Doc 1 §2.3-2.7; devices.md 1.4-1.5)
-------------------------------------------------------------
One command is in flight at a time (``send_command`` while busy is a ``LocalProtocolError``)::

    IDLE --send_command--> AWAIT_REPLY --ACK/ILLEGAL--> IDLE            (event Answered)
                               |      --data reply-->  AWAIT_CONFIRM   (event Answered)
                               |                          |--confirm()--> IDLE  (ACK queued)
                               |                          '--withhold()-> IDLE  (nothing sent)
                               '--NAK / bad CRC / timeout--> resend (NAK first for a bad CRC)
                                  ... after ``retries`` resends --> IDLE  (event NoAnswer)

* Every data reply must be answered with ACK; the protocol leaves that decision to the owner
  (``confirm``/``withhold``) because a credit must be journalled before it is ACKed. Withholding
  is what a late ACK looks like to the device: it repeats the reply on the next POLL.
* ILLEGAL COMMAND is ACKed (as the CashCode sample host and TerminalClient do).
* After an ACK/NAK the bus stays silent for ``t_free`` before the next command (§2.6).
* Bytes addressed to another peripheral are ignored; garbage before a SYNC is skipped.

Time is passed in (``now``); the owner reads the clock, writes ``data_to_send(now)`` to the port,
feeds what it reads to ``receive_data`` and sleeps at most until ``wakeup_time()``.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass

from drivers.ccnet.frames import CrcError, FrameDecoder, encode_frame
from drivers.ccnet.messages import (
    ACK_DATA,
    BILL_VALIDATOR,
    NAK_DATA,
    Ack,
    IllegalCommand,
    Nak,
    Reply,
    parse_control,
    parse_reply,
)
from drivers.errors import LocalProtocolError, RemoteProtocolError

__all__ = ["HostProtocol", "ProtocolState", "Answered", "NoAnswer", "Event"]


class ProtocolState(enum.Enum):
    IDLE = "idle"
    AWAIT_REPLY = "await_reply"
    AWAIT_CONFIRM = "await_confirm"


@dataclass(frozen=True, slots=True, kw_only=True)
class Answered:
    """The device answered ``command``. For a data reply, ``confirm``/``withhold`` is due."""

    command: int
    reply: Reply
    raw: bytes
    needs_confirm: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class NoAnswer:
    """No valid reply to ``command`` after all retries."""

    command: int
    reason: str


Event = Answered | NoAnswer


class HostProtocol:
    def __init__(
        self,
        *,
        address: int = BILL_VALIDATOR,
        retries: int = 3,
        t_free: float = 0.02,
        trace: Callable[[str, bytes], None] | None = None,
    ) -> None:
        self.address = address
        self.retries = retries
        self.t_free = t_free
        self._trace = trace
        self.state = ProtocolState.IDLE
        self._decoder = FrameDecoder()
        self._queue: list[tuple[float, bytes, bool]] = []  # (not before, bytes, is command)
        self._quiet_until = 0.0
        self._command = 0
        self._frame = b""
        self._timeout = 0.0
        self._deadline: float | None = None  # reply deadline once the command is on the wire
        self._attempt = 0
        self._last_error = ""
        self.crc_errors = 0
        self.naks_received = 0
        self.timeouts = 0

    # ------------------------------------------------------------------ owner's calls

    def send_command(
        self, command: int, data: bytes = b"", *, now: float, timeout: float = 0.2
    ) -> None:
        if self.state is not ProtocolState.IDLE:
            raise LocalProtocolError(f"CCNET: command sent while {self.state.value}")
        self._command = command
        self._frame = encode_frame(self.address, bytes((command,)) + data)
        self._timeout = timeout
        self._attempt = 0
        self._deadline = None
        self.state = ProtocolState.AWAIT_REPLY
        self._queue.append((max(now, self._quiet_until), self._frame, True))

    def data_to_send(self, now: float) -> bytes:
        out = bytearray()
        while self._queue and self._queue[0][0] <= now:
            _, data, is_command = self._queue.pop(0)
            if is_command:
                self._decoder.clear()  # whatever came before belongs to an older exchange
                self._deadline = now + self._timeout
            if self._trace:
                self._trace("TX", data)
            out += data
        return bytes(out)

    def receive_data(self, data: bytes) -> None:
        self._decoder.feed(data)

    def wakeup_time(self) -> float | None:
        times = [t for t, _, _ in self._queue[:1]]
        if self.state is ProtocolState.AWAIT_REPLY and self._deadline is not None:
            times.append(self._deadline)
        return min(times) if times else None

    def next_event(self, now: float) -> Event | None:
        """An event if the exchange moved on, else None (wait for bytes or ``wakeup_time``)."""
        if self.state is not ProtocolState.AWAIT_REPLY or self._deadline is None:
            self._drain_stray()
            return None
        while True:
            try:
                frame = self._decoder.next_frame()
            except CrcError as exc:
                self.crc_errors += 1
                self._last_error = str(exc)
                self._queue.append((now, self._control(NAK_DATA), False))
                return self._retry(now, "bad CRC")
            except RemoteProtocolError as exc:  # garbage before a SYNC: hunt on
                self._last_error = str(exc)
                continue
            if frame is None:
                break
            if self._trace:
                self._trace("RX", frame.raw)
            if frame.address != self.address:
                continue
            control = parse_control(frame.payload)
            if isinstance(control, Nak):
                self.naks_received += 1
                return self._retry(now, "NAK from device")
            if isinstance(control, Ack):
                return self._finish(now, control, frame.raw)
            if isinstance(control, IllegalCommand):
                self._queue.append((now, self._control(ACK_DATA), False))
                return self._finish(now, control, frame.raw)
            self.state = ProtocolState.AWAIT_CONFIRM
            return Answered(
                command=self._command,
                reply=parse_reply(self._command, frame.payload),
                raw=frame.raw,
                needs_confirm=True,
            )
        if now >= self._deadline:
            self.timeouts += 1
            return self._retry(now, "no reply" if not self._decoder.pending else "partial reply")
        return None

    def confirm(self, now: float) -> None:
        """ACK the data reply just received."""
        self._check_confirm()
        self._queue.append((now, self._control(ACK_DATA), False))
        self._settle(now)

    def withhold(self, now: float) -> None:
        """Do not ACK the data reply (the device will repeat it)."""
        self._check_confirm()
        self._settle(now)

    def reset_link(self) -> None:
        """Forget everything in flight (the owner reopened the port)."""
        self._queue.clear()
        self._decoder.clear()
        self.state = ProtocolState.IDLE
        self._deadline = None

    # ------------------------------------------------------------------ internals

    def _control(self, data: bytes) -> bytes:
        return encode_frame(self.address, data)

    def _check_confirm(self) -> None:
        if self.state is not ProtocolState.AWAIT_CONFIRM:
            raise LocalProtocolError(f"CCNET: nothing to confirm while {self.state.value}")

    def _settle(self, now: float) -> None:
        self.state = ProtocolState.IDLE
        self._deadline = None
        self._quiet_until = now + self.t_free

    def _finish(self, now: float, reply: Reply, raw: bytes) -> Answered:
        self._settle(now)
        return Answered(command=self._command, reply=reply, raw=raw, needs_confirm=False)

    def _retry(self, now: float, reason: str) -> Event | None:
        self._decoder.clear()
        self._attempt += 1
        if self._attempt > self.retries:
            self._settle(now)
            return NoAnswer(command=self._command, reason=reason)
        self._deadline = None
        self._queue.append((now + self.t_free, self._frame, True))
        return None

    def _drain_stray(self) -> None:
        # Bytes while no reply is expected are stale (e.g. a reply after we gave up): drop them.
        while True:
            try:
                if self._decoder.next_frame() is None:
                    return
            except RemoteProtocolError:
                continue
