"""ESC/POS printer status: ``DLE EOT n`` real-time queries and ``GS r 1`` (sans-I/O).

Theory of operation (devices.md section 4.1, Epson ESC/POS manual):

* ``DLE EOT n`` (``10 04 n``, n = 1..4) is a *real-time* command: the printer answers with one
  byte at once, even while offline, out of paper or with a full buffer. Every reply byte has
  fixed bits: bit 1 = 1, bit 4 = 1, bits 0 and 7 = 0 (``byte & 0x93 == 0x12``); a healthy
  printer says ``0x12``. Up to four requests may be in flight; replies come in request order.
* ``GS r 1`` (``1D 72 01``) is *not* real-time: the printer answers only when it reaches the
  command in its receive buffer, i.e. after everything sent before it has been processed. We
  append it to a job as an end-of-job marker. Its reply has bit 4 = 0 and bit 7 = 0
  (``byte & 0x90 == 0``), so it cannot be confused with a ``DLE EOT`` reply.
* A byte that fits neither pattern (XOFF, an automatic-status-back block, line noise) becomes an
  explicit ``UnknownByte`` event and answers nothing. A reply-shaped byte with no request in
  flight becomes ``Unsolicited``. Timeouts are the caller's business: it calls ``on_timeout()``
  when it has waited long enough, which forgets the oldest request.
* ``summarize()`` turns the four decoded replies into one ``PrinterState``. A printer that does
  not answer is ``NOT_ANSWERING``, never "paper adequate" (the python-escpos 3.1
  ``paper_status()`` trap, stack.md section 4).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from enum import IntEnum, StrEnum
from typing import Any

from drivers.errors import LocalProtocolError

__all__ = [
    "DLE",
    "EOT",
    "GS",
    "StatusKind",
    "PrinterByte",
    "OfflineCauseByte",
    "ErrorCauseByte",
    "PaperByte",
    "JobEndByte",
    "StatusReply",
    "UnknownByte",
    "Unsolicited",
    "StatusEvent",
    "PrinterState",
    "PrinterStatus",
    "encode_request",
    "encode_job_end_request",
    "decode_reply",
    "encode_reply",
    "decode_job_end",
    "encode_job_end",
    "is_status_byte",
    "is_job_end_byte",
    "StatusProtocol",
    "summarize",
    "status_from_bytes",
    "MAX_IN_FLIGHT",
]

DLE = 0x10
EOT = 0x04
GS = 0x1D
MAX_IN_FLIGHT = 4  # the manual allows up to four queued DLE EOT requests


class StatusKind(IntEnum):
    """The ``n`` of ``DLE EOT n``."""

    PRINTER = 1
    OFFLINE_CAUSE = 2
    ERROR_CAUSE = 3
    PAPER = 4


def _bit(value: int, n: int) -> bool:
    return bool(value >> n & 1)


@dataclass(frozen=True, slots=True, kw_only=True)
class PrinterByte:
    """Reply to ``DLE EOT 1``."""

    raw: int
    drawer_high: bool  # bit 2: drawer kick-out connector pin 3
    offline: bool  # bit 3


@dataclass(frozen=True, slots=True, kw_only=True)
class OfflineCauseByte:
    """Reply to ``DLE EOT 2``."""

    raw: int
    cover_open: bool  # bit 2
    feed_button: bool  # bit 3: paper being fed by the FEED button
    paper_end_stop: bool  # bit 5: printing stopped by paper end
    error: bool  # bit 6: an error occurred (see DLE EOT 3)


@dataclass(frozen=True, slots=True, kw_only=True)
class ErrorCauseByte:
    """Reply to ``DLE EOT 3``."""

    raw: int
    mechanical: bool  # bit 2: recoverable / mechanical error (model specific)
    cutter: bool  # bit 3: auto-cutter error
    unrecoverable: bool  # bit 5
    auto_recoverable: bool  # bit 6: head overheat and the like


@dataclass(frozen=True, slots=True, kw_only=True)
class PaperByte:
    """Reply to ``DLE EOT 4``. Either bit of a pair counts (Citizen reports them separately)."""

    raw: int
    near_end: bool  # bits 2, 3
    paper_end: bool  # bits 5, 6


@dataclass(frozen=True, slots=True, kw_only=True)
class JobEndByte:
    """Reply to ``GS r 1``: everything sent before the marker has been processed."""

    raw: int
    near_end: bool  # bits 0, 1
    paper_end: bool  # bits 2, 3


@dataclass(frozen=True, slots=True, kw_only=True)
class UnknownByte:
    """A byte that is no reply of ours (XOFF, automatic status back, noise)."""

    raw: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Unsolicited:
    """A reply-shaped byte that arrived while no request was in flight (stale input)."""

    raw: int


StatusReply = PrinterByte | OfflineCauseByte | ErrorCauseByte | PaperByte
StatusEvent = StatusReply | JobEndByte | UnknownByte | Unsolicited


def encode_request(kind: StatusKind | int) -> bytes:
    """``DLE EOT n``."""
    return bytes((DLE, EOT, int(StatusKind(kind))))


def encode_job_end_request() -> bytes:
    """``GS r 1``: transmit paper sensor status, processed in order with the print data."""
    return bytes((GS, 0x72, 0x01))


def is_status_byte(value: int) -> bool:
    return value & 0x93 == 0x12


def is_job_end_byte(value: int) -> bool:
    return value & 0x90 == 0x00


def decode_reply(kind: StatusKind, value: int) -> StatusReply | UnknownByte:
    """Decode the one-byte reply to ``DLE EOT kind``."""
    if not is_status_byte(value):
        return UnknownByte(raw=value)
    if kind is StatusKind.PRINTER:
        return PrinterByte(raw=value, drawer_high=_bit(value, 2), offline=_bit(value, 3))
    if kind is StatusKind.OFFLINE_CAUSE:
        return OfflineCauseByte(
            raw=value,
            cover_open=_bit(value, 2),
            feed_button=_bit(value, 3),
            paper_end_stop=_bit(value, 5),
            error=_bit(value, 6),
        )
    if kind is StatusKind.ERROR_CAUSE:
        return ErrorCauseByte(
            raw=value,
            mechanical=_bit(value, 2),
            cutter=_bit(value, 3),
            unrecoverable=_bit(value, 5),
            auto_recoverable=_bit(value, 6),
        )
    return PaperByte(
        raw=value,
        near_end=_bit(value, 2) or _bit(value, 3),
        paper_end=_bit(value, 5) or _bit(value, 6),
    )


def encode_reply(reply: StatusReply) -> int:
    """The byte a printer sends for ``reply`` (used by the emulator); inverse of decode_reply."""
    value = 0x12
    if isinstance(reply, PrinterByte):
        flags = {2: reply.drawer_high, 3: reply.offline}
    elif isinstance(reply, OfflineCauseByte):
        flags = {
            2: reply.cover_open,
            3: reply.feed_button,
            5: reply.paper_end_stop,
            6: reply.error,
        }
    elif isinstance(reply, ErrorCauseByte):
        flags = {
            2: reply.mechanical,
            3: reply.cutter,
            5: reply.unrecoverable,
            6: reply.auto_recoverable,
        }
    else:
        flags = {2: reply.near_end, 3: reply.near_end, 5: reply.paper_end, 6: reply.paper_end}
    for bit, on in flags.items():
        if on:
            value |= 1 << bit
    return value


def decode_job_end(value: int) -> JobEndByte | UnknownByte:
    if not is_job_end_byte(value):
        return UnknownByte(raw=value)
    return JobEndByte(
        raw=value,
        near_end=_bit(value, 0) or _bit(value, 1),
        paper_end=_bit(value, 2) or _bit(value, 3),
    )


def encode_job_end(*, near_end: bool, paper_end: bool) -> int:
    return (0x03 if near_end else 0) | (0x0C if paper_end else 0)


class StatusProtocol:
    """Matches reply bytes to the requests in flight. No I/O, no clock.

    ``send(kind)`` / ``send_job_end()`` return the bytes to write; ``receive_data(data)`` takes
    whatever arrived; ``next_event()`` yields decoded events in arrival order.
    """

    def __init__(self) -> None:
        self._pending: deque[StatusKind] = deque()
        self._job_end_pending = 0
        self._events: deque[StatusEvent] = deque()

    @property
    def in_flight(self) -> tuple[StatusKind, ...]:
        return tuple(self._pending)

    @property
    def job_end_in_flight(self) -> int:
        return self._job_end_pending

    def send(self, kind: StatusKind) -> bytes:
        """Bytes for one ``DLE EOT kind`` request. Raises LocalProtocolError past four in flight."""
        if len(self._pending) >= MAX_IN_FLIGHT:
            raise LocalProtocolError("more than four DLE EOT requests in flight")
        kind = StatusKind(kind)
        self._pending.append(kind)
        return encode_request(kind)

    def send_job_end(self) -> bytes:
        self._job_end_pending += 1
        return encode_job_end_request()

    def receive_data(self, data: bytes) -> None:
        for value in data:
            self._events.append(self._classify(value))

    def _classify(self, value: int) -> StatusEvent:
        if is_status_byte(value):
            if not self._pending:
                return Unsolicited(raw=value)
            return decode_reply(self._pending.popleft(), value)
        if is_job_end_byte(value) and self._job_end_pending:
            self._job_end_pending -= 1
            return decode_job_end(value)
        return UnknownByte(raw=value)

    def next_event(self) -> StatusEvent | None:
        return self._events.popleft() if self._events else None

    def on_timeout(self) -> StatusKind | None:
        """The oldest request will not be answered: forget it and return it."""
        return self._pending.popleft() if self._pending else None

    def on_job_end_timeout(self) -> None:
        self._job_end_pending = max(0, self._job_end_pending - 1)

    def reset(self) -> None:
        """Forget everything in flight (after flushing the port)."""
        self._pending.clear()
        self._job_end_pending = 0
        self._events.clear()


class PrinterState(StrEnum):
    """One word for what the printer can do now, most serious first in ``summarize``."""

    ONLINE = "online"
    PAPER_NEAR_END = "paper_near_end"
    PAPER_OUT = "paper_out"
    COVER_OPEN = "cover_open"
    CUTTER_ERROR = "cutter_error"
    ERROR = "error"  # another error: unrecoverable, mechanical, overheat
    OFFLINE = "offline"  # offline without a cause we can name (e.g. FEED button held)
    NOT_ANSWERING = "not_answering"


@dataclass(frozen=True, slots=True, kw_only=True)
class PrinterStatus:
    """The printer's state plus the raw replies it was derived from (None: no reply)."""

    state: PrinterState
    printer: PrinterByte | None = None
    offline_cause: OfflineCauseByte | None = None
    error_cause: ErrorCauseByte | None = None
    paper: PaperByte | None = None

    @property
    def can_print(self) -> bool:
        return self.state in (PrinterState.ONLINE, PrinterState.PAPER_NEAR_END)

    @property
    def paper_near_end(self) -> bool:
        return self.paper is not None and self.paper.near_end

    def to_dict(self) -> dict[str, Any]:
        raws = {
            "printer": self.printer,
            "offline_cause": self.offline_cause,
            "error_cause": self.error_cause,
            "paper": self.paper,
        }
        return {
            "state": self.state.value,
            "can_print": self.can_print,
            "paper_near_end": self.paper_near_end,
            "raw": {k: (None if v is None else f"0x{v.raw:02X}") for k, v in raws.items()},
        }


