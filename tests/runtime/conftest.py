"""A started emulated world (sandbox, emulators on pseudo-terminals, virtual printer) and the
real runtime over it, for end-to-end tests."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest

from kiosk.config import demo_config_path, load_config
from kiosk.runtime.build import build_runtime
from kiosk.simulation.payer import Payer
from kiosk.simulation.world import World, start_world


@dataclass
class Terminal:
    world: World
    runtime: Any
    payer: Payer
    state_dir: Path

    @property
    def ledger(self) -> Any:
        return self.runtime.ledger


def start_terminal(state_dir: Path, *, endpoint: str | None = None,
                   card_port: str | None = None, **outbox: Any) -> Terminal:
    config = load_config(demo_config_path())
    if outbox:
        config = replace(config, outbox=replace(config.outbox, **outbox))
    world = start_world(config, state_dir=state_dir, endpoint=endpoint, fast=True,
                        poll_interval_ms=50, card_port=card_port)
    try:
        runtime = build_runtime(world.config, printer=world.printer, monitor_every_s=0.5)
        runtime.start()
    except BaseException:
        world.stop()
        raise
    return Terminal(world=world, runtime=runtime, payer=Payer(runtime, world, step_timeout=20),
                    state_dir=state_dir)


def wait_until(check: Any, timeout: float = 20.0, what: str = "") -> Any:
    """Poll ``check()`` (real processes, threads and sockets: no clock to inject) until it is
    truthy; returns its value. Fails naming ``what`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert value, f"timed out waiting for {what or check}"
    return value


def wait_drained(ledger: Any, timeout: float = 20.0) -> None:
    """Until the outbox worker has delivered every pending confirmation."""
    wait_until(lambda: ledger.outbox_summary().pending == 0, timeout, "the outbox to drain")


def stop_terminal(t: Terminal) -> None:
    try:
        t.runtime.stop(grace_s=10)
    finally:
        t.world.stop()


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[Terminal]:
    t = start_terminal(tmp_path / "state")
    try:
        yield t
    finally:
        stop_terminal(t)
