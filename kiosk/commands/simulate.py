"""``kiosk simulate --sessions N``: N complete payer sessions, headless, through the real
runtime: the session core, the ledger, the bill validator / coin acceptor / card terminal
drivers talking to their emulators over pseudo-terminals, real signed SOAP to MPay, and a
virtual receipt printer.

Orders: ``--orders FILE`` (a JSON list of {"service_id", "order_key"}, used in turn), else the
sandbox's simulation orders (fresh 150.00 orders ``SIM-<service>-<n>``, one per session).
Without ``--endpoint`` the MPay sandbox is started on loopback; with it, every call goes to
that server. ``--payment``: cash (banknotes, coins for what is below a banknote), coins, card,
or mixed (cash, coins and card in turn, one per session).

The summary (``--json``): sessions, paid, confirmed, pending, vouchers, credits_total, plus
failed (sessions that did not end in a payment: order not found, not payable, stuck) and
seconds. After the last session, the outbox is given ``--drain-timeout`` seconds to confirm
what is pending. Exit 0 when every session was paid and confirmed; 3 if some order could not
be paid; 4 if confirmations are still pending (MPay unreachable); 2 usage/config; 1 else.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from kiosk import exitcodes
from kiosk.commands._common import ensure_state_dir, print_json, report_config_error
from kiosk.config import ConfigError, demo_config_path, load_config
from kiosk.money import format_amount, parse_amount
from kiosk.mpay.cli_options import add_connection_options, apply_connection_options

__all__ = ["register", "run"]

log = logging.getLogger(__name__)

METHODS = ("cash", "coins", "card", "mixed")


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = subparsers.add_parser(
        "simulate",
        help="N headless payer sessions through the real runtime, emulators and SOAP",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--sessions", type=int, required=True, metavar="N", help="how many sessions")
    p.add_argument("--payment", choices=METHODS, default="cash", help="how payers pay (default cash)")
    p.add_argument("--lang", choices=("ro", "ru", "en"), default="ro", help="the payers' language")
    p.add_argument("--orders", type=Path, metavar="FILE",
                   help='JSON list of {"service_id", "order_key"} to pay, used in turn')
    p.add_argument("--config", type=Path, metavar="F",
                   help="configuration (default: the embedded demo configuration)")
    p.add_argument("--state-dir", type=Path, metavar="D",
                   help="state directory (default: a fresh temporary one)")
    p.add_argument("--receipts-dir", type=Path, metavar="D",
                   help="where the virtual printer writes each receipt (.bin + .png)")
    p.add_argument("--drain-timeout", type=float, default=30.0, metavar="S",
                   help="seconds to wait for pending confirmations at the end (default 30)")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    add_connection_options(p)
    p.set_defaults(func=run)


def _orders(args: argparse.Namespace, services: list[str]) -> list[tuple[str, str]]:
    if args.orders is None:
        from kiosk.mpay.sandbox_data import sim_order_key

        run_no = int(time.time()) % 100000  # fresh keys per run: a reused sandbox knows old ones
        return [(services[i % len(services)],
                 sim_order_key(services[i % len(services)], run_no * 100000 + i + 1))
                for i in range(args.sessions)]
    try:
        data = json.loads(args.orders.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ValueError(f"{args.orders}: cannot read the orders file: {exc}") from None
    if not isinstance(data, list) or not data:
        raise ValueError(f"{args.orders}: must be a non-empty JSON list")
    out = []
    for i, item in enumerate(data):
        if not (isinstance(item, dict) and isinstance(item.get("service_id"), str)
                and isinstance(item.get("order_key"), str)):
            raise ValueError(f'{args.orders}: item {i} must be {{"service_id": ..., "order_key": ...}}')
        out.append((item["service_id"], item["order_key"]))
    return out


def run(args: argparse.Namespace) -> int:
    if args.sessions < 1:
        print("kiosk simulate: --sessions must be at least 1", file=sys.stderr)
        return exitcodes.USAGE
    try:
        config = load_config(args.config or demo_config_path())
        config = _with_overrides(config, args)
        orders = _orders(args, [s.service_id for s in config.services])
    except ConfigError as exc:
        report_config_error(exc)
        return exitcodes.USAGE
    except ValueError as exc:
        print(f"kiosk simulate: {exc}", file=sys.stderr)
        return exitcodes.USAGE
    state_dir = ensure_state_dir(args.state_dir or Path(tempfile.mkdtemp(prefix="kiosk-sim-")))
    summary = simulate(config, orders=orders, sessions=args.sessions, payment=args.payment,
                       lang=args.lang, state_dir=state_dir, receipts_dir=args.receipts_dir,
                       endpoint=args.endpoint, drain_timeout=args.drain_timeout)
    if args.json:
        print_json(summary)
    else:
        for key, value in summary.items():
            print(f"{key:>14}: {value}")
    if summary["failed"]:
        return exitcodes.NOT_PAYABLE
    if summary["pending"]:
        return exitcodes.REMOTE
    return exitcodes.OK


def _with_overrides(config: Any, args: argparse.Namespace) -> Any:
    from dataclasses import replace

    return replace(config, mpay=apply_connection_options(config.mpay, args))


def simulate(config: Any, *, orders: list[tuple[str, str]], sessions: int, payment: str, lang: str,
             state_dir: Path, receipts_dir: Path | None, endpoint: str | None,
             drain_timeout: float) -> dict[str, Any]:
    """Run the sessions; return the summary dict (see the module docstring)."""
    from kiosk.runtime.build import build_runtime
    from kiosk.simulation.payer import Payer, StuckSession
    from kiosk.simulation.world import start_world

    started = time.monotonic()
    world = start_world(config, state_dir=state_dir, endpoint=endpoint, receipts_dir=receipts_dir,
                        fast=True, poll_interval_ms=50)
    runtime = None
    results = []
    failed = 0
    try:
        runtime = build_runtime(world.config, printer=world.printer, monitor_every_s=2.0)
        runtime.start()
        payer = Payer(runtime, world)
        cycle = ("cash", "coins", "card")
        for i in range(sessions):
            service_id, order_key = orders[i % len(orders)]
            method = cycle[i % 3] if payment == "mixed" else payment
            try:
                result = payer.pay(service_id, order_key, method=method, lang=lang)
            except StuckSession as exc:
                log.error("session %d (%s/%s) stuck: %s", i + 1, service_id, order_key, exc)
                failed += 1
                if not payer.reset():
                    log.error("the terminal does not come back to the attract screen: stopping")
                    break
                continue
            results.append(result)
            if result.outcome not in ("paid", "paid_partial"):
                failed += 1
        deadline = time.monotonic() + drain_timeout
        while runtime.ledger.outbox_summary().pending and time.monotonic() < deadline:
            runtime.outbox.wake()
            time.sleep(0.2)
    finally:
        if runtime is not None:
            runtime.stop(grace_s=30)
        world.stop()
    assert runtime is not None
    export = runtime.ledger.export()
    payments = export.get("payments", [])
    credits_total = sum(parse_amount(c["amount"]) for c in export.get("credits", []))
    summary = {
        "sessions": sessions,
        "paid": len(payments),
        "confirmed": sum(1 for p in payments if p.get("status") == "confirmed"),
        "pending": sum(1 for p in payments if p.get("status") == "pending"),
        "vouchers": len(export.get("vouchers", [])),
        "credits_total": format_amount(credits_total),
        "failed": failed,
        "seconds": round(time.monotonic() - started, 1),
        "state_dir": str(state_dir),
    }
    runtime.ledger.close()
    return summary
