"""Scanner input: fast bursts ending in Enter become codes; slow or stray keys do not leak."""

from __future__ import annotations

import pytest

from ui.qt import QApplication, QEvent, QKeyEvent, Qt, QWidget
from ui.scanner import ScannerInput


class _Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def rig(qtbot, qapp):
    target = QWidget()
    qtbot.addWidget(target)
    clock = _Clock()
    scanner = ScannerInput(clock_ms=clock, max_gap_ms=100)
    qapp.installEventFilter(scanner)
    codes: list[str] = []
    scanner.scanned.connect(codes.append)
    yield target, clock, codes
    qapp.removeEventFilter(scanner)


def _type(target: QWidget, clock: _Clock, text: str, step_ms: float = 5) -> None:
    for ch in text:
        clock.now += step_ms
        key = Qt.Key.Key_Return if ch == "\n" else Qt.Key.Key_unknown
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(target, QKeyEvent(kind, key, Qt.KeyboardModifier.NoModifier, ch))


def test_a_burst_ending_in_enter_is_one_code(rig):
    target, clock, codes = rig
    _type(target, clock, "MDS02250710092629689\n")
    _type(target, clock, " ABC-ș \n")
    assert codes == ["MDS02250710092629689", "ABC-ș"]


def test_a_pause_starts_a_new_code_and_lone_enter_is_ignored(rig):
    target, clock, codes = rig
    _type(target, clock, "STRAY")
    clock.now += 1000
    _type(target, clock, "123\n")
    _type(target, clock, "\n")
    assert codes == ["123"]
