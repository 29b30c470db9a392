"""``kiosk demo``: the whole product on one machine, no hardware.

Starts the MPay sandbox (a real signed-SOAP server on loopback), a CCNET bill validator, a
ccTalk coin acceptor and a ZVT card terminal emulator on pseudo-terminals, and a virtual
receipt printer (each receipt as .bin + .png); points the embedded configuration at them;
and runs the real runtime and the fullscreen payer UI (``--windowed`` for a window) next to a
simulator panel that inserts bills and coins, jams the validator, empties the printer and
cuts the network, all through the emulators' and sandbox's real interfaces.

Demo orders to try (service, order key): MDS02 MDS02250710092629689, IGP01 IGP2025000123,
ASP01 ASP2025100001, GRD01 GRD125-0042, APA01 APA-100234; any key SIM-<anything> is a fresh
150.00 order. Service-mode PIN of the demo configuration: 1234.

The state (journal, receipts, the sandbox's confirmations) persists in ``--state-dir``
(default ~/.local/state/mpay-kiosk/demo), so stopping and restarting shows crash recovery.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path
from typing import Any

from kiosk import exitcodes
from kiosk.commands._common import ensure_state_dir, report_config_error
from kiosk.config import ConfigError, demo_config_path, load_config

__all__ = ["register", "run"]

log = logging.getLogger(__name__)


def default_demo_state() -> Path:
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "mpay-kiosk" / "demo"


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = subparsers.add_parser("demo", help="the embedded default: sandbox MPay, device emulators, "
                              "virtual printer and the payer UI", description=__doc__,
                              formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--windowed", action="store_true", help="a window instead of fullscreen")
    p.add_argument("--headless", action="store_true",
                   help="no screen: serve the emulated terminal until SIGTERM (use with simulate/"
                   "order/outbox commands against the printed endpoint)")
    p.add_argument("--vnc", type=int, metavar="PORT",
                   help="no display here: serve the screen over VNC on PORT (Qt's vnc platform); "
                   "watch and touch it with any VNC viewer")
    p.add_argument("--config", type=Path, metavar="F",
                   help="configuration to run (default: the embedded config/demo.toml)")
    p.add_argument("--state-dir", type=Path, metavar="D",
                   help="state directory (default: ~/.local/state/mpay-kiosk/demo)")
    p.add_argument("--receipts-dir", type=Path, metavar="D",
                   help="where the virtual printer writes receipts (default: STATE/receipts)")
    p.add_argument("--seconds", type=float, metavar="S", help="stop after S seconds (tests)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from kiosk.commands._host import FrontendMissing, host
    from kiosk.runtime.build import build_runtime
    from kiosk.simulation.world import start_world

    try:
        config = load_config(args.config or demo_config_path())
    except ConfigError as exc:
        report_config_error(exc)
        return exitcodes.USAGE
    if args.vnc is not None:
        os.environ["QT_QPA_PLATFORM"] = f"vnc:size=1620x1920:port={args.vnc}"
        args.windowed = True
        print(f"kiosk demo: the screen is served over VNC on port {args.vnc}", flush=True)
    if not args.headless and not _has_display():
        print("kiosk demo: no display (DISPLAY / WAYLAND_DISPLAY unset). Run it on a desktop, "
              "with --vnc 5900 (then open a VNC viewer on this machine's port 5900), or with "
              "--headless.", file=sys.stderr)
        return exitcodes.USAGE
    state_dir = ensure_state_dir(args.state_dir or default_demo_state())
    world = start_world(config, state_dir=state_dir, receipts_dir=args.receipts_dir)
    try:
        from kiosk.runtime.service import service_backend

        runtime = build_runtime(world.config, printer=world.printer)
        _banner(world, state_dir)
        return host(runtime, headless=args.headless, fullscreen=not args.windowed,
                    hide_cursor=False, scanner=world.config.ui.scanner,
                    simulator=_controls(world), seconds=args.seconds, stop_grace_s=60,
                    service=service_backend(runtime, world.config),
                    service_sequence=world.config.service_mode.key_sequence)
    except FrontendMissing as exc:
        print(f"kiosk demo: {exc}; use --headless", file=sys.stderr)
        return exitcodes.USAGE
    finally:
        world.stop()


def _has_display() -> bool:
    if os.environ.get("QT_QPA_PLATFORM", "").startswith(("offscreen", "eglfs", "linuxfb", "vnc")):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def _controls(world: Any) -> dict[str, Any]:
    controls: dict[str, Any] = {"insert_bill": world.insert_bill}
    if world.coin is not None:
        controls["insert_coin"] = world.insert_coin
    if world.bill is not None:
        controls["jam_validator"] = world.bill.jam
        controls["clear_jam"] = world.bill.clear_fault
    controls["paper_out"] = lambda: world.paper(False)
    controls["paper_refill"] = lambda: world.paper(True)
    if world.sandbox is not None:
        controls["network_down"] = lambda: world.network(False)
        controls["network_up"] = lambda: world.network(True)
    return controls


def _banner(world: Any, state_dir: Path) -> None:
    c = world.config
    lines = [
        "mpay-kiosk demo",
        f"  MPay sandbox      {c.mpay.endpoint}",
        f"  bill validator    {getattr(world.bill, 'port', '-')} (CCNET)",
        f"  coin acceptor     {getattr(world.coin, 'port', '-')} (ccTalk)",
        f"  card terminal     {getattr(world.card, 'port', '-')} (ZVT)",
        f"  receipts          {c.printer.receipts_dir}",
        f"  state             {state_dir}",
        "  try: MDS02 / MDS02250710092629689, IGP01 / IGP2025000123, any SIM-... key",
        "  service mode: tap the corners top-left, top-right, bottom-right, bottom-left; PIN 1234",
    ]
    print("\n".join(lines), flush=True)
