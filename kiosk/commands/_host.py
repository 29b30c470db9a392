"""Hosting a started runtime: systemd readiness and watchdog, the front end, a safe stop.

The Qt front end is found through the ``kiosk.frontends`` entry point (``ui.launch:run``), so
the core never imports Qt. Headless (``--headless``) the process serves until SIGTERM/SIGINT.
Either way a stop request first stops new sessions, lets money in flight settle (a payment or
a voucher), and only then ends the process: "restart, update and shut down only when no money
is in flight".
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable, Mapping
from importlib.metadata import entry_points
from typing import Any

from kiosk.systemd import Heartbeat, Watchdog, notify, watchdog_interval

__all__ = ["host", "load_frontend", "FrontendMissing"]

log = logging.getLogger(__name__)


class FrontendMissing(RuntimeError):
    pass


def load_frontend(name: str = "qt") -> Callable[..., int]:
    for ep in entry_points(group="kiosk.frontends"):
        if ep.name == name:
            return ep.load()  # type: ignore[no-any-return]
    raise FrontendMissing(f"no {name!r} front end is installed (kiosk.frontends entry point)")


def host(
    runtime: Any,
    *,
    headless: bool,
    fullscreen: bool = True,
    hide_cursor: bool | None = None,
    scanner: bool = True,
    simulator: Mapping[str, Callable[..., Any]] | None = None,
    seconds: float | None = None,
    stop_grace_s: float = 540.0,
    service: Any = None,
    service_sequence: str | None = None,
) -> int:
    """Start ``runtime``, serve until told to stop, stop it safely. Returns an exit code."""
    frontend = None if headless else load_frontend()
    runtime.start()
    interval = watchdog_interval()
    screen = Heartbeat(max_age=10.0)
    checks = {"session loop": runtime.alive, "outbox worker": lambda: runtime.outbox.state().running}
    if frontend is not None:
        checks["screen"] = screen.fresh
    watchdog = Watchdog(interval, checks) if interval else None
    notify("READY=1")
    notify("STATUS=serving payers")
    if watchdog is not None:
        watchdog.start()
    try:
        if frontend is not None:
            code = frontend(
                runtime, fullscreen=fullscreen, hide_cursor=hide_cursor, scanner=scanner,
                simulator=simulator, on_stop=runtime.request_stop,
                may_quit=lambda: not runtime.money_in_flight(), seconds=seconds,
                heartbeat=screen.beat, service=service, service_sequence=service_sequence,
                on_service=lambda on: (runtime.hold if on else runtime.release)(
                    "runtime.out_of_service.service_mode"),
            )
        else:
            code = _serve_headless(runtime, seconds)
    finally:
        notify("STOPPING=1")
        settled = runtime.stop(grace_s=stop_grace_s)
        if watchdog is not None:
            watchdog.stop()
    if not settled:
        log.error("stopped with money in flight: the journal holds it; the next start recovers it")
    return int(code)


def _serve_headless(runtime: Any, seconds: float | None) -> int:
    stop = threading.Event()

    def on_signal(signum: int, _frame: Any) -> None:
        log.warning("signal %d: stopping after money in flight settles", signum)
        runtime.request_stop()
        stop.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        stop.wait(seconds)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return 0
