"""The CashCode CCNET bill validator driver: the I/O loop over a ``Link`` (the file that blocks).

Theory of operation (devices.md 1.11)
------------------------------------
Start-up: POLL **before** any RESET (an unread "bill stacked" must not be lost), let bills in
flight settle (escrow is returned, stacking is awaited), credit what the device still reports,
then RESET, wait for INITIALIZE to end, read GET STATUS, GET BILL TABLE (denominations come from
the device), IDENTIFICATION, SET SECURITY, and ENABLE BILL TYPES with the escrow bit set for
every enabled type. Then POLL every ``poll_interval``.

Money rules kept here:

* Always escrow: on ``80 tt`` the host reports ``escrow``, asks the policy and sends STACK or
  RETURN (HOLD while the policy answers None, up to ``max_hold``).
* Credit on ``81 tt`` only: the ``stacked`` event goes to ``on_event`` before the ACK of that
  reply. If the callback raises, the reply is not ACKed (the device repeats it), acceptance is
  inhibited, and the same event (same ``ref``) is delivered again until it is taken.
* Edge-triggered: consecutive identical 81/82/45 replies are one event (a lost ACK makes the
  device repeat them).
* "Power up with bill in stacker" (12): after RESET+INITIALIZE the device reports 81, which is
  credited with ``recovered=True`` (as is any 81 not preceded by our own STACK in this run). If
  the bill table is not known yet, the 81 is left un-ACKed while the table is read.
* Only denominations <= the ``set_accepting`` limit are enabled; the default policy stacks a bill
  only within that limit.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from drivers.cash import AcceptorWorker, CashEvent, DeviceSilent, EscrowPolicy
from drivers.ccnet.messages import (
    BILL_VALIDATOR,
    BillTable,
    Command,
    Identification,
    IllegalCommand,
    PollStatus,
    Reply,
    State,
    UnknownReply,
    encode_enable,
    encode_mask,
    reject_text,
    state_text,
)
from drivers.ccnet.protocol import Answered, HostProtocol, NoAnswer
from drivers.ccnet.status import FaultTracker
from drivers.errors import LinkError
from drivers.link import Link

__all__ = ["BillValidator"]

log = logging.getLogger(__name__)

_SETTLING = {
    State.ACCEPTING,
    State.STACKING,
    State.RETURNING,
    State.REJECTING,
    State.DEVICE_BUSY,
    State.ESCROW_POSITION,
    State.HOLDING,
    State.BILL_STACKED,
    State.BILL_RETURNED,
    State.CHEATED,
}
_IN_FLIGHT = {  # a bill is moving: wait for it before leaving
    State.ACCEPTING,
    State.STACKING,
    State.RETURNING,
    State.DEVICE_BUSY,
    State.ESCROW_POSITION,
    State.HOLDING,
}
_STARTING = {
    State.POWER_UP,
    State.POWER_UP_WITH_BILL_IN_VALIDATOR,
    State.POWER_UP_WITH_BILL_IN_STACKER,
    State.INITIALIZE,
    State.DEVICE_BUSY,
    State.BILL_STACKED,
    State.BILL_RETURNED,
}
_ESCROW_STATES = {State.ESCROW_POSITION, State.HOLDING}
_EVENTS = {State.BILL_STACKED, State.BILL_RETURNED, State.CHEATED}


_MDL = {"MDL": "MDL", "MDA": "MDL"}


class _NoAnswer(DeviceSilent):
    """One request went unanswered after all retries (escaping it means: reopen the port)."""


def _name(command: int) -> str:
    try:
        return Command(command).name
    except ValueError:
        return f"0x{command:02X}"


@dataclass(slots=True)
class _Escrow:
    type: int
    amount: int | None
    currency: str
    ref: str
    since: float
    command: int | None = None  # STACK or RETURN once sent
    last_hold: float = 0.0


class BillValidator(AcceptorWorker):
    """A CCNET bill validator on the port opened by ``link_factory`` (see ``drivers.cash``).

    ``escrow_policy(amount) -> True`` stacks, ``False`` returns, ``None`` holds and asks again.
    ``currencies`` maps bill-table currency codes to the event currency; bill types in other
    currencies are never enabled (the code a Moldovan firmware reports is not documented).
    ``currencies=None`` takes every code as it is (``MDA`` is still read as ``MDL``).
    """

    device = "bill"

    def __init__(
        self,
        link_factory: Callable[[], Link],
        *,
        on_event: Callable[[CashEvent], None],
        escrow_policy: EscrowPolicy | None = None,
        poll_interval: float = 0.2,
        clock: Callable[[], float] = time.monotonic,
        address: int = BILL_VALIDATOR,
        currencies: Mapping[str, str] | None = _MDL,
        security_mask: int = 0,
        reply_timeout: float = 0.2,
        info_timeout: float = 1.5,
        retries: int = 3,
        t_free: float = 0.02,
        init_timeout: float = 40.0,
        settle_timeout: float = 30.0,
        hold_every: float = 5.0,
        max_hold: float = 60.0,
        stop_grace: float = 10.0,
        reconnect_delay: float = 0.2,
        reconnect_max_delay: float = 5.0,
        absent_after: float = 5.0,
    ) -> None:
        super().__init__(
            link_factory,
            on_event=on_event,
            escrow_policy=escrow_policy,
            poll_interval=poll_interval,
            clock=clock,
            reconnect_delay=reconnect_delay,
            reconnect_max_delay=reconnect_max_delay,
            absent_after=absent_after,
        )
        self.address = address
        self.currencies = None if currencies is None else dict(currencies)
        self.security_mask = security_mask
        self.reply_timeout = reply_timeout
        self.info_timeout = info_timeout
        self.retries = retries
        self.t_free = t_free
        self.init_timeout = init_timeout
        self.settle_timeout = settle_timeout
        self.hold_every = hold_every
        self.max_hold = max_hold
        self.stop_grace = stop_grace
        self._run_id = uuid.uuid4().hex[:10]
        self._seq = 0
        self._link: Link | None = None
        self._proto = HostProtocol(address=address)
        self.table: BillTable | None = None
        self._ready = False
        self._pending_credit: CashEvent | None = None
        self._last_event: PollStatus | None = None
        self._escrow: _Escrow | None = None
        self._faults = FaultTracker()
        self._applied_mask: int | None = None
        self._mask_checked = 0.0
        self._busy_until = 0.0
        self._table_wanted = False
        self._restart = False
        self._prev_steady: PollStatus | None = None
        self._recovering = False  # saw "power up with bill in stacker": next 81 is recovered

    # ------------------------------------------------------------------ link plumbing

    def _exchange(self, command: int, data: bytes = b"", timeout: float | None = None) -> Answered:
        assert self._link is not None
        proto = self._proto
        proto.send_command(command, data, now=self._clock(), timeout=timeout or self.reply_timeout)
        while True:
            now = self._clock()
            out = proto.data_to_send(now)
            if out:
                self._link.write(out)
            event = proto.next_event(now)
            if isinstance(event, NoAnswer):
                self._flush()
                raise _NoAnswer(f"{_name(command)}: {event.reason}")
            if event is not None:
                self._answered()
                return event
            wake = proto.wakeup_time()
            wait = 0.05 if wake is None else max(0.0, min(wake - now, 0.05))
            chunk = self._link.read_some(256, wait)
            if chunk:
                proto.receive_data(chunk)

    def _flush(self) -> None:
        assert self._link is not None
        out = self._proto.data_to_send(self._clock())
        if out:
            self._link.write(out)

    def _confirm(self) -> None:
        self._proto.confirm(self._clock())
        self._flush()

    def _withhold(self) -> None:
        self._proto.withhold(self._clock())

    def _request(self, command: int, data: bytes = b"", timeout: float | None = None) -> Reply:
        """Send a command; ACK a data reply at once."""
        answer = self._exchange(command, data, timeout)
        if answer.needs_confirm:
            self._confirm()
        return answer.reply

    # ------------------------------------------------------------------ worker

    def _serve(self, link: Link) -> None:
        self._link = link
        self._proto = HostProtocol(
            address=self.address, retries=self.retries, t_free=self.t_free, trace=self.frames.add
        )
        self._ready = False
        self._applied_mask = None
        try:
            self._handshake()
            while not self._stopping.is_set():
                started = self._clock()
                if self._restart:
                    self._handshake()
                    continue
                self._deliver_pending()
                try:
                    self._apply_masks()
                    self._poll()
                except _NoAnswer as exc:
                    self._check_absent(str(exc))
                wait = max(self._busy_until, started + self.poll_interval) - self._clock()
                self._pause(wait)
            self._shutdown()
        finally:
            self._link = None
            self._ready = False

    def _check_absent(self, reason: str) -> None:
        log.warning("bill validator: %s", reason)
        if self._silent_for() >= self.absent_after:
            raise DeviceSilent(f"device does not answer ({reason})")

    def _poll_once(self) -> PollStatus | None:
        """POLL and handle the reply; None if the device did not answer."""
        try:
            return self._poll()
        except _NoAnswer as exc:
            self._check_absent(str(exc))
            return None

    def _handshake(self) -> None:
        self._ready = False
        self._restart = False
        self._applied_mask = None
        # 1. POLL before RESET; let bills in flight settle.
        deadline = self._clock() + self.settle_timeout
        while not self._stopping.is_set():
            status = self._poll_once()
            if status is not None:
                if self._table_wanted:
                    self._load_table()
                    continue
                settled = status.state not in _SETTLING or self._clock() > deadline
                if settled and self._pending_credit is None:  # never RESET over a credit
                    break
            self._pause(self.poll_interval)
        if self._stopping.is_set():
            return
        # 2. RESET and wait for INITIALIZE to end.
        self._request_or_silent(Command.RESET)
        deadline = self._clock() + self.init_timeout
        while not self._stopping.is_set():
            self._pause(self.poll_interval)
            status = self._poll_once()
            if status is None:
                continue
            if self._table_wanted:
                self._load_table()
                continue
            if status.state not in _STARTING or self._clock() > deadline:
                break
        if self._stopping.is_set():
            return
        # 3. What the device is.
        log.info("bill validator status masks: %s", self._optional(Command.GET_STATUS))
        if not self._load_table():
            raise DeviceSilent("bill table unavailable")
        ident = self._optional(Command.IDENTIFICATION, timeout=self.info_timeout)
        identity = {"protocol": "ccnet", "part": "", "serial": "", "asset": "", "firmware": ""}
        if isinstance(ident, Identification):
            identity.update(part=ident.part, serial=ident.serial, asset=ident.asset.hex())
        assert self.table is not None
        identity["denominations"] = " ".join(
            f"{b.value // 100}{b.currency}" if b.value is not None else f"?{b.currency}"
            for b in self.table.types
        )
        self._optional(Command.SET_SECURITY, encode_mask(self.security_mask))
        self._ready = True
        self._apply_masks()
        self._found(identity)

    def _request_or_silent(
        self, command: int, data: bytes = b"", timeout: float | None = None
    ) -> Reply:
        try:
            return self._request(command, data, timeout)
        except _NoAnswer as exc:
            raise DeviceSilent(f"device does not answer ({exc})") from None

    def _optional(self, command: int, data: bytes = b"", timeout: float | None = None) -> Reply:
        """A start-up request the host can live without (not every unit implements it)."""
        try:
            return self._request(command, data, timeout)
        except _NoAnswer as exc:
            log.warning("bill validator: %s (going on without it)", exc)
            return UnknownReply(command=command, raw=b"")

    def _load_table(self) -> bool:
        """GET BILL TABLE; if refused in this state, disable the unit and ask again."""
        self._table_wanted = False
        for _ in range(2):
            reply = self._request_or_silent(Command.GET_BILL_TABLE, timeout=self.info_timeout)
            if isinstance(reply, BillTable):
                self.table = reply
                return True
            if isinstance(reply, IllegalCommand):
                self._request_or_silent(Command.ENABLE_BILL_TYPES, encode_enable(0, 0))
                self._applied_mask = 0
        log.error("bill validator: no usable bill table (%s)", reply)
        return False

    def _shutdown(self) -> None:
        """Inhibit the unit; return a bill in escrow; wait (bounded) for one being stacked."""
        self._ready = False
        deadline = self._clock() + self.stop_grace
        try:
            self._request(Command.ENABLE_BILL_TYPES, encode_enable(0, 0))
            while self._clock() < deadline:
                status = self._poll()
                busy = status is not None and status.state in _IN_FLIGHT
                if not busy and self._pending_credit is None:
                    break
                self._pause_uninterruptible(self.poll_interval)
        except (_NoAnswer, LinkError) as exc:
            log.warning("bill validator: could not inhibit on stop: %s", exc)

    def _pause_uninterruptible(self, seconds: float) -> None:
        time.sleep(max(0.0, seconds))

    # ------------------------------------------------------------------ enable masks

    def _wanted_mask(self) -> int:
        limit, _ = self.accepting()
        if not self._ready or limit is None or self._pending_credit is not None or not self.table:
            return 0
        mask = 0
        for bill in self.table.types:
            if bill.value is not None and self._currency(bill.currency) and bill.value <= limit:
                mask |= 1 << bill.index
        return mask

    def _currency(self, code: str) -> str:
        """The event currency for a bill-table code; "" if that currency is not accepted."""
        if self.currencies is None:
            return _MDL.get(code, code)
        return self.currencies.get(code, "")

    def _apply_masks(self) -> None:
        mask = self._wanted_mask()
        if mask == self._applied_mask:
            return
        reply = self._request(Command.ENABLE_BILL_TYPES, encode_enable(mask, mask))
        if isinstance(reply, IllegalCommand):
            log.warning("bill validator refused ENABLE BILL TYPES")
        self._applied_mask = mask

    # ------------------------------------------------------------------ poll handling

    def _poll(self) -> PollStatus | None:
        answer = self._exchange(Command.POLL)
        reply = answer.reply
        if not answer.needs_confirm:
            log.warning("bill validator answered POLL with %s", reply)
            return None
        if not isinstance(reply, PollStatus):
            self._confirm()
            log.warning("bill validator: unintelligible POLL reply %s", answer.raw.hex(" "))
            return None
        self._on_status(reply)
        return reply

    def _on_status(self, st: PollStatus) -> None:
        """Act on one POLL reply; ACKs it (or, for an undelivered credit, withholds the ACK)."""
        state = st.state
        if state == State.BILL_STACKED:
            self._on_stacked(st)
            return
        self._confirm()
        if state in _EVENTS:
            if st == self._last_event:
                return  # the device repeated a reply whose ACK it missed
            self._last_event = st
            if state == State.BILL_RETURNED:
                self._on_returned(st)
            else:
                self._emit(self._event("fault", reason=state_text(state), code=int(state)))
            return
        self._last_event = None
        if state == State.DEVICE_BUSY:
            self._busy_until = self._clock() + min((st.data or 0) * 0.1, 5.0)
            return
        if state in (
            State.POWER_UP,
            State.POWER_UP_WITH_BILL_IN_VALIDATOR,
            State.POWER_UP_WITH_BILL_IN_STACKER,
        ):
            self._on_power_up(st)
            return
        for change in self._faults.update(st):
            self._emit(self._event(change.kind, reason=change.reason, code=change.code))
        if state in _ESCROW_STATES:
            self._on_escrow(st)
        elif state == State.REJECTING:
            self._escrow = None
            if self._prev_steady != st:
                code = st.data or 0
                self._emit(self._event("rejected", reason=reject_text(code), code=code))
        elif state in (State.IDLING, State.UNIT_DISABLED):
            self._check_mask(state)
        self._prev_steady = st

    def _event(self, kind: str, **fields: object) -> CashEvent:
        return CashEvent(kind=kind, device="bill", **fields)  # type: ignore[arg-type]

    def _new_ref(self) -> str:
        self._seq += 1
        serial = self.identity.get("serial") or "unknown"
        return f"ccnet:{serial}:{self._run_id}:{self._seq}"

    def _on_power_up(self, st: PollStatus) -> None:
        if st.state == State.POWER_UP_WITH_BILL_IN_STACKER:
            self._recovering = True
        else:
            self._escrow = None  # whatever was in escrow went back to the customer
        if st.state == State.POWER_UP_WITH_BILL_IN_VALIDATOR and self._prev_steady != st:
            self._emit(self._event("returned", reason="bill in validator at power-up", code=0x11))
        if self._ready:
            log.warning("bill validator restarted (%s)", state_text(st.state))
            self._emit(self._event("fault", reason="device restarted", code=int(st.state)))
            self._restart = True
        self._prev_steady = st

    def _check_mask(self, state: int) -> None:
        """Re-send ENABLE if the unit forgot it (e.g. an unnoticed reset), at most once a second."""
        expected_idle = bool(self._applied_mask)
        if (state == State.IDLING) == expected_idle or self._escrow is not None:
            return
        now = self._clock()
        if now - self._mask_checked >= 1.0:
            self._mask_checked = now
            self._applied_mask = None

    def _on_escrow(self, st: PollStatus) -> None:
        now = self._clock()
        esc = self._escrow
        prev = self._prev_steady.state if self._prev_steady is not None else None
        fresh = esc is None or esc.type != st.data or prev not in _ESCROW_STATES
        if st.state == State.ESCROW_POSITION and fresh:
            bill_type = st.data or 0
            bill = self.table.get(bill_type) if self.table else None
            amount = bill.value if bill is not None else None
            currency = self._currency(bill.currency) if bill is not None else ""
            esc = _Escrow(
                type=bill_type,
                amount=amount if currency else None,
                currency=currency or "MDL",
                ref=self._new_ref(),
                since=now,
            )
            self._escrow = esc
            if self._ready and esc.amount is not None:
                self._emit(
                    self._event(
                        "escrow",
                        amount=esc.amount,
                        currency=esc.currency,
                        ref=esc.ref,
                        code=bill_type,
                    )
                )
        if esc is None:  # HOLDING with no escrow known to us (start-up): give it back
            self._send_escrow(Command.RETURN, None)
            return
        if esc.command is not None:
            return
        if not self._ready or esc.amount is None:
            self._send_escrow(Command.RETURN, esc)
            return
        decision = self._policy(esc.amount)
        if decision is not None and decision:
            self._send_escrow(Command.STACK, esc)
        elif decision is not None or now - esc.since > self.max_hold:
            self._send_escrow(Command.RETURN, esc)
        elif now - esc.last_hold >= self.hold_every:
            self._request(Command.HOLD)
            esc.last_hold = now

    def _send_escrow(self, command: int, esc: _Escrow | None) -> None:
        reply = self._request(command)
        if esc is not None:
            esc.command = command
        if isinstance(reply, IllegalCommand):
            log.info("bill validator: %s refused (bill no longer in escrow)", Command(command).name)

    def _on_returned(self, st: PollStatus) -> None:
        esc = self._escrow
        self._escrow = None
        amount = esc.amount if esc is not None and esc.type == st.data and esc.amount else 0
        reason = "returned"
        if esc is not None and esc.command == Command.STACK:
            reason = "returned instead of stacked"
        elif esc is not None and esc.command == Command.RETURN:
            reason = "returned by host"
        elif esc is not None:
            reason = "escrow timeout"
        self._emit(
            self._event(
                "returned", amount=amount, ref=esc.ref if esc else "", reason=reason, code=st.data
            )
        )

    def _on_stacked(self, st: PollStatus) -> None:
        if self._pending_credit is not None:
            self._ack_if(self._deliver_pending())
            return
        if st == self._last_event:
            self._confirm()  # already credited; the device missed our ACK
            return
        if self.table is None:
            self._withhold()  # credit it once the table says what it is worth
            self._table_wanted = True
            return
        bill_type = st.data or 0
        bill = self.table.get(bill_type)
        esc = self._escrow
        ours = esc is not None and esc.type == bill_type and esc.command == Command.STACK
        ref = esc.ref if esc is not None and ours else self._new_ref()
        self._escrow = None
        self._last_event = st
        currency = self._currency(bill.currency) if bill is not None else ""
        if bill is None or bill.value is None or not currency:
            self._emit(
                self._event(
                    "fault",
                    reason=f"bill type {bill_type} stacked, value unknown",
                    code=bill_type,
                    ref=ref,
                )
            )
            self._confirm()
            return
        self._pending_credit = self._event(
            "stacked",
            amount=bill.value,
            currency=currency,
            ref=ref,
            code=bill_type,
            recovered=self._recovering or not ours,
        )
        self._recovering = False
        self._ack_if(self._deliver_pending())

    def _ack_if(self, delivered: bool) -> None:
        if delivered:
            self._confirm()
        else:
            self._withhold()

    def _deliver_pending(self) -> bool:
        event = self._pending_credit
        if event is None:
            return True
        if not self._deliver_credit(event):
            return False
        self._pending_credit = None
        return True
