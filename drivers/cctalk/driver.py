"""The ccTalk coin acceptor driver: the I/O loop over a ``Link`` (the file that blocks).

Theory of operation (devices.md 2.4-2.7)
---------------------------------------
Start-up: simple poll (254); identity (246, 245, 244, 242, 241, 192); the coin table from the
device's coin ids (184, positions 1-16) mapped to bani (``coin_value``, overridable per id);
a first read of the event buffer (229); then the inhibit masks (231) and master inhibit (228).
Then 229 every ``poll_interval`` (this also feeds the device's credit poll watchdog).

Event counter rules kept here:

* The first 229 reading of this driver's life is a baseline: events buffered before start-up
  are NOT credited (they predate this host run).
* New events = counter difference on the 1..255 wrapping counter; 1-5 are processed oldest
  first; 6 or more means events were lost: the 5 still buffered are processed and a ``fault``
  reports the loss. Re-reading the same counter never counts anything twice.
* Counter back to 0 while ours was not: the device was reset; inhibits are re-applied and a
  ``fault`` reports that credits may have been lost. After a reconnect (same driver) counting
  continues from the last counter, so coins taken during a short outage are still credited.
* A credit goes to ``on_event`` as ``stacked``; if the callback raises, the credit is queued,
  acceptance is inhibited, and the same event (same ``ref``) is offered again each poll.
* Fault-like events start a self-check (232) every ``self_check_every`` seconds until it reports
  0, which is reported as ``fault_cleared`` (Part 1 §21), while 229 polling goes on.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections import deque
from collections.abc import Callable, Mapping

from drivers.cash import AcceptorWorker, CashEvent, DeviceSilent, EscrowPolicy
from drivers.cctalk.frames import COIN_ACCEPTOR, HOST
from drivers.cctalk.messages import (
    ErrorCode,
    Header,
    coin_value,
    encode_inhibits,
    error_text,
    is_rejection,
    new_event_count,
    parse_buffered_credit,
    parse_coin_id,
    parse_serial,
    parse_text,
    self_check_text,
)
from drivers.cctalk.protocol import Answered, HostProtocol, NoAnswer
from drivers.errors import LinkError
from drivers.link import Link

__all__ = ["CoinAcceptor"]

log = logging.getLogger(__name__)


class _NoAnswer(DeviceSilent):
    """One request went unanswered after all retries (escaping it means: reopen the port)."""


class CoinAcceptor(AcceptorWorker):
    """A ccTalk coin acceptor on the port opened by ``link_factory`` (see ``drivers.cash``).

    Coins have no escrow: ``escrow_policy`` is accepted for the common shape and ignored; the
    limit acts through the inhibit masks. ``coin_values`` maps coin ids (e.g. "MD010A") to bani
    and wins over the value decoded from the id; ``country`` coins are reported in ``currency``.
    """

    device = "coin"

    def __init__(
        self,
        link_factory: Callable[[], Link],
        *,
        on_event: Callable[[CashEvent], None],
        escrow_policy: EscrowPolicy | None = None,
        poll_interval: float = 0.2,
        clock: Callable[[], float] = time.monotonic,
        address: int = COIN_ACCEPTOR,
        host: int = HOST,
        echo: bool | None = None,
        coin_values: Mapping[str, int] | None = None,
        country: str = "MD",
        currency: str = "MDL",
        reply_timeout: float = 0.2,
        retries: int = 3,
        self_check_every: float = 1.0,
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
        self.host = host
        self.echo = echo
        self.coin_values = dict(coin_values or {})
        self.country = country
        self.currency = currency
        self.reply_timeout = reply_timeout
        self.retries = retries
        self.self_check_every = self_check_every
        self.coins: dict[int, tuple[str, int | None]] = {}  # position -> (coin id, bani)
        self._run_id = uuid.uuid4().hex[:10]
        self._seq = 0
        self._link: Link | None = None
        self._proto = HostProtocol(address=address, host=host)
        self._counter: int | None = None  # last event counter seen; None = no baseline yet
        self._pending: deque[CashEvent] = deque()
        self._applied: tuple[int, bool] | None = None
        self._fault_watch = False
        self._fault_code = 0
        self._next_check = 0.0

    # ------------------------------------------------------------------ link plumbing

    def _exchange(self, header: int, data: bytes = b"") -> Answered:
        assert self._link is not None
        proto = self._proto
        proto.send(header, data, now=self._clock(), timeout=self.reply_timeout)
        while True:
            now = self._clock()
            out = proto.data_to_send(now)
            if out:
                self._link.write(out)
            event = proto.next_event(now)
            if isinstance(event, NoAnswer):
                raise _NoAnswer(f"header {header}: {event.reason}")
            if event is not None:
                self._answered()
                return event
            wake = proto.wakeup_time()
            wait = 0.05 if wake is None else max(0.0, min(wake - now, 0.05))
            chunk = self._link.read_some(512, wait)
            if chunk:
                proto.receive_data(chunk)

    def _ask(self, header: int, data: bytes = b"") -> bytes | None:
        """Reply data, or None for NAK or no answer (optional requests: one retry only,
        since a device stays silent on headers it does not implement)."""
        retries, self._proto.retries = self._proto.retries, min(self._proto.retries, 1)
        try:
            answer = self._exchange(header, data)
        except _NoAnswer:
            return None
        finally:
            self._proto.retries = retries
        return answer.reply.data if answer.ack else None

    def _must(self, header: int, data: bytes = b"") -> Answered:
        try:
            return self._exchange(header, data)
        except _NoAnswer as exc:
            raise DeviceSilent(f"device does not answer ({exc})") from None

    # ------------------------------------------------------------------ worker

    def _serve(self, link: Link) -> None:
        self._link = link
        self._proto = HostProtocol(
            address=self.address,
            host=self.host,
            retries=self.retries,
            echo=self.echo,
            trace=self.frames.add,
        )
        self._applied = None
        try:
            self._handshake()
            while not self._stopping.is_set():
                started = self._clock()
                self._deliver_pending()
                try:
                    self._apply_inhibits()
                    self._read_events()
                    if self._fault_watch and started >= self._next_check:
                        self._self_check()
                except _NoAnswer as exc:
                    log.warning("coin acceptor: %s", exc)
                    if self._silent_for() >= self.absent_after:
                        raise DeviceSilent(f"device does not answer ({exc})") from None
                self._pause(started + self.poll_interval - self._clock())
            self._shutdown()
        finally:
            self._link = None

    def _handshake(self) -> None:
        while True:
            try:
                answer = self._exchange(Header.SIMPLE_POLL)
                if answer.ack:
                    break
            except _NoAnswer as exc:
                if self._silent_for() >= self.absent_after:
                    raise DeviceSilent(f"device does not answer ({exc})") from None
            if self._stopping.is_set():
                return
            self._pause(self.poll_interval)
        identity = {"protocol": "cctalk"}
        for key, header in (
            ("manufacturer", Header.REQUEST_MANUFACTURER_ID),
            ("category", Header.REQUEST_EQUIPMENT_CATEGORY),
            ("part", Header.REQUEST_PRODUCT_CODE),
            ("firmware", Header.REQUEST_SOFTWARE_REVISION),
            ("build", Header.REQUEST_BUILD_CODE),
        ):
            data = self._ask(header)
            identity[key] = parse_text(data) if data is not None else ""
        serial = self._ask(Header.REQUEST_SERIAL_NUMBER)
        number = parse_serial(serial) if serial is not None else None
        identity["serial"] = "" if number is None else str(number)
        if identity["category"] and identity["category"] != "Coin Acceptor":
            log.warning("ccTalk device %d says it is a %r", self.address, identity["category"])
        self._load_coins()
        identity["coins"] = " ".join(
            f"{cid}={'?' if v is None else v}" for _, (cid, v) in sorted(self.coins.items())
        )
        self._read_events()  # baseline on first start; catch-up after a reconnect
        self._apply_inhibits()
        self._found(identity)

    def _load_coins(self) -> None:
        coins: dict[int, tuple[str, int | None]] = {}
        silent = 0
        for position in range(1, 17):
            data = self._ask(Header.REQUEST_COIN_ID, bytes((position,)))
            if data is None:
                silent += 1
                if silent >= 3:  # positions it does not answer for: no point asking on
                    break
                continue
            silent = 0
            coin = parse_coin_id(data)
            if coin.empty:
                continue
            value = self.coin_values.get(coin.raw)
            if value is None and coin.country == self.country:
                value = coin_value(coin)
            coins[position] = (coin.raw, value)
        self.coins = coins

    def _shutdown(self) -> None:
        try:
            self._exchange(Header.MODIFY_MASTER_INHIBIT_STATUS, b"\x00")
            self._exchange(Header.MODIFY_INHIBIT_STATUS, encode_inhibits(0))
            self._read_events()  # a coin that dropped in meanwhile is still counted
            self._deliver_pending()
        except (_NoAnswer, LinkError) as exc:
            log.warning("coin acceptor: could not inhibit on stop: %s", exc)

    # ------------------------------------------------------------------ inhibits

    def _wanted(self) -> tuple[int, bool]:
        limit, _ = self.accepting()
        if limit is None or self._pending or self._stopping.is_set():
            return 0, False
        mask = 0
        for position, (_, value) in self.coins.items():
            if value is not None and value <= limit:
                mask |= 1 << (position - 1)
        return mask, mask != 0

    def _apply_inhibits(self, force: bool = False) -> None:
        wanted = self._wanted()
        if wanted == self._applied and not force:
            return
        mask, master = wanted
        a = self._exchange(Header.MODIFY_INHIBIT_STATUS, encode_inhibits(mask))
        b = self._exchange(Header.MODIFY_MASTER_INHIBIT_STATUS, bytes((int(master),)))
        if not (a.ack and b.ack):
            log.warning("coin acceptor refused inhibit settings")
        self._applied = wanted

    # ------------------------------------------------------------------ events

    def _event(self, kind: str, **fields: object) -> CashEvent:
        return CashEvent(kind=kind, device="coin", **fields)  # type: ignore[arg-type]

    def _read_events(self) -> None:
        answer = self._exchange(Header.READ_BUFFERED_CREDIT)
        buffered = parse_buffered_credit(answer.reply.data) if answer.ack else None
        if buffered is None:
            log.warning("coin acceptor: bad 229 reply %s", answer.reply.raw.hex(" "))
            return
        counter, last = buffered.counter, self._counter
        self._counter = counter
        if last is None:
            if counter:
                log.info("coin acceptor: %d event(s) predate this run; not credited", counter)
            return
        if counter == 0 and last != 0:
            self._emit(self._event("fault", reason="device reset; credits may be lost", code=0))
            self._applied = None
            return
        count = new_event_count(last, counter)
        if count == 0:
            return
        if count > 5:
            self._emit(
                self._event("fault", reason=f"{count - 5} coin event(s) lost", code=count - 5)
            )
        for result_a, result_b in reversed(buffered.events[: min(count, 5)]):
            self._on_result(result_a, result_b)
        self._deliver_pending()

    def _on_result(self, result_a: int, result_b: int) -> None:
        if result_a:
            coin_id, value = self.coins.get(result_a, ("", None))
            self._seq += 1
            ref = f"cctalk:{self.identity.get('serial') or 'unknown'}:{self._run_id}:{self._seq}"
            if value is None:
                self._emit(
                    self._event(
                        "fault",
                        code=result_a,
                        ref=ref,
                        reason=f"coin {coin_id or result_a} accepted, value unknown",
                    )
                )
                return
            self._pending.append(
                self._event("stacked", amount=value, currency=self.currency, ref=ref, code=result_a)
            )
            return
        code = result_b
        if code == ErrorCode.NULL_EVENT:
            return
        if code == ErrorCode.INHIBITED_COIN:
            self._applied = None  # the device may have re-inhibited itself: re-apply
        if code == ErrorCode.COIN_RETURN_MECHANISM:
            self._emit(self._event("returned", reason=error_text(code), code=code))
        elif is_rejection(code):
            self._emit(self._event("rejected", reason=error_text(code), code=code))
        else:
            self._emit(self._event("fault", reason=error_text(code), code=code))
            self._fault_watch = True
            self._next_check = self._clock()

    def _deliver_pending(self) -> None:
        while self._pending:
            if not self._deliver_credit(self._pending[0]):
                return  # keep it (same ref) and inhibit until it is taken
            self._pending.popleft()

    def _self_check(self) -> None:
        self._next_check = self._clock() + self.self_check_every
        data = self._ask(Header.PERFORM_SELF_CHECK)
        if not data:
            return
        code = data[0]
        if code == self._fault_code:
            if code == 0:
                self._fault_watch = False
            return
        if self._fault_code:
            self._emit(
                self._event(
                    "fault_cleared", reason=self_check_text(self._fault_code), code=self._fault_code
                )
            )
        self._fault_code = code
        if code:
            self._emit(self._event("fault", reason=self_check_text(code), code=code))
        else:
            self._fault_watch = False
