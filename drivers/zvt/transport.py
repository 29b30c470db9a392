"""ZVT block transport (ZVT-T section 3): ACK/NAK, repeats and the T1/T2 timers, sans-I/O.

Used by both sides, the ECR (``protocol.EcrProtocol``) and the PT emulator.

Theory of operation:

* Every well-formed block received is answered at once with ``06`` (ACK) and reported
  as ``ApduReceived``; every rejected one (CRC, stuffing, T1 gap) with ``15`` (NAK).
  There is no ACK of an ACK.
* One block of ours is in flight at a time; later ``send`` calls queue behind it. The
  block is repeated on NAK or when no ACK/NAK came within T2, at most ``retries`` more
  times (two in the spec); then it is reported as ``DeliveryFailed`` and the next queued
  block goes out. ``Delivered`` means the peer acknowledged the block: it has it.
* Time comes from outside: ``receive_data(data, now)``, ``on_timeout(now)``,
  ``next_deadline()``. Nothing here reads a clock, sleeps or touches a port.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from drivers.zvt.frames import (
    ACK,
    NAK,
    AckReceived,
    FrameDecoder,
    FrameReceived,
    FrameRejected,
    NakReceived,
    encode_frame,
)

__all__ = [
    "TransportTimeouts",
    "ApduReceived",
    "Delivered",
    "DeliveryFailed",
    "TransportEvent",
    "BlockTransport",
]


@dataclass(frozen=True, slots=True, kw_only=True)
class TransportTimeouts:
    t1: float = 0.2  # max gap between two bytes of one block (ZVT-T 3.4.1)
    t2: float = 5.0  # max wait for ACK/NAK after a block (ZVT-T 3.4.2)
    retries: int = 2  # repeats after the first try (ZVT-T 3.5)


@dataclass(frozen=True, slots=True)
class ApduReceived:
    apdu: bytes


@dataclass(frozen=True, slots=True)
class Delivered:
    apdu: bytes
    ref: int  # what ``send`` returned


@dataclass(frozen=True, slots=True)
class DeliveryFailed:
    apdu: bytes
    ref: int
    reason: str


TransportEvent = ApduReceived | Delivered | DeliveryFailed


def _hex(apdu: bytes) -> str:
    return apdu.hex(" ")


class BlockTransport:
    """One side of a ZVT serial line. ``describe`` renders an APDU for the frame log."""

    def __init__(
        self,
        timeouts: TransportTimeouts | None = None,
        *,
        describe: Callable[[bytes], str] = _hex,
        history: int = 16,
    ) -> None:
        self.timeouts = timeouts or TransportTimeouts()
        self._describe = describe
        self._decoder = FrameDecoder()
        self._out = bytearray()
        self._events: deque[TransportEvent] = deque()
        self._queue: deque[tuple[bytes, int]] = deque()
        self._in_flight: bytes | None = None
        self._ref = 0
        self._next_ref = 1
        self._attempts = 0
        self._ack_deadline: float | None = None
        self.recent: deque[str] = deque(maxlen=history)  # last blocks both ways, described

    # ------------------------------------------------------------------ inputs

    def send(self, apdu: bytes, now: float) -> int:
        """Queue ``apdu``; returns the reference its ``Delivered``/``DeliveryFailed`` carries."""
        ref = self._next_ref
        self._next_ref += 1
        self._queue.append((apdu, ref))
        if self._in_flight is None:
            self._next(now)
        return ref

    def receive_data(self, data: bytes, now: float) -> None:
        for event in self._decoder.feed(data, now):
            if isinstance(event, FrameReceived):
                self._out.append(ACK)
                self._note("<", event.apdu)
                self._events.append(ApduReceived(event.apdu))
            elif isinstance(event, FrameRejected):
                self._out.append(NAK)
                self.recent.append(f"< rejected ({event.reason}, {event.size} bytes)")
            elif isinstance(event, AckReceived):
                self._acked(now)
            elif isinstance(event, NakReceived):
                self._nakked(now)

    def on_timeout(self, now: float) -> None:
        for event in self._decoder.expire(now, self.timeouts.t1):
            if isinstance(event, FrameRejected):
                self._out.append(NAK)
                self.recent.append(f"< rejected ({event.reason}, {event.size} bytes)")
        if self._ack_deadline is not None and now >= self._ack_deadline:
            self._repeat(now, "no ACK within T2")

    def reset(self) -> None:
        """Forget everything in progress (a fresh line); queued blocks are dropped silently."""
        self._decoder.reset()
        self._out.clear()
        self._events.clear()
        self._queue.clear()
        self._in_flight = None
        self._ack_deadline = None

    # ------------------------------------------------------------------ outputs

    def data_to_send(self) -> bytes:
        data = bytes(self._out)
        self._out.clear()
        return data

    def next_event(self) -> TransportEvent | None:
        return self._events.popleft() if self._events else None

    def next_deadline(self) -> float | None:
        candidates = (self._ack_deadline, self._decoder.deadline(self.timeouts.t1))
        deadlines = [d for d in candidates if d is not None]
        return min(deadlines) if deadlines else None

    @property
    def idle(self) -> bool:
        """Nothing in flight and nothing queued."""
        return self._in_flight is None and not self._queue

    @property
    def receiving(self) -> bool:
        return self._decoder.in_block

    # ------------------------------------------------------------------ internals

    def _note(self, direction: str, apdu: bytes) -> None:
        self.recent.append(f"{direction} {self._describe(apdu)}")

    def _next(self, now: float) -> None:
        if not self._queue:
            self._in_flight = None
            self._ack_deadline = None
            return
        self._in_flight, self._ref = self._queue.popleft()
        self._attempts = 1
        self._transmit(now)

    def _transmit(self, now: float) -> None:
        assert self._in_flight is not None
        self._note(">", self._in_flight)
        self._out += encode_frame(self._in_flight)
        self._ack_deadline = now + self.timeouts.t2

    def _acked(self, now: float) -> None:
        if self._in_flight is None:
            self.recent.append("< stray ACK")
            return
        self._events.append(Delivered(self._in_flight, self._ref))
        self._next(now)

    def _nakked(self, now: float) -> None:
        if self._in_flight is None:
            self.recent.append("< stray NAK")
            return
        self._repeat(now, "NAK")

    def _repeat(self, now: float, reason: str) -> None:
        assert self._in_flight is not None
        if self._attempts > self.timeouts.retries:
            self.recent.append(f"! gave up after {self._attempts} tries ({reason})")
            self._events.append(DeliveryFailed(self._in_flight, self._ref, reason))
            self._next(now)
            return
        self._attempts += 1
        self._transmit(now)
