"""Fixtures: a real journal in tmp_path, a manual clock, the real MPay sandbox and client."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.ledger import Ledger
from kiosk.mpay.client import MpayClient
from kiosk.mpay.sandbox import MpaySandbox

from .helpers import settings_for


class Clock:
    """A wall clock the test moves by hand."""

    def __init__(self, start: float = 1_752_134_400.0) -> None:  # 2025-07-10T08:00:00Z
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def state_dir(tmp_path: Path) -> Path:
    return tmp_path / "state"


@pytest.fixture
def ledger(state_dir: Path, clock: Clock) -> Iterator[Ledger]:
    led = Ledger.open(state_dir, terminal_id="TEST-01", clock=clock)
    try:
        yield led
    finally:
        led.close()


@pytest.fixture
def sandbox() -> Iterator[MpaySandbox]:
    sb = MpaySandbox(seed=7, slow_s=2.0).start()
    try:
        yield sb
    finally:
        sb.stop()


@pytest.fixture
def client(sandbox: MpaySandbox) -> Iterator[MpayClient]:
    c = MpayClient(settings_for(sandbox.url))
    try:
        yield c
    finally:
        c.close()
