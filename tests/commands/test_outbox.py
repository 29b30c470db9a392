"""`kiosk outbox list|drain|retry` through the real console script, against the real sandbox."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.ledger import Ledger
from kiosk.mpay.errors import InvalidParameter
from kiosk.mpay.sandbox import MpaySandbox
from tests.ledger.cli_helpers import as_json, connection, kiosk, pay


@pytest.fixture
def sandbox() -> Iterator[MpaySandbox]:
    sb = MpaySandbox(seed=3).start()
    try:
        yield sb
    finally:
        sb.stop()


def _queue(state: Path, n: int) -> list[str]:
    with Ledger.open(state, terminal_id="CMD-01") as ledger:
        return [pay(ledger, f"SIM-OB{i}").payment_id for i in range(n)]


def test_list_json_shows_unconfirmed_entries(tmp_path: Path) -> None:
    state = tmp_path / "state"
    assert as_json(kiosk("outbox", "list", "--state-dir", str(state), "--json")) == []
    pids = _queue(state, 2)
    with Ledger.open(state) as ledger:
        ledger.record_attempt(pids[0], outcome="confirmed", started_at=0.0, evidence=None)
    r = kiosk("outbox", "list", "--state-dir", str(state), "--json")
    assert r.returncode == 0
    [entry] = as_json(r)
    assert entry["payment_id"] == pids[1]
    assert (entry["status"], entry["attempts"], entry["amount"], entry["last_error"]) == (
        "pending",
        0,
        "150.00",
        None,
    )
    assert {"age_s", "next_attempt_at", "last_error_kind", "order_key"} <= set(entry)
    everything = as_json(kiosk("outbox", "list", "--all", "--state-dir", str(state), "--json"))
    assert [e["status"] for e in everything] == ["confirmed", "pending"]


def test_drain_delivers_everything_and_exits_0(tmp_path: Path, sandbox: MpaySandbox) -> None:
    state = tmp_path / "state"
    pids = _queue(state, 4)
    sandbox.fail_next("internal", 2)
    r = kiosk("outbox", "drain", "--state-dir", str(state), *connection(sandbox.url), "--json")
    assert r.returncode == 0, r.stderr
    result = as_json(r)
    assert result["delivered"] == 4 and result["empty"] is True and result["attempts"] == 6
    assert sorted(c.payment_id for c in sandbox.confirmations()) == sorted(pids)
    again = kiosk("outbox", "drain", "--state-dir", str(state), "--json")  # empty: no MPay needed
    assert again.returncode == 0 and as_json(again)["delivered"] == 0


def test_drain_exits_4_when_mpay_is_unreachable(tmp_path: Path, sandbox: MpaySandbox) -> None:
    state = tmp_path / "state"
    _queue(state, 2)
    sandbox.set_offline(True)
    r = kiosk(
        "outbox",
        "drain",
        "--timeout",
        "1",
        "--state-dir",
        str(state),
        *connection(sandbox.url),
        "--json",
    )
    assert r.returncode == 4
    result = as_json(r)
    assert result["pending"] == 2 and result["timed_out"] is True
    assert "MpayConnectionError" in result["last_error"]


def test_drain_without_connection_settings_is_a_usage_error(tmp_path: Path) -> None:
    state = tmp_path / "state"
    _queue(state, 1)
    r = kiosk("outbox", "drain", "--state-dir", str(state), "--json")
    assert r.returncode == 2 and "--endpoint" in r.stderr and r.stdout == ""


def test_retry_unparks_and_confirms(tmp_path: Path, sandbox: MpaySandbox) -> None:
    state = tmp_path / "state"
    [pid] = _queue(state, 1)
    with Ledger.open(state) as ledger:  # parked earlier by a fault a technician has since fixed
        ledger.record_attempt(
            pid,
            outcome="parked",
            started_at=0.0,
            evidence=None,
            error=InvalidParameter("InvalidParameter", "bad property"),
        )
    drained = kiosk(
        "outbox", "drain", "--state-dir", str(state), *connection(sandbox.url), "--json"
    )
    assert drained.returncode == 4 and as_json(drained)["needs_technician"] == 1
    assert sandbox.confirmations() == []  # drain leaves parked entries alone
    r = kiosk(
        "outbox",
        "retry",
        pid,
        "--actor",
        "maria",
        "--state-dir",
        str(state),
        *connection(sandbox.url),
        "--json",
    )
    assert r.returncode == 0, r.stderr
    out = as_json(r)
    assert (out["payment_id"], out["status"], out["outcome"], out["attempts"]) == (
        pid,
        "confirmed",
        "confirmed",
        2,
    )
    assert [c.payment_id for c in sandbox.confirmations()] == [pid]
    with Ledger.open(state) as ledger:
        [audit] = ledger.audit_log()
        assert (audit.actor, audit.action, audit.detail["was"]) == (
            "maria",
            "outbox.requeue",
            "needs_technician",
        )


def test_retry_that_fails_again_exits_4_and_stays_queued(
    tmp_path: Path, sandbox: MpaySandbox
) -> None:
    state = tmp_path / "state"
    [pid] = _queue(state, 1)
    sandbox.fail_next("http503")
    r = kiosk("outbox", "retry", pid, "--state-dir", str(state), *connection(sandbox.url), "--json")
    assert r.returncode == 4
    out = as_json(r)
    assert (out["status"], out["outcome"]) == ("pending", "retry")
    assert "MpayHttpError" in out["error"]


def test_retry_of_an_unknown_id_exits_1(tmp_path: Path) -> None:
    r = kiosk("outbox", "retry", "NOPE-1", "--state-dir", str(tmp_path / "s"), "--json")
    assert r.returncode == 1 and "NOPE-1" in r.stderr
