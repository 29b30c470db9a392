"""What the kiosk sees of a cash acceptor (bill validator or coin acceptor), whatever the protocol.

Theory of operation
-------------------
A driver owns ONE worker thread, which owns the port. The thread opens the port through the
injected ``link_factory``, runs the device's start-up, polls it, and reports what happens as
``CashEvent`` objects through ``on_event`` (called on the worker thread). When the port vanishes
or the device stops answering, the thread reports ``disconnected``, closes the port and reopens
it with an exponential backoff; a completed start-up reports ``connected``.

Money rule: a ``stacked`` event is handed to ``on_event`` BEFORE the device is told the credit
was seen (CCNET: before the ACK of that poll reply). If ``on_event`` raises, the driver keeps the
very same event (same ``ref``) and delivers it again later, and meanwhile inhibits acceptance:
the journal dedupes by ``ref``. Other events are best effort: a raising callback is logged.

``set_accepting(max_amount)`` may be called from any thread: ``None`` inhibits everything; an
int enables only denominations up to that many bani.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar, Protocol

from drivers.errors import LinkError
from drivers.link import Link

__all__ = [
    "EVENT_KINDS",
    "CashEvent",
    "CashAcceptor",
    "EscrowPolicy",
    "FrameLog",
    "AcceptorWorker",
    "DeviceSilent",
]

log = logging.getLogger(__name__)

EVENT_KINDS = frozenset(
    {
        "escrow",
        "stacked",
        "returned",
        "rejected",
        "fault",
        "fault_cleared",
        "cassette_removed",
        "cassette_inserted",
        "connected",
        "disconnected",
    }
)


@dataclass(frozen=True, slots=True, kw_only=True)
class CashEvent:
    """One thing that happened at a cash acceptor. Amounts are bani."""

    kind: str
    device: str  # "bill" or "coin"
    amount: int = 0
    currency: str = "MDL"
    ref: str = ""  # for "stacked": unique, stable id of this physical credit (journal dedupes)
    reason: str = ""  # technician English, short
    code: int | None = None  # raw device code where there is one
    recovered: bool = False  # a credit found at start-up (e.g. bill in stacker after power loss)

    def __post_init__(self) -> None:
        if self.kind not in EVENT_KINDS:
            raise ValueError(f"unknown cash event kind {self.kind!r}")
        if self.device not in ("bill", "coin"):
            raise ValueError(f"unknown cash device {self.device!r}")
        if isinstance(self.amount, bool) or not isinstance(self.amount, int) or self.amount < 0:
            raise ValueError(f"amount must be non-negative int bani, got {self.amount!r}")


# escrow_policy(amount_bani) -> True stack, False return, None "not decided yet" (driver holds)
EscrowPolicy = Callable[[int], "bool | None"]


class CashAcceptor(Protocol):
    """The shape both drivers share; the kiosk runtime codes against this."""

    @property
    def identity(self) -> dict[str, str]: ...

    def start(self) -> None: ...

    def stop(self) -> None: ...

    def set_accepting(self, max_amount: int | None) -> None: ...

    def last_frames(self) -> list[str]: ...


class FrameLog:
    """Ring buffer of the last raw frames on one device, as hex, for logs and the technician."""

    def __init__(self, size: int = 64) -> None:
        self._lines: deque[str] = deque(maxlen=size)
        self._lock = threading.Lock()

    def add(self, direction: str, raw: bytes) -> None:
        with self._lock:
            self._lines.append(f"{direction} {raw.hex(' ').upper()}")

    def lines(self) -> list[str]:
        with self._lock:
            return list(self._lines)


class DeviceSilent(Exception):
    """Internal: the device stopped answering; the worker reopens the port after a backoff."""


class AcceptorWorker:
    """Thread, reconnection, limits and event delivery shared by both cash drivers.

    Subclasses implement ``_serve(link)``: run start-up and polling on an open link until
    ``self._stopping`` is set (then leave the device inhibited and return). They raise
    ``LinkError`` when the port fails and ``DeviceSilent`` when the device stops answering.
    """

    device: ClassVar[str] = ""

    def __init__(
        self,
        link_factory: Callable[[], Link],
        *,
        on_event: Callable[[CashEvent], None],
        escrow_policy: EscrowPolicy | None = None,
        poll_interval: float = 0.2,
        clock: Callable[[], float] = time.monotonic,
        reconnect_delay: float = 0.2,
        reconnect_max_delay: float = 5.0,
        absent_after: float = 5.0,
        frame_log_size: int = 64,
    ) -> None:
        if poll_interval <= 0:
            raise ValueError("poll_interval must be positive")
        self._link_factory = link_factory
        self._on_event = on_event
        self._escrow_policy = escrow_policy
        self.poll_interval = poll_interval
        self._clock = clock
        self._reconnect_delay = reconnect_delay
        self._reconnect_max_delay = reconnect_max_delay
        self.absent_after = absent_after
        self.frames = FrameLog(frame_log_size)
        self._stopping = threading.Event()
        self._wake = threading.Event()  # set by stop() and set_accepting(): end a poll pause
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._limit: int | None = None
        self._limit_version = 0
        self._identity: dict[str, str] = {}
        self._connected = False
        self._outage_reported = False
        self._last_answer = clock()

    # ----------------------------------------------------------------- public API (any thread)

    @property
    def identity(self) -> dict[str, str]:
        with self._lock:
            return dict(self._identity)

    @property
    def connected(self) -> bool:
        return self._connected

    def last_frames(self) -> list[str]:
        return self.frames.lines()

    def set_accepting(self, max_amount: int | None) -> None:
        """Enable denominations up to ``max_amount`` bani; ``None`` inhibits everything."""
        if max_amount is not None and (
            isinstance(max_amount, bool) or not isinstance(max_amount, int) or max_amount < 0
        ):
            raise ValueError(f"max_amount must be None or non-negative int bani: {max_amount!r}")
        with self._lock:
            if max_amount != self._limit:
                self._limit = max_amount
                self._limit_version += 1
        self._wake.set()

    def accepting(self) -> tuple[int | None, int]:
        """The current limit and a version number that changes whenever the limit does."""
        with self._lock:
            return self._limit, self._limit_version

    def start(self) -> None:
        if self._thread is not None:
            return
        self._stopping.clear()
        self._last_answer = self._clock()
        self._thread = threading.Thread(
            target=self._run, name=f"{self.device}-acceptor", daemon=True
        )
        self._thread.start()

    def stop(self, timeout: float = 15.0) -> None:
        """Inhibit the device, close the port and join the worker thread."""
        self._stopping.set()
        self._wake.set()
        thread, self._thread = self._thread, None
        if thread is not None:
            thread.join(timeout)
            if thread.is_alive():
                log.error("%s acceptor thread did not stop within %.1f s", self.device, timeout)

    # ----------------------------------------------------------------- worker side

    def _serve(self, link: Link) -> None:
        raise NotImplementedError

    def _run(self) -> None:
        delay = self._reconnect_delay
        while not self._stopping.is_set():
            try:
                link = self._link_factory()
            except (LinkError, OSError) as exc:
                self._lost(f"cannot open port: {exc}", force=self._connected)
                self._stopping.wait(delay)
                delay = min(delay * 2, self._reconnect_max_delay)
                continue
            try:
                self._serve(link)
            except LinkError as exc:
                self._lost(f"port lost: {exc}", force=True)
            except DeviceSilent as exc:
                self._lost(str(exc) or "device does not answer", force=True)
            except Exception:
                log.exception("%s acceptor: unexpected error; reopening", self.device)
                self._emit(CashEvent(kind="fault", device=self.device, reason="driver error"))
                self._lost("driver error", force=True)
            finally:
                link.close()
            if self._connected:
                delay = self._reconnect_delay
            if not self._stopping.is_set():
                self._stopping.wait(delay)
                delay = min(delay * 2, self._reconnect_max_delay)

    def _pause(self, seconds: float) -> None:
        """Sleep up to ``seconds``; returns early on stop() or set_accepting()."""
        if seconds > 0 and self._wake.wait(seconds):
            self._wake.clear()

    def _answered(self) -> None:
        self._last_answer = self._clock()

    def _silent_for(self) -> float:
        return self._clock() - self._last_answer

    def _found(self, identity: dict[str, str]) -> None:
        with self._lock:
            self._identity = dict(identity)
        self._connected = True
        self._outage_reported = False
        shown = ("protocol", "manufacturer", "part", "serial", "firmware")
        desc = " ".join(f"{k}={identity[k]}" for k in shown if identity.get(k))
        self._emit(CashEvent(kind="connected", device=self.device, reason=desc[:160]))

    def _lost(self, reason: str, *, force: bool) -> None:
        """Report an outage once: at once if ``force``, else after ``absent_after`` of silence."""
        if self._outage_reported:
            return
        if not force and self._silent_for() < self.absent_after:
            return
        self._connected = False
        self._outage_reported = True
        self._emit(CashEvent(kind="disconnected", device=self.device, reason=reason[:160]))

    def _emit(self, event: CashEvent) -> None:
        try:
            self._on_event(event)
        except Exception:
            log.exception("%s acceptor: on_event failed for %s", self.device, event.kind)

    def _deliver_credit(self, event: CashEvent) -> bool:
        """Hand a credit to the host; False (logged) if the host could not take it."""
        try:
            self._on_event(event)
        except Exception:
            log.exception("%s acceptor: credit %s not taken; will retry", self.device, event.ref)
            return False
        return True

    def _policy(self, amount: int) -> bool | None:
        """Ask the escrow policy (default: within the current limit); errors mean return."""
        if self._escrow_policy is None:
            limit, _ = self.accepting()
            return limit is not None and amount <= limit
        try:
            return self._escrow_policy(amount)
        except Exception:
            log.exception("%s acceptor: escrow policy failed; returning the bill", self.device)
            return False
