"""``kiosk devices probe``: which serial port holds which device (see ``kiosk.service.probe``).

``kiosk devices probe [--ports P ...] [--protocols ccnet,cctalk,zvt,escpos] [--config F]
[--save] [--json]`` asks every candidate port, safely, which protocol answers: ESC/POS status
requests first (a printer prints anything else), then ccTalk SIMPLE POLL and identification,
CCNET IDENTIFICATION, ZVT Status Enquiry. Nothing enables acceptance or starts a payment. A
port held by another process (the running kiosk) is reported ``busy`` and left alone.

Without ``--ports`` the candidates are the ``/dev/ttyUSB*``, ``/dev/ttyACM*`` and
``/dev/ttyS0``-``3`` that exist. Addresses, ZVT password and speeds come from the
configuration when there is one. ``--save`` writes the identified ports into that file
(validated first, ``<file>.bak`` kept); a protocol found on two ports is refused.

``--json`` prints one object: ``ports`` (each ``port``, ``protocol`` or null, ``identity``,
``error``, ``busy``, ``tried``), ``found`` (protocol -> port) and ``saved`` (the changes, each
``key``, ``old``, ``new``; null without ``--save``).

Exit 0 when at least one device answered (and, with --save, the file was written); 5 when
nothing answered on any port or there is no candidate port; 2 for bad usage, an invalid
configuration or an assignment that cannot be saved.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from kiosk import exitcodes
from kiosk.commands._common import print_json, report_config_error
from kiosk.config import ConfigError, default_config_path, load_config

__all__ = ["add_probe_parser", "run_probe"]


def add_probe_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "probe",
        help="find which serial port holds which device (safe identification only)",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--ports", nargs="+", metavar="P", help="ports to probe (default: candidates)")
    p.add_argument("--protocols", default="ccnet,cctalk,zvt,escpos", metavar="LIST",
                   help="comma-separated protocols to try (default: all four)")
    p.add_argument("--config", metavar="F", type=Path,
                   help="configuration file (default: $KIOSK_CONFIG or /etc/kiosk/kiosk.toml)")
    p.add_argument("--save", action="store_true",
                   help="write the identified ports into the configuration file")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=run_probe)


def run_probe(args: argparse.Namespace) -> int:
    from kiosk.service.probe import (
        PROTOCOLS,
        PortConfigError,
        ProbeSettings,
        default_candidates,
        probe_ports,
        probe_settings_from_config,
        save_port_assignment,
    )

    prog = "kiosk devices probe"
    protocols = [p.strip() for p in args.protocols.split(",") if p.strip()]
    unknown = [p for p in protocols if p not in PROTOCOLS]
    if unknown or not protocols:
        print(f"{prog}: --protocols: unknown {', '.join(unknown) or '(none given)'}; "
              f"use {', '.join(PROTOCOLS)}", file=sys.stderr)
        return exitcodes.USAGE
    path = args.config or default_config_path()
    settings = ProbeSettings()
    if args.config is not None or args.save or path.exists():
        try:
            settings = probe_settings_from_config(load_config(path))
        except ConfigError as exc:
            report_config_error(exc)
            return exitcodes.USAGE
    ports = args.ports if args.ports else default_candidates()
    if not ports:
        _out(args, [], None)
        print(f"{prog}: no candidate serial ports (give --ports)", file=sys.stderr)
        return exitcodes.DEVICE
    findings = probe_ports(ports, protocols, settings=settings)
    saved = None
    code = exitcodes.OK if any(f.protocol for f in findings) else exitcodes.DEVICE
    if args.save and code == exitcodes.OK:
        try:
            saved = [c.to_dict() for c in save_port_assignment(path, findings)]
        except PortConfigError as exc:
            _out(args, findings, None)
            print(f"{prog}: not saved: {exc}", file=sys.stderr)
            return exitcodes.USAGE
    _out(args, findings, saved)
    return code


def _out(args: argparse.Namespace, findings: list[Any], saved: list[dict[str, Any]] | None) -> None:
    found = {f.protocol: f.port for f in findings if f.protocol}
    if args.json:
        print_json({"ports": [f.to_dict() for f in findings], "found": found, "saved": saved})
        return
    for f in findings:
        if f.protocol:
            ident = ", ".join(f"{k}={v}" for k, v in f.identity.items() if k != "protocol")
            print(f"{f.port}: {f.protocol} ({ident})")
        elif f.error:
            print(f"{f.port}: {'busy' if f.busy else 'cannot open'}: {f.error}")
        else:
            print(f"{f.port}: nothing answered ({', '.join(f.tried)})")
    for change in saved or []:
        print(f"saved {change['key']} = {change['new']} (was {change['old'] or 'unset'})")
