"""Cash: amount due, inserted so far, remaining, what the machine accepts; live as bills stack."""

from __future__ import annotations

from ui.qt import QHBoxLayout, Qt, QWidget, Signal
from ui.screens.base import Rows, Screen, make_card, make_label
from ui.widgets.buttons import Button, set_role, set_text, set_tone
from ui.widgets.icons import IconView
from ui.widgets.progress import Spinner

__all__ = ["CashScreen"]


class CashScreen(Screen):
    """Signals:
    finished(): the payer asked to pay with what is inserted (only when the view offers it).
    voucher(): the payer stops and takes a credit voucher for the money inserted.
    """

    finished = Signal()
    voucher = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = make_label("title", name="title")
        self.box.addWidget(self.title)
        card, lay = make_card(spacing=10)
        self.due_caption = make_label("caption", name="due-caption")
        self.due = make_label("amount", name="due")
        lay.addWidget(self.due_caption)
        lay.addWidget(self.due)
        lay.addSpacing(8)
        self.inserted_caption = make_label("caption", name="inserted-caption")
        self.inserted = make_label("amount-big", name="inserted")
        lay.addWidget(self.inserted_caption)
        lay.addWidget(self.inserted)
        lay.addSpacing(8)
        self.remaining_caption = make_label("caption", name="remaining-caption")
        self.remaining = make_label("amount", name="remaining")
        lay.addWidget(self.remaining_caption)
        lay.addWidget(self.remaining)
        self.box.addWidget(card)
        self.box.addStretch(1)
        status = QHBoxLayout()
        status.setSpacing(20)
        self.spinner = Spinner(72)
        status.addWidget(self.spinner, 0, Qt.AlignmentFlag.AlignVCenter)
        self.status_icon = IconView("cash", 72)
        status.addWidget(self.status_icon, 0, Qt.AlignmentFlag.AlignVCenter)
        self.status = make_label("heading", name="status")
        status.addWidget(self.status, 1)
        self.aside.addLayout(status)
        accept_card, accept = make_card(spacing=8, margins=22)
        self.accepted = Rows()
        accept.addWidget(self.accepted)
        self.notice = make_label("muted", name="notice")
        accept.addWidget(self.notice)
        self.aside.addWidget(accept_card)
        self.aside.addStretch(1)
        self.finish_button = Button(role="primary", icon="check")
        self.finish_button.setObjectName("finish-cash")
        self.finish_button.clicked.connect(self.finished.emit)
        self.aside.addWidget(self.finish_button)
        self.voucher_button = Button(role="secondary", icon="receipt")
        self.voucher_button.setObjectName("take-voucher")
        self.voucher_button.clicked.connect(self.voucher.emit)
        self.aside.addWidget(self.voucher_button)

    def show_content(
        self,
        *,
        title: str,
        due_caption: str,
        due: str,
        inserted_caption: str,
        inserted: str,
        remaining_caption: str,
        remaining: str,
        status: str,
        status_tone: str,
        waiting: bool,
        accepted: list[tuple[str, str]],
        notice: str,
        finish: str | None,
        voucher: str | None,
    ) -> None:
        """``status_tone`` is "", "warning" or "error"; ``finish=None`` hides the finish button."""
        set_text(self.title, title)
        set_text(self.due_caption, due_caption)
        set_text(self.due, due)
        set_text(self.inserted_caption, inserted_caption)
        set_text(self.inserted, inserted)
        set_text(self.remaining_caption, remaining_caption)
        set_text(self.remaining, remaining)
        self.remaining_caption.setVisible(bool(remaining))
        self.remaining.setVisible(bool(remaining))
        set_text(self.status, status)
        set_role(self.status, {"warning": "warning", "error": "error"}.get(status_tone, "heading"))
        self.spinner.setVisible(waiting)
        self.status_icon.setVisible(not waiting)
        self.status_icon.set_name({"error": "jam", "warning": "warning"}.get(status_tone, "check"))
        set_tone(self.status_icon, status_tone or "success")
        self.accepted.set_rows(accepted)
        set_text(self.notice, notice)
        self.notice.setVisible(bool(notice))
        for button, text in ((self.finish_button, finish), (self.voucher_button, voucher)):
            button.setVisible(text is not None)
            if text is not None:
                button.set_caption(text)
