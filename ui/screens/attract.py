"""Attract / idle screen: a calm welcome, one big button per language, accessibility toggle.

Each language button is written in its own language ("Începeți în română", "Начать на
русском", "Start in English"), so a payer who cannot read the current language still finds
theirs; one tap picks the language and starts.
"""

from __future__ import annotations

from ui.qt import QHBoxLayout, Qt, QWidget, Signal
from ui.screens.base import Screen, make_label
from ui.widgets.buttons import Button, set_role, set_shown, set_text
from ui.widgets.icons import IconView

__all__ = ["AttractScreen"]


class AttractScreen(Screen):
    """Signals:
    language_chosen(str): a language code ("ro", "ru", "en") was tapped (starts the session).
    accessibility_toggled(str): an accessibility toggle was tapped ("high_contrast",
        "large_text").
    """

    language_chosen = Signal(str)
    accessibility_toggled = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        box = self.box
        box.addStretch(2)
        icons = QHBoxLayout()
        icons.setSpacing(36)
        icons.addStretch(1)
        for name in ("document", "cash", "card", "receipt"):
            icons.addWidget(IconView(name, 96))
        icons.addStretch(1)
        box.addLayout(icons)
        box.addSpacing(12)
        self.title = make_label("title", align=Qt.AlignmentFlag.AlignCenter, name="title")
        self.subtitle = make_label("body", align=Qt.AlignmentFlag.AlignCenter, name="subtitle")
        box.addWidget(self.title)
        box.addWidget(self.subtitle)
        box.addStretch(1)
        box = self.aside
        box.addStretch(1)
        self.prompt = make_label("heading", align=Qt.AlignmentFlag.AlignCenter, name="prompt")
        box.addWidget(self.prompt)
        self.language_buttons: dict[str, Button] = {}
        for code in ("ro", "ru", "en"):
            button = Button(role="primary", icon="globe", icon_size=48, size="large")
            button.setObjectName(f"lang:{code}")
            button.clicked.connect(lambda _=False, c=code: self.language_chosen.emit(c))
            self.language_buttons[code] = button
            box.addWidget(button)
        box.addSpacing(40)
        toggles = QHBoxLayout()
        toggles.setSpacing(20)
        self.toggles: dict[str, Button] = {}
        for feature, icon in (("high_contrast", "contrast"), ("large_text", "text-size")):
            button = Button(role="chip", icon=icon, icon_size=44)
            button.setObjectName(f"a11y:{feature}")
            button.clicked.connect(lambda _=False, f=feature: self.accessibility_toggled.emit(f))
            self.toggles[feature] = button
            toggles.addWidget(button, 1)
        box.addLayout(toggles)
        self.footnote = make_label("muted", align=Qt.AlignmentFlag.AlignCenter, name="footnote")
        box.addWidget(self.footnote)

    def show_content(
        self,
        *,
        title: str,
        subtitle: str,
        prompt: str,
        languages: dict[str, str],
        current: str,
        toggles: dict[str, tuple[str, bool]],
        footnote: str,
    ) -> None:
        set_text(self.title, title)
        set_text(self.subtitle, subtitle)
        set_text(self.prompt, prompt)
        set_text(self.footnote, footnote)
        for code, button in self.language_buttons.items():
            set_role(button, "primary" if code == current else "secondary")
            button.set_caption(languages.get(code, ""))
            set_shown(button, code in languages)
        for feature, (caption, on) in toggles.items():
            self.toggles[feature].set_caption(caption)
            set_role(self.toggles[feature], "chip", selected=on)
