"""Crash between a card approval being journalled and its acknowledgement to the card
terminal (ZVT emulator on a pseudo-terminal, kept by the test process across the crash): on
restart the runtime asks the terminal and either records the payment (kept) or the reversal;
a card is never charged without the payment following, and never charged twice."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from drivers.zvt.emulator import PtEmulator
from kiosk.mpay.sandbox import MpaySandbox
from kiosk.mpay.sandbox_data import sim_order_key
from tests.runtime.conftest import start_terminal, stop_terminal, wait_drained

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("pt_keeps", [True, False], ids=["pt-keeps", "pt-reverses"])
def test_restart_resolves_the_approval_with_the_terminal(tmp_path, pt_keeps):
    sandbox = MpaySandbox("127.0.0.1", 0, tmp_path / "sandbox").start()
    pt = PtEmulator().start()
    pt.keep_unconfirmed = pt_keeps
    pt.verdict_timeout = 1.0
    state = tmp_path / "state"
    key = sim_order_key("MDS02", 40 + int(pt_keeps))
    try:
        with subprocess.Popen(
            [sys.executable, "-m", "tests.runtime.card_child", str(state), sandbox.url, pt.port, key],
            cwd=ROOT, env=dict(os.environ, PYTHONPATH=str(ROOT)), stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL, text=True,
        ) as child:
            assert child.stdout is not None
            assert child.stdout.readline().strip() == "READY"
            assert child.stdout.readline().strip() == "JOURNALLED"
            child.kill()
            child.wait()
        assert pt.wait_idle(5)  # the PT waited its verdict_timeout for a commit that never came
        t = start_terminal(state, endpoint=sandbox.url, card_port=pt.port)
        try:
            ledger = t.ledger
            assert ledger.pending_card_approvals() == []
            wait_drained(ledger)
            export = ledger.export()
            if pt_keeps:
                [payment] = export["payments"]
                assert payment["status"] == "confirmed" and payment["amount"] == "150.00"
                assert [c.order_key for c in sandbox.confirmations()] == [key]
            else:
                assert export["payments"] == [] and export["vouchers"] == []
                assert sandbox.confirmations() == []
            assert ledger.interrupted_sessions() == []
            assert ledger.verify().ok
        finally:
            stop_terminal(t)
    finally:
        pt.stop()
        sandbox.stop()
