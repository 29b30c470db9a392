"""Backend calls off the UI thread: one short-lived worker thread per call, result back by signal.

Service actions block (a PBKDF2 check, printing, probing ports, asking a card terminal), and the
runtime's device reports reach the UI thread through queued signals that must not wait behind
them. ``TaskRunner.run(fn, done)`` calls ``fn()`` on a worker thread and ``done(result)`` (or
``failed(exc)``) on the UI thread. ``wait()`` joins every worker (window shutdown, tests).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from ui.qt import QObject, Signal

__all__ = ["TaskRunner"]

log = logging.getLogger(__name__)


class TaskRunner(QObject):
    """Runs callables on worker threads; delivers outcomes on the thread that owns it.

    Signals:
        busy_changed(bool): True when the first task starts, False when the last one ends.
    """

    busy_changed = Signal(bool)
    _finished = Signal(object)  # (task id, callback, value) from a worker thread

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._threads: dict[int, threading.Thread] = {}
        self._next = 0
        self._lock = threading.Lock()
        self._closed = False
        self._finished.connect(self._deliver)

    @property
    def busy(self) -> bool:
        with self._lock:
            return bool(self._threads)

    def run(
        self,
        fn: Callable[[], Any],
        done: Callable[[Any], None],
        failed: Callable[[BaseException], None] | None = None,
    ) -> None:
        """Call ``fn()`` on a worker; then ``done(value)`` or ``failed(exc)`` on this thread."""
        if self._closed:
            return
        with self._lock:
            task = self._next
            self._next += 1
            first = not self._threads

        def work() -> None:
            try:
                outcome: tuple[Callable[[Any], None] | None, Any] = (done, fn())
            except Exception as exc:
                log.exception("service task failed")
                outcome = (failed, exc)
            self._finished.emit((task, outcome[0], outcome[1]))

        thread = threading.Thread(target=work, name=f"service-task-{task}", daemon=True)
        with self._lock:
            self._threads[task] = thread
        thread.start()
        if first:
            self.busy_changed.emit(True)

    def _deliver(self, payload: tuple[int, Callable[[Any], None] | None, Any]) -> None:
        task, callback, value = payload
        with self._lock:
            thread = self._threads.pop(task, None)
            idle = not self._threads
        if thread is not None:
            thread.join(1.0)
        if callback is not None and not self._closed:
            callback(value)
        if idle:
            self.busy_changed.emit(False)

    def wait(self, timeout: float = 30.0) -> bool:
        """Join every running worker (their callbacks are then dropped if ``close``d)."""
        with self._lock:
            threads = list(self._threads.values())
        for thread in threads:
            thread.join(timeout)
        return not any(t.is_alive() for t in threads)

    def close(self, timeout: float = 30.0) -> None:
        """Stop delivering results and join the workers."""
        self._closed = True
        self.wait(timeout)
