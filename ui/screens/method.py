"""Payment method: cash, card or voucher, each a big button saying what it takes; unavailable
ones say why."""

from __future__ import annotations

from dataclasses import dataclass

from ui.qt import Qt, QWidget, Signal
from ui.screens.base import Screen, make_card, make_label
from ui.widgets.buttons import Button, set_text

__all__ = ["MethodItem", "MethodScreen"]


@dataclass(frozen=True, slots=True)
class MethodItem:
    id: str
    title: str
    detail: str
    icon: str
    enabled: bool


class MethodScreen(Screen):
    """Signals:
    method_chosen(str): the id of the tapped method ("cash", "card"...).
    """

    method_chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = make_label("title", name="title")
        self.box.addWidget(self.title)
        card, lay = make_card()
        self.amount_caption = make_label("caption", name="amount-caption")
        self.amount = make_label("amount", name="amount")
        self.note = make_label("muted", name="note")
        lay.addWidget(self.amount_caption)
        lay.addWidget(self.amount)
        lay.addWidget(self.note)
        self.box.addWidget(card)
        self.notice = make_label("warning", name="notice")
        self.box.addWidget(self.notice)
        self.box.addStretch(1)
        self.buttons: dict[str, Button] = {}
        self.aside.addStretch(1)
        self._host_index = self.aside.count()  # method buttons go here, below the stretch
        self._ids: tuple[str, ...] = ()

    def show_content(
        self,
        *,
        title: str,
        amount_caption: str,
        amount: str,
        note: str,
        notice: str,
        items: list[MethodItem],
    ) -> None:
        set_text(self.title, title)
        set_text(self.amount_caption, amount_caption)
        set_text(self.amount, amount)
        set_text(self.note, note)
        self.note.setVisible(bool(note))
        set_text(self.notice, notice)
        self.notice.setVisible(bool(notice))
        ids = tuple(i.id for i in items)
        if ids != self._ids:
            for button in self.buttons.values():
                button.deleteLater()
            self.buttons = {}
            for n, item in enumerate(items):
                button = Button(
                    role="primary",
                    icon=item.icon,
                    icon_size=80,
                    align=Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                    size="huge",
                )
                button.setObjectName(f"method:{item.id}")
                button.clicked.connect(lambda _=False, m=item.id: self.method_chosen.emit(m))
                self.aside.insertWidget(self._host_index + n, button)
                self.buttons[item.id] = button
            self._ids = ids
        for item in items:
            button = self.buttons[item.id]
            button.set_caption(item.title)
            button.set_detail(item.detail)
            button.setEnabled(item.enabled)
