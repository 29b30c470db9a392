"""Service mode over the live runtime: the ``LedgerServiceBackend`` with the runtime's own
answers plugged in (device states, money in flight, a bill test, the card terminal's status,
restart, reload and out-of-service), so the technician screens act on the real terminal."""

from __future__ import annotations

import logging
import os
import signal
from typing import Any

from kiosk.config import Config, ConfigError, load_config
from kiosk.service.backend import ActionResult, LedgerServiceBackend

__all__ = ["service_backend"]

log = logging.getLogger(__name__)


def service_backend(runtime: Any, config: Config) -> LedgerServiceBackend:
    cash = runtime.cash
    card = runtime.card
    receipts = runtime.receipts

    def accept_one(kind: str) -> ActionResult:
        if cash is None or kind != "bill":
            return ActionResult(ok=False, key="service.result.unavailable",
                                detail="only the bill validator can be tested here")
        amount = cash.test_bill(timeout_s=30.0)
        if amount is None:
            return ActionResult(ok=False, key="service.result.failed",
                                detail="no bill was inserted within 30 s")
        return ActionResult(ok=True, key="service.result.done",
                            detail=f"recognised {amount / 100:.2f} MDL (returned)")

    def card_status() -> Any:
        if card is None:
            raise RuntimeError("no card terminal is configured")
        return card.terminal.status()

    def restart() -> ActionResult:
        # the same as systemd's stop: no new payers, money in flight finishes, then exit 0;
        # Restart=always brings the kiosk back with the configuration on disk
        os.kill(os.getpid(), signal.SIGTERM)
        return ActionResult(ok=True, key="service.result.done", detail="restarting")

    def reload_config() -> ActionResult:
        try:
            load_config(config.path)
        except ConfigError as exc:
            return ActionResult(ok=False, key="service.result.failed",
                                detail="; ".join(str(p) for p in exc.problems))
        return restart()

    def out_of_service(on: bool, message: str) -> None:
        log.warning("technician: out of service %s (%s)", "on" if on else "off", message)
        if on:
            runtime.hold("runtime.out_of_service.technician", message.strip())
        else:
            runtime.release("runtime.out_of_service.technician")

    return LedgerServiceBackend(
        config,
        runtime.ledger,
        config_path=config.path,
        state_dir=runtime.ledger.path.parent,
        printer=receipts.printer if receipts is not None else None,
        money_in_flight=runtime.money_in_flight,
        device_states=runtime.device_states,
        cassette_state=(lambda: cash.cassette) if cash is not None else None,
        accept_one=accept_one if cash is not None and "bill" in cash.devices else None,
        card_status=card_status if card is not None else None,
        restart=restart,
        reload_config=reload_config,
        out_of_service=out_of_service,
        mpay_reachable=lambda: bool(runtime._online),
    )
