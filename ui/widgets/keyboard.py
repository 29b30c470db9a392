"""On-screen keyboards: digits, letters+digits, search (with RO and RU letters), amounts.

The keyboard only reports taps; it never holds text. The screen that owns it keeps the text and
turns taps into session intents. Layouts are data (rows of keys); special keys are named with a
leading ``@`` (``@back`` backspace, ``@clear``, ``@space``, ``@abc``/``@абв`` alphabet switch).
Each layout is built once and kept in a stack, so switching layouts costs nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from ui.qt import QGridLayout, QSizePolicy, QVBoxLayout, QWidget, Signal
from ui.widgets.buttons import Button

__all__ = ["KeyboardLayout", "LAYOUTS", "OnScreenKeyboard"]


@dataclass(frozen=True, slots=True)
class KeyboardLayout:
    """Rows of keys; each key is ``(label, span)``. ``@``-keys are actions, others type text."""

    name: str
    rows: tuple[tuple[tuple[str, int], ...], ...]
    columns: int


def _row(keys: str, *extra: tuple[str, int]) -> tuple[tuple[str, int], ...]:
    return tuple((k, 1) for k in keys) + extra


DIGITS = KeyboardLayout(
    "digits",
    (
        _row("123"),
        _row("456"),
        _row("789"),
        (("@clear", 1), ("0", 1), ("@back", 1)),
    ),
    3,
)
AMOUNT = KeyboardLayout(
    "amount",
    (
        _row("123"),
        _row("456"),
        _row("789"),
        ((".", 1), ("0", 1), ("@back", 1)),
    ),
    3,
)
ALNUM = KeyboardLayout(
    "alnum",
    (
        _row("1234567890"),
        _row("QWERTYUIOP"),
        _row("ASDFGHJKL-"),
        _row("ZXCVBNM/", ("@back", 2)),
        (("@clear", 3), ("@space", 7)),
    ),
    10,
)
SEARCH_LATIN = KeyboardLayout(
    "search-latin",
    (
        _row("QWERTYUIOP"),
        _row("ASDFGHJKLĂ"),
        _row("ZXCVBNMÂÎȘ"),
        _row("Ț", ("@абв", 2), ("@space", 5), ("@back", 2)),
    ),
    10,
)
SEARCH_CYRILLIC = KeyboardLayout(
    "search-cyrillic",
    (
        _row("ЙЦУКЕНГШЩЗХ"),
        _row("ФЫВАПРОЛДЖЭ"),
        _row("ЯЧСМИТЬБЮЪЁ"),
        (("@abc", 3), ("@space", 5), ("@back", 3)),
    ),
    11,
)

LAYOUTS: dict[str, KeyboardLayout] = {
    lay.name: lay for lay in (DIGITS, AMOUNT, ALNUM, SEARCH_LATIN, SEARCH_CYRILLIC)
}

_ACTION_ICONS = {"@back": "backspace"}
_ACTION_CAPTIONS = {"@абв": "АБВ", "@abc": "ABC", "@clear": "C", "@space": "___"}


class OnScreenKeyboard(QWidget):
    """A touch keyboard with switchable layouts.

    Signals:
        typed(str): a character key was tapped; the argument is the character.
        backspace(): the backspace key was tapped.
        cleared(): the clear key was tapped.
    """

    typed = Signal(str)
    backspace = Signal()
    cleared = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._pages: dict[str, QWidget] = {}
        self._action_buttons: list[tuple[str, Button]] = []
        self._keys: dict[str, dict[str, Button]] = {}
        self._decimal = "."
        # Pages are shown one at a time in a plain box: hidden pages take no room, so the
        # keyboard is exactly as tall as the layout on show (a stacked widget takes the tallest).
        self._box = QVBoxLayout(self)
        self._box.setContentsMargins(0, 0, 0, 0)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self._layout_name = ""
        self.set_layout("digits")

    def layout_name(self) -> str:
        return self._layout_name

    def key(self, label: str) -> Button:
        """The button for ``label`` in the current layout (tests tap it)."""
        return self._keys[self._layout_name][label]

    def set_layout(self, name: str) -> None:
        if name not in LAYOUTS:
            raise ValueError(f"unknown keyboard layout {name!r}")
        if name == self._layout_name:
            return
        if name not in self._pages:
            self._pages[name] = self._build(LAYOUTS[name])
            self._box.addWidget(self._pages[name])
        for page_name, page in self._pages.items():
            page.setVisible(page_name == name)
        self._layout_name = name
        self.updateGeometry()

    def set_texts(self, texts: dict[str, str], decimal: str = ".") -> None:
        """Captions for action keys (``@clear`` -> "Șterge"...) and the decimal mark shown."""
        for action, button in self._action_buttons:
            if action in texts:
                button.set_caption(texts[action])
        self._decimal = decimal
        for keys in self._keys.values():
            if "." in keys:
                keys["."].set_caption(decimal)

    def _build(self, layout: KeyboardLayout) -> QWidget:
        page = QWidget()
        grid = QGridLayout(page)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(8)
        keys: dict[str, Button] = {}
        for r, row in enumerate(layout.rows):
            col = 0
            for label, span in row:
                if label.startswith("@"):
                    button = Button(
                        _ACTION_CAPTIONS.get(label, ""),
                        role="key-action",
                        icon=_ACTION_ICONS.get(label),
                        compact=True,
                    )
                    self._action_buttons.append((label, button))
                    button.clicked.connect(lambda _=False, a=label: self._action(a))
                else:
                    button = Button(label, role="key", compact=True)
                    button.clicked.connect(lambda _=False, ch=label: self.typed.emit(ch))
                button.setObjectName(f"key:{label}")
                keys[label] = button
                grid.addWidget(button, r, col, 1, span)
                col += span
        for c in range(layout.columns):
            grid.setColumnStretch(c, 1)
        self._keys[layout.name] = keys
        return page

    def _action(self, action: str) -> None:
        if action == "@back":
            self.backspace.emit()
        elif action == "@clear":
            self.cleared.emit()
        elif action == "@space":
            self.typed.emit(" ")
        elif action == "@абв":
            self.set_layout("search-cyrillic")
        elif action == "@abc":
            self.set_layout("search-latin")
