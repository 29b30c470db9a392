"""PinGate: the salted-hash PIN, the failure count, a lockout that outlives the process."""

from __future__ import annotations

import json
import logging
from pathlib import Path

from kiosk.config import Config
from kiosk.ledger import Ledger
from kiosk.service.pin import PIN_STATE_FILE, PinGate, PinOutcome
from tests.ledger.conftest import Clock

from .helpers import PIN


def _gate(config: Config, ledger: Ledger, clock: Clock) -> PinGate:
    return PinGate(config.service_mode, ledger, config.state_dir, clock=clock)


def _actions(ledger: Ledger) -> list[str]:
    return [r.action for r in ledger.audit_log()]


def test_the_right_pin_lets_in_and_is_audited_without_the_pin(
    config: Config, ledger: Ledger, clock: Clock
) -> None:
    gate = _gate(config, ledger, clock)
    result = gate.check(PIN)
    assert result.ok and result.outcome is PinOutcome.ACCEPTED
    gate.leave()
    assert _actions(ledger) == ["service.enter", "service.exit"]
    assert PIN not in json.dumps([r.detail for r in ledger.audit_log()])


def test_wrong_pins_count_down_then_lock_even_the_right_pin_out(
    config: Config, ledger: Ledger, clock: Clock
) -> None:
    gate = _gate(config, ledger, clock)  # max_attempts 3, lockout 60 s
    assert [gate.check("0000").attempts_left for _ in range(2)] == [2, 1]
    locked = gate.check("1111")
    assert locked.outcome is PinOutcome.LOCKED and locked.locked_for == 60
    clock.advance(20)
    refused = gate.check(PIN)
    assert refused.outcome is PinOutcome.LOCKED and refused.locked_for == 40
    assert gate.attempts_left() == 0
    clock.advance(41)
    assert gate.locked_for() == 0 and gate.attempts_left() == 3
    assert gate.check(PIN).ok
    assert _actions(ledger) == ["service.pin_wrong"] * 3 + [
        "service.locked", "service.pin_refused", "service.enter"]
    details = [r.detail for r in ledger.audit_log()]
    assert details[3]["seconds"] == 60 and details[3]["until"].endswith("Z")
    assert "0000" not in json.dumps(details) and PIN not in json.dumps(details)


def test_the_lockout_survives_a_new_gate_and_a_reopened_journal(
    config: Config, ledger: Ledger, clock: Clock
) -> None:
    gate = _gate(config, ledger, clock)
    for _ in range(3):
        gate.check("9999")
    ledger.close()
    with Ledger.open(config.state_dir) as reopened:
        again = _gate(config, reopened, clock)
        assert again.locked_for() == 60
        assert again.check(PIN).outcome is PinOutcome.LOCKED


def test_a_right_pin_resets_the_count(config: Config, ledger: Ledger, clock: Clock) -> None:
    gate = _gate(config, ledger, clock)
    gate.check("0000")
    gate.check("0000")
    assert gate.check(PIN).ok
    assert gate.check("0000").attempts_left == 2


def test_a_clock_set_back_never_lengthens_the_lockout(
    config: Config, ledger: Ledger, clock: Clock
) -> None:
    gate = _gate(config, ledger, clock)
    for _ in range(3):
        gate.check("0000")
    clock.advance(-3600)  # NTP corrected the clock by an hour
    assert gate.locked_for() == 60


def test_an_unreadable_state_file_counts_from_zero_loudly(
    config: Config, ledger: Ledger, clock: Clock, caplog
) -> None:
    gate = _gate(config, ledger, clock)
    gate.check("0000")
    path: Path = config.state_dir / PIN_STATE_FILE
    assert json.loads(path.read_text())["failures"] == 1
    assert path.stat().st_mode & 0o777 == 0o600
    path.write_text("{not json")
    with caplog.at_level(logging.WARNING, logger="kiosk.service.pin"):
        assert gate.attempts_left() == 3
    assert "unreadable" in caplog.text
