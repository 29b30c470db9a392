"""``kiosk outbox list|drain|retry``: the queue of payment confirmations to MPay.

``list`` prints the entries not yet confirmed (``--all``: every entry); with ``--json`` a JSON
list of objects: ``payment_id``, ``status`` (pending|needs_technician|confirmed), ``attempts``,
``age_s``, ``created_at``, ``last_attempt_at``, ``last_error``, ``last_error_kind``,
``next_attempt_at`` (null unless pending), ``alert``, ``service_id``, ``order_key``,
``amount``.

``drain [--timeout S]`` delivers every pending entry now, retrying failures until the queue is
empty or the timeout passes. Exit 0 only when nothing is left unconfirmed; 4 when MPay is
unreachable or refusing at the timeout, or entries are parked for a technician. ``--json``
prints ``delivered``, ``attempts``, ``parked``, ``pending``, ``needs_technician``, ``empty``,
``timed_out``, ``last_error``.

``retry ID`` re-queues one entry (typically parked after a fault a technician has now fixed),
recording who did it, and tries it once: exit 0 if MPay confirmed it, 4 if not.

The MPay connection comes from the configuration's [mpay] section with the overrides applied
(or from the overrides alone, when complete). Delivery is idempotent by PaymentID, so running
``drain`` while the kiosk's own worker runs is safe.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path
from typing import Any

from kiosk import exitcodes
from kiosk.commands._common import add_state_options, print_json
from kiosk.commands.ledger import CommandFailed, actor_name, open_for_command
from kiosk.config import ConfigError, OutboxConfig, load_config, tool_config_path
from kiosk.ledger import Ledger, OutboxEntry, UnknownEntry, attempt_delivery
from kiosk.ledger.store import utc_iso
from kiosk.money import format_amount
from kiosk.mpay.cli_options import (
    add_connection_options,
    apply_connection_options,
    settings_from_options,
)
from kiosk.mpay.errors import MpayError
from kiosk.mpay.settings import MpaySettings

__all__ = ["register", "run", "entry_to_json"]


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = subparsers.add_parser(
        "outbox",
        help="the queue of payment confirmations: list, drain, retry",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = p.add_subparsers(dest="outbox_command", metavar="ACTION", required=True)
    ls = sub.add_parser("list", help="entries not yet confirmed")
    ls.add_argument("--all", action="store_true", help="include confirmed entries")
    dr = sub.add_parser("drain", help="deliver everything pending now (exit 0 only when empty)")
    dr.add_argument(
        "--timeout", metavar="S", type=float, default=60.0, help="give up after S seconds (60)"
    )
    rt = sub.add_parser("retry", help="re-queue one entry and try it once")
    rt.add_argument("payment_id", metavar="ID", help="the PaymentID")
    rt.add_argument("--actor", help="who asks (default: the sudo caller or login name)")
    for q in (ls, dr, rt):
        add_state_options(q)
        q.add_argument("--json", action="store_true", help="print JSON")
        q.set_defaults(func=run)
    for q in (dr, rt):
        add_connection_options(q)


def run(args: argparse.Namespace) -> int:
    try:
        ledger = open_for_command(args)
    except CommandFailed as failed:
        return failed.code
    with ledger:
        try:
            if args.outbox_command == "list":
                return _list(ledger, args)
            if args.outbox_command == "drain":
                return _drain(ledger, args)
            return _retry(ledger, args)
        except CommandFailed as failed:
            return failed.code


def entry_to_json(entry: OutboxEntry, now: float) -> dict[str, Any]:
    return {
        "payment_id": entry.payment_id,
        "status": entry.status,
        "attempts": entry.attempts,
        "age_s": max(0, int(now - entry.created_at)),
        "created_at": utc_iso(entry.created_at),
        "last_attempt_at": (
            utc_iso(entry.last_attempt_at) if entry.last_attempt_at is not None else None
        ),
        "last_error": entry.last_error,
        "last_error_kind": entry.last_error_kind,
        "next_attempt_at": utc_iso(entry.next_attempt_at) if entry.status == "pending" else None,
        "alert": entry.alert,
        "service_id": entry.service_id,
        "order_key": entry.order_key,
        "amount": format_amount(entry.amount),
    }


def _list(ledger: Ledger, args: argparse.Namespace) -> int:
    statuses = None if args.all else ("pending", "needs_technician")
    now = ledger.now()
    rows = [entry_to_json(e, now) for e in ledger.outbox_entries(statuses)]
    if args.json:
        print_json(rows)
        return exitcodes.OK
    if not rows:
        print("the outbox is empty: every payment is confirmed")
        return exitcodes.OK
    for r in rows:
        err = f"  last error: {r['last_error_kind']}: {r['last_error']}" if r["last_error"] else ""
        nxt = f"  next try {r['next_attempt_at']}" if r["next_attempt_at"] else ""
        print(
            f"{r['payment_id']}  {r['status']:<16} {r['amount']:>10} MDL  "
            f"{r['attempts']} attempts  age {r['age_s']} s{nxt}{err}"
        )
    return exitcodes.OK


def _connection(args: argparse.Namespace) -> tuple[MpaySettings, OutboxConfig | None]:
    """MPay settings and the [outbox] section (None without a config file).
    Raises CommandFailed(USAGE) after printing why."""
    path: Path | None = args.config
    try:
        if path is None:
            try:
                return settings_from_options(args), None
            except ValueError as incomplete:
                path = tool_config_path()
                if not path.exists():
                    raise ValueError(
                        f"{incomplete} (or --config F; {path} does not exist)"
                    ) from None
        config = load_config(path)
        return apply_connection_options(config.mpay, args), config.outbox
    except ConfigError as exc:
        from kiosk.commands._common import report_config_error

        report_config_error(exc)
    except ValueError as exc:
        print(f"usage error: {exc}", file=sys.stderr)
    raise CommandFailed(exitcodes.USAGE)


def _client(args: argparse.Namespace) -> tuple[Any, OutboxConfig | None]:
    settings, outbox_config = _connection(args)
    from kiosk.mpay.client import MpayClient  # lazy: zeep is slow to import

    try:
        return MpayClient(settings), outbox_config
    except MpayError as exc:
        print(f"MPay configuration error: {exc}", file=sys.stderr)
        raise CommandFailed(exitcodes.USAGE) from exc


def _backoff(outbox_config: OutboxConfig | None) -> dict[str, float]:
    if outbox_config is None:
        return {}
    return {
        "backoff_initial_s": outbox_config.backoff_initial_s,
        "backoff_max_s": outbox_config.backoff_max_s,
    }


def _drain(ledger: Ledger, args: argparse.Namespace) -> int:
    summary = ledger.outbox_summary()
    if summary.pending == 0:
        result: dict[str, Any] = {
            "delivered": 0,
            "attempts": 0,
            "parked": 0,
            "pending": 0,
            "needs_technician": summary.needs_technician,
            "empty": summary.needs_technician == 0,
            "timed_out": False,
            "last_error": None,
        }
    else:
        client, outbox_config = _client(args)
        try:
            r = ledger.drain(client, max(0.0, args.timeout), **_backoff(outbox_config))
        finally:
            client.close()
        result = {
            "delivered": r.delivered,
            "attempts": r.attempts,
            "parked": r.parked,
            "pending": r.pending,
            "needs_technician": r.needs_technician,
            "empty": r.empty,
            "timed_out": r.timed_out,
            "last_error": r.last_error,
        }
    if args.json:
        print_json(result)
    else:
        print(
            f"delivered {result['delivered']} in {result['attempts']} attempts; "
            f"{result['pending']} pending, {result['needs_technician']} need a technician"
        )
        if result["last_error"]:
            print(f"last error: {result['last_error']}")
        if result["needs_technician"]:
            print("parked entries: see `kiosk outbox list`, then `kiosk outbox retry ID`")
    return exitcodes.OK if result["empty"] else exitcodes.REMOTE


def _retry(ledger: Ledger, args: argparse.Namespace) -> int:
    try:
        before = ledger.outbox_entry(args.payment_id)
    except UnknownEntry as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exitcodes.FAILURE
    outcome = "already_confirmed"
    error = None
    if before.status != "confirmed":
        client, outbox_config = _client(args)
        try:
            entry = ledger.requeue(args.payment_id, actor_name(args.actor))
            attempt = attempt_delivery(
                ledger, client, entry, rng=random.random, **_backoff(outbox_config)
            )
        finally:
            client.close()
        outcome = attempt.outcome
        error = f"{type(attempt.error).__name__}: {attempt.error}" if attempt.error else None
    after = ledger.outbox_entry(args.payment_id)
    data = dict(entry_to_json(after, ledger.now()), outcome=outcome, error=error)
    if args.json:
        print_json(data)
    else:
        print(f"{after.payment_id}: {after.status} ({outcome})" + (f": {error}" if error else ""))
    return exitcodes.OK if after.status == "confirmed" else exitcodes.REMOTE
