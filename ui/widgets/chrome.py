"""The frame around every screen: header (brand, step), flag stripe, footer (back, cancel)."""

from __future__ import annotations

from ui.qt import QHBoxLayout, QLabel, QSizePolicy, Qt, QVBoxLayout, QWidget
from ui.widgets.buttons import Button, set_text
from ui.widgets.icons import IconView

__all__ = ["Header", "Footer"]


class Header(QWidget):
    """Brand on the left, the journey step on the right; no controls (nothing to mis-tap)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("Header")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        row = QHBoxLayout(self)
        row.setContentsMargins(40, 18, 40, 18)
        row.setSpacing(20)
        row.addWidget(IconView("building", 64))
        names = QVBoxLayout()
        names.setSpacing(0)
        self.brand = QLabel()
        self.brand.setProperty("role", "brand")
        self.subtitle = QLabel()
        self.subtitle.setProperty("role", "step")
        names.addWidget(self.brand)
        names.addWidget(self.subtitle)
        row.addLayout(names, 1)
        self.step = QLabel()
        self.step.setProperty("role", "step")
        self.step.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        row.addWidget(self.step)

    def set_texts(self, *, brand: str, subtitle: str, step: str) -> None:
        set_text(self.brand, brand)
        set_text(self.subtitle, subtitle)
        set_text(self.step, step)
        self.step.setVisible(bool(step))


class Footer(QWidget):
    """Back (left) and cancel (right), each shown only where the view allows it.

    Signals: the buttons' ``clicked`` (``back_button``, ``cancel_button``).
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("Footer")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        row = QHBoxLayout(self)
        row.setContentsMargins(40, 20, 40, 24)
        row.setSpacing(24)
        self.back_button = Button(role="secondary", icon="back")
        self.back_button.setObjectName("back")
        self.cancel_button = Button(role="danger", icon="close")
        self.cancel_button.setObjectName("cancel")
        row.addWidget(self.back_button, 1)
        row.addStretch(0)
        row.addWidget(self.cancel_button, 1)

    def set_actions(self, *, back: str | None, cancel: str | None) -> None:
        """Captions for the allowed actions; ``None`` hides that button."""
        for button, text in ((self.back_button, back), (self.cancel_button, cancel)):
            button.setVisible(text is not None)
            if text is not None:
                button.set_caption(text)
        self.setVisible(back is not None or cancel is not None)
