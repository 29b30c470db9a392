"""``kiosk run``: the production start (systemd's ExecStart).

Loads the configuration, opens the journal and recovers what a crash interrupted, starts the
devices, the outbox and the payer screen, tells systemd READY=1 and pings its watchdog while
the session loop is alive. SIGTERM stops new sessions at once and ends the process once no
money is in flight (a payer who is paying finishes first).

``--headless`` runs everything but the screen (diagnostics, or a terminal driven remotely).
Exit codes: 0 stopped cleanly; 2 configuration error; 4 MPay settings unusable (certificates).
A device or printer that is missing at start is not fatal: it is reported (service mode,
``kiosk status``, the payer screen) and picked up when it appears.
"""

from __future__ import annotations

import argparse
import logging
import sys
from dataclasses import replace
from pathlib import Path

from kiosk import exitcodes
from kiosk.commands._common import ensure_state_dir, report_config_error
from kiosk.config import ConfigError, default_config_path, load_config
from kiosk.mpay.cli_options import add_connection_options, apply_connection_options

__all__ = ["register", "run"]

log = logging.getLogger(__name__)


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = subparsers.add_parser("run", help="production start (systemd runs this)",
                              description=__doc__,
                              formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--config", type=Path, metavar="F",
                   help="configuration file (default: $KIOSK_CONFIG or /etc/kiosk/kiosk.toml)")
    p.add_argument("--state-dir", type=Path, metavar="D",
                   help="state directory (default: the configuration's [state] dir)")
    p.add_argument("--headless", action="store_true", help="no screen: serve until SIGTERM")
    p.add_argument("--windowed", action="store_true", help="a window instead of fullscreen")
    p.add_argument("--seconds", type=float, metavar="S", help="stop after S seconds (tests)")
    add_connection_options(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from kiosk.commands._host import FrontendMissing, host
    from kiosk.mpay.errors import MpayConfigError
    from kiosk.runtime.build import build_runtime

    try:
        config = load_config(args.config or default_config_path())
        config = replace(config, mpay=apply_connection_options(config.mpay, args))
    except ConfigError as exc:
        report_config_error(exc)
        return exitcodes.USAGE
    except ValueError as exc:
        print(f"kiosk run: {exc}", file=sys.stderr)
        return exitcodes.USAGE
    state_dir = ensure_state_dir(args.state_dir or config.state_dir)
    try:
        runtime = build_runtime(config, state_dir=state_dir)
    except (MpayConfigError, OSError) as exc:
        print(f"kiosk run: MPay settings unusable: {exc}", file=sys.stderr)
        return exitcodes.REMOTE
    try:
        from kiosk.runtime.service import service_backend

        return host(runtime, headless=args.headless,
                    fullscreen=config.ui.fullscreen and not args.windowed,
                    hide_cursor=config.ui.hide_cursor if not args.windowed else False,
                    scanner=config.ui.scanner, seconds=args.seconds,
                    service=service_backend(runtime, config),
                    service_sequence=config.service_mode.key_sequence)
    except FrontendMissing as exc:
        print(f"kiosk run: {exc}; use --headless", file=sys.stderr)
        return exitcodes.USAGE
