"""The session loop: one thread that owns the payer session's state.

Theory of operation
-------------------
The pure machine (``kiosk.session``) is only ever stepped on this thread, so it needs no locks.
Everything else talks to it by posting events into one queue:

* the UI posts intents (taps) through ``post``;
* workers (devices, MPay lookups, the printer, the card terminal) post results;
* the loop itself posts ``Tick(now)`` about once a second, which drives every timeout.

After each step the loop hands the effects to ``EffectRunner.run`` (which must not block: slow work
goes to a worker thread that posts its result back) and then publishes the new view to every
subscriber. Money never enters the machine unjournalled: device threads write the ledger first
and only then post a ``CreditJournalled`` event (see ``kiosk.runtime.money``).

A failing effect handler is logged and turned into the machine's fault event by the runner; it
never kills the loop. ``alive()`` is what the systemd watchdog asks.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from typing import Any, Protocol

__all__ = ["SessionLoop", "EffectRunner"]

log = logging.getLogger(__name__)

_STOP = object()


class EffectRunner(Protocol):
    def run(self, effects: tuple[Any, ...], state: Any) -> None: ...


class SessionLoop:
    """Runs ``step(state, event) -> (state, effects)`` on its own thread."""

    def __init__(
        self,
        *,
        step: Callable[[Any, Any], tuple[Any, tuple[Any, ...]]],
        initial_state: Any,
        view_of: Callable[[Any], Any],
        tick: Callable[[float], Any],
        runner: EffectRunner,
        wall_clock: Callable[[], float] = time.time,
        tick_interval: float = 1.0,
    ) -> None:
        self._step = step
        self._state = initial_state
        self._view_of = view_of
        self._tick = tick
        self._runner = runner
        self._wall_clock = wall_clock
        self._tick_interval = tick_interval
        self._queue: queue.Queue[Any] = queue.Queue()
        self._subscribers: list[Callable[[Any], None]] = []
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._last_turn = time.monotonic()
        self._view = view_of(initial_state)
        self._idle = threading.Condition()
        self._pending = 0

    # -- public API (any thread) ------------------------------------------------------------
    def post(self, event: Any) -> None:
        with self._idle:
            self._pending += 1
        self._queue.put(event)

    def subscribe(self, callback: Callable[[Any], None]) -> None:
        """``callback(view)`` is called on the loop thread after every step; keep it quick."""
        with self._lock:
            self._subscribers.append(callback)
        callback(self._view)

    @property
    def view(self) -> Any:
        return self._view

    @property
    def state(self) -> Any:
        return self._state

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="session-loop", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        if self._thread is None:
            return
        self._queue.put(_STOP)
        self._thread.join(timeout=10)
        self._thread = None

    def alive(self, max_stall: float = 10.0) -> bool:
        return (self._thread is not None and self._thread.is_alive()
                and time.monotonic() - self._last_turn < max_stall)

    def wait_idle(self, timeout: float = 5.0) -> bool:
        """Block until every posted event has been stepped (tests and the simulator use it)."""
        deadline = time.monotonic() + timeout
        with self._idle:
            while self._pending:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._idle.wait(left)
        return True

    # -- the loop -----------------------------------------------------------------------------
    def _run(self) -> None:
        next_tick = time.monotonic()
        while True:
            self._last_turn = time.monotonic()
            timeout = max(0.0, next_tick - time.monotonic())
            try:
                item = self._queue.get(timeout=timeout)
            except queue.Empty:
                item = None
            if item is _STOP:
                return
            if item is None:
                next_tick = time.monotonic() + self._tick_interval
                self._apply(self._tick(self._wall_clock()))
                continue
            try:
                self._apply(item)
            finally:
                with self._idle:
                    self._pending -= 1
                    if not self._pending:
                        self._idle.notify_all()

    def _apply(self, event: Any) -> None:
        try:
            new_state, effects = self._step(self._state, event)
        except Exception:
            log.exception("session machine refused %s", type(event).__name__)
            return
        self._state = new_state
        if effects:
            try:
                self._runner.run(effects, new_state)
            except Exception:
                log.exception("effect runner failed on %s", [type(e).__name__ for e in effects])
        view = self._view_of(new_state)
        if view != self._view:
            self._view = view
            with self._lock:
                subscribers = list(self._subscribers)
            for callback in subscribers:
                try:
                    callback(view)
                except Exception:
                    log.exception("view subscriber failed")