def summarize(
    printer: PrinterByte | None,
    offline_cause: OfflineCauseByte | None,
    error_cause: ErrorCauseByte | None,
    paper: PaperByte | None,
) -> PrinterStatus:
    """Combine the four replies into one status. Any missing reply means NOT_ANSWERING."""

    def status(state: PrinterState) -> PrinterStatus:
        return PrinterStatus(
            state=state,
            printer=printer,
            offline_cause=offline_cause,
            error_cause=error_cause,
            paper=paper,
        )

    if printer is None or offline_cause is None or error_cause is None or paper is None:
        return status(PrinterState.NOT_ANSWERING)
    if offline_cause.cover_open:
        state = PrinterState.COVER_OPEN
    elif paper.paper_end or offline_cause.paper_end_stop:
        state = PrinterState.PAPER_OUT
    elif error_cause.cutter:
        state = PrinterState.CUTTER_ERROR
    elif error_cause.unrecoverable or error_cause.mechanical or error_cause.auto_recoverable:
        state = PrinterState.ERROR
    elif printer.offline or offline_cause.error:
        state = PrinterState.OFFLINE
    elif paper.near_end:
        state = PrinterState.PAPER_NEAR_END
    else:
        state = PrinterState.ONLINE
    return status(state)


def status_from_bytes(
    printer: int | None,
    offline_cause: int | None,
    error_cause: int | None,
    paper: int | None,
) -> PrinterStatus:
    """``summarize`` for raw reply bytes (None: no reply; a malformed byte counts as none)."""

    def one(kind: StatusKind, value: int | None) -> StatusReply | None:
        if value is None:
            return None
        reply = decode_reply(kind, value)
        return None if isinstance(reply, UnknownByte) else reply

    p = one(StatusKind.PRINTER, printer)
    o = one(StatusKind.OFFLINE_CAUSE, offline_cause)
    e = one(StatusKind.ERROR_CAUSE, error_cause)
    r = one(StatusKind.PAPER, paper)
    return summarize(
        p if isinstance(p, PrinterByte) else None,
        o if isinstance(o, OfflineCauseByte) else None,
        e if isinstance(e, ErrorCauseByte) else None,
        r if isinstance(r, PaperByte) else None,
    )
