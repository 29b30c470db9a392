"""A host killed in the middle of a bill, then restarted on the same journal: the bill is
credited exactly once (never lost, never twice). The bill validator is the CCNET emulator on a
pseudo-terminal; the host is a real process killed with SIGKILL."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from drivers.ccnet.driver import BillValidator
from drivers.ccnet.emulator import BillValidatorEmulator, EmulatorTiming
from drivers.link import SerialLink
from kiosk.ledger import Ledger
from kiosk.runtime.cash import CashDesk
from tests.runtime.conftest import wait_until

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]


def _child(state: Path, port: str, mode: str) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-m", "tests.runtime.bill_child", str(state), port, mode],
                            cwd=ROOT, env=dict(os.environ, PYTHONPATH=str(ROOT)),
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "READY"
    return proc


def _restart_host(state: Path, port: str):
    ledger = Ledger.open(state, terminal_id="T-1")
    events = []
    desk = CashDesk(ledger, post=events.append, session_for_credit=lambda: "after-restart")
    desk.attach("bill", "ccnet", port,
                lambda **cb: BillValidator(lambda: SerialLink(port, 9600), poll_interval=0.05, **cb))
    desk.start()
    return ledger, desk, events


def _credits(state: Path):
    with Ledger.open(state, terminal_id="T-1") as ledger:
        return ledger.export()["credits"]


def _stack_records(ledger):
    return [r for r in ledger.audit_log(50) if r.action == "escrow.stack"]


def test_power_cut_while_stacking_credits_the_bill_once_after_restart(tmp_path):
    state = tmp_path / "state"
    emu = BillValidatorEmulator(timing=EmulatorTiming.fast(stack_time=3.0)).start()
    try:
        child = _child(state, emu.port, "stack")
        with child:
            emu.insert_bill(10000)
            wait_until(lambda: emu.mode == "stacking", what="stacking")
            child.kill()
            child.wait()
        emu.power_cycle("stacker")  # the whole terminal lost power mid-stack
        assert _credits(state) == []
        ledger, desk, _ = _restart_host(state, emu.port)
        try:
            [stack] = _stack_records(ledger)
            # done once the journal holds the bill and the validator had its ACK for it
            wait_until(lambda: ledger.export()["credits"] and emu.pending_event is None,
                       what="the recovered bill to be credited and acknowledged")
            credits = ledger.export()["credits"]
            assert [c["amount"] for c in credits] == ["100.00"]
            assert ledger.credit(stack.detail["ref"]) is not None  # under the STACK's own ref
        finally:
            desk.stop()
            ledger.close()
    finally:
        emu.stop()


def test_killed_after_journalling_before_the_ack_is_not_counted_twice(tmp_path):
    state = tmp_path / "state"
    emu = BillValidatorEmulator(timing=EmulatorTiming.fast()).start()
    try:
        child = _child(state, emu.port, "ack")
        with child:
            emu.insert_bill(20000)
            assert child.stdout is not None
            assert child.stdout.readline().strip() == "JOURNALLED"
            child.kill()
            child.wait()
        assert [c["amount"] for c in _credits(state)] == ["200.00"]
        # the validator never got its ACK: it still reports "bill stacked" to the next host
        assert emu.pending_event is not None  # "bill stacked", still waiting for its ACK
        ledger, desk, events = _restart_host(state, emu.port)
        try:
            wait_until(lambda: emu.pending_event is None, what="the repeated bill to be acknowledged")
            assert any(r.action == "credit.duplicate_ignored" for r in ledger.audit_log(50))
            assert [c["amount"] for c in ledger.export()["credits"]] == ["200.00"]
            assert not [e for e in events if type(e).__name__ == "CreditJournalled"]
        finally:
            desk.stop()
            ledger.close()
    finally:
        emu.stop()
