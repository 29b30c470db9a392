"""The "need more time?" prompt: a dimmed layer over the whole window with one card on it.

The layer swallows every tap outside the card, so nothing behind it can be pressed while the
payer decides; it follows the window's size through an event filter on its parent.
"""

from __future__ import annotations

from ui.qt import QEvent, QFrame, QLabel, QObject, Qt, QVBoxLayout, QWidget, Signal
from ui.widgets.buttons import Button, set_text
from ui.widgets.icons import IconView

__all__ = ["TimeoutPrompt"]


class TimeoutPrompt(QWidget):
    """Modal-looking prompt drawn inside the kiosk window (no second top-level window).

    Signals:
        more_time(): the payer asked for more time.
        finish(): the payer chose to end now (the view decides what that means).
    """

    more_time = Signal()
    finish = Signal()

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("Overlay")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(60, 60, 60, 60)
        outer.addStretch(1)
        card = QFrame()
        card.setProperty("role", "card")
        lay = QVBoxLayout(card)
        lay.setContentsMargins(40, 40, 40, 40)
        lay.setSpacing(28)
        self.icon = IconView("clock", 96)
        self.icon.setProperty("tone", "warning")
        lay.addWidget(self.icon, 0, Qt.AlignmentFlag.AlignHCenter)
        self.title = QLabel()
        self.title.setProperty("role", "title")
        self.title.setWordWrap(True)
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        lay.addWidget(self.title)
        self.body = QLabel()
        self.body.setProperty("role", "body")
        self.body.setWordWrap(True)
        self.body.setAlignment(Qt.AlignmentFlag.AlignCenter)
        lay.addWidget(self.body)
        self.more_button = Button(role="primary", icon="clock")
        self.more_button.setObjectName("more-time")
        self.more_button.clicked.connect(self.more_time.emit)
        lay.addWidget(self.more_button)
        self.finish_button = Button(role="secondary", icon="close")
        self.finish_button.setObjectName("finish")
        self.finish_button.clicked.connect(self.finish.emit)
        lay.addWidget(self.finish_button)
        outer.addWidget(card)
        outer.addStretch(1)
        parent.installEventFilter(self)
        self.setGeometry(parent.rect())
        self.hide()

    def set_texts(self, *, title: str, body: str, more: str, finish: str | None) -> None:
        """Fill the card; ``finish=None`` hides the finish button (the view does not allow it)."""
        set_text(self.title, title)
        set_text(self.body, body)
        self.more_button.set_caption(more)
        self.finish_button.setVisible(finish is not None)
        if finish is not None:
            self.finish_button.set_caption(finish)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        parent = self.parentWidget()
        if watched is parent and parent is not None and event.type() == QEvent.Type.Resize:
            self.setGeometry(parent.rect())
        return False

    def mousePressEvent(self, event: object) -> None:
        # Taps on the dimmed area are swallowed on purpose; only the card's buttons act.
        if hasattr(event, "accept"):
            event.accept()
