"""A serial printer missing when the kiosk starts: the kiosk still starts, tells payers up
front that there is no paper receipt, and picks the printer up once it appears (the ESC/POS
printer emulator on a pseudo-terminal, reached through a symlink that appears later)."""

from __future__ import annotations

import os
from dataclasses import replace

import pytest

from drivers.escpos.emulator import PrinterEmulator
from kiosk.config import demo_config_path, load_config
from kiosk.runtime.build import build_runtime
from kiosk.simulation.payer import Payer
from kiosk.simulation.world import start_world

pytestmark = pytest.mark.slow


def test_a_printer_missing_at_start_is_picked_up_when_it_appears(tmp_path):
    port = tmp_path / "ttyPRINTER"  # like /dev/serial/by-id/...: absent until plugged in
    world = start_world(load_config(demo_config_path()), state_dir=tmp_path / "state", fast=True,
                        poll_interval_ms=50)
    config = replace(world.config, printer=replace(world.config.printer, connection="serial",
                                                    port=str(port), baud=19200))
    printer = PrinterEmulator()
    runtime = build_runtime(config, monitor_every_s=0.2, printer_retry_s=0.2)
    try:
        runtime.start()
        payer = Payer(runtime, world, step_timeout=10)
        payer.wait(lambda v: not v.printer_ok, "no printer told up front")
        printer.start()
        os.symlink(printer.port, port)  # plugged in
        payer.wait(lambda v: v.printer_ok, "the printer picked up")
        assert runtime.receipts.last_status["can_print"] is True
    finally:
        runtime.stop(grace_s=5)
        printer.stop()
        world.stop()
