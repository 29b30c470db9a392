"""``kiosk cashbox [show|collect|history]``: the cash box counts and its collections.

``show`` (the default) prints the bills and coins taken in since the last collection, counted
from the journal's credits: ``--json`` gives ``since``, ``bill`` and ``coin`` (pieces per
denomination, e.g. ``{"100.00": 3}``), ``bill_total``, ``coin_total``, ``total``, ``pieces``.

``collect`` records that the box was emptied (who: ``--actor``, default the sudo caller or the
login name; when: now) and closes the period. Give what was found in the box with
``--counted '{"bill": {"100.00": 3}, "coin": {"1.00": 5}}'`` and/or the devices' own counters
with ``--device-counters`` (same form) to get a discrepancy report. It prints the collection
report (``id``, ``at``, ``actor``, ``since``, ``expected``, ``expected_total``, ``counted``,
``counted_total``, ``device_counters``, ``discrepancies``, ``balanced``). Exit 0 once recorded,
even with discrepancies (they are in the report); 2 on a malformed count. Stop the acceptors
(service mode) before collecting: a bill stacked meanwhile belongs to the next period.

``history`` lists the collections, newest last.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from kiosk import exitcodes
from kiosk.commands._common import add_state_options, print_json
from kiosk.commands.ledger import CommandFailed, actor_name, open_for_command
from kiosk.ledger import Collection, Ledger
from kiosk.ledger.export import cash_box_json
from kiosk.money import AmountError, format_amount, parse_amount

__all__ = ["register", "run", "collection_to_json", "parse_counts"]


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = subparsers.add_parser(
        "cashbox",
        help="cash box counts since the last collection; record a collection",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "action",
        nargs="?",
        choices=("show", "collect", "history"),
        default="show",
        help="show (default), collect or history",
    )
    p.add_argument("--actor", help="who collects (default: the sudo caller or login name)")
    p.add_argument("--counted", metavar="JSON", help="what was found in the box")
    p.add_argument("--device-counters", metavar="JSON", help="the devices' own counters")
    add_state_options(p)
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=run)


def parse_counts(text: str, what: str) -> dict[str, dict[int, int]]:
    """``{"bill": {"100.00": 3}}`` -> ``{"bill": {10000: 3}}``; raises ValueError."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"{what}: not JSON ({exc.msg})") from None
    if not isinstance(data, dict):
        raise ValueError(f'{what}: expected an object like {{"bill": {{"100.00": 3}}}}')
    out: dict[str, dict[int, int]] = {}
    for kind, per in data.items():
        if kind not in ("bill", "coin") or not isinstance(per, dict):
            raise ValueError(f"{what}: {kind!r} must be bill or coin, with an object of counts")
        out[kind] = {}
        for denom, pieces in per.items():
            try:
                bani = parse_amount(str(denom))
            except AmountError as exc:
                raise ValueError(f"{what}: {kind} {denom!r}: {exc}") from None
            if isinstance(pieces, bool) or not isinstance(pieces, int) or pieces < 0:
                raise ValueError(f"{what}: {kind} {denom}: the count must be a whole number >= 0")
            out[kind][bani] = out[kind].get(bani, 0) + pieces
    return out


def _counts_json(counts: dict[str, dict[int, int]] | None) -> dict[str, dict[str, int]] | None:
    if counts is None:
        return None
    return {k: {format_amount(d): n for d, n in sorted(v.items())} for k, v in counts.items()}


def collection_to_json(c: Collection) -> dict[str, Any]:
    return {
        "id": c.id,
        "at": c.at,
        "actor": c.actor,
        "since": c.since,
        "expected": _counts_json(c.expected),
        "expected_total": format_amount(c.expected_total),
        "counted": _counts_json(c.counted),
        "counted_total": format_amount(c.counted_total) if c.counted_total is not None else None,
        "device_counters": _counts_json(c.device_counters),
        "discrepancies": [
            {
                "against": d.against,
                "kind": d.source,
                "denomination": format_amount(d.denomination),
                "expected": d.expected,
                "found": d.found,
            }
            for d in c.discrepancies
        ],
        "balanced": c.balanced,
    }


def run(args: argparse.Namespace) -> int:
    try:
        counted = parse_counts(args.counted, "--counted") if args.counted else None
        device = (
            parse_counts(args.device_counters, "--device-counters")
            if args.device_counters
            else None
        )
    except ValueError as exc:
        print(f"usage error: {exc}", file=sys.stderr)
        return exitcodes.USAGE
    if args.action != "collect" and (counted is not None or device is not None):
        print("usage error: --counted and --device-counters go with collect", file=sys.stderr)
        return exitcodes.USAGE
    try:
        ledger = open_for_command(args)
    except CommandFailed as failed:
        return failed.code
    with ledger:
        if args.action == "collect":
            return _collect(ledger, args, counted, device)
        if args.action == "history":
            rows = [collection_to_json(c) for c in ledger.collections(limit=1000)]
            if args.json:
                print_json(rows)
            else:
                for r in rows:
                    state = "balanced" if r["balanced"] else "DISCREPANCY"
                    print(f"#{r['id']} {r['at']} by {r['actor']}: {r['expected_total']} {state}")
            return exitcodes.OK
        box = cash_box_json(ledger.cash_box())
        if args.json:
            print_json(box)
        else:
            print(f"since {box['since'] or 'the first use'}: {box['total']} MDL")
            for kind in ("bill", "coin"):
                for denom, pieces in box[kind].items():
                    print(f"  {kind:<5}{denom:>9} x {pieces}")
        return exitcodes.OK


def _collect(
    ledger: Ledger,
    args: argparse.Namespace,
    counted: dict[str, dict[int, int]] | None,
    device: dict[str, dict[int, int]] | None,
) -> int:
    collection = ledger.collect(actor_name(args.actor), counted, device)
    report = collection_to_json(collection)
    if args.json:
        print_json(report)
    else:
        print(
            f"collection #{report['id']} by {report['actor']} at {report['at']}: "
            f"expected {report['expected_total']} MDL"
        )
        for d in report["discrepancies"]:
            print(
                f"  DISCREPANCY ({d['against']}): {d['kind']} {d['denomination']}: "
                f"expected {d['expected']}, found {d['found']}"
            )
        if report["balanced"]:
            print("  balanced")
    return exitcodes.OK
