"""The invoice: what is being paid, to whom, how much (with any fee, shown before money goes in)."""

from __future__ import annotations

from ui.qt import QHBoxLayout, Qt, QVBoxLayout, QWidget, Signal
from ui.screens.base import Rows, Screen, make_card, make_label, make_scroll
from ui.widgets.buttons import Button, set_text
from ui.widgets.icons import IconView

__all__ = ["InvoiceScreen"]


class InvoiceScreen(Screen):
    """Signals:
    confirmed(): the payer tapped the main action (pay / fill in details).
    """

    confirmed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = make_label("title", name="title")
        self.box.addWidget(self.title)
        body = QWidget()
        col = QVBoxLayout(body)
        col.setContentsMargins(0, 0, 8, 0)
        col.setSpacing(20)
        card, lay = make_card()
        head = QHBoxLayout()
        head.setSpacing(18)
        head.addWidget(IconView("document", 64), 0, Qt.AlignmentFlag.AlignTop)
        names = QVBoxLayout()
        names.setSpacing(4)
        self.service = make_label("caption", name="service")
        self.reason = make_label("heading", name="reason")
        names.addWidget(self.service)
        names.addWidget(self.reason)
        head.addLayout(names, 1)
        lay.addLayout(head)
        self.rows = Rows()
        lay.addWidget(self.rows)
        col.addWidget(card)
        self.lines_card, lines_lay = make_card()
        self.lines_title = make_label("heading", name="lines-title")
        lines_lay.addWidget(self.lines_title)
        self.lines = Rows()
        lines_lay.addWidget(self.lines)
        col.addWidget(self.lines_card)
        self.props_card, props_lay = make_card()
        self.props_title = make_label("heading", name="props-title")
        props_lay.addWidget(self.props_title)
        self.props = Rows()
        props_lay.addWidget(self.props)
        col.addWidget(self.props_card)
        col.addStretch(1)
        self.box.addWidget(make_scroll(body), 1)
        self.aside.addStretch(1)
        totals, tot = make_card()
        self.totals = Rows()
        tot.addWidget(self.totals)
        self.notice = make_label("warning", name="notice")
        tot.addWidget(self.notice)
        self.aside.addWidget(totals)
        self.pay_button = Button(role="primary", icon="forward")
        self.pay_button.setObjectName("pay")
        self.pay_button.clicked.connect(self.confirmed.emit)
        self.aside.addWidget(self.pay_button)

    def show_content(
        self,
        *,
        title: str,
        service: str,
        reason: str,
        rows: list[tuple[str, str]],
        lines_title: str,
        lines: list[tuple[str, str]],
        props_title: str,
        props: list[tuple[str, str]],
        totals: list[tuple[str, str, str]],
        notice: str,
        action: str,
        can_act: bool,
    ) -> None:
        set_text(self.title, title)
        set_text(self.service, service)
        set_text(self.reason, reason)
        self.rows.set_rows(rows)
        set_text(self.lines_title, lines_title)
        self.lines.set_rows(lines)
        self.lines_card.setVisible(bool(lines))
        set_text(self.props_title, props_title)
        self.props.set_rows(props)
        self.props_card.setVisible(bool(props))
        self.totals.set_rows(totals)
        set_text(self.notice, notice)
        self.notice.setVisible(bool(notice))
        self.pay_button.set_caption(action)
        self.pay_button.setEnabled(can_act)
