"""RSS growth over 1,000 simulated payer sessions through the whole runtime (issue 4).

Each session is a real one: the session loop, signed SOAP look-up and confirmation to the
loopback sandbox, the card terminal (ZVT emulator on a pseudo-terminal) or the bill validator
(CCNET emulator), the SQLite journal, the outbox, and a receipt rendered to ESC/POS and PNG by
the virtual printer. The MPay sandbox runs in a process of its own; the device emulators
share this process (their own per-transaction logs are part of the figure). The baseline is
the process's RSS after a warm-up of ``--warmup`` sessions in the same run; the figure is the
growth from there to the end. Target <= 10 MB.

Usage::

    .venv/bin/python benchmarks/bench_simulate_rss.py [--sessions 1000] [--warmup 50]
        [--payment card|cash|coins]
"""

from __future__ import annotations

import argparse
import gc
import logging
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sessions", type=int, default=1000)
    ap.add_argument("--warmup", type=int, default=50)
    ap.add_argument("--payment", default="card", choices=("card", "cash", "coins"))
    args = ap.parse_args()
    logging.basicConfig(level=logging.ERROR)

    from kiosk.config import demo_config_path, load_config
    from kiosk.mpay.sandbox_data import sim_order_key
    from kiosk.runtime.build import build_runtime
    from kiosk.simulation.payer import Payer
    from kiosk.simulation.world import start_world

    state = Path(tempfile.mkdtemp(prefix="bench-rss-"))
    # MPay runs in its own process (as it does in life): its memory is not the kiosk's.
    server = subprocess.Popen([sys.executable, "-m", "kiosk.cli", "sandbox", "mpay"],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert server.stdout is not None
    endpoint = server.stdout.readline().strip()
    world = start_world(load_config(demo_config_path()), state_dir=state, fast=True,
                        poll_interval_ms=50, endpoint=endpoint)
    runtime = build_runtime(world.config, printer=world.printer, monitor_every_s=2.0)
    runtime.start()
    payer = Payer(runtime, world)
    services = ("MDS02", "ASP01", "GRD01", "APA01")
    baseline = None
    started = time.monotonic()
    samples = []
    try:
        for i in range(args.warmup + args.sessions):
            sid = services[i % len(services)]
            result = payer.pay(sid, sim_order_key(sid, 900000 + i), method=args.payment)
            if result.outcome != "paid":
                print(f"session {i}: {result.outcome}", file=sys.stderr)
                return 1
            if i + 1 == args.warmup:
                gc.collect()
                baseline = rss_mb()
                started = time.monotonic()
            elif baseline is not None and (i + 1 - args.warmup) % 200 == 0:
                samples.append((i + 1 - args.warmup, rss_mb()))
        gc.collect()
        end = rss_mb()
        elapsed = time.monotonic() - started
    finally:
        runtime.stop(grace_s=10)
        world.stop()
        server.terminate()
        server.wait(timeout=10)
    assert baseline is not None
    growth = end - baseline
    print(f"simulated sessions ({args.payment}): {args.sessions} after {args.warmup} warm-up, "
          f"{elapsed / args.sessions * 1000:.0f} ms/session")
    print("RSS (MB) by sessions: " + ", ".join(f"{n}: {mb:.1f}" for n, mb in samples))
    print(f"RSS baseline {baseline:.1f} MB -> {end:.1f} MB: growth {growth:.2f} MB "
          f"({growth / baseline * 100:.1f}% of the baseline); target <= 10 MB: "
          f"{'met' if growth <= 10 else 'MISSED'}")
    return 0 if growth <= 10 else 1


if __name__ == "__main__":
    raise SystemExit(main())
