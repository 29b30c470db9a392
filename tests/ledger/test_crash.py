"""Crash tests: a child process journals credits, mints payments, issues vouchers and delivers
the outbox, and is SIGKILLed at many points (inside transactions too); after each restart it
recovers and carries on. At the end, nothing acknowledged is lost, no PaymentID was minted
twice or with different content, MPay accepted each payment once, every credit is in a payment
or voucher (never more than its amount), and the cash box equals the cash credits."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from kiosk.ledger import Ledger
from kiosk.money import parse_amount
from kiosk.mpay.sandbox import MpaySandbox

CHILD = Path(__file__).with_name("crash_child.py")
SESSIONS = 12


@dataclass
class Acks:
    """What the child reported as done (durably) before it died."""

    credits: set[str] = field(default_factory=set)
    minted: dict[str, str] = field(default_factory=dict)  # pid -> content sha256
    vouchers: dict[str, int] = field(default_factory=dict)
    recovered: int = 0  # interrupted sessions a restart had to finish
    done: bool = False

    def read(self, out: str) -> None:
        for line in out.splitlines():
            kind, *rest = line.split()
            if kind == "credit":
                self.credits.add(rest[0])
            elif kind == "minted":
                assert self.minted.get(rest[0], rest[1]) == rest[1], "same id, other content"
                self.minted[rest[0]] = rest[1]
            elif kind == "voucher":
                self.vouchers[rest[0]] = int(rest[1])
            elif kind == "recovering":
                self.recovered += 1
            elif kind == "done":
                self.done = True


def _env(
    state: Path, sandbox: MpaySandbox, sessions: int = SESSIONS, **kill: int
) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        CRASH_STATE=str(state),
        CRASH_ENDPOINT=sandbox.url,
        CRASH_SESSIONS=str(sessions),
        CRASH_KILL_STMT=str(kill.get("stmt", 0)),
        CRASH_KILL_STEP=str(kill.get("step", 0)),
    )
    return env


def _run(
    state: Path, sandbox: MpaySandbox, acks: Acks, sessions: int = SESSIONS, **kill: int
) -> int:
    proc = subprocess.run(
        [sys.executable, str(CHILD)],
        env=_env(state, sandbox, sessions, **kill),
        capture_output=True,
        text=True,
        timeout=120,
    )
    acks.read(proc.stdout)
    assert proc.returncode in (0, -signal.SIGKILL), proc.stderr[-3000:]
    return proc.returncode


def _finish_and_check(
    state: Path, sandbox: MpaySandbox, acks: Acks, kills: int, sessions: int = SESSIONS
) -> None:
    assert kills >= 3, "the kills must really have happened"
    print(f"kills: {kills}, interrupted sessions recovered: {acks.recovered}")
    assert _run(state, sandbox, acks, sessions) == 0
    assert acks.done, "the last run must drain everything"
    with Ledger.open(state) as ledger:
        report = ledger.verify()
        assert report.ok, report.problems
        data = ledger.export()
        by_ref = {c["ref"]: c for c in data["credits"]}
        assert acks.credits <= set(by_ref), "an acknowledged credit was lost"
        payments = ledger.payments()
        assert {
            p.payment_id: p.content_sha256 for p in payments if p.payment_id in acks.minted
        } == (acks.minted)
        per_session = [p.session_id for p in payments]
        assert len(per_session) == len(set(per_session)), "a session paid twice"
        assert {v.code: v.amount for v in ledger.vouchers() if v.code in acks.vouchers} == (
            acks.vouchers
        )
        # MPay accepted each payment exactly once, with the content the ledger holds.
        accepted = sandbox.confirmations()
        assert sorted(c.payment_id for c in accepted) == sorted(p.payment_id for p in payments)
        assert not sandbox.stats().get("conflicts")
        amounts = {p.payment_id: (p.order_key, p.amount) for p in payments}
        assert all(amounts[c.payment_id] == (c.order_key, c.total_bani) for c in accepted)
        assert all(e.status == "confirmed" for e in ledger.outbox_entries())
        # Every credit is in a payment or voucher (split over both only to give change), in
        # full, never more; money is conserved.
        assert ledger.interrupted_sessions() == []
        for c in data["credits"]:
            kinds = sorted(a["kind"] for a in c["allocated_to"])
            assert kinds in (["payment"], ["voucher"], ["payment", "voucher"]), c
            assert sum(parse_amount(a["amount"]) for a in c["allocated_to"]) == parse_amount(
                c["amount"]
            )
        total_in = sum(c.amount for s in data["sessions"] for c in ledger.credits(s["id"]))
        total_out = sum(p.amount + p.fee for p in payments) + sum(
            v.amount for v in ledger.vouchers()
        )
        assert total_in == total_out
        cash = sum(
            c.amount
            for s in data["sessions"]
            for c in ledger.credits(s["id"])
            if c.source in ("bill", "coin")
        )
        assert ledger.cash_box().total() == cash
        assert len(data["sessions"]) == sessions


@pytest.mark.slow
def test_sigkill_at_statements_and_steps(tmp_path: Path, sandbox: MpaySandbox) -> None:
    sandbox.set_fault_rate(0.2, kinds=("internal", "reset", "lost_reply"))
    state = tmp_path / "state"
    acks = Acks()
    rng = random.Random(20250710)
    kills = 0
    sessions = 24
    for i in range(12):
        kill = {"stmt": rng.randint(5, 200)} if i % 2 == 0 else {"step": rng.randint(1, 10)}
        if _run(state, sandbox, acks, sessions, **kill) != 0:
            kills += 1
    _finish_and_check(state, sandbox, acks, kills, sessions)


@pytest.mark.slow
def test_sigkill_at_random_moments(tmp_path: Path, sandbox: MpaySandbox) -> None:
    sandbox.set_fault_rate(0.2, kinds=("internal", "reset", "lost_reply"))
    state = tmp_path / "state"
    acks = Acks()
    rng = random.Random(42)
    kills = 0
    sessions = 60
    for _ in range(6):
        proc = subprocess.Popen(
            [sys.executable, str(CHILD)],
            env=_env(state, sandbox, sessions),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert proc.stdout is not None
        first = proc.stdout.readline()  # "ready": the journal is open, the work starts now
        time.sleep(rng.uniform(0.0, 0.15))
        proc.send_signal(signal.SIGKILL)
        out, err = proc.communicate(timeout=30)
        acks.read(first + out)
        assert proc.returncode in (0, -signal.SIGKILL), err[-3000:]
        kills += proc.returncode != 0
    _finish_and_check(state, sandbox, acks, kills, sessions)
