"""The ledger's costs, each against its bare baseline measured in the same run.

1. **Durable credit write**: ``Ledger.record_credit`` (one transaction: idempotency lookup,
   session row, hash-chain link, insert, COMMIT with fsync) against a bare SQLite WAL +
   synchronous=FULL commit of one similar row, interleaved in rounds. Target ratio <= 1.5.
2. **Outbox drain rate**: ``Ledger.drain`` of N minted payments through ``MpayClient`` against
   the same client confirming N payments directly (the "raw signed POST": build + sign + POST +
   verify, no ledger), both to one MPay sandbox in its own process. Target ratio >= 0.7.
3. **RSS growth** over 1,000 cycles of session + 2 credits + mint + delivery (evidence of the
   real size archived) + receipt, after a warm-up. Target <= 10 MB.

Usage::

    .venv/bin/python benchmarks/bench_ledger.py [--credits 1000] [--payments 100] [--rounds 5]
        [--cycles 1000] [--json]
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from kiosk.ledger import Ledger, attempt_delivery
from kiosk.mpay.client import MpayClient
from kiosk.mpay.confirmation import build_confirmation
from kiosk.mpay.models import Evidence, Order, OrderLine, PaymentConfirmation
from kiosk.mpay.sandbox import demo_cert
from kiosk.mpay.settings import MpaySettings


def _order(key: str) -> Order:
    return Order(
        service_id="MDS02",
        order_key=key,
        status="Active",
        reason="bench",
        total_amount_due=Decimal("150.00"),
        lines=(OrderLine(line_id="SIM-1", reason="r", amount_due=Decimal("150.00")),),
    )


def _pay(ledger: Ledger, key: str) -> str:
    sid = ledger.begin_session()
    ledger.record_credit(sid, source="bill", amount=10000, device="ccnet", ref=f"{sid}:0")
    ledger.record_credit(sid, source="bill", amount=5000, device="ccnet", ref=f"{sid}:1")
    order = _order(key)
    p = ledger.mint_payment(sid, lambda pid, at: build_confirmation(order, 15000, pid, at))
    return p.payment_id


def _rss_kb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


# ---------------------------------------------------------------------- 1. credit writes


def bench_credits(n: int, rounds: int, work: Path) -> dict[str, Any]:
    ledger = Ledger.open(work / "ledger", terminal_id="BENCH-01")
    bare = sqlite3.connect(str(work / "bare.sqlite3"), isolation_level=None)
    bare.execute("PRAGMA journal_mode=WAL")
    bare.execute("PRAGMA synchronous=FULL")
    bare.execute(
        "CREATE TABLE credits (id INTEGER PRIMARY KEY, ref TEXT NOT NULL UNIQUE, session_id TEXT,"
        " source TEXT, device TEXT, amount INTEGER, currency TEXT, detail TEXT, at TEXT)"
    )
    ours: list[float] = []
    base: list[float] = []
    serial = 0
    for r in range(rounds):
        t0 = time.perf_counter()
        for _ in range(n):
            serial += 1
            bare.execute("BEGIN")
            bare.execute(
                "INSERT INTO credits (ref, session_id, source, device, amount, currency, detail,"
                " at) VALUES (?, ?, 'bill', 'ccnet', 10000, 'MDL', '{}', ?)",
                (f"ref-{serial}", f"S{r}", "2025-07-10T08:00:00.000Z"),
            )
            bare.execute("COMMIT")
        base.append((time.perf_counter() - t0) / n)
        t0 = time.perf_counter()
        for i in range(n):
            ledger.record_credit(
                f"S{r}", source="bill", amount=10000, device="ccnet", ref=f"r{r}-{i}"
            )
        ours.append((time.perf_counter() - t0) / n)
    bare.close()
    ledger.close()
    m_ours, m_base = statistics.median(ours), statistics.median(base)
    # The median of per-round ratios: both sides of a round share the machine's load.
    ratio = statistics.median(a / b for a, b in zip(ours, base, strict=True))
    return {
        "credit_write_ms": round(m_ours * 1000, 3),
        "bare_commit_ms": round(m_base * 1000, 3),
        "ratio": round(ratio, 2),
        "target": "<= 1.5",
        "per_round_ms": [
            [round(a * 1000, 3), round(b * 1000, 3)] for a, b in zip(ours, base, strict=True)
        ],
    }


# ---------------------------------------------------------------------- 2. drain rate


def bench_drain(n: int, rounds: int, work: Path) -> dict[str, Any]:
    server = subprocess.Popen(
        [sys.executable, "-m", "kiosk.cli", "sandbox", "mpay"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        url = server.stdout.readline().strip()
        settings = MpaySettings(
            endpoint=url,
            sign_cert=demo_cert("terminal.crt"),
            sign_key=demo_cert("terminal.key"),
            mpay_cert=demo_cert("mpay.crt"),
        )
        client = MpayClient(settings)
        ledger = Ledger.open(work / "drain", terminal_id="BENCH-01")
        raw_rates: list[float] = []
        drain_rates: list[float] = []
        seq = 0
        for r in range(rounds):
            confs: list[PaymentConfirmation] = []
            for _ in range(n):
                seq += 1
                at = datetime.fromisoformat("2025-07-10T08:00:00+00:00")
                confs.append(build_confirmation(_order(f"SIM-RAW-{seq}"), 15000, f"RAW-{seq}", at))
            t0 = time.perf_counter()
            for conf in confs:
                client.confirm_order_payment(conf)
            raw_rates.append(n / (time.perf_counter() - t0))
            for i in range(n):
                _pay(ledger, f"SIM-DR-{r}-{i}")
            t0 = time.perf_counter()
            result = ledger.drain(client, 600)
            drain_rates.append(result.delivered / (time.perf_counter() - t0))
            assert result.empty, result
        client.close()
        ledger.close()
    finally:
        if server.stdin is not None:
            server.stdin.close()
        server.terminate()
        server.wait(10)
    m_raw, m_drain = statistics.median(raw_rates), statistics.median(drain_rates)
    return {
        "drain_per_s": round(m_drain, 1),
        "raw_signed_post_per_s": round(m_raw, 1),
        "ratio": round(m_drain / m_raw, 2),
        "target": ">= 0.7",
    }


# ---------------------------------------------------------------------- 3. RSS growth


class _Confirmer:
    """Answers at once with evidence of the real size (signed request ~4.3 KB, reply ~3.9 KB)."""

    def confirm_order_payment(self, conf: PaymentConfirmation) -> Evidence:
        return Evidence(
            request=b"<r>" + conf.payment_id.encode() + b"x" * 4300,
            response=b"<ok/>" + b"y" * 3900,
            extra={"payment_id": conf.payment_id},
        )


def bench_rss(cycles: int, work: Path) -> dict[str, Any]:
    ledger = Ledger.open(work / "rss", terminal_id="BENCH-01")
    confirmer = _Confirmer()

    def cycle(i: int) -> None:
        pid = _pay(ledger, f"SIM-RSS-{i}")
        attempt_delivery(ledger, confirmer, ledger.outbox_entry(pid))
        ledger.store_receipt(pid, "payment", {"payment_id": pid, "lines": ["x" * 80] * 20})

    for i in range(100):  # warm-up: imports, caches, SQLite page cache
        cycle(i)
    before = _rss_kb()
    t0 = time.perf_counter()
    for i in range(100, 100 + cycles):
        cycle(i)
    elapsed = time.perf_counter() - t0
    after = _rss_kb()
    size = sum(f.stat().st_size for f in (work / "rss").iterdir())
    ledger.close()
    return {
        "cycles": cycles,
        "rss_before_mb": round(before / 1024, 1),
        "rss_after_mb": round(after / 1024, 1),
        "rss_growth_mb": round((after - before) / 1024, 2),
        "target": "<= 10 MB",
        "cycle_ms": round(elapsed / cycles * 1000, 2),
        "journal_mb": round(size / 1e6, 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--credits", type=int, default=1000, help="credit writes per round")
    parser.add_argument("--payments", type=int, default=100, help="confirmations per round")
    parser.add_argument("--rounds", type=int, default=7, help="interleaved rounds")
    parser.add_argument("--cycles", type=int, default=1000, help="cycles for the RSS figure")
    parser.add_argument("--json", action="store_true", help="print only a JSON summary")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-ledger-") as tmp:
        work = Path(tmp)
        results = {
            "credit_write": bench_credits(args.credits, args.rounds, work),
            "outbox_drain": bench_drain(args.payments, args.rounds, work),
            "rss": bench_rss(args.cycles, work),
        }
    if args.json:
        print(json.dumps(results))
        return 0
    c, d, m = results["credit_write"], results["outbox_drain"], results["rss"]
    print(
        f"durable credit write: {c['credit_write_ms']} ms vs bare WAL+FULL commit "
        f"{c['bare_commit_ms']} ms -> ratio {c['ratio']} (target {c['target']})"
    )
    print(
        f"outbox drain: {d['drain_per_s']}/s vs raw signed POSTs {d['raw_signed_post_per_s']}/s "
        f"-> ratio {d['ratio']} (target {d['target']})"
    )
    print(
        f"RSS over {m['cycles']} credit+payment+outbox cycles: {m['rss_before_mb']} -> "
        f"{m['rss_after_mb']} MB, growth {m['rss_growth_mb']} MB (target {m['target']}); "
        f"{m['cycle_ms']} ms per cycle, journal {m['journal_mb']} MB"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
