"""Several orders came back for one key: one big card per order, tap to choose."""

from __future__ import annotations

from dataclasses import dataclass

from ui.qt import Qt, QVBoxLayout, QWidget, Signal
from ui.screens.base import Screen, make_label, make_scroll
from ui.widgets.buttons import Button, set_text

__all__ = ["OrderChoiceScreen", "OrderItem"]


@dataclass(frozen=True, slots=True)
class OrderItem:
    index: int
    title: str
    detail: str
    payable: bool


class OrderChoiceScreen(Screen):
    """Signals:
    order_chosen(int): the index (in the view's list) of the tapped order.
    """

    order_chosen = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = make_label("title", name="title")
        self.body = make_label("body", name="body")
        self.box.addWidget(self.title)
        self.box.addWidget(self.body)
        host = QWidget()
        self.list = QVBoxLayout(host)
        self.list.setContentsMargins(0, 0, 8, 0)
        self.list.setSpacing(18)
        self.list.addStretch(1)
        self.box.addWidget(make_scroll(host), 1)
        self.buttons: list[Button] = []
        self._items: tuple[OrderItem, ...] = ()

    def show_content(self, *, title: str, body: str, items: list[OrderItem]) -> None:
        set_text(self.title, title)
        set_text(self.body, body)
        if tuple(items) == self._items:
            return
        for button in self.buttons:
            button.deleteLater()
        self.buttons = []
        for item in items:
            button = Button(
                item.title,
                role="tile" if item.payable else "secondary",
                icon="document",
                icon_size=64,
                align=Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                size="large",
            )
            button.set_detail(item.detail)
            button.setObjectName(f"order:{item.index}")
            button.setEnabled(item.payable)
            button.clicked.connect(lambda _=False, i=item.index: self.order_chosen.emit(i))
            self.list.insertWidget(self.list.count() - 1, button)
            self.buttons.append(button)
        self._items = tuple(items)
