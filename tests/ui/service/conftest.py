"""Service-window fixtures: a real configuration, journal and virtual printer behind the real
LedgerServiceBackend, shown in a real ServiceWindow."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from kiosk.config import Config
from kiosk.ledger import Ledger
from kiosk.receipts import VirtualPrinter
from kiosk.service import LedgerServiceBackend
from tests.ledger.conftest import Clock
from tests.service.helpers import make_config


@dataclass
class Rig:
    config: Config
    config_path: Path
    ledger: Ledger
    printer: VirtualPrinter
    clock: Clock
    paper: Path
    windows: list[Any] = field(default_factory=list)

    def backend(self, **kwargs: Any) -> LedgerServiceBackend:
        kwargs.setdefault("candidates", lambda: [])
        return LedgerServiceBackend(self.config, self.ledger, config_path=self.config_path,
                                    printer=self.printer, clock=self.clock, **kwargs)


@pytest.fixture
def rig(tmp_path: Path) -> Iterator[Rig]:
    config, path = make_config(tmp_path)
    clock = Clock()
    with Ledger.open(config.state_dir, terminal_id=config.terminal.id, clock=clock) as ledger:
        paper = tmp_path / "paper"
        yield Rig(config=config, config_path=path, ledger=ledger, printer=VirtualPrinter(paper),
                  clock=clock, paper=paper)


@pytest.fixture
def make_window(qtbot, kiosk_fonts, rig: Rig) -> Iterator[Callable[..., Any]]:  # noqa: ARG001
    from ui.service.window import ServiceWindow

    built: list[ServiceWindow] = []

    def make(backend: LedgerServiceBackend | None = None, *, lang: str = "en",
             idle_timeout_s: float = 300.0) -> ServiceWindow:
        window = ServiceWindow(backend or rig.backend(), lang=lang, idle_timeout_s=idle_timeout_s,
                               clock=rig.clock)
        qtbot.addWidget(window)
        window.resize(1080, 1920)
        window.show()
        qtbot.waitExposed(window)
        window.open()
        built.append(window)
        return window

    yield make
    from ui.qt import QApplication, QEvent

    for window in built:
        window.shutdown()
        window.hide()
        window.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    gc.collect()
