"""``kiosk emulate ccnet|cctalk|zvt|printer``: a device emulator on a new pseudo-terminal.

Each emulator module provides ``main(link_path: str | None) -> int``: it opens a pty, prints the
port path (and then reads control commands, one per line, from standard input, e.g.
``insert 100``, ``jam``, ``paper out``; ``help`` lists them) until stdin closes or SIGTERM.
"""

from __future__ import annotations

import argparse
import importlib

from kiosk import exitcodes

EMULATORS = {
    "ccnet": ("drivers.ccnet.emulator", "CashCode CCNET bill validator"),
    "cctalk": ("drivers.cctalk.emulator", "ccTalk coin acceptor"),
    "zvt": ("drivers.zvt.emulator", "ZVT bank card terminal"),
    "printer": ("drivers.escpos.emulator", "ESC/POS receipt printer"),
}


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = subparsers.add_parser(
        "emulate",
        help="run a device emulator on a new pseudo-terminal and print its port path",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("device", choices=sorted(EMULATORS), help="which device to emulate")
    p.add_argument("--link", metavar="PATH", help="also make a symlink to the port at PATH")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    module_name, _ = EMULATORS[args.device]
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name != module_name:
            raise
        print(f"kiosk emulate: the {args.device} emulator is not built yet")
        return exitcodes.FAILURE
    return int(module.main(args.link))
