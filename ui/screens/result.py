"""The outcome: paid and confirmed, accepted with confirmation pending, or a credit voucher.

Says truthfully which one it is, what was paid, and where the proof is: the printed receipt, or
(when the printer has no paper) a QR code with the payment's id to photograph.
"""

from __future__ import annotations

from ui.qt import QHBoxLayout, Qt, QWidget, Signal
from ui.screens.base import Rows, Screen, make_card, make_label
from ui.widgets.buttons import Button, set_text, set_tone
from ui.widgets.icons import IconView
from ui.widgets.progress import Spinner
from ui.widgets.qr import QrView

__all__ = ["ResultScreen"]


class ResultScreen(Screen):
    """Signals:
    done(): the payer tapped Done (back to the start).
    """

    done = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        center = Qt.AlignmentFlag.AlignCenter
        self.icon = IconView("check-circle", 140)
        self.box.addWidget(self.icon, 0, Qt.AlignmentFlag.AlignHCenter)
        self.title = make_label("title", align=center, name="title")
        self.body = make_label("body", align=center, name="body")
        self.box.addWidget(self.title)
        self.box.addWidget(self.body)
        card, lay = make_card()
        self.rows = Rows()
        lay.addWidget(self.rows)
        self.box.addWidget(card)
        self.box.addStretch(1)
        receipt_card, rec = make_card()
        row = QHBoxLayout()
        row.setSpacing(20)
        self.receipt_spinner = Spinner(64)
        row.addWidget(self.receipt_spinner, 0, Qt.AlignmentFlag.AlignVCenter)
        self.receipt_icon = IconView("receipt", 64)
        row.addWidget(self.receipt_icon, 0, Qt.AlignmentFlag.AlignVCenter)
        self.receipt = make_label("heading", name="receipt")
        row.addWidget(self.receipt, 1)
        rec.addLayout(row)
        self.qr = QrView(300)
        rec.addWidget(self.qr, 0, Qt.AlignmentFlag.AlignHCenter)
        self.qr_caption = make_label("muted", align=center, name="qr-caption")
        rec.addWidget(self.qr_caption)
        self.aside.addWidget(receipt_card)
        self.aside.addStretch(1)
        self.done_button = Button(role="primary", icon="check")
        self.done_button.setObjectName("done")
        self.done_button.clicked.connect(self.done.emit)
        self.aside.addWidget(self.done_button)

    def show_content(
        self,
        *,
        icon: str,
        tone: str,
        title: str,
        body: str,
        rows: list[tuple[str, str]],
        receipt: str,
        printing: bool,
        receipt_tone: str,
        qr_data: str,
        qr_caption: str,
        done: str | None,
    ) -> None:
        self.icon.set_name(icon)
        set_tone(self.icon, tone)
        set_text(self.title, title)
        set_text(self.body, body)
        self.body.setVisible(bool(body))
        self.rows.set_rows(rows)
        set_text(self.receipt, receipt)
        set_tone(self.receipt_icon, receipt_tone)
        self.receipt_icon.set_name("warning" if receipt_tone == "warning" else "receipt")
        self.receipt_spinner.setVisible(printing)
        self.receipt_icon.setVisible(not printing)
        self.qr.setVisible(bool(qr_data))
        self.qr_caption.setVisible(bool(qr_data))
        if qr_data:
            self.qr.set_data(qr_data)
            set_text(self.qr_caption, qr_caption)
        self.done_button.setVisible(done is not None)
        if done is not None:
            self.done_button.set_caption(done)
