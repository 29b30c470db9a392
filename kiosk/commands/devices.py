"""``kiosk devices ACTION``: talk to a cash device directly, for technicians and tests.

``kiosk devices accept --protocol ccnet|cctalk --port P [--limit AMOUNT] [--seconds S] [--json]``
enables the acceptor and prints one line per event; with ``--json`` one JSON object per line::

    {"event": "escrow"|"stacked"|"returned"|"rejected"|"fault"|"summary",
     "amount": "100.00", "currency": "MDL", ...}

A bill is stacked only while the running total stays within ``--limit`` and returned otherwise
(coins above what is left are inhibited, so the acceptor rejects them). The run ends after
``--seconds`` (counted from the moment the device is ready) or on SIGINT/SIGTERM, with a
``summary`` line carrying ``"total"``. Cassette removal and loss of the device are reported as
``fault`` lines with a ``kind``; informational changes (device connected, fault cleared,
cassette back) go to stderr. Exit 5 when the port cannot be opened or the device does not
answer, 2 for bad usage.
"""

from __future__ import annotations

import argparse
import json
import queue
import signal
import sys
import threading
import time
from types import FrameType
from typing import Any

from drivers.cash import AcceptorWorker, CashEvent
from drivers.errors import LinkError
from drivers.link import Link, SerialLink
from kiosk import exitcodes
from kiosk.commands._probe import add_probe_parser
from kiosk.i18n import t
from kiosk.money import AmountError, format_amount, parse_amount

__all__ = ["register", "run_accept"]

