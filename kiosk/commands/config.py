"""``kiosk config check [F]`` and ``kiosk config hash-pin``."""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

from kiosk import exitcodes
from kiosk.config import ConfigError, default_config_path, hash_pin, load_config


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = subparsers.add_parser("config", help="validate a configuration file, make a PIN hash",
                              description="Configuration tools.")
    sub = p.add_subparsers(dest="config_command", metavar="ACTION", required=True)
    c = sub.add_parser(
        "check",
        help="validate a configuration file",
        description="Validates a configuration file. Prints every problem as FILE: KEY: PROBLEM "
        "and exits 2; exits 0 and prints a short summary when the file is valid.",
    )
    c.add_argument("file", nargs="?", type=Path, help="default: $KIOSK_CONFIG or /etc/kiosk/kiosk.toml")
    c.set_defaults(func=run_check)
    h = sub.add_parser(
        "hash-pin",
        help="make a technician PIN hash for [service_mode] pin_hash",
        description="Reads a PIN (4-12 digits) from the terminal, or from stdin when piped, and "
        "prints the salted slow hash to put in [service_mode] pin_hash.",
    )
    h.set_defaults(func=run_hash_pin)


def run_check(args: argparse.Namespace) -> int:
    path = args.file or default_config_path()
    try:
        cfg = load_config(path)
    except ConfigError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        n = len(exc.problems)
        print(f"{path}: {n} problem{'s' if n != 1 else ''}", file=sys.stderr)
        return exitcodes.USAGE
    devices = [n for n in ("bill_validator", "coin_acceptor", "card_terminal")
               if getattr(cfg.devices, n) is not None]
    print(f"{path}: OK (terminal {cfg.terminal.id}, {len(cfg.services)} services, "
          f"devices: {', '.join(devices) or 'none'}, printer: {cfg.printer.connection})")
    return exitcodes.OK


def run_hash_pin(args: argparse.Namespace) -> int:
    del args
    pin = getpass.getpass("PIN: ") if sys.stdin.isatty() else sys.stdin.readline().strip()
    if not (pin.isdigit() and 4 <= len(pin) <= 12):
        print("kiosk config hash-pin: the PIN must be 4 to 12 digits", file=sys.stderr)
        return exitcodes.USAGE
    print(hash_pin(pin))
    return exitcodes.OK
