"""The ``kiosk`` command: one entry point, one module per subcommand under ``kiosk/commands/``.

Exit codes (a public contract, see README): 0 success; 2 usage or configuration error; 3 order
not found or not payable; 4 remote service error or unreachable; 5 device error; 1 anything else.

Each module in ``COMMAND_MODULES`` exposes ``register(subparsers)``, which adds its parser and
sets ``func`` (a callable ``(args) -> int``) as the parser default.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from kiosk import exitcodes
from kiosk.logsetup import setup_logging

# Order here is the order in `kiosk --help`.
COMMAND_MODULES = (
    "demo",
    "run",
    "config",
    "order",
    "sandbox",
    "emulate",
    "devices",
    "simulate",
    "outbox",
    "ledger",
    "receipt",
    "cashbox",
    "status",
)

DESCRIPTION = """\
mpay-kiosk: a walk-up payment terminal for MPay, Moldova's government payment platform.

Start with `kiosk demo` (the whole product on one machine, no hardware) or
`kiosk run --config /etc/kiosk/kiosk.toml` (production; systemd runs this).
"""

EPILOG = """\
exit codes: 0 success, 2 usage or configuration error, 3 order not found or not payable,
4 remote service error or unreachable, 5 device error, 1 anything else.
All --json output is UTF-8 JSON; amounts are strings with two decimals ("9267.00")."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(exitcodes.USAGE, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="kiosk",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "-v", "--verbose", action="count", default=0, help="more log output (-vv for debug)"
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(f"kiosk.commands.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"kiosk.commands.{name}":
                continue  # capability not built yet: the command is absent, not faked
            raise
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help(sys.stderr)
        return exitcodes.USAGE
    setup_logging(verbosity=args.verbose)
    try:
        code = int(args.func(args))
    except KeyboardInterrupt:
        return 130
    return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
