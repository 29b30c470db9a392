"""``kiosk sandbox mpay``: run the MPay sandbox SOAP server in the foreground.

Prints the endpoint URL on the first line of stdout, then serves until SIGINT or SIGTERM.
Demo orders, SIM- keys (fresh payable orders) and FAULT- keys: ``kiosk.mpay.sandbox_data``.
Without ``--state-dir`` confirmations live in memory only.

Control commands, one per line on stdin (end of input just stops reading them):
  offline on|off          refuse/reset connections ("cut the network to MPay")
  delay SECONDS           delay every reply
  bad-signatures on|off   break every reply's signature
  fault-rate RATE [KIND..] fail that share of requests (kinds: http500 http503 internal
                          reset lost_reply badsig unsigned slow)
  fail-next KIND [N]      fail the next N requests with KIND
  clock-offset SECONDS    shift the sandbox clock (reply timestamps)
  confirmations           print the accepted confirmations as JSON lines
  stats                   print the counters as JSON
  help                    this list
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import signal
import sys
import threading
from pathlib import Path
from types import FrameType
from typing import TextIO

from kiosk import exitcodes

__all__ = ["register", "run", "handle_command"]


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = subparsers.add_parser(
        "sandbox",
        help="run a sandbox server (mpay: the MPay IServiceProvider sandbox)",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("kind", choices=("mpay",), help="which sandbox to run")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=0, help="port (default: any free port)")
    p.add_argument(
        "--state-dir",
        metavar="D",
        type=Path,
        help="keep confirmations in D/mpay-sandbox.sqlite3 (default: memory)",
    )
    p.add_argument(
        "--client-cert",
        metavar="FILE",
        type=Path,
        help="the kiosk certificate request signatures must verify against "
        "(default: the demo terminal.crt)",
    )
    p.add_argument(
        "--no-verify-requests",
        action="store_true",
        help="accept unsigned requests (diagnostics only)",
    )
    p.add_argument(
        "--slow-s",
        type=float,
        default=30.0,
        help="how long FAULT-SLOW and the 'slow' fault wait (default 30)",
    )
    p.set_defaults(func=run)


def handle_command(sandbox: object, line: str, out: TextIO) -> None:
    """Apply one stdin control command to a running ``MpaySandbox``."""
    from kiosk.mpay.sandbox import MpaySandbox

    assert isinstance(sandbox, MpaySandbox)
    words = line.split()
    if not words:
        return
    cmd, rest = words[0].lower(), words[1:]
    try:
        if cmd == "offline" and rest:
            sandbox.set_offline(rest[0] == "on")
        elif cmd == "delay" and rest:
            sandbox.set_delay(float(rest[0]))
        elif cmd == "bad-signatures" and rest:
            sandbox.set_bad_signatures(rest[0] == "on")
        elif cmd == "fault-rate" and rest:
            sandbox.set_fault_rate(float(rest[0]), rest[1:] or None)
        elif cmd == "fail-next" and rest:
            sandbox.fail_next(rest[0], int(rest[1]) if len(rest) > 1 else 1)
        elif cmd == "clock-offset" and rest:
            sandbox.set_clock_offset(float(rest[0]))
        elif cmd == "confirmations":
            for conf in sandbox.confirmations():
                out.write(json.dumps(dataclasses.asdict(conf), ensure_ascii=False) + "\n")
        elif cmd == "stats":
            out.write(json.dumps(sandbox.stats()) + "\n")
        elif cmd == "help":
            out.write(__doc__.split("Control commands", 1)[1] + "\n")
        else:
            out.write(f"unknown command {line.strip()!r} (try: help)\n")
            return
    except ValueError as exc:
        out.write(f"error: {exc}\n")
        return
    out.write("ok\n")
    out.flush()


def run(args: argparse.Namespace) -> int:
    from kiosk.mpay.errors import MpayConfigError
    from kiosk.mpay.sandbox import MpaySandbox

    try:
        sandbox = MpaySandbox(
            args.host,
            args.port,
            args.state_dir,
            client_cert=args.client_cert,
            verify_requests=not args.no_verify_requests,
            slow_s=args.slow_s,
        )
        sandbox.start()
    except (MpayConfigError, OSError) as exc:
        print(f"kiosk sandbox: cannot start: {exc}", file=sys.stderr)
        return exitcodes.FAILURE
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:  # noqa: ARG001
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    sys.stdout.write(sandbox.url + "\n")
    sys.stdout.flush()

    def read_commands() -> None:
        for line in sys.stdin:
            handle_command(sandbox, line, sys.stdout)
            sys.stdout.flush()

    threading.Thread(target=read_commands, name="sandbox-stdin", daemon=True).start()
    try:
        while not stop.wait(0.5):
            pass
    finally:
        sandbox.stop()
    return exitcodes.OK
