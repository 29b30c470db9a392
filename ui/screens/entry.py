"""Text entry screens: the order key, an order property (e.g. IDNP), an amount.

One layout for all three: what to type, a big field, the view's validation message, a hint
(where to find the key on the invoice; "you can also scan it"), a keyboard suited to the
expected characters, and Continue (enabled when the view says the text is acceptable).

Typing is local first: each tap updates the field at once and reports the whole new text, so a
fast typist never waits for the session loop. The text coming back in later views is adopted
unless it is one we already moved past (``EditBuffer``); if the session changed it (trimmed,
upper-cased, cut to length), the session's text wins.
"""

from __future__ import annotations

from ui.qt import QHBoxLayout, Qt, QWidget, Signal
from ui.screens.base import Rows, Screen, make_card, make_label
from ui.widgets.buttons import Button, set_role, set_text
from ui.widgets.icons import IconView
from ui.widgets.keyboard import OnScreenKeyboard

__all__ = ["EditBuffer", "EntryScreen"]


class EditBuffer:
    """Local text plus the edits sent but not yet seen in a view (oldest first)."""

    def __init__(self) -> None:
        self.text = ""
        self._pending: list[str] = []

    def edit(self, text: str) -> None:
        self.text = text
        self._pending.append(text)

    def reset(self, text: str) -> None:
        self.text = text
        self._pending.clear()

    def from_view(self, text: str) -> None:
        """Reconcile with the text a view carries."""
        if text in self._pending:
            del self._pending[: self._pending.index(text) + 1]
            if not self._pending:
                self.text = text
            return
        self.reset(text)


class EntryScreen(Screen):
    """Signals:
    edited(str): the whole text after a key tap.
    submitted(): Continue was tapped (only possible when the view allows it).
    quick(): the shortcut button was tapped (e.g. "pay the whole amount").
    """

    edited = Signal(str)
    submitted = Signal()
    quick = Signal()

    def __init__(self, *, kind: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind = kind
        self.buffer = EditBuffer()
        self._placeholder = ""
        self._display_decimal = "."
        self._max_length = 64
        self.title = make_label("title", name="title")
        self.prompt = make_label("body", name="prompt")
        self.field = make_label("field", name="field")
        self.message = make_label("muted", name="message")
        self.box.addWidget(self.title)
        self.box.addWidget(self.prompt)
        self.box.addWidget(self.field)
        self.box.addWidget(self.message)
        self.box.addStretch(1)
        self.rows = Rows()
        self.aside.addWidget(self.rows)
        self.quick_button = Button(role="secondary", icon="check")
        self.quick_button.setObjectName("quick")
        self.quick_button.clicked.connect(self.quick.emit)
        self.aside.addWidget(self.quick_button)
        self.hint_card, hint_box = make_card(spacing=14, margins=22)
        hint_row = QHBoxLayout()
        hint_row.setSpacing(18)
        self.hint_icon = IconView("info", 44)
        hint_row.addWidget(self.hint_icon, 0, Qt.AlignmentFlag.AlignTop)
        self.hint = make_label("muted", name="hint")
        hint_row.addWidget(self.hint, 1)
        hint_box.addLayout(hint_row)
        scan_row = QHBoxLayout()
        scan_row.setSpacing(18)
        self.scan_icon = IconView("barcode", 44)
        scan_row.addWidget(self.scan_icon, 0, Qt.AlignmentFlag.AlignTop)
        self.scan_hint = make_label("muted", name="scan-hint")
        scan_row.addWidget(self.scan_hint, 1)
        hint_box.addLayout(scan_row)
        self.aside.addWidget(self.hint_card)
        self.aside.addStretch(1)
        self.keyboard = OnScreenKeyboard()
        self.keyboard.typed.connect(self._typed)
        self.keyboard.backspace.connect(lambda: self._edit(self.buffer.text[:-1]))
        self.keyboard.cleared.connect(lambda: self._edit(""))
        self.bottom.addWidget(self.keyboard)
        self.continue_button = Button(role="primary", icon="forward")
        self.continue_button.setObjectName("continue")
        self.continue_button.clicked.connect(self.submitted.emit)
        self.aside.addWidget(self.continue_button)

    def show_content(
        self,
        *,
        title: str,
        prompt: str,
        text: str,
        placeholder: str,
        message: str,
        invalid: bool,
        hint: str,
        scan_hint: str,
        keyboard: str,
        keyboard_texts: dict[str, str],
        can_submit: bool,
        submit: str,
        decimal: str = ".",
        max_length: int = 64,
        fresh: bool = False,
        rows: list[tuple[str, str]] | None = None,
        quick: str | None = None,
    ) -> None:
        """Render the view; ``fresh`` means the screen was just entered (take the view's text)."""
        set_text(self.title, title)
        set_text(self.prompt, prompt)
        self.prompt.setVisible(bool(prompt))
        self._placeholder = placeholder
        self._display_decimal = decimal
        self._max_length = max_length
        if fresh:
            self.buffer.reset(text)
        else:
            self.buffer.from_view(text)
        self._show_text(invalid)
        set_text(self.message, message)
        set_role(self.message, "error" if invalid and message else "muted")
        self.message.setVisible(bool(message))
        set_text(self.hint, hint)
        set_text(self.scan_hint, scan_hint)
        self.hint_icon.setVisible(bool(hint))
        self.hint.setVisible(bool(hint))
        self.scan_icon.setVisible(bool(scan_hint))
        self.scan_hint.setVisible(bool(scan_hint))
        self.hint_card.setVisible(bool(hint or scan_hint))
        self.keyboard.set_layout(keyboard)
        self.keyboard.set_texts(keyboard_texts, decimal=decimal)
        self.continue_button.set_caption(submit)
        self.continue_button.setEnabled(can_submit)
        self.rows.set_rows(rows or [])
        self.rows.setVisible(bool(rows))
        self.quick_button.setVisible(quick is not None)
        if quick is not None:
            self.quick_button.set_caption(quick)

    def _show_text(self, invalid: bool | None = None) -> None:
        shown = (
            self.buffer.text.replace(".", self._display_decimal)
            if self.kind == "amount"
            else self.buffer.text
        )
        self.field.setText(shown + "\u258f" if shown else self._placeholder)
        if invalid is not None:
            set_role(self.field, "field", invalid=invalid)

    def _typed(self, ch: str) -> None:
        if len(self.buffer.text) < self._max_length:
            self._edit(self.buffer.text + ch)

    def _edit(self, text: str) -> None:
        self.buffer.edit(text)
        self._show_text()
        self.edited.emit(text)
