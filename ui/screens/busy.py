"""Waiting screens (order lookup, confirmation, printing): a spinner and what is happening.

Never a frozen screen: the spinner turns while the runtime works on its threads, and the
footer's Cancel stays available where the view allows it.
"""

from __future__ import annotations

from ui.qt import Qt, QWidget
from ui.screens.base import Screen, make_label
from ui.widgets.buttons import set_text
from ui.widgets.icons import IconView
from ui.widgets.progress import Spinner

__all__ = ["BusyScreen"]


class BusyScreen(Screen):
    """No signals: cancelling is the footer's job."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        center = Qt.AlignmentFlag.AlignCenter
        self.box.addStretch(2)
        self.icon = IconView("search", 112)
        self.box.addWidget(self.icon, 0, Qt.AlignmentFlag.AlignHCenter)
        self.spinner = Spinner(140)
        self.box.addWidget(self.spinner, 0, Qt.AlignmentFlag.AlignHCenter)
        self.title = make_label("title", align=center, name="title")
        self.body = make_label("body", align=center, name="body")
        self.detail = make_label("muted", align=center, name="detail")
        self.box.addWidget(self.title)
        self.box.addWidget(self.body)
        self.box.addWidget(self.detail)
        self.box.addStretch(3)

    def show_content(self, *, icon: str, title: str, body: str, detail: str = "") -> None:
        self.icon.set_name(icon)
        set_text(self.title, title)
        set_text(self.body, body)
        set_text(self.detail, detail)
        self.body.setVisible(bool(body))
        self.detail.setVisible(bool(detail))
