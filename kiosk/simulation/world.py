"""Start the emulated world and the configuration that points the real runtime at it."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from kiosk.config import Config

__all__ = ["World", "start_world"]

log = logging.getLogger(__name__)


@dataclass
class World:
    """What ``start_world`` started; ``stop()`` ends all of it (idempotent)."""

    config: Config
    sandbox: Any = None
    bill: Any = None
    coin: Any = None
    card: Any = None
    printer: Any = None
    _stopped: bool = field(default=False, repr=False)

    def stop(self) -> None:
        if self._stopped:
            return
        self._stopped = True
        for part in (self.card, self.coin, self.bill, self.sandbox):
            if part is not None:
                try:
                    part.stop()
                except Exception:
                    log.exception("world: %s did not stop cleanly", type(part).__name__)

    # -- the simulator panel's verbs --------------------------------------------------------------
    def insert_bill(self, amount: int) -> None:
        if self.bill is not None:
            self.bill.insert_bill(amount)

    def insert_coin(self, amount: int) -> bool:
        """True if the acceptor took the coin (an inhibited one falls back to the payer)."""
        return bool(self.coin is not None and self.coin.insert_coin(amount))

    def network(self, up: bool) -> None:
        if self.sandbox is not None:
            self.sandbox.set_offline(not up)

    def paper(self, present: bool) -> None:
        if self.printer is not None and hasattr(self.printer, "set_paper"):
            self.printer.set_paper(present)


def start_world(
    config: Config,
    *,
    state_dir: Path,
    endpoint: str | None = None,
    receipts_dir: Path | None = None,
    fast: bool = False,
    poll_interval_ms: int | None = None,
    card_port: str | None = None,
) -> World:
    """Start the sandbox (unless ``endpoint`` is given) and an emulator for every configured
    device; return the world with ``config`` rewritten to use them (ports, endpoint, state dir,
    a virtual printer writing to ``receipts_dir``). ``card_port``: use a card terminal (or an
    emulator of another process) already on that port instead of starting one."""
    from drivers.ccnet.emulator import BillValidatorEmulator, EmulatorTiming
    from drivers.cctalk.emulator import CoinAcceptorEmulator
    from drivers.zvt.emulator import PtEmulator
    from kiosk.mpay.sandbox import MpaySandbox
    from kiosk.receipts import VirtualPrinter, profile_from_config

    world = World(config=config)
    try:
        mpay = config.mpay
        if endpoint is None:
            world.sandbox = MpaySandbox("127.0.0.1", 0, state_dir / "sandbox").start()
            endpoint = world.sandbox.url
        mpay = replace(mpay, endpoint=endpoint)
        devices = config.devices
        if devices.bill_validator is not None and devices.bill_validator.enabled:
            timing = EmulatorTiming.fast() if fast else EmulatorTiming()
            world.bill = BillValidatorEmulator(timing=timing).start()
            devices = replace(devices, bill_validator=_device(devices.bill_validator,
                                                              world.bill.port, poll_interval_ms))
        if devices.coin_acceptor is not None and devices.coin_acceptor.enabled:
            world.coin = CoinAcceptorEmulator().start()
            devices = replace(devices, coin_acceptor=_device(devices.coin_acceptor,
                                                             world.coin.port, poll_interval_ms))
        if card_port is not None and devices.card_terminal is not None:
            devices = replace(devices, card_terminal=replace(devices.card_terminal, port=card_port))
        elif devices.card_terminal is not None and devices.card_terminal.enabled:
            world.card = PtEmulator(password=devices.card_terminal.password or "000000").start()
            if not fast:
                world.card.step_delay = 0.8
            devices = replace(devices, card_terminal=replace(devices.card_terminal,
                                                             port=world.card.port))
        receipts = receipts_dir or state_dir / "receipts"
        printer_cfg = replace(config.printer, connection="virtual", receipts_dir=receipts)
        world.printer = VirtualPrinter(receipts, profile=profile_from_config(printer_cfg),
                                       png=True)
        world.config = replace(config, mpay=mpay, devices=devices, printer=printer_cfg,
                               state_dir=state_dir)
        return world
    except Exception:
        world.stop()
        raise


def _device(device: Any, port: str, poll_interval_ms: int | None) -> Any:
    if poll_interval_ms is None:
        return replace(device, port=port)
    return replace(device, port=port, poll_interval_ms=poll_interval_ms)
