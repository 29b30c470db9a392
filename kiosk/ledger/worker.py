"""Delivering the outbox: the background ``OutboxWorker`` and the synchronous ``drain``.

Theory of operation
-------------------
One attempt (``attempt_delivery``) reads the entry's stored confirmation, calls
``confirmer.confirm_order_payment`` with the ledger lock *not* held, then records the outcome
and the evidence in one transaction:

==============================================  ==========================================
what happened                                   outcome
==============================================  ==========================================
Evidence returned                               ``confirmed``
MpayError with ``retryable``                    ``retry`` after ``backoff_delay``;
                                                ``alert`` if ``needs_technician``
MpayError without ``retryable``                 ``parked`` (needs_technician; never dropped)
any other exception (a bug in the confirmer)    ``retry`` with ``alert``, logged with trace
==============================================  ==========================================

The worker is one thread that sleeps until the earliest due entry, or until ``wake()`` (the
runtime calls it right after minting a payment). When MPay is unreachable (``MpayUnavailable``)
it holds off every entry, not just the one that failed, until that entry's backoff expires, so
a dead network costs one attempt per backoff step, not one per queued payment. The payer never
waits on any of this.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from kiosk.ledger.errors import LedgerError
from kiosk.ledger.outbox import backoff_delay
from kiosk.ledger.records import OutboxEntry
from kiosk.mpay.errors import MpayError, MpayUnavailable
from kiosk.mpay.models import Evidence, PaymentConfirmation

if TYPE_CHECKING:
    from kiosk.ledger.ledger import Ledger

__all__ = [
    "Confirmer",
    "Attempt",
    "attempt_delivery",
    "OutboxState",
    "OutboxWorker",
    "DrainResult",
    "drain",
]

log = logging.getLogger(__name__)


class Confirmer(Protocol):
    """What delivers a confirmation: ``kiosk.mpay.client.MpayClient`` in production."""

    def confirm_order_payment(self, conf: PaymentConfirmation) -> Evidence: ...


@dataclass(frozen=True, slots=True, kw_only=True)
class Attempt:
    payment_id: str
    outcome: str  # confirmed | retry | parked
    attempt: int  # 1 for the first attempt ever on this entry
    error: BaseException | None = None
    delay: float | None = None  # seconds until the next attempt (retry only)


def attempt_delivery(
    ledger: Ledger,
    confirmer: Confirmer,
    entry: OutboxEntry,
    *,
    rng: Callable[[], float] = random.random,
    backoff_initial_s: float = 2.0,
    backoff_max_s: float = 300.0,
) -> Attempt:
    """Try one entry once and record the result (see the module docstring).

    Raises only what the ledger raises while recording (e.g. a full disk); the entry then stays
    due and is sent again later, with the same PaymentID and content."""
    started = ledger.now()
    conf = entry.confirmation
    error: BaseException | None = None
    evidence: Evidence | None = None
    if conf is None:
        error = LedgerError("the stored confirmation cannot be read back")
        outcome, alert = "parked", True
    else:
        try:
            evidence = confirmer.confirm_order_payment(conf)
        except MpayError as exc:
            error, evidence = exc, exc.evidence
            outcome = "retry" if exc.retryable else "parked"
            alert = exc.needs_technician
        except Exception as exc:
            log.exception("outbox: the confirmer failed unexpectedly on %s", entry.payment_id)
            error, outcome, alert = exc, "retry", True
        else:
            outcome, alert = "confirmed", False
    delay = None
    next_at = None
    if outcome == "retry":
        delay = backoff_delay(
            entry.attempts + 1, initial=backoff_initial_s, maximum=backoff_max_s, rng=rng
        )
        next_at = ledger.now() + delay
    if error is not None:
        log.warning(
            "outbox: %s attempt %d failed (%s: %s) -> %s",
            entry.payment_id,
            entry.attempts + 1,
            type(error).__name__,
            error,
            outcome,
        )
    number = ledger.record_attempt(
        entry.payment_id,
        outcome=outcome,
        started_at=started,
        evidence=evidence,
        error=error,
        next_attempt_at=next_at,
        alert=alert,
    )
    return Attempt(
        payment_id=entry.payment_id, outcome=outcome, attempt=number, error=error, delay=delay
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class OutboxState:
    """A snapshot for the UI and the service screens (times are ledger-clock seconds)."""

    running: bool
    pending: int
    pending_amount: int
    needs_technician: int
    alert: bool  # something needs a technician (a parked entry or an alerting error)
    delivered: int  # confirmed by this worker since start()
    consecutive_failures: int
    last_error: str | None
    last_error_kind: str | None
    last_attempt_at: float | None
    last_success_at: float | None
    next_attempt_at: float | None


class OutboxWorker:
    """The outbox's delivery thread (see the module docstring).

    ``on_change(state)`` (optional) is called on the worker thread after every attempt; keep it
    quick (the runtime re-posts it to the Qt main thread). ``clock`` defaults to the ledger's
    own clock (due times are stored in it); ``idle_s`` bounds a sleep on an empty queue.
    """

    def __init__(
        self,
        ledger: Ledger,
        confirmer: Confirmer,
        *,
        clock: Callable[[], float] | None = None,
        rng: Callable[[], float] = random.random,
        backoff_initial_s: float = 2.0,
        backoff_max_s: float = 300.0,
        idle_s: float = 60.0,
        on_change: Callable[[OutboxState], None] | None = None,
    ) -> None:
        self._ledger = ledger
        self._confirmer = confirmer
        self._clock = clock or ledger.now
        self._rng = rng
        self._initial = backoff_initial_s
        self._max = backoff_max_s
        self._idle = idle_s
        self._on_change = on_change
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()  # the counters below
        self._hold_until = 0.0
        self._delivered = 0
        self._failures = 0
        self._last_error: tuple[str, str] | None = None
        self._last_attempt_at: float | None = None
        self._last_success_at: float | None = None

    def start(self) -> None:
        if self._thread is not None:
            raise RuntimeError("the outbox worker is already started")
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="outbox", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 30.0) -> bool:
        """Stop and join. An attempt in flight finishes first (bounded by the confirmer's own
        timeout). Returns False if the thread did not end within ``timeout``."""
        self._stop.set()
        self._wake.set()
        thread, self._thread = self._thread, None
        if thread is None:
            return True
        thread.join(timeout)
        if thread.is_alive():
            log.error("outbox: the worker did not stop within %.0f s", timeout)
            return False
        return True

    def wake(self) -> None:
        """Look at the queue now (a payment was minted, or the network is back)."""
        with self._lock:
            self._hold_until = 0.0
        self._wake.set()

    def state(self) -> OutboxState:
        s = self._ledger.outbox_summary()
        with self._lock:
            return OutboxState(
                running=self._thread is not None and self._thread.is_alive(),
                pending=s.pending,
                pending_amount=s.pending_amount,
                needs_technician=s.needs_technician,
                alert=bool(s.needs_technician or s.alert),
                delivered=self._delivered,
                consecutive_failures=self._failures,
                last_error=self._last_error[1] if self._last_error else None,
                last_error_kind=self._last_error[0] if self._last_error else None,
                last_attempt_at=self._last_attempt_at,
                last_success_at=self._last_success_at,
                next_attempt_at=max(s.next_attempt_at, self._hold_until)
                if s.next_attempt_at is not None
                else None,
            )

    # ------------------------------------------------------------------ the thread

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                wait = self._step()
            except Exception:
                log.exception("outbox: unexpected failure; retrying in %.1f s", self._initial)
                wait = self._initial
            if wait is None:
                continue
            self._wake.wait(wait)
            self._wake.clear()

    def _step(self) -> float | None:
        """Do one attempt if one is due (returns None), else return how long to sleep."""
        now = self._clock()
        with self._lock:
            hold = self._hold_until
        if now < hold:
            return min(hold - now, self._idle)
        entry, due = self._ledger.next_due(now, horizon=self._max)
        if entry is None:
            return self._idle if due is None else min(max(due - now, 0.0), self._idle)
        result = attempt_delivery(
            self._ledger,
            self._confirmer,
            entry,
            rng=self._rng,
            backoff_initial_s=self._initial,
            backoff_max_s=self._max,
        )
        with self._lock:
            self._last_attempt_at = self._clock()
            if result.outcome == "confirmed":
                self._delivered += 1
                self._failures = 0
                self._last_success_at = self._last_attempt_at
                self._last_error = None
            else:
                self._failures += 1
                err = result.error
                self._last_error = (type(err).__name__, str(err)) if err else None
                if isinstance(err, MpayUnavailable) and result.delay is not None:
                    self._hold_until = self._last_attempt_at + result.delay
        if self._on_change is not None:
            try:
                self._on_change(self.state())
            except Exception:
                log.exception("outbox: on_change callback failed")
        return None


# ---------------------------------------------------------------------- drain


@dataclass(frozen=True, slots=True, kw_only=True)
class DrainResult:
    delivered: int  # confirmed during this drain
    attempts: int
    parked: int  # parked during this drain
    pending: int  # still pending at the end
    needs_technician: int  # parked at the end (from this drain or before)
    timed_out: bool
    last_error: str | None

    @property
    def empty(self) -> bool:
        return self.pending == 0 and self.needs_technician == 0


def drain(
    ledger: Ledger,
    confirmer: Confirmer,
    timeout_s: float,
    *,
    rng: Callable[[], float] = random.random,
    backoff_initial_s: float = 2.0,
    backoff_max_s: float = 300.0,
    retry_initial_s: float = 0.25,
    retry_max_s: float = 5.0,
    monotonic: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> DrainResult:
    """Deliver every pending entry now, ignoring their schedule, retrying failures with a short
    backoff (``retry_*``) until the queue is empty or ``timeout_s`` has passed (an attempt
    already under way finishes first). Parked entries are left alone (``kiosk outbox retry``).
    What is recorded for the background worker uses ``backoff_*``."""
    deadline = monotonic() + timeout_s
    local_next: dict[str, float] = {}
    tries: dict[str, int] = {}
    hold = 0.0
    delivered = attempts = parked = 0
    last_error: str | None = None
    timed_out = False
    while True:
        pending = ledger.outbox_entries(["pending"])
        if not pending:
            break
        now = monotonic()
        if now >= deadline:
            timed_out = True
            break
        due = [e for e in pending if max(local_next.get(e.payment_id, 0.0), hold) <= now]
        if not due:
            soonest = min(max(local_next.get(e.payment_id, 0.0), hold) for e in pending)
            sleep(max(0.0, min(soonest, deadline) - now))
            continue
        for entry in due:
            if monotonic() >= deadline:
                break
            result = attempt_delivery(
                ledger,
                confirmer,
                entry,
                rng=rng,
                backoff_initial_s=backoff_initial_s,
                backoff_max_s=backoff_max_s,
            )
            attempts += 1
            if result.outcome == "confirmed":
                delivered += 1
                continue
            last_error = f"{type(result.error).__name__}: {result.error}"
            if result.outcome == "parked":
                parked += 1
                continue
            n = tries[entry.payment_id] = tries.get(entry.payment_id, 0) + 1
            wait = backoff_delay(n, initial=retry_initial_s, maximum=retry_max_s, rng=rng)
            local_next[entry.payment_id] = monotonic() + wait
            if isinstance(result.error, MpayUnavailable):
                hold = local_next[entry.payment_id]
                break
    s = ledger.outbox_summary()
    return DrainResult(
        delivered=delivered,
        attempts=attempts,
        parked=parked,
        pending=s.pending,
        needs_technician=s.needs_technician,
        timed_out=timed_out,
        last_error=last_error,
    )
