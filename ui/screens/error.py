"""Clear error screens: not found, not payable, service unavailable, device fault, out of service.

Each says what happened, what it means for the payer's money, and what to do next, with at most
two big actions (try again, start over). "Out of service" has no action: the terminal waits.
"""

from __future__ import annotations

from ui.qt import Qt, QWidget, Signal
from ui.screens.base import Rows, Screen, make_card, make_label
from ui.widgets.buttons import Button, set_text, set_tone
from ui.widgets.icons import IconView

__all__ = ["ErrorScreen"]


class ErrorScreen(Screen):
    """Signals:
    primary(): the main action (e.g. "try again" / "change the code").
    secondary(): the other action (e.g. "start over").
    """

    primary = Signal()
    secondary = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        center = Qt.AlignmentFlag.AlignCenter
        self.box.addStretch(1)
        self.icon = IconView("warning", 150)
        self.box.addWidget(self.icon, 0, Qt.AlignmentFlag.AlignHCenter)
        self.title = make_label("title", align=center, name="title")
        self.body = make_label("body", align=center, name="body")
        self.box.addWidget(self.title)
        self.box.addWidget(self.body)
        self.card, lay = make_card()
        self.rows = Rows()
        lay.addWidget(self.rows)
        self.box.addWidget(self.card)
        self.help = make_label("muted", align=center, name="help")
        self.box.addWidget(self.help)
        self.box.addStretch(2)
        self.aside.addStretch(1)
        self.primary_button = Button(role="primary", icon="back")
        self.primary_button.setObjectName("error-primary")
        self.primary_button.clicked.connect(self.primary.emit)
        self.secondary_button = Button(role="secondary", icon="close")
        self.secondary_button.setObjectName("error-secondary")
        self.secondary_button.clicked.connect(self.secondary.emit)
        self.aside.addWidget(self.primary_button)
        self.aside.addWidget(self.secondary_button)

    def show_content(
        self,
        *,
        icon: str,
        tone: str,
        title: str,
        body: str,
        rows: list[tuple[str, str]],
        help_text: str,
        primary: str | None,
        primary_icon: str = "back",
        secondary: str | None,
    ) -> None:
        self.icon.set_name(icon)
        set_tone(self.icon, tone)
        set_text(self.title, title)
        set_text(self.body, body)
        self.rows.set_rows(rows)
        self.card.setVisible(bool(rows))
        set_text(self.help, help_text)
        self.help.setVisible(bool(help_text))
        for button, text in ((self.primary_button, primary), (self.secondary_button, secondary)):
            button.setVisible(text is not None)
            if text is not None:
                button.set_caption(text)
        if self.primary_button.icon_view is not None:
            self.primary_button.icon_view.set_name(primary_icon)
