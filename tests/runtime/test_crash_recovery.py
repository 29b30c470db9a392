"""SIGKILL a terminal in the middle of a cash session, start it again on the same journal, and
check that every credit ends in exactly one payment or voucher and that MPay hears of each
payment once (real processes, pseudo-terminals, SOAP and SQLite)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.mpay.sandbox import MpaySandbox
from kiosk.mpay.sandbox_data import sim_order_key
from tests.runtime.conftest import start_terminal, stop_terminal, wait_drained, wait_until

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]


def _bani(text: str) -> int:
    lei, _, bani = text.partition(".")
    return int(lei) * 100 + int((bani or "0").ljust(2, "0"))


def _kill_mid_session(state: Path, endpoint: str, key: str, mode: str, delay: float = 0.0) -> None:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.run(
        [sys.executable, "-m", "tests.runtime.crash_child", str(state), endpoint, key, mode,
         str(delay)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=90,
    )
    assert proc.returncode == -9, proc.stdout + proc.stderr
    assert "READY" in proc.stdout


def _check_books(ledger, sandbox) -> dict:
    export = ledger.export()
    credits = sum(_bani(c["amount"]) for c in export["credits"])
    paid = sum(_bani(p["amount"]) + _bani(p["fee"]) for p in export["payments"])
    vouchers = sum(_bani(v["amount"]) for v in export["vouchers"])
    assert credits == paid + vouchers, export
    assert ledger.interrupted_sessions() == []
    assert ledger.verify().ok
    confirmed = sandbox.confirmations()
    assert len({c.payment_id for c in confirmed}) == len(confirmed)
    return {"credits": credits, "paid": paid, "vouchers": vouchers,
            "payments": export["payments"]}


@pytest.fixture
def sandbox(tmp_path):
    s = MpaySandbox("127.0.0.1", 0, tmp_path / "sandbox").start()
    yield s
    s.stop()


def _restart(state: Path, sandbox):
    t = start_terminal(state, endpoint=sandbox.url)
    return t


def test_killed_with_part_of_the_money_in_becomes_a_voucher(tmp_path, sandbox):
    state = tmp_path / "state"
    _kill_mid_session(state, sandbox.url, sim_order_key("MDS02", 11), "partial")
    t = _restart(state, sandbox)
    try:
        [recovered] = t.runtime.recovered
        assert recovered.payment_id is None and recovered.voucher_amount == 12000
        books = _check_books(t.ledger, sandbox)
        assert books == {"credits": 12000, "paid": 0, "vouchers": 12000, "payments": []}
        assert sandbox.confirmations() == []
        # the voucher is real money: it pays here
        [voucher] = t.ledger.vouchers()
        credit = t.ledger.redeem_voucher(voucher.code, t.ledger.begin_session())
        assert credit.amount == 12000
    finally:
        stop_terminal(t)


def test_killed_as_the_last_bill_lands_pays_exactly_once(tmp_path, sandbox):
    state = tmp_path / "state"
    key = sim_order_key("MDS02", 12)
    _kill_mid_session(state, sandbox.url, key, "complete")
    t = _restart(state, sandbox)
    try:
        wait_drained(t.ledger)
        books = _check_books(t.ledger, sandbox)
        assert books["credits"] == 15000
        assert books["paid"] == 15000 and books["vouchers"] == 0
        assert [p["status"] for p in books["payments"]] == ["confirmed"]
        assert [c.order_key for c in sandbox.confirmations()] == [key]
    finally:
        stop_terminal(t)


@pytest.mark.parametrize("delay", [0.15, 0.4, 0.8])
def test_killed_at_any_moment_loses_nothing_and_counts_nothing_twice(tmp_path, sandbox, delay):
    state = tmp_path / "state"
    _kill_mid_session(state, sandbox.url, sim_order_key("MDS02", 20 + int(delay * 10)), "delay",
                      delay)
    t = _restart(state, sandbox)
    try:
        wait_drained(t.ledger)
        books = _check_books(t.ledger, sandbox)
        assert books["credits"] in (0, 10000, 12000, 14000, 15000)
        assert len(sandbox.confirmations()) == len(books["payments"]) <= 1
    finally:
        stop_terminal(t)


def test_a_journal_that_fails_at_settlement_ends_the_process_and_the_restart_recovers(
        tmp_path, sandbox):
    from kiosk.session import events as ev

    state = tmp_path / "state"
    t = start_terminal(state, endpoint=sandbox.url)
    fatal: list[str] = []
    t.runtime._fatal = fatal.append  # instead of ending the test process
    try:
        p = t.payer
        p.to_method("MDS02", sim_order_key("MDS02", 70), "ro")
        p.start_cash()
        t.world.insert_bill(5000)
        p.wait(lambda v: v.cash is not None and v.cash.inserted == 5000, "50 lei in")
        t.ledger.store.close()  # the journal stops working (think: the disk went away)
        p.send(ev.TakeVoucher())
        wait_until(lambda: fatal, 15, "the runtime to give up on the journal")
        assert fatal == ["IssueVoucher could not be recorded"]
    finally:
        t.runtime.stop(grace_s=0)
        t.world.stop()
    t = start_terminal(state, endpoint=sandbox.url)
    try:
        [recovered] = t.runtime.recovered
        assert recovered.voucher_amount == 5000 and recovered.payment_id is None
        _check_books(t.ledger, sandbox)
    finally:
        stop_terminal(t)
