"""``kiosk status [--config F] [--state-dir D] [--offline] [--json]``: the health facts over SSH.

The same facts as the service mode's health page: outbox (pending count and amount, the oldest
unconfirmed payment's age, parked entries), vouchers outstanding, certificate expiry dates,
free disk space in the state directory, printer status, time synchronisation, cash box, the
configured devices and whether MPay's endpoint accepts a TCP connection (skipped with
``--offline``; 3 s at most). While a kiosk runs on this state directory, the devices and the
printer are reported as its drivers see them (``<state>/runtime-status.json``, refreshed every
few seconds; no port is opened here); with no kiosk running, the printer is asked directly and
the cash devices and card terminal are ``unknown``.

``--json`` prints one object: ``terminal_id``, ``at``, ``state_dir``, ``mpay`` {``endpoint``,
``reachable``}, ``outbox``, ``vouchers``, ``certificates`` (each ``name``, ``path``,
``subject``, ``not_before``, ``not_after``, ``days_left``, ``state``), ``disk``,
``time_sync``, ``printer``, ``devices``, ``cash_box``, ``problems`` (each ``code``, ``kind``,
``detail``), ``ok`` and ``runtime`` {``running``, ``screen``, ``out_of_service``,
``updated_at``}. Amounts are strings with two decimals.

Exit codes: 0 nothing stops the terminal (problems of kind ``other`` -- a certificate expiring
soon, parked confirmations, low disk, an unsynchronised clock -- are listed but keep 0; check
``ok``); 5 a device problem (the printer cannot print or does not answer); 4 a remote problem
(MPay unreachable, a certificate expired, not yet valid or unreadable); 5 wins over 4.
2 configuration error; 1 the journal cannot be read.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
from pathlib import Path
from typing import Any

from kiosk import exitcodes
from kiosk.commands._common import add_state_options, load_config_for, print_json, report_config_error
from kiosk.config import ConfigError

__all__ = ["register", "run", "exit_code_for"]


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = subparsers.add_parser(
        "status",
        help="health facts: outbox, certificates, disk, printer, clock, cash box",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_state_options(p)
    p.add_argument("--offline", action="store_true",
                   help="do not try to reach MPay (reachable is null)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=run)


def exit_code_for(facts: dict[str, Any]) -> int:
    kinds = {p["kind"] for p in facts["problems"]}
    if "device" in kinds:
        return exitcodes.DEVICE
    if "remote" in kinds:
        return exitcodes.REMOTE
    return exitcodes.OK


def run(args: argparse.Namespace) -> int:
    from drivers.escpos.status import PrinterState, PrinterStatus
    from kiosk.ledger import Ledger, LedgerError
    from kiosk.service.health import check_mpay_reachable, gather_health
    from kiosk.service.live import read_live_status

    try:
        config = load_config_for(args)
    except ConfigError as exc:
        report_config_error(exc)
        return exitcodes.USAGE
    state_dir = Path(args.state_dir) if args.state_dir else config.state_dir
    reachable = None if args.offline else check_mpay_reachable(config.mpay.endpoint)
    try:
        ledger = Ledger.open(state_dir)
    except (LedgerError, sqlite3.Error, OSError) as exc:
        print(f"ledger error: {state_dir}: {exc}", file=sys.stderr)
        return exitcodes.FAILURE
    live = read_live_status(state_dir)
    printer_status = None
    if live is not None and isinstance(live.get("printer"), dict):
        try:
            printer_status = PrinterStatus(state=PrinterState(live["printer"].get("state")))
        except ValueError:
            printer_status = None
    with ledger:
        facts = gather_health(config, ledger, mpay_reachable=reachable, state_dir=state_dir,
                              device_states=live.get("devices") if live else None,
                              printer_status=printer_status)
    facts["runtime"] = ({"running": True, "screen": live.get("screen"),
                         "out_of_service": live.get("holds") or [],
                         "updated_at": live.get("updated_at")} if live else {"running": False})
    if args.json:
        print_json(facts)
    else:
        _print_text(facts)
    return exit_code_for(facts)


def _print_text(f: dict[str, Any]) -> None:
    o, v, d = f["outbox"], f["vouchers"], f["disk"]
    reach = {True: "reachable", False: "UNREACHABLE", None: "not checked"}[f["mpay"]["reachable"]]
    print(f"terminal {f['terminal_id']} at {f['at']}")
    print(f"MPay {f['mpay']['endpoint']}: {reach}")
    age = "" if o["oldest_age_s"] is None else f", oldest {o['oldest_age_s']} s"
    print(f"outbox: {o['pending']} pending ({o['pending_amount']} MDL{age}), "
          f"{o['needs_technician']} parked")
    print(f"vouchers outstanding: {v['outstanding']} ({v['outstanding_amount']} MDL)")
    for c in f["certificates"]:
        print(f"certificate {c['name']}: {c['state']}, expires {c['not_after'] or '?'}")
    if d["free_bytes"] is not None:
        print(f"disk: {d['free_bytes'] // (1024 * 1024)} MiB free ({d['free_percent']} %)")
    sync = {True: "synchronised", False: "NOT synchronised", None: "unknown"}
    print(f"clock: {sync[f['time_sync']['synchronized']]}")
    print(f"printer: {f['printer']['state']}")
    for name, dev in f["devices"].items():
        print(f"{name}: {dev['protocol']} on {dev['port']}: {dev['state']}")
    print(f"cash box: {f['cash_box']['total']} MDL in {f['cash_box']['pieces']} pieces")
    for p in f["problems"]:
        print(f"PROBLEM ({p['kind']}): {p['code']} {p['detail']}".rstrip())
    if f["ok"]:
        print("OK")
