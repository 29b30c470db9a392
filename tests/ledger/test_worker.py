"""The outbox worker thread and drain, against the real MPay sandbox misbehaving."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from kiosk.ledger import Ledger, OutboxState, OutboxWorker
from kiosk.mpay.client import MpayClient
from kiosk.mpay.sandbox import MpaySandbox

from .helpers import paid_session, settings_for


def _until(predicate: Callable[[], bool], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        time.sleep(0.02)


def _assert_each_accepted_once(ledger: Ledger, sandbox: MpaySandbox, minted: list[str]) -> None:
    accepted = [c.payment_id for c in sandbox.confirmations()]
    assert sorted(accepted) == sorted(minted)  # every one, each once
    assert not sandbox.stats().get("conflicts")  # never different content under one id
    by_id = {p.payment_id: p for p in ledger.payments()}
    for c in sandbox.confirmations():
        assert c.total_bani == by_id[c.payment_id].amount
    for pid in minted:
        outcomes = [m.outcome for m in ledger.messages(pid)]
        assert outcomes.count("confirmed") == 1 and outcomes[-1] == "confirmed"
    assert ledger.verify().ok


@pytest.mark.slow
def test_everything_drains_through_faults_timeouts_and_resets(
    tmp_path: Path, sandbox: MpaySandbox
) -> None:
    sandbox.set_fault_rate(0.3, kinds=("internal", "http500", "reset", "lost_reply", "slow"))
    states: list[OutboxState] = []
    with (
        Ledger.open(tmp_path / "s", terminal_id="TEST-01") as ledger,
        MpayClient(settings_for(sandbox.url, timeout_s=0.5)) as client,
    ):
        worker = OutboxWorker(
            ledger, client, backoff_initial_s=0.02, backoff_max_s=0.2, on_change=states.append
        )
        worker.start()
        try:
            minted = []
            for i in range(24):
                minted.append(paid_session(ledger, f"SIM-W{i}").payment_id)
                worker.wake()
            _until(lambda: ledger.outbox_summary().confirmed == len(minted), timeout=60)
            state = worker.state()
        finally:
            assert worker.stop()
        assert state.running and state.pending == 0 and state.delivered == len(minted)
        assert states and states[-1].pending == 0
        assert sandbox.stats()["faults_injected"] > 0  # the faults really happened
        assert sum(e.attempts for e in ledger.outbox_entries()) > len(minted)
        _assert_each_accepted_once(ledger, sandbox, minted)


@pytest.mark.slow
def test_worker_resumes_after_a_restart(tmp_path: Path, sandbox: MpaySandbox) -> None:
    state = tmp_path / "s"
    sandbox.set_offline(True)
    with (
        Ledger.open(state, terminal_id="TEST-01") as ledger,
        MpayClient(settings_for(sandbox.url)) as client,
    ):
        minted = [paid_session(ledger, f"SIM-RS{i}").payment_id for i in range(3)]
        worker = OutboxWorker(ledger, client, backoff_initial_s=0.05, backoff_max_s=0.1)
        worker.start()
        _until(lambda: ledger.outbox_entries()[0].attempts >= 2)
        assert worker.state().last_error_kind == "MpayConnectionError"
        assert worker.stop()
    assert sandbox.confirmations() == []
    sandbox.set_offline(False)
    with (
        Ledger.open(state, terminal_id="TEST-01") as ledger,
        MpayClient(settings_for(sandbox.url)) as client,
    ):
        worker = OutboxWorker(ledger, client, backoff_initial_s=0.05, backoff_max_s=0.1)
        worker.start()
        try:
            _until(lambda: ledger.outbox_summary().pending == 0)
        finally:
            assert worker.stop()
        _assert_each_accepted_once(ledger, sandbox, minted)


def test_unreachable_mpay_costs_one_attempt_per_backoff_not_per_payment(
    ledger: Ledger, sandbox: MpaySandbox, client: MpayClient
) -> None:
    sandbox.set_offline(True)
    for i in range(5):
        paid_session(ledger, f"SIM-H{i}")
    attempted = threading.Event()
    worker = OutboxWorker(
        ledger,
        client,
        clock=ledger.now,
        backoff_initial_s=30,
        on_change=lambda _state: attempted.set(),
    )
    worker.start()
    try:
        assert attempted.wait(10)
        time.sleep(0.2)  # give a wrongly eager worker the chance to try the others
        assert sum(e.attempts for e in ledger.outbox_entries()) == 1
        state = worker.state()
        assert state.pending == 5 and state.consecutive_failures == 1
    finally:
        assert worker.stop()


def test_wake_delivers_a_new_payment_without_waiting(
    ledger: Ledger, sandbox: MpaySandbox, client: MpayClient
) -> None:
    worker = OutboxWorker(ledger, client, idle_s=600)
    worker.start()
    try:
        time.sleep(0.05)  # the worker is asleep on an empty queue (for up to 600 s)
        p = paid_session(ledger, "SIM-WK1")
        worker.wake()
        _until(lambda: ledger.outbox_entry(p.payment_id).status == "confirmed", timeout=10)
    finally:
        assert worker.stop()
    assert [c.payment_id for c in sandbox.confirmations()] == [p.payment_id]


def test_worker_start_twice_is_refused_and_stop_is_idempotent(
    ledger: Ledger, client: MpayClient
) -> None:
    worker = OutboxWorker(ledger, client)
    worker.start()
    try:
        with pytest.raises(RuntimeError):
            worker.start()
    finally:
        assert worker.stop()
    assert worker.stop()
    assert not worker.state().running


def test_drain_delivers_everything_through_faults(
    ledger: Ledger, sandbox: MpaySandbox, client: MpayClient
) -> None:
    minted = [paid_session(ledger, f"SIM-D{i}").payment_id for i in range(10)]
    sandbox.set_fault_rate(0.3, kinds=("internal", "http503", "reset", "lost_reply"))
    result = ledger.drain(client, 30, retry_initial_s=0.01, retry_max_s=0.05)
    assert result.empty and not result.timed_out and result.delivered == 10
    assert result.attempts > 10
    _assert_each_accepted_once(ledger, sandbox, minted)


def test_drain_gives_up_at_the_timeout_when_mpay_is_down(
    ledger: Ledger, sandbox: MpaySandbox, client: MpayClient
) -> None:
    for i in range(3):
        paid_session(ledger, f"SIM-DD{i}")
    sandbox.set_offline(True)
    started = time.monotonic()
    result = ledger.drain(client, 0.5, retry_initial_s=0.05, retry_max_s=0.1)
    assert time.monotonic() - started < 5
    assert result.timed_out and not result.empty and result.pending == 3
    assert result.last_error is not None and "MpayConnectionError" in result.last_error
    # the hold: each retry round tries one entry, not all three
    assert result.attempts < 3 * 10


def test_drain_leaves_parked_entries_for_the_technician(
    ledger: Ledger, sandbox: MpaySandbox, client: MpayClient
) -> None:
    from .helpers import SIM_AMOUNT, builder, insert_bills, sim_order

    paid_session(ledger, "SIM-DP1")
    sid = ledger.begin_session()
    insert_bills(ledger, sid, 15000)
    ledger.mint_payment(sid, builder(sim_order("UNKNOWN-ORDER"), SIM_AMOUNT))
    result = ledger.drain(client, 10)
    assert (result.delivered, result.parked, result.pending, result.needs_technician) == (
        1,
        1,
        0,
        1,
    )
    assert not result.empty
    again = ledger.drain(client, 10)
    assert again.attempts == 0 and again.needs_technician == 1
    assert len(sandbox.confirmations()) == 1
