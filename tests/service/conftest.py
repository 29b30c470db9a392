"""Fixtures: a real configuration file and a real journal in tmp_path, a hand-moved wall clock."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.config import Config
from kiosk.ledger import Ledger
from tests.ledger.conftest import Clock

from .helpers import make_config


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def configured(tmp_path: Path) -> tuple[Config, Path]:
    return make_config(tmp_path)


@pytest.fixture
def config(configured: tuple[Config, Path]) -> Config:
    return configured[0]


@pytest.fixture
def ledger(config: Config) -> Iterator[Ledger]:
    with Ledger.open(config.state_dir, terminal_id=config.terminal.id) as opened:
        yield opened
