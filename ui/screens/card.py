"""Card payment: the amount and what the card terminal says now (insert, PIN, approved...)."""

from __future__ import annotations

from ui.qt import Qt, QWidget
from ui.screens.base import Screen, make_card, make_label
from ui.widgets.buttons import set_text, set_tone
from ui.widgets.icons import IconView
from ui.widgets.progress import Spinner

__all__ = ["CardScreen"]


class CardScreen(Screen):
    """No signals: the terminal drives this screen; cancelling is the footer's job."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        center = Qt.AlignmentFlag.AlignCenter
        self.title = make_label("title", name="title")
        self.box.addWidget(self.title)
        card, lay = make_card()
        self.amount_caption = make_label("caption", align=center, name="amount-caption")
        self.amount = make_label("amount-big", align=center, name="amount")
        lay.addWidget(self.amount_caption)
        lay.addWidget(self.amount)
        self.box.addWidget(card)
        self.box.addStretch(1)
        self.aside.addStretch(1)
        self.icon = IconView("card", 160)
        self.aside.addWidget(self.icon, 0, Qt.AlignmentFlag.AlignHCenter)
        self.status = make_label("heading", align=center, name="status")
        self.aside.addWidget(self.status)
        self.instruction = make_label("body", align=center, name="instruction")
        self.aside.addWidget(self.instruction)
        self.spinner = Spinner(96)
        self.aside.addWidget(self.spinner, 0, Qt.AlignmentFlag.AlignHCenter)
        self.aside.addStretch(2)

    def show_content(
        self,
        *,
        title: str,
        amount_caption: str,
        amount: str,
        status: str,
        instruction: str,
        tone: str,
        waiting: bool,
    ) -> None:
        set_text(self.title, title)
        set_text(self.amount_caption, amount_caption)
        set_text(self.amount, amount)
        set_text(self.status, status)
        set_text(self.instruction, instruction)
        self.instruction.setVisible(bool(instruction))
        set_tone(self.icon, tone)
        self.spinner.setVisible(waiting)