_NO_LIMIT = 10**12  # bani: "everything" for set_accepting
_CONNECT_TIMEOUT = 60.0  # s: INITIALIZE may take up to 40 s on a real validator
_JSON_KINDS = {"escrow", "stacked", "returned", "rejected", "fault"}
_FAULT_KINDS = {"cassette_removed", "disconnected"}


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = subparsers.add_parser(
        "devices",
        help="talk to a cash device directly (accept bills or coins); find devices on ports",
        description="Direct access to the devices, for technicians and tests.",
    )
    sub = p.add_subparsers(dest="devices_command", metavar="ACTION", required=True)
    a = sub.add_parser(
        "accept",
        help="enable an acceptor and print its events",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    a.add_argument(
        "--protocol",
        required=True,
        choices=("ccnet", "cctalk"),
        help="ccnet = CashCode bill validator, cctalk = coin acceptor",
    )
    a.add_argument("--port", required=True, metavar="P", help="serial port, e.g. /dev/ttyUSB0")
    a.add_argument("--baud", type=int, default=9600, help="serial speed (default 9600)")
    a.add_argument(
        "--limit", metavar="AMOUNT", help='most money to take in, e.g. "150.00" (default: no limit)'
    )
    a.add_argument(
        "--seconds",
        type=float,
        metavar="S",
        help="stop after S seconds (default: until SIGINT/SIGTERM)",
    )
    a.add_argument(
        "--poll-ms",
        type=int,
        default=200,
        metavar="MS",
        help="poll period in milliseconds, 100-1000 (default 200)",
    )
    a.add_argument(
        "--lang",
        default="en",
        choices=("ro", "ru", "en"),
        help="language of the readable lines (default en)",
    )
    a.add_argument("--json", action="store_true", help="one JSON object per line")
    a.set_defaults(func=run_accept)
    add_probe_parser(sub)


class _Session:
    """The money side of the run: total stacked and the limit, shared with the worker thread."""

    def __init__(self, limit: int | None) -> None:
        self.limit = limit
        self.total = 0
        self.counts = {"stacked": 0, "returned": 0, "rejected": 0, "fault": 0}
        self.refs: set[str] = set()
        self.currency = "MDL"
        self.lock = threading.Lock()

    def remaining(self) -> int:
        with self.lock:
            return _NO_LIMIT if self.limit is None else max(0, self.limit - self.total)

    def fits(self, amount: int) -> bool:
        return amount <= self.remaining()

    def credit(self, event: CashEvent) -> bool:
        """Count a credit once per ref; False if it was a re-delivery."""
        with self.lock:
            if event.ref in self.refs:
                return False
            self.refs.add(event.ref)
            self.total += event.amount
            self.currency = event.currency
            return True


def _make_driver(
    args: argparse.Namespace, session: _Session, events: queue.Queue[CashEvent]
) -> AcceptorWorker:
    def factory() -> Link:
        return SerialLink(args.port, args.baud)

    poll = args.poll_ms / 1000
    if args.protocol == "ccnet":
        from drivers.ccnet.driver import BillValidator

        def on_bill(event: CashEvent) -> None:
            if event.kind == "stacked":
                session.credit(event)
            events.put(event)

        driver: AcceptorWorker = BillValidator(
            factory,
            on_event=on_bill,
            escrow_policy=session.fits,
            poll_interval=poll,
            currencies=None,  # report whatever currency the bill table names
        )
        driver.set_accepting(_NO_LIMIT)  # every denomination; the policy returns what won't fit
        return driver

    from drivers.cctalk.driver import CoinAcceptor

    def on_coin(event: CashEvent) -> None:
        if event.kind == "stacked" and session.credit(event):
            coins.set_accepting(session.remaining())
        events.put(event)

    coins = CoinAcceptor(factory, on_event=on_coin, poll_interval=poll)
    coins.set_accepting(session.remaining())
    return coins


def _json_line(event: CashEvent) -> dict[str, Any] | None:
    kind = event.kind
    if kind not in _JSON_KINDS and kind not in _FAULT_KINDS:
        return None
    line: dict[str, Any] = {
        "event": kind if kind in _JSON_KINDS else "fault",
        "amount": format_amount(event.amount),
        "currency": event.currency,
        "device": event.device,
    }
    if kind in _FAULT_KINDS:
        line["kind"] = kind
    if event.ref:
        line["ref"] = event.ref
    if event.reason:
        line["reason"] = event.reason
    if event.code is not None:
        line["code"] = event.code
    if event.recovered:
        line["recovered"] = True
    return line


def _text_line(event: CashEvent, lang: str) -> str:
    text = t(
        f"devices.accept.{event.kind}",
        lang,
        amount=format_amount(event.amount),
        currency=event.currency,
    )
    return f"{text} ({event.reason})" if event.reason else text


class _Printer:
    def __init__(self, args: argparse.Namespace, session: _Session) -> None:
        self.json = args.json
        self.lang = args.lang
        self.session = session

    def event(self, event: CashEvent) -> None:
        if event.kind in self.session.counts:
            self.session.counts[event.kind] += 1
        elif event.kind in _FAULT_KINDS:
            self.session.counts["fault"] += 1
        if self.json:
            line = _json_line(event)
            if line is None:
                print(_text_line(event, self.lang), file=sys.stderr, flush=True)
            else:
                self._out(line)
        else:
            print(_text_line(event, self.lang), flush=True)

    def summary(self, args: argparse.Namespace, identity: dict[str, str]) -> None:
        s = self.session
        total = format_amount(s.total)
        if self.json:
            line: dict[str, Any] = {
                "event": "summary",
                "amount": total,
                "total": total,
                "currency": s.currency,
                "protocol": args.protocol,
                "port": args.port,
                "limit": None if s.limit is None else format_amount(s.limit),
                **{f"{k}_count": v for k, v in s.counts.items()},
                "device": identity,
            }
            self._out(line)
        else:
            print(
                t(
                    "devices.accept.summary",
                    self.lang,
                    total=total,
                    currency=s.currency,
                    count=s.counts["stacked"],
                ),
                flush=True,
            )

    @staticmethod
    def _out(obj: dict[str, Any]) -> None:
        sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")
        sys.stdout.flush()


def run_accept(args: argparse.Namespace) -> int:
    prog = "kiosk devices accept"
    limit: int | None = None
    if args.limit is not None:
        try:
            limit = parse_amount(args.limit)
        except AmountError as exc:
            print(f"{prog}: --limit: {exc}", file=sys.stderr)
            return exitcodes.USAGE
    if args.seconds is not None and not args.seconds > 0:
        print(f"{prog}: --seconds must be positive", file=sys.stderr)
        return exitcodes.USAGE
    if not 100 <= args.poll_ms <= 1000:
        print(f"{prog}: --poll-ms must be 100-1000", file=sys.stderr)
        return exitcodes.USAGE
    try:  # fail fast and clearly if the port is not there
        SerialLink(args.port, args.baud).close()
    except LinkError as exc:
        print(f"{prog}: cannot open {args.port}: {exc}", file=sys.stderr)
        return exitcodes.DEVICE

    session = _Session(limit)
    events: queue.Queue[CashEvent] = queue.Queue()
    printer = _Printer(args, session)
    stop = threading.Event()

    def on_signal(_signum: int, _frame: FrameType | None) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    driver = _make_driver(args, session, events)
    driver.start()
    try:
        code = _wait_connected(events, printer, stop, prog, args.port)
        if code is not None:
            return code
        deadline = None if args.seconds is None else time.monotonic() + args.seconds
        while not stop.is_set():
            left = 0.1 if deadline is None else min(0.1, deadline - time.monotonic())
            if left <= 0:
                break
            try:
                printer.event(events.get(timeout=left))
            except queue.Empty:
                pass
    finally:
        driver.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    while not events.empty():  # what happened while the device was being inhibited
        printer.event(events.get_nowait())
    printer.summary(args, driver.identity)
    return exitcodes.OK


def _wait_connected(
    events: queue.Queue[CashEvent],
    printer: _Printer,
    stop: threading.Event,
    prog: str,
    port: str,
) -> int | None:
    """None once the device is ready; an exit code if it does not answer or we are stopped."""
    deadline = time.monotonic() + _CONNECT_TIMEOUT
    while time.monotonic() < deadline and not stop.is_set():
        try:
            event = events.get(timeout=0.1)
        except queue.Empty:
            continue
        if event.kind == "connected":
            printer.event(event)
            return None
        if event.kind == "disconnected":
            print(f"{prog}: the device on {port} does not answer ({event.reason})", file=sys.stderr)
            return exitcodes.DEVICE
        printer.event(event)  # e.g. a credit recovered during start-up
    if stop.is_set():
        return None
    print(f"{prog}: the device on {port} did not become ready", file=sys.stderr)
    return exitcodes.DEVICE
