"""The layout checks themselves must be able to fail (a check that cannot fail is a defect)."""

from __future__ import annotations

import pytest

from tests.ui.layout_checks import clipped_labels, small_targets
from ui.qt import QLabel, QLayout, QPushButton, QVBoxLayout, QWidget
from ui.theme import STANDARD
from ui.widgets.buttons import Button


@pytest.mark.usefixtures("kiosk_fonts")
def test_clipped_and_small_things_are_reported(qtbot):
    root = QWidget()
    root.setStyleSheet(STANDARD.stylesheet())
    qtbot.addWidget(root)
    root.resize(400, 600)
    box = QVBoxLayout(root)
    box.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
    fits = QLabel("Bine ați venit")
    box.addWidget(fits)
    squeezed = QLabel("Coduri și texte lungi " * 8)
    squeezed.setWordWrap(True)
    squeezed.setFixedHeight(30)
    box.addWidget(squeezed)
    one_line = QLabel("Начать на русском языке прямо сейчас, пожалуйста")
    one_line.setFixedWidth(120)
    box.addWidget(one_line)
    tiny = QPushButton("OK")  # the style sheet would lift a Button to its touch minimum
    tiny.setFixedHeight(40)
    box.addWidget(Button("Continuă"))
    box.addWidget(tiny)
    root.show()
    qtbot.waitExposed(root)
    problems = clipped_labels(root)
    assert any("Coduri" in p for p in problems)
    assert any("Начать" in p for p in problems)
    assert not any("Bine" in p for p in problems)
    assert len(small_targets(root)) == 1
