"""Order properties the payer fills in (IDNP, vehicle number...): tap a field, type, Continue.

Validation is the session's: each field shows the view's verdict and message; Continue is
enabled when the view says all values are acceptable.
"""

from __future__ import annotations

from dataclasses import dataclass

from ui.qt import QLabel, Qt, QVBoxLayout, QWidget, Signal
from ui.screens.base import Screen, make_label
from ui.screens.entry import EditBuffer
from ui.widgets.buttons import Button, set_role, set_text
from ui.widgets.keyboard import OnScreenKeyboard

__all__ = ["FieldItem", "PropertiesScreen"]


@dataclass(frozen=True, slots=True)
class FieldItem:
    key: str
    label: str
    value: str
    placeholder: str
    message: str
    invalid: bool
    keyboard: str
    max_length: int


class PropertiesScreen(Screen):
    """Signals:
    edited(str, str): property key and its whole new value after a key tap.
    submitted(): Continue was tapped.
    """

    edited = Signal(str, str)
    submitted = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = make_label("title", name="title")
        self.prompt = make_label("body", name="prompt")
        self.box.addWidget(self.title)
        self.box.addWidget(self.prompt)
        host = QWidget()
        self.fields_box = QVBoxLayout(host)
        self.fields_box.setContentsMargins(0, 0, 0, 0)
        self.fields_box.setSpacing(10)
        self.box.addWidget(host)
        self.box.addStretch(1)
        self.aside.addStretch(1)
        self.keyboard = OnScreenKeyboard()
        self.keyboard.typed.connect(self._typed)
        self.keyboard.backspace.connect(lambda: self._edit(self._buffer().text[:-1]))
        self.keyboard.cleared.connect(lambda: self._edit(""))
        self.bottom.addWidget(self.keyboard)
        self.continue_button = Button(role="primary", icon="forward")
        self.continue_button.setObjectName("continue")
        self.continue_button.clicked.connect(self.submitted.emit)
        self.aside.addWidget(self.continue_button)
        self.fields: dict[str, Button] = {}
        self.messages: dict[str, QLabel] = {}
        self.buffers: dict[str, EditBuffer] = {}
        self._items: dict[str, FieldItem] = {}
        self._order: tuple[str, ...] = ()
        self.active = ""

    def show_content(
        self,
        *,
        title: str,
        prompt: str,
        items: list[FieldItem],
        keyboard_texts: dict[str, str],
        can_submit: bool,
        submit: str,
        fresh: bool,
    ) -> None:
        set_text(self.title, title)
        set_text(self.prompt, prompt)
        order = tuple(i.key for i in items)
        if order != self._order or fresh:
            self._rebuild(items)
        self._items = {i.key: i for i in items}
        for item in items:
            buffer = self.buffers[item.key]
            if fresh:
                buffer.reset(item.value)
            else:
                buffer.from_view(item.value)
            self._show_field(item.key)
            message = self.messages[item.key]
            set_text(message, item.message)
            set_role(message, "error" if item.invalid else "muted")
            message.setVisible(bool(item.message))
        if self.active not in self._items and items:
            self.active = items[0].key
        self._select(self.active)
        self.keyboard.set_texts(keyboard_texts)
        self.continue_button.set_caption(submit)
        self.continue_button.setEnabled(can_submit)

    def _rebuild(self, items: list[FieldItem]) -> None:
        for widget in (*self.fields.values(), *self.messages.values()):
            widget.deleteLater()
        self.fields, self.messages, self.buffers = {}, {}, {}
        for item in items:
            button = Button(
                role="tile", icon="key", align=Qt.AlignmentFlag.AlignLeft, detail_first=True
            )
            button.setObjectName(f"property:{item.key}")
            button.clicked.connect(lambda _=False, k=item.key: self._select(k))
            message = make_label("muted", name=f"message:{item.key}")
            self.fields_box.addWidget(button)
            self.fields_box.addWidget(message)
            self.fields[item.key] = button
            self.messages[item.key] = message
            self.buffers[item.key] = EditBuffer()
        self._order = tuple(i.key for i in items)
        self.active = items[0].key if items else ""

    def _show_field(self, key: str) -> None:
        item = self._items[key]
        text = self.buffers[key].text
        cursor = "\u258f" if key == self.active else ""
        self.fields[key].set_detail(item.label)
        self.fields[key].set_caption((text + cursor) if text else (item.placeholder + cursor))

    def _select(self, key: str) -> None:
        if key not in self._items:
            return
        self.active = key
        for k, button in self.fields.items():
            set_role(button, "tile", selected=k == key)
            self._show_field(k)
        self.keyboard.set_layout(self._items[key].keyboard)

    def _buffer(self) -> EditBuffer:
        return self.buffers[self.active]

    def _typed(self, ch: str) -> None:
        if self.active and len(self._buffer().text) < self._items[self.active].max_length:
            self._edit(self._buffer().text + ch)

    def _edit(self, text: str) -> None:
        if not self.active:
            return
        self._buffer().edit(text)
        self._show_field(self.active)
        self.edited.emit(self.active, text)
