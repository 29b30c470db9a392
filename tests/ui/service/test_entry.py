"""The corner-tap gesture that opens service mode, on a real window with real child widgets."""

from __future__ import annotations

import pytest

from tests.ledger.conftest import Clock
from ui.qt import QApplication, QLayout, QPoint, Qt, QVBoxLayout, QWidget
from ui.service.entry import CornerSequence, parse_sequence
from ui.widgets.buttons import Button

CORNER_POINTS = {
    "corner-tl": QPoint(5, 5),
    "corner-tr": QPoint(795, 5),
    "corner-br": QPoint(795, 595),
    "corner-bl": QPoint(5, 595),
}


@pytest.fixture
def window(qtbot):
    w = QWidget()
    layout = QVBoxLayout(w)
    layout.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)  # no size hints to the platform
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(Button("a payer button filling the window"))  # presses land on a child
    qtbot.addWidget(w)
    w.resize(800, 600)
    w.show()
    qtbot.waitExposed(w)
    return w


@pytest.fixture
def gesture(window):
    clock = Clock()
    sequence = CornerSequence(window, "corner-tl,corner-tr,corner-br,corner-bl", clock=clock)
    sequence.attach(QApplication.instance())
    yield sequence, clock
    sequence.detach()


def _press(qtbot, window: QWidget, corner: str | None) -> None:
    point = CORNER_POINTS[corner] if corner else QPoint(400, 300)
    target = window.childAt(point) or window
    qtbot.mouseClick(target, Qt.MouseButton.LeftButton, pos=target.mapFrom(window, point))


def test_the_four_corners_in_order_open_service_mode(qtbot, window, gesture) -> None:
    sequence, clock = gesture
    steps: list[int] = []
    sequence.progressed.connect(steps.append)
    with qtbot.waitSignal(sequence.triggered, timeout=1000):
        for corner in ("corner-tl", "corner-tr", "corner-br", "corner-bl"):
            clock.advance(0.5)
            _press(qtbot, window, corner)
    assert steps == [1, 2, 3]  # each press counted once, though it reached child and window


@pytest.mark.parametrize(
    "taps",
    [
        ["corner-tl", "corner-br", "corner-tr", "corner-bl"],  # wrong order
        ["corner-tl", "corner-tr", None, "corner-br", "corner-bl"],  # a tap elsewhere resets
        ["corner-tl", "corner-tr", "corner-br"],  # not finished
    ],
)
def test_other_taps_do_not(qtbot, window, gesture, taps) -> None:
    sequence, clock = gesture
    with qtbot.assertNotEmitted(sequence.triggered):
        for corner in taps:
            clock.advance(0.5)
            _press(qtbot, window, corner)


def test_too_slow_does_not_count_but_a_fresh_start_does(qtbot, window, gesture) -> None:
    sequence, clock = gesture
    with qtbot.assertNotEmitted(sequence.triggered):
        for corner in ("corner-tl", "corner-tr", "corner-br"):
            _press(qtbot, window, corner)
            clock.advance(1.5)
        _press(qtbot, window, "corner-bl")  # 4.5 s after the first tap
    with qtbot.waitSignal(sequence.triggered, timeout=1000):
        for corner in ("corner-tl", "corner-tr", "corner-br", "corner-bl"):
            _press(qtbot, window, corner)


def test_a_wrong_corner_that_starts_the_sequence_starts_it_over(qtbot, window, gesture) -> None:
    sequence, _ = gesture
    with qtbot.waitSignal(sequence.triggered, timeout=1000):
        for corner in ("corner-tl", "corner-tr", "corner-tl", "corner-tr", "corner-br", "corner-bl"):
            _press(qtbot, window, corner)


def test_presses_in_another_window_are_ignored(qtbot, gesture) -> None:
    sequence, _ = gesture
    other = QWidget()
    qtbot.addWidget(other)
    other.resize(800, 600)
    other.show()
    with qtbot.assertNotEmitted(sequence.triggered):
        for corner in ("corner-tl", "corner-tr", "corner-br", "corner-bl"):
            qtbot.mouseClick(other, Qt.MouseButton.LeftButton, pos=CORNER_POINTS[corner])


def test_sequences_are_checked() -> None:
    assert parse_sequence(" corner-tl , corner-bl ") == ("corner-tl", "corner-bl")
    with pytest.raises(ValueError, match="corner-xx"):
        parse_sequence("corner-tl,corner-xx")
    with pytest.raises(ValueError):
        parse_sequence("")
