"""Service catalogue: category chips, a search box with its own keyboard, big service tiles."""

from __future__ import annotations

from dataclasses import dataclass

from ui.qt import QGridLayout, QHBoxLayout, QSizePolicy, Qt, QVBoxLayout, QWidget, Signal
from ui.screens.base import Screen, make_label, make_scroll
from ui.widgets.buttons import Button, set_role, set_text
from ui.widgets.flow import FlowLayout
from ui.widgets.keyboard import OnScreenKeyboard

__all__ = ["CatalogueScreen", "Tile", "Chip"]


@dataclass(frozen=True, slots=True)
class Tile:
    id: str
    title: str
    icon: str
    subtitle: str = ""


@dataclass(frozen=True, slots=True)
class Chip:
    id: str
    caption: str
    selected: bool


class CatalogueScreen(Screen):
    """Signals:
    service_chosen(str): a service tile was tapped (its id).
    category_chosen(str): a category chip was tapped (its id; "" for all).
    query_changed(str): the search text after a key tap (the whole text).
    search_toggled(bool): the search keyboard was opened (True) or closed (False).
    """

    service_chosen = Signal(str)
    category_chosen = Signal(str)
    query_changed = Signal(str)
    search_toggled = Signal(bool)

    COLUMNS = 2

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tiles: dict[str, Button] = {}
        self.chip_buttons: dict[str, Button] = {}
        self._tiles: tuple[Tile, ...] = ()
        self._chips: tuple[Chip, ...] = ()
        self._query = ""
        self._placeholder = ""
        self.title = make_label("title", name="title")
        self.box.addWidget(self.title)
        search_row = QHBoxLayout()
        search_row.setSpacing(16)
        self.search_button = Button(
            role="secondary",
            icon="search",
            align=Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
        )
        self.search_button.setObjectName("search")
        self.search_button.clicked.connect(self._toggle_search)
        search_row.addWidget(self.search_button, 1)
        self.box.addLayout(search_row)
        self.chips_host = QWidget()
        self.chips = FlowLayout(self.chips_host, spacing=12)
        self.box.addWidget(self.chips_host)
        body = QWidget()
        body_box = QVBoxLayout(body)
        body_box.setContentsMargins(0, 0, 8, 0)
        body_box.setSpacing(0)
        self.grid = QGridLayout()
        self.grid.setSpacing(20)
        body_box.addLayout(self.grid)
        self.empty = make_label("body", align=Qt.AlignmentFlag.AlignCenter, name="empty")
        body_box.addWidget(self.empty)
        body_box.addStretch(1)
        self.scroll_area = make_scroll(body)
        self.box.addWidget(self.scroll_area, 1)
        self.keyboard = OnScreenKeyboard()
        self.keyboard.set_layout("search-latin")
        self.keyboard.typed.connect(lambda ch: self._edit(self._query + ch))
        self.keyboard.backspace.connect(lambda: self._edit(self._query[:-1]))
        self.keyboard.cleared.connect(lambda: self._edit(""))
        self.keyboard.hide()
        self.bottom.addWidget(self.keyboard)

    # -- rendering ------------------------------------------------------------------------------
    def show_content(
        self,
        *,
        title: str,
        placeholder: str,
        query: str,
        chips: list[Chip],
        tiles: list[Tile],
        empty: str,
        keyboard_texts: dict[str, str],
        cyrillic: bool,
    ) -> None:
        set_text(self.title, title)
        self._placeholder = placeholder
        self._query = query
        self._show_query()
        self.keyboard.set_texts(keyboard_texts)
        if not self.keyboard.isVisible():
            self.keyboard.set_layout("search-cyrillic" if cyrillic else "search-latin")
        if tuple(chips) != self._chips:
            self._rebuild_chips(tuple(chips))
        if tuple(tiles) != self._tiles:
            self._rebuild_tiles(tuple(tiles))
        set_text(self.empty, empty)
        self.empty.setVisible(not tiles)

    def _show_query(self) -> None:
        self.search_button.set_caption(self._query or self._placeholder)
        set_role(self.search_button, "secondary", selected=bool(self._query))

    def _rebuild_chips(self, chips: tuple[Chip, ...]) -> None:
        ids = tuple(c.id for c in chips)
        if ids != tuple(c.id for c in self._chips):
            for button in self.chip_buttons.values():
                button.deleteLater()
            self.chip_buttons = {}
            for chip in chips:
                button = Button(role="chip", wrap=False)
                button.setObjectName(f"category:{chip.id}")
                button.clicked.connect(lambda _=False, c=chip.id: self.category_chosen.emit(c))
                self.chip_buttons[chip.id] = button
                self.chips.addWidget(button)
        for chip in chips:
            button = self.chip_buttons[chip.id]
            button.set_caption(chip.caption)
            set_role(button, "chip", selected=chip.selected)
        self.chips_host.setVisible(bool(chips))
        self._chips = chips

    def _rebuild_tiles(self, tiles: tuple[Tile, ...]) -> None:
        for button in self.tiles.values():
            button.deleteLater()
        self.tiles = {}
        for i, tile in enumerate(tiles):
            button = Button(
                tile.title, role="tile", icon=tile.icon, icon_size=104, vertical=True, size="tile"
            )
            button.set_detail(tile.subtitle)
            button.setObjectName(f"service:{tile.id}")
            button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
            button.clicked.connect(lambda _=False, s=tile.id: self.service_chosen.emit(s))
            self.tiles[tile.id] = button
            self.grid.addWidget(button, i // self.COLUMNS, i % self.COLUMNS)
        for c in range(self.COLUMNS):
            self.grid.setColumnStretch(c, 1)
        self._tiles = tiles

    # -- search ------------------------------------------------------------------------------------
    def _toggle_search(self) -> None:
        opening = not self.keyboard.isVisible()
        self.keyboard.setVisible(opening)
        self.chips_host.setVisible(not opening and bool(self._chips))
        self.arrange()
        self.search_toggled.emit(opening)

    def _edit(self, text: str) -> None:
        self._query = text
        self._show_query()
        self.query_changed.emit(text)
