"""A CashCode bill validator speaking CCNET, for tests, the demo and ``kiosk emulate ccnet``.

It plays the device side on a pseudo-terminal (or any ``Link``), with the same ``frames`` and
``messages`` as the driver, and follows devices.md 1.12:

* frames with a bad CRC get a NAK; frames for another address get nothing;
* POWER UP (or 11/12 via ``power_cycle``) -> RESET -> INITIALIZE -> DISABLED/IDLING; a bill
  goes ACCEPTING -> ESCROW (returned after the escrow timeout unless STACK/RETURN/HOLD) ->
  STACKING/RETURNING -> 81/82 -> IDLING; rejects report ``1C rr``; faults 41-47 injectable;
* events 81, 82 and 45 are repeated on every POLL until the host ACKs that reply within
  ``ack_timeout`` (a late ACK counts as none, as on a real device); RESET drops them;
* IDENTIFICATION and GET BILL TABLE only in POWER UP, INITIALIZE, DISABLED or a failure state,
  STACK/RETURN/HOLD only in escrow: otherwise ILLEGAL COMMAND;
* a pty has no baud rate, so replies are delayed by ``reply_delay`` plus their wire time.

Scripted from tests and the simulator panel by method calls (``insert_bill``, ``jam``,
``cassette_remove``, ``power_cycle``, ``corrupt_next_frame``, ``silent``, ``unplug`` ...), and
from ``kiosk emulate ccnet`` by stdin lines (``help`` lists them).
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from drivers.ccnet.frames import FrameDecoder, encode_frame
from drivers.ccnet.messages import (
    ACK_DATA,
    BILL_VALIDATOR,
    ILLEGAL_DATA,
    NAK_DATA,
    Command,
    PollStatus,
    RejectReason,
    State,
    bill_type_value,
    decode_mask,
    encode_bill_table,
    encode_identification,
    encode_mask,
)
from drivers.emulation import LineFaults, ServedInThread
from drivers.errors import LinkError, RemoteProtocolError
from drivers.link import Link, PtyLink

__all__ = ["EmulatorTiming", "BillValidatorEmulator", "MDL_BILLS", "main"]

log = logging.getLogger(__name__)

# Moldovan banknotes 1..1000 lei as bill types 0..8: (digit, currency, exponent byte).
MDL_BILLS: dict[int, tuple[int, str, int]] = {
    0: (1, "MDL", 0),
    1: (5, "MDL", 0),
    2: (1, "MDL", 1),
    3: (2, "MDL", 1),
    4: (5, "MDL", 1),
    5: (1, "MDL", 2),
    6: (2, "MDL", 2),
    7: (5, "MDL", 2),
    8: (1, "MDL", 3),
}


@dataclass(frozen=True, slots=True, kw_only=True)
class EmulatorTiming:
    """Seconds. Defaults are realistic; ``fast()`` keeps tests quick."""

    reply_delay: float = 0.002  # processing before the reply (t-response is 10 ms max)
    baud: int | None = 9600  # wire time of replies, 10 bits/byte; None = instant
    ack_timeout: float = 0.010  # host ACK deadline after our reply (plus the ACK's wire time)
    init_time: float = 0.5
    accept_time: float = 0.4
    stack_time: float = 0.6
    return_time: float = 0.5
    reject_time: float = 0.5
    escrow_timeout: float = 10.0
    hold_time: float = 10.0
    frame_timeout: float = 0.05  # drop a partial command after this long without bytes
    jitter: float = 0.0  # add 0..jitter s at random to each mechanical time (realistic spread)

    @classmethod
    def fast(cls, **overrides: float) -> EmulatorTiming:
        values: dict[str, float] = dict(
            init_time=0.05,
            accept_time=0.03,
            stack_time=0.05,
            return_time=0.03,
            reject_time=0.03,
            ack_timeout=0.25,
        )
        values.update(overrides)
        return cls(**values)  # type: ignore[arg-type]

    def wire_time(self, nbytes: int) -> float:
        return 0.0 if not self.baud else nbytes * 10 / self.baud


_ASSET = (12345).to_bytes(7, "big")


class BillValidatorEmulator(LineFaults, ServedInThread):
    """The device. ``start()`` serves it in a thread; scripted methods are thread-safe."""

    thread_name = "ccnet-emulator"

    def __init__(
        self,
        link: Link | None = None,
        *,
        link_path: str | None = None,
        bills: dict[int, tuple[int, str, int]] | None = None,
        timing: EmulatorTiming | None = None,
        address: int = BILL_VALIDATOR,
        part: str = "SM-MD1701",
        serial: str = "41K000123456",
        cassette_capacity: int = 1000,
        clock: Callable[[], float] = time.monotonic,
        seed: int = 0,
    ) -> None:
        self._own_link = link is None
        self._link_path = link_path
        self._link: Link | None = link if link is not None else PtyLink(link_path)
        self.port: str = getattr(self._link, "port", "")
        self.bills = dict(MDL_BILLS if bills is None else bills)
        self.timing = timing or EmulatorTiming()
        self.address = address
        self.part = part
        self.serial = serial
        self.cassette_capacity = cassette_capacity
        self._clock = clock
        self._random = random.Random(seed)
        self._lock = threading.RLock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._decoder = FrameDecoder()
        self._last_rx = 0.0
        # device state
        self.mode = "power_up"
        self._power_code = State.POWER_UP
        self._until = 0.0  # end of the current timed mode
        self._bill: int | None = None  # bill type in the head/escrow/transport
        self._stacker_bill: int | None = None  # bill to report as stacked after init
        self.enabled_mask = 0
        self.escrow_mask = 0
        self.security_mask = 0
        self.pending_event: PollStatus | None = None
        self.fault: PollStatus | None = None
        self.cassette_present = True
        self.cassette_full = False
        self._reject_reason = 0
        self._next_reject: int | None = None
        self._inserts: deque[int | None] = deque()  # bill types (None = unrecognisable)
        self._awaiting_ack: tuple[PollStatus | None, float] | None = None
        self._off_until = 0.0
        self.silent = False
        self._corrupt_next = 0
        self._unplugged = False
        # what happened (for tests and the console)
        self.commands: list[int] = []
        self.stacked: list[int] = []  # values in bani, in order
        self.cassette: list[int] = []  # values since the cassette was last emptied
        self.returned = 0
        self.acks = 0
        self.naks_sent = 0
        self.host_naks = 0
        self.stacked_at: list[float] = []  # clock() when each bill reached the cassette
        self.reported_at: list[float] = []  # clock() when its 81 was first on the wire

    # ------------------------------------------------------------------ lifecycle

    def _close_link(self) -> None:
        if self._own_link and self._link is not None:
            self._link.close()

    # ------------------------------------------------------------------ scripting (any thread)

    def value_of(self, bill_type: int) -> int | None:
        entry = self.bills.get(bill_type)
        return None if entry is None else bill_type_value(entry[0], entry[2])

    def type_of(self, amount: int) -> int | None:
        for index in sorted(self.bills):
            if self.value_of(index) == amount:
                return index
        return None

    def insert_bill(self, amount: int) -> None:
        """A customer inserts a bill worth ``amount`` bani (unknown amounts are not recognised)."""
        with self._lock:
            self._inserts.append(self.type_of(amount))

    def insert_bill_type(self, bill_type: int) -> None:
        with self._lock:
            self._inserts.append(bill_type)

    def reject_next(self, reason: int = RejectReason.VERIFICATION) -> None:
        with self._lock:
            self._next_reject = int(reason)

    def jam(self, in_cassette: bool = False) -> None:
        with self._lock:
            state = State.DROP_CASSETTE_JAMMED if in_cassette else State.VALIDATOR_JAMMED
            self.fault = PollStatus(state=state)
            self._abort_bill()

    def fail(self, code: int) -> None:
        with self._lock:
            self.fault = PollStatus(state=State.FAILURE, data=code)
            self._abort_bill()

    def clear_fault(self) -> None:
        with self._lock:
            self.fault = None

    def cheat(self) -> None:
        with self._lock:
            self.pending_event = PollStatus(state=State.CHEATED)

    def cassette_remove(self) -> None:
        with self._lock:
            self.cassette_present = False
            self._abort_bill()

    def cassette_insert(self, emptied: bool = True) -> None:
        """Put the cassette back; a collected (emptied) cassette clears 'full'."""
        with self._lock:
            self.cassette_present = True
            if emptied:
                self.cassette.clear()
                self.cassette_full = False

    def set_cassette_full(self, full: bool = True) -> None:
        with self._lock:
            self.cassette_full = full

    def power_cycle(
        self, bill: str | None = "auto", off_for: float = 0.0, bill_type: int | None = None
    ) -> None:
        """Cut and restore power. ``bill``: "stacker", "validator", None, or "auto" (by state);
        ``bill_type`` names the bill when none is in transit (to script a power-up case)."""
        with self._lock:
            if bill == "auto":
                if self.mode == "stacking":
                    bill = "stacker"
                elif self.mode in ("accepting", "escrow", "holding", "returning"):
                    bill = "validator"
                else:
                    bill = None
            if bill_type is None:
                bill_type = self._bill if self._bill is not None else 0
            if bill == "stacker":
                self._power_code = State.POWER_UP_WITH_BILL_IN_STACKER
                self._stacker_bill = bill_type
            elif bill == "validator":
                self._power_code = State.POWER_UP_WITH_BILL_IN_VALIDATOR
                self._stacker_bill = None
            else:
                self._power_code = State.POWER_UP
                self._stacker_bill = None
            self.mode = "power_up"
            self._bill = None
            self.enabled_mask = self.escrow_mask = 0
            self.pending_event = None
            self._awaiting_ack = None
            self.fault = None
            self._off_until = self._clock() + off_for

    def poll_status(self) -> PollStatus:
        with self._lock:
            return self._status()

    # ------------------------------------------------------------------ device logic

    def _abort_bill(self) -> None:
        if self.mode in ("accepting", "escrow", "holding", "returning", "rejecting"):
            self.mode = "ready"
            self._bill = None

    def _enabled(self) -> bool:
        return self.enabled_mask != 0

    def _status(self) -> PollStatus:
        if self.pending_event is not None:
            return self.pending_event
        if self.mode == "power_up":
            return PollStatus(state=self._power_code)
        if self.mode == "initialize":
            return PollStatus(state=State.INITIALIZE)
        if self.fault is not None:
            return self.fault
        if not self.cassette_present:
            return PollStatus(state=State.DROP_CASSETTE_OUT_OF_POSITION)
        if self.mode == "ready" and self.cassette_full:
            return PollStatus(state=State.DROP_CASSETTE_FULL)
        bill = self._bill if self._bill is not None else 0
        simple = {
            "accepting": State.ACCEPTING,
            "stacking": State.STACKING,
            "returning": State.RETURNING,
            "holding": State.HOLDING,
        }
        if self.mode in simple:
            return PollStatus(state=simple[self.mode])
        if self.mode == "escrow":
            return PollStatus(state=State.ESCROW_POSITION, data=bill)
        if self.mode == "rejecting":
            return PollStatus(state=State.REJECTING, data=self._reject_reason)
        return PollStatus(state=State.IDLING if self._enabled() else State.UNIT_DISABLED)

    def _tick(self, now: float) -> None:
        mode = self.mode
        if mode in ("power_up", "ready") or now < self._until:
            if mode == "ready":
                self._take_next_bill(now)
            return
        if mode == "initialize":
            self.mode = "ready"
            if self._stacker_bill is not None:
                self._credit(self._stacker_bill, now)
                self._stacker_bill = None
        elif mode == "accepting":
            self._accepted(now)
        elif mode in ("escrow", "holding"):
            self._set("returning", self.timing.return_time, now)
        elif mode == "stacking":
            assert self._bill is not None
            self._credit(self._bill, now)
            self.mode = "ready"
            self._bill = None
        elif mode == "returning":
            self.returned += 1
            self.pending_event = PollStatus(state=State.BILL_RETURNED, data=self._bill or 0)
            self.mode = "ready"
            self._bill = None
        elif mode == "rejecting":
            self.mode = "ready"
            self._bill = None
        if self.mode == "ready":
            self._take_next_bill(now)

    def _set(self, mode: str, duration: float, now: float) -> None:
        self.mode = mode
        jitter = self.timing.jitter
        self._until = now + duration + (self._random.uniform(0, jitter) if jitter else 0.0)

    def _credit(self, bill_type: int, now: float) -> None:
        value = self.value_of(bill_type) or 0
        self.stacked.append(value)
        self.cassette.append(value)
        self.stacked_at.append(now)
        self.pending_event = PollStatus(state=State.BILL_STACKED, data=bill_type)
        if len(self.cassette) >= self.cassette_capacity:
            self.cassette_full = True

    def _take_next_bill(self, now: float) -> None:
        if not self._inserts or self.pending_event is not None:
            return
        if not self._enabled() or self.fault or not self.cassette_present or self.cassette_full:
            return  # a disabled validator does not pull the bill in; it waits in the hand
        bill = self._inserts.popleft()
        self._bill = bill
        self._set("accepting", self.timing.accept_time, now)

    def _accepted(self, now: float) -> None:
        bill = self._bill
        reason: int | None = None
        if self._next_reject is not None:
            reason, self._next_reject = self._next_reject, None
        elif bill is None or bill not in self.bills:
            reason = RejectReason.IDENTIFICATION
        elif not self.enabled_mask >> bill & 1:
            reason = RejectReason.INHIBIT
        if reason is not None:
            self._reject_reason = reason
            self._set("rejecting", self.timing.reject_time, now)
            return
        assert bill is not None
        if self.escrow_mask >> bill & 1:
            self._set("escrow", self.timing.escrow_timeout, now)
        else:
            self._set("stacking", self.timing.stack_time, now)

    def _in_failure(self) -> bool:
        return self.fault is not None or not self.cassette_present or self.cassette_full

    def _handle(self, command: int, data: bytes, now: float) -> tuple[bytes, PollStatus | None]:
        """Reply payload for a command, and the status it carries if it is a POLL reply."""
        self.commands.append(command)
        info_ok = (
            self.mode in ("power_up", "initialize")
            or (self.mode == "ready" and not self._enabled())
            or self._in_failure()
        )
        in_escrow = self.mode in ("escrow", "holding") and self.pending_event is None
        if command == Command.POLL:
            status = self._status()
            first_report = len(self.reported_at) < len(self.stacked_at)
            if status.state == State.BILL_STACKED and status == self.pending_event and first_report:
                self.reported_at.append(now)
            return status.encode(), status
        if command == Command.RESET:
            if self.mode in ("accepting", "escrow", "holding", "returning", "rejecting"):
                self.returned += 1  # the bill goes back to the customer
            elif self.mode == "stacking" and self._bill is not None:
                self._stacker_bill = self._bill  # past the point of no return: 81 after init
            self._bill = None
            self.pending_event = None
            self.enabled_mask = self.escrow_mask = 0
            if self.fault is not None and self.fault.state == State.FAILURE:
                self.fault = None
            self._set("initialize", self.timing.init_time, now)
            return ACK_DATA, None
        if command == Command.GET_STATUS:
            return encode_mask(self.enabled_mask) + encode_mask(self.security_mask), None
        if command == Command.SET_SECURITY:
            if len(data) == 3:
                self.security_mask = decode_mask(data)
            return ACK_DATA, None
        if command == Command.ENABLE_BILL_TYPES:
            if len(data) != 6:
                return ILLEGAL_DATA, None
            self.enabled_mask = decode_mask(data[0:3])
            self.escrow_mask = decode_mask(data[3:6])
            return ACK_DATA, None
        if command in (Command.STACK, Command.RETURN, Command.HOLD):
            if not in_escrow:
                return ILLEGAL_DATA, None
            if command == Command.STACK:
                self._set("stacking", self.timing.stack_time, now)
            elif command == Command.RETURN:
                self._set("returning", self.timing.return_time, now)
            else:
                self._set("holding", self.timing.hold_time, now)
            return ACK_DATA, None
        if command == Command.IDENTIFICATION and info_ok:
            return encode_identification(self.part, self.serial, _ASSET), None
        if command == Command.GET_BILL_TABLE and info_ok:
            return encode_bill_table(self.bills), None
        return ILLEGAL_DATA, None

    # ------------------------------------------------------------------ I/O thread

    def _serve(self) -> None:
        while not self._stop.is_set():
            with self._lock:
                link = None if self._unplugged else self._link
                self._tick(self._clock())
            if link is None:
                self._stop.wait(0.005)
                continue
            try:
                data = link.read_some(512, 0.005)
            except LinkError:
                self._stop.wait(0.005)
                continue
            now = self._clock()
            if not data:
                if self._decoder.pending and now - self._last_rx > self.timing.frame_timeout:
                    self._decoder.clear()
                continue
            self._last_rx = now
            self._decoder.feed(data)
            while True:
                try:
                    frame = self._decoder.next_frame()
                except RemoteProtocolError as exc:
                    log.debug("ccnet emulator: %s", exc)
                    if "CRC" in str(exc):
                        self._reply(link, NAK_DATA, None, control=True)
                    continue
                if frame is None:
                    break
                self._on_frame(link, frame.address, frame.payload)

    def _on_frame(self, link: Link, address: int, payload: bytes) -> None:
        if address != self.address:
            return
        now = self._clock()
        with self._lock:
            if self._unplugged or self.silent or now < self._off_until:
                return
            awaiting, self._awaiting_ack = self._awaiting_ack, None
            if payload == ACK_DATA:
                if awaiting is not None:
                    status, sent = awaiting
                    limit = self.timing.ack_timeout + self.timing.wire_time(6)
                    if now - sent <= limit:
                        self.acks += 1
                        if status is not None and status == self.pending_event:
                            self.pending_event = None
                return
            if payload == NAK_DATA:
                self.host_naks += 1
                return
            self._tick(now)
            reply, status = self._handle(payload[0], payload[1:], now)
        control = reply in (ACK_DATA, ILLEGAL_DATA, NAK_DATA)
        self._reply(link, reply, status, control=control)

    def _reply(
        self, link: Link, payload: bytes, status: PollStatus | None, *, control: bool
    ) -> None:
        frame = encode_frame(self.address, payload)
        with self._lock:
            if self._corrupt_next:
                self._corrupt_next -= 1
                frame = frame[:-1] + bytes((frame[-1] ^ 0x5A,))
        time.sleep(self.timing.reply_delay + self.timing.wire_time(len(frame)))
        try:
            link.write(frame)
        except LinkError:
            return
        if payload == NAK_DATA:
            self.naks_sent += 1
        if not control:
            with self._lock:
                self._awaiting_ack = (status, self._clock())


def main(link_path: str | None = None) -> int:
    """``kiosk emulate ccnet``: print the port, then obey stdin until EOF or SIGTERM."""
    from drivers.ccnet.console import run

    return run(BillValidatorEmulator(link_path=link_path))
