"""The technician PIN gate: verify, count failures, lock out; the lockout survives restarts.

Theory of operation
-------------------
* A PIN is checked against ``[service_mode] pin_hash`` (salted PBKDF2, ``kiosk.config.verify_pin``).
* Each wrong PIN adds one to a failure counter. At ``max_attempts`` failures the gate locks for
  ``lockout_s`` seconds and the counter starts again from zero. A right PIN resets the counter.
* While locked, no PIN is checked at all, not even the right one: the answer is LOCKED with the
  seconds left. (Checking it would let an attacker keep guessing during the lockout.)
* The counter and the end of the lock live in ``<state_dir>/service-pin.json``, replaced
  atomically on every change, so a restart or a second gate object cannot reset a lockout.
  Times there are wall-clock POSIX seconds (a lockout must outlive the process); a clock that
  jumps back never makes the remaining time longer than ``lockout_s``.
* Every attempt, lockout, entry and exit goes to the ledger's audit log with the time (never
  the PIN, nor its length).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from kiosk.config import ServiceModeConfig, verify_pin
from kiosk.ledger import Ledger
from kiosk.ledger.store import utc_iso

__all__ = ["PIN_STATE_FILE", "PinOutcome", "PinResult", "PinGate"]

log = logging.getLogger(__name__)

PIN_STATE_FILE = "service-pin.json"
ACTOR = "technician"


class PinOutcome(StrEnum):
    ACCEPTED = "accepted"
    WRONG = "wrong"  # counted; ``attempts_left`` more before the lockout
    LOCKED = "locked"  # not checked; ``locked_for`` seconds left
    BUSY = "busy"  # not checked: a payer has money in flight (the backend says so, not the gate)


@dataclass(frozen=True, slots=True, kw_only=True)
class PinResult:
    outcome: PinOutcome
    attempts_left: int
    locked_for: float = 0.0  # seconds, when LOCKED (or when this wrong PIN started a lockout)

    @property
    def ok(self) -> bool:
        return self.outcome is PinOutcome.ACCEPTED


class PinGate:
    """Checks technician PINs for one terminal (thread-safe).

    Args:
        config: the ``[service_mode]`` section.
        ledger: where every attempt, entry and exit is audited.
        state_dir: where the failure counter and lock are kept (the kiosk's state directory).
        clock: wall-clock POSIX seconds (tests pass their own).
    """

    def __init__(
        self,
        config: ServiceModeConfig,
        ledger: Ledger,
        state_dir: Path,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.config = config
        self.ledger = ledger
        self.path = Path(state_dir) / PIN_STATE_FILE
        self._clock = clock
        self._lock = threading.Lock()

    # ------------------------------------------------------------------ queries

    def locked_for(self) -> float:
        """Seconds until PINs are checked again (0.0 when not locked)."""
        with self._lock:
            _, until = self._load()
            return self._left(until)

    def attempts_left(self) -> int:
        with self._lock:
            failures, until = self._load()
            return 0 if self._left(until) else max(0, self.config.max_attempts - failures)

    # ------------------------------------------------------------------ actions

    def check(self, pin: str, *, actor: str = ACTOR) -> PinResult:
        """Check ``pin``; count a failure, start a lockout or let the technician in (audited)."""
        with self._lock:
            failures, until = self._load()
            left = self._left(until)
            if left:
                self.ledger.audit(actor, "service.pin_refused", {"reason": "locked",
                                                                 "seconds_left": int(left + 0.999)})
                return PinResult(outcome=PinOutcome.LOCKED, attempts_left=0, locked_for=left)
            if verify_pin(pin, self.config.pin_hash):
                self._save(0, 0.0)
                self.ledger.audit(actor, "service.enter", {"after_failures": failures})
                return PinResult(outcome=PinOutcome.ACCEPTED, attempts_left=self.config.max_attempts)
            failures += 1
            if failures >= self.config.max_attempts:
                now = self._clock()
                until = now + self.config.lockout_s
                self._save(0, until)
                self.ledger.audit(actor, "service.pin_wrong", {"failures": failures})
                self.ledger.audit(actor, "service.locked", {"seconds": self.config.lockout_s,
                                                            "until": utc_iso(until)})
                return PinResult(outcome=PinOutcome.LOCKED, attempts_left=0,
                                 locked_for=float(self.config.lockout_s))
            self._save(failures, 0.0)
            self.ledger.audit(actor, "service.pin_wrong", {"failures": failures})
            return PinResult(outcome=PinOutcome.WRONG,
                             attempts_left=self.config.max_attempts - failures)

    def leave(self, *, actor: str = ACTOR, reason: str = "exit") -> None:
        """Audit that the technician left service mode (``reason``: exit, timeout...)."""
        self.ledger.audit(actor, "service.exit", {"reason": reason})

    # ------------------------------------------------------------------ the state file

    def _left(self, until: float) -> float:
        if not until:
            return 0.0
        left = until - self._clock()
        return min(max(left, 0.0), float(self.config.lockout_s))

    def _load(self) -> tuple[int, float]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            failures, until = int(data["failures"]), float(data["locked_until"])
        except FileNotFoundError:
            return 0, 0.0
        except (OSError, ValueError, KeyError, TypeError) as exc:
            # Unreadable state: start over, loudly. (Whoever can corrupt this file can read the
            # configuration too; failing closed would lock the technician out for good.)
            log.warning("service PIN state %s unreadable (%s); counting from zero", self.path, exc)
            return 0, 0.0
        return max(failures, 0), max(until, 0.0)

    def _save(self, failures: int, until: float) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(self.path.name + ".tmp")
        payload = json.dumps({"failures": failures, "locked_until": until})
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            os.write(fd, payload.encode())
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, self.path)
        with contextlib.suppress(OSError):
            dir_fd = os.open(self.path.parent, os.O_RDONLY)
            try:
                os.fsync(dir_fd)
            finally:
                os.close(dir_fd)
