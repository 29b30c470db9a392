"""The sd_notify protocol (READY, WATCHDOG, STATUS, STOPPING) without libsystemd.

systemd passes ``NOTIFY_SOCKET`` (a path, or ``@name`` for the abstract namespace) and, with
``WatchdogSec=``, ``WATCHDOG_USEC``. Outside systemd every call is a no-op.

``Watchdog`` pings only while every liveness check it is given passes (the main loop's heartbeat
is recent and each device worker thread is alive), so a hung kiosk is restarted by systemd
instead of being kept alive by a pinging thread.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections.abc import Callable, Mapping

__all__ = ["notify", "watchdog_interval", "Watchdog"]

log = logging.getLogger(__name__)


def notify(state: str, *, env: Mapping[str, str] | None = None) -> bool:
    """Send one notification such as ``"READY=1"``. Returns False when not under systemd."""
    env = os.environ if env is None else env
    address = env.get("NOTIFY_SOCKET")
    if not address:
        return False
    if address.startswith("@"):
        address = "\0" + address[1:]
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC) as sock:
            sock.connect(address)
            sock.sendall(state.encode())
    except OSError as exc:
        log.warning("sd_notify failed: %s", exc)
        return False
    return True


def watchdog_interval(env: Mapping[str, str] | None = None) -> float | None:
    """Half of WatchdogSec in seconds (how often to ping), or None when no watchdog is set."""
    env = os.environ if env is None else env
    usec = env.get("WATCHDOG_USEC")
    pid = env.get("WATCHDOG_PID")
    if not usec or (pid and pid != str(os.getpid())):
        return None
    try:
        return max(int(usec) / 2_000_000, 0.05)
    except ValueError:
        return None


class Watchdog:
    """Pings WATCHDOG=1 every ``interval`` seconds while all ``checks`` return True."""

    def __init__(self, interval: float, checks: Mapping[str, Callable[[], bool]], *,
                 env: Mapping[str, str] | None = None) -> None:
        self.interval = interval
        self.checks = dict(checks)
        self._env = env
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="sd-watchdog", daemon=True)
        self.failing: str | None = None

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5)

    def _run(self) -> None:
        while not self._stop.is_set():
            failing = next((name for name, ok in self.checks.items() if not _safe(ok)), None)
            if failing != self.failing:
                if failing:
                    log.error("watchdog: %s is not alive; withholding WATCHDOG=1", failing)
                    notify(f"STATUS=unhealthy: {failing}", env=self._env)
                self.failing = failing
            if failing is None:
                notify("WATCHDOG=1", env=self._env)
            self._stop.wait(self.interval)


def _safe(check: Callable[[], bool]) -> bool:
    try:
        return bool(check())
    except Exception:  # noqa: BLE001 - a broken check means "not alive"
        return False


class Heartbeat:
    """A timestamp the main loop bumps; ``fresh()`` says whether it moved recently."""

    def __init__(self, max_age: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.max_age = max_age
        self._clock = clock
        self._last = clock()

    def beat(self) -> None:
        self._last = self._clock()

    def fresh(self) -> bool:
        return self._clock() - self._last <= self.max_age
