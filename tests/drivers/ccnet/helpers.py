"""Test helpers shared by the cash driver tests: an event recorder and bounded waits."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from drivers.cash import CashEvent
from drivers.errors import LinkError
from drivers.link import Link

__all__ = ["Recorder", "wait_until", "Reopenable"]


class Reopenable:
    """A handle on an in-memory link end that can be closed and "reopened" (a new handle),
    the way a driver reopens a serial port, without closing the shared end itself."""

    def __init__(self, inner: Link) -> None:
        self.inner = inner
        self.closed = False

    def write(self, data: bytes) -> None:
        if self.closed:
            raise LinkError("handle closed")
        self.inner.write(data)

    def read_some(self, max_bytes: int, timeout: float) -> bytes:
        if self.closed:
            raise LinkError("handle closed")
        return self.inner.read_some(max_bytes, timeout)

    def reset_input(self) -> None:
        self.inner.reset_input()

    def close(self) -> None:
        self.closed = True


def wait_until(predicate: Callable[[], bool], timeout: float = 5.0, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what or predicate}")
        time.sleep(0.005)


class Recorder:
    """``on_event`` for a driver: records events; can be told to fail the next credits."""

    def __init__(self) -> None:
        self.events: list[CashEvent] = []
        self.fail_credits = 0
        self.credit_attempts = 0
        self._lock = threading.Lock()

    def __call__(self, event: CashEvent) -> None:
        if event.kind == "stacked":
            with self._lock:
                self.credit_attempts += 1
                if self.fail_credits > 0:
                    self.fail_credits -= 1
                    raise OSError("journal unavailable")
        with self._lock:
            self.events.append(event)

    def kinds(self) -> list[str]:
        with self._lock:
            return [e.kind for e in self.events]

    def of(self, kind: str) -> list[CashEvent]:
        with self._lock:
            return [e for e in self.events if e.kind == kind]

    def wait(self, kind: str, count: int = 1, timeout: float = 5.0) -> list[CashEvent]:
        wait_until(
            lambda: len(self.of(kind)) >= count, timeout, f"{count} x {kind!r}: {self.kinds()}"
        )
        return self.of(kind)
