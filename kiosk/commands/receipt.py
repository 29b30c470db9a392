"""``kiosk receipt``: the receipt printer from the command line.

``kiosk receipt status`` asks the configured printer for its real-time status (exit 0 when it
can print, 5 otherwise). ``kiosk receipt test`` prints the commissioning test ticket, which
shows whether the printer profile's code-page slots are right (exit 0 when printed).

``kiosk receipt reprint [PAYMENT_ID|VOUCHER_CODE|--last]`` prints a receipt again, marked
as a copy: the receipt stored in the journal when it was first printed, or one rebuilt from
the journal (``kiosk.receipts.from_ledger``); ``--last`` is the most recently stored one. Exit
0 when printed, 3 when the journal knows no such payment, voucher or receipt, 5 when the
printer cannot print it. ``--json`` prints ``{"printed", "key", "kind", "files", ...}``. Every
reprint is written to the journal's audit log.
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
        help="receipt printer: status, commissioning test ticket, reprint a receipt",
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
    reprint = sub.add_parser("reprint", help="print a receipt again (marked as a copy)")
    reprint.add_argument("key", nargs="?", metavar="PAYMENT_ID|VOUCHER_CODE",
                         help="the PaymentID or voucher code of the receipt")
    reprint.add_argument("--last", action="store_true", help="the most recently stored receipt")
    add_state_options(reprint)
    reprint.add_argument("--receipts-dir", metavar="D", type=Path,
                         help="where the virtual printer writes (default: the configured one)")
    reprint.add_argument("--lang", choices=LANGS, help="language (default: the receipt's own)")
    reprint.add_argument("--actor", help="who asks, for the audit log (default: the login name)")
    reprint.add_argument("--json", action="store_true", help="print JSON")
    reprint.set_defaults(func=run_reprint)


def _open(args: argparse.Namespace, config: Any = None) -> tuple[Any, Any] | int:
    """(printer, profile) for the configured printer, or an exit code after saying why."""
    from drivers.errors import LinkError
    from kiosk.config import ConfigError
    from kiosk.receipts.printer import open_printer
    from kiosk.receipts.profiles import ProfileError, profile_from_config

    if config is None:
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
    receipts = (
        getattr(args, "receipts_dir", None) or config.printer.receipts_dir or state_dir / "receipts"
    )
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


def run_reprint(args: argparse.Namespace) -> int:
    from kiosk.commands.ledger import CommandFailed, actor_name, open_for_command
    from kiosk.config import ConfigError
    from kiosk.receipts.from_ledger import (
        ReceiptNotFound,
        last_receipt_for,
        receipt_for,
        receipt_key,
    )
    from kiosk.receipts.model import as_duplicate
    from kiosk.receipts.printer import print_receipt

    if (args.key is None) == (not args.last):
        print("kiosk receipt reprint: give a PaymentID or voucher code, or --last", file=sys.stderr)
        return exitcodes.USAGE
    try:
        config = load_config_for(args)
    except ConfigError as exc:
        report_config_error(exc)
        return exitcodes.USAGE
    try:
        ledger = open_for_command(args)
    except CommandFailed as failed:
        return failed.code
    with ledger:
        try:
            if args.last:
                receipt = last_receipt_for(ledger, config, lang=args.lang)
            else:
                receipt = receipt_for(ledger, config, args.key, lang=args.lang)
        except ReceiptNotFound as exc:
            print(f"kiosk receipt reprint: {exc}", file=sys.stderr)
            if args.json:
                print_json({"printed": False, "key": args.key, "kind": None, "files": [],
                            "error": "not_found"})
            return exitcodes.NOT_PAYABLE  # 3: "not found" in the command contract
        key = receipt_key(receipt)
        redeemed = _redeemed_at(ledger, key) if receipt.kind == "voucher" else None
        if redeemed:
            print(f"kiosk receipt reprint: note: voucher {key} was already used on {redeemed}",
                  file=sys.stderr)
        opened = _open(args, config)
        if isinstance(opened, int):
            return opened
        printer, profile = opened
        try:
            result = print_receipt(printer, as_duplicate(receipt), profile)
        finally:
            printer.close()
        ledger.audit(
            actor_name(args.actor),
            "receipt.reprint",
            {"key": key, "kind": receipt.kind.value, "outcome": result.outcome.value},
        )
    if args.json:
        print_json(
            {
                "printed": result.ok,
                "key": key,
                "kind": receipt.kind.value,
                "lang": receipt.lang,
                "files": list(result.files),
                "outcome": result.outcome.value,
                "printer": result.after.state.value,
            }
        )
    else:
        print(f"{receipt.kind.value} receipt {key}: {result.outcome.value} "
              f"(printer {result.after.state.value})")
        for path in result.files:
            print(path)
    return exitcodes.OK if result.ok else exitcodes.DEVICE


def _redeemed_at(ledger: Any, code: str) -> str | None:
    from kiosk.ledger import VoucherRefused

    try:
        voucher = ledger.voucher(code)
    except VoucherRefused:
        return None
    return voucher.redeemed_at if voucher is not None else None
