"""``kiosk receipt``: the receipt printer from the command line.

``kiosk receipt status`` asks the configured printer for its real-time status (exit 0 when it
can print, 5 otherwise). ``kiosk receipt test`` prints the commissioning test ticket, which
shows whether the printer profile's code-page slots are right (exit 0 when printed).

``kiosk receipt reprint`` is not here yet: it needs the ledger to load a stored receipt by
PaymentID, which it does not offer yet.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from kiosk import exitcodes
from kiosk.commands._common import (
    add_state_options,
    load_config_for,
    print_json,
    report_config_error,
)

LANGS = ("ro", "ru", "en")


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = subparsers.add_parser(
        "receipt",
        help="receipt printer: status, commissioning test ticket",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = p.add_subparsers(dest="receipt_command", metavar="ACTION", required=True)
    status = sub.add_parser("status", help="the printer's real-time status")
    add_state_options(status)
    status.add_argument("--json", action="store_true", help="print JSON")
    status.set_defaults(func=run_status)
    test = sub.add_parser("test", help="print the code-page test ticket")
    add_state_options(test)
    test.add_argument("--lang", choices=LANGS, default="ro", help="ticket language (default ro)")
    test.add_argument("--json", action="store_true", help="print JSON")
    test.set_defaults(func=run_test)


def _open(args: argparse.Namespace) -> tuple[Any, Any] | int:
    """(printer, profile) for the configured printer, or an exit code after saying why."""
    from drivers.errors import LinkError
    from kiosk.config import ConfigError
    from kiosk.receipts.printer import open_printer
    from kiosk.receipts.profiles import ProfileError, profile_from_config

    try:
        config = load_config_for(args)
    except ConfigError as exc:
        report_config_error(exc)
        return exitcodes.USAGE
    try:
        profile = profile_from_config(config.printer)
    except ProfileError as exc:
        print(f"config error: printer.profile: {exc}", file=sys.stderr)
        return exitcodes.USAGE
    state_dir = Path(args.state_dir) if args.state_dir else config.state_dir
    receipts = config.printer.receipts_dir or state_dir / "receipts"
    try:
        printer = open_printer(config.printer, receipts_dir=receipts, profile=profile)
    except LinkError as exc:
        print(f"printer: {exc}", file=sys.stderr)
        return exitcodes.DEVICE
    return printer, profile


def run_status(args: argparse.Namespace) -> int:
    opened = _open(args)
    if isinstance(opened, int):
        return opened
    printer, _ = opened
    try:
        status = printer.status()
    finally:
        printer.close()
    if args.json:
        print_json(status.to_dict())
    else:
        print(f"printer: {status.state.value}")
    return exitcodes.OK if status.can_print else exitcodes.DEVICE


def run_test(args: argparse.Namespace) -> int:
    from kiosk.receipts.render import render_blocks
    from kiosk.receipts.testticket import test_ticket

    opened = _open(args)
    if isinstance(opened, int):
        return opened
    printer, profile = opened
    try:
        result = printer.print_job(
            render_blocks(test_ticket(profile, args.lang), profile, args.lang), name="test-ticket"
        )
    finally:
        printer.close()
    if args.json:
        print_json(result.to_dict())
    else:
        print(f"test ticket: {result.outcome.value} (printer {result.after.state.value})")
        for path in result.files:
            print(path)
    return exitcodes.OK if result.ok else exitcodes.DEVICE
