"""``kiosk ledger export|verify``: the journal for reconciliation, and its integrity check.

``export --json`` prints one JSON object: ``sessions``, ``credits``, ``payments``, ``vouchers``,
``cash_box`` (pieces per denomination since the last collection), ``cash_box_detail``,
``collections``, ``outbox``; amounts are strings with two decimals.

``verify`` checks SQLite's structure, every hash chain (credits, payments, allocations,
vouchers, redemptions, collections) and the money invariants (no credit spent twice, every
payment and voucher fully funded, content digests). Exit 0 when all hold; 1 naming the first
broken row otherwise.

Both open the state directory like every command: schema migration (with a backup) first.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sqlite3
import sys

from kiosk import exitcodes
from kiosk.commands._common import add_state_options, print_json, report_config_error, state_dir_for
from kiosk.config import ConfigError
from kiosk.ledger import Ledger, LedgerError

__all__ = ["register", "run", "open_for_command", "actor_name", "CommandFailed"]


class CommandFailed(Exception):
    """Carries the exit code; the message has been printed already."""

    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


def open_for_command(args: argparse.Namespace) -> Ledger:
    """The ledger of ``--state-dir`` (or the configured state dir), recovered and migrated.
    Raises CommandFailed after printing why."""
    try:
        state_dir = state_dir_for(args)
    except ConfigError as exc:
        report_config_error(exc)
        raise CommandFailed(exitcodes.USAGE) from exc
    try:
        return Ledger.open(state_dir)
    except (LedgerError, sqlite3.Error, OSError) as exc:
        print(f"ledger error: {state_dir}: {exc}", file=sys.stderr)
        raise CommandFailed(exitcodes.FAILURE) from exc


def actor_name(explicit: str | None = None) -> str:
    """Who is at the keyboard: --actor, else the sudo caller, else the login name."""
    if explicit:
        return explicit
    try:
        return os.environ.get("SUDO_USER") or getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = subparsers.add_parser(
        "ledger",
        help="export the money journal, verify its integrity",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = p.add_subparsers(dest="ledger_command", metavar="ACTION", required=True)
    e = sub.add_parser("export", help="sessions, credits, payments, vouchers, cash box as JSON")
    v = sub.add_parser("verify", help="check the hash chains and money invariants (exit 0/1)")
    for q in (e, v):
        add_state_options(q)
        q.add_argument("--json", action="store_true", help="print JSON")
        q.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    try:
        ledger = open_for_command(args)
    except CommandFailed as failed:
        return failed.code
    with ledger:
        if args.ledger_command == "export":
            return _export(ledger, args)
        return _verify(ledger, args)


def _export(ledger: Ledger, args: argparse.Namespace) -> int:
    data = ledger.export()
    if args.json:
        print_json(data)
        return exitcodes.OK
    box = data["cash_box_detail"]
    by_status: dict[str, int] = {}
    for p in data["payments"]:
        by_status[p["status"]] = by_status.get(p["status"], 0) + 1
    print(f"journal: {ledger.path}")
    print(f"sessions: {len(data['sessions'])}, credits: {len(data['credits'])}")
    print("payments: " + (", ".join(f"{n} {s}" for s, n in sorted(by_status.items())) or "none"))
    open_vouchers = sum(1 for v in data["vouchers"] if not v["redeemed"])
    print(f"vouchers: {len(data['vouchers'])} ({open_vouchers} not redeemed)")
    print(f"cash box since {box['since'] or 'the start'}: {box['total']} in {box['pieces']} pieces")
    print("(use --json for every row)")
    return exitcodes.OK


def _verify(ledger: Ledger, args: argparse.Namespace) -> int:
    report = ledger.verify()
    if args.json:
        print_json(
            {
                "ok": report.ok,
                "rows": report.rows,
                "problems": [
                    {"table": p.table, "key": p.key, "problem": p.problem} for p in report.problems
                ],
                "first_problem": str(report.problems[0]) if report.problems else None,
            }
        )
    elif report.ok:
        print(f"OK: {sum(report.rows.values())} rows verified in {ledger.path}")
    else:
        print(f"BROKEN: {report.problems[0]}")
        for extra in report.problems[1:10]:
            print(f"  also: {extra}")
    return exitcodes.OK if report.ok else exitcodes.FAILURE
