"""What every screen shares: margins, label and card helpers, the intent signal.

Screens are dumb: they show display-ready text handed to them (already translated and
formatted by ``ui.presenter``) and report taps as Qt signals. They hold no business rules.
"""

from __future__ import annotations

from ui.qt import (
    QFrame,
    QGridLayout,
    QLabel,
    QResizeEvent,
    QScrollArea,
    QScroller,
    Qt,
    QVBoxLayout,
    QWidget,
)

__all__ = ["Screen", "make_label", "make_card", "make_scroll", "Rows"]


def make_label(
    role: str = "body",
    text: str = "",
    *,
    align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
    name: str = "",
) -> QLabel:
    """A word-wrapping label with a style-sheet role (long RO/RU text never gets clipped)."""
    label = QLabel(text)
    label.setProperty("role", role)
    label.setWordWrap(True)
    label.setAlignment(align)
    label.setTextFormat(Qt.TextFormat.PlainText)
    if name:
        label.setObjectName(name)
    return label


def make_card(spacing: int = 16, margins: int = 28) -> tuple[QFrame, QVBoxLayout]:
    card = QFrame()
    card.setProperty("role", "card")
    layout = QVBoxLayout(card)
    layout.setContentsMargins(margins, margins, margins, margins)
    layout.setSpacing(spacing)
    return card, layout


def make_scroll(body: QWidget) -> QScrollArea:
    """A touch-scrollable area (drag with a finger; kinetic) for content that may be long."""
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    body.setObjectName("ScrollBody")
    area.setWidget(body)
    QScroller.grabGesture(area.viewport(), QScroller.ScrollerGestureType.LeftMouseButtonGesture)
    return area


class Rows(QWidget):
    """Label/value pairs (e.g. the invoice) in two columns, rebuilt only when they change."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setHorizontalSpacing(20)
        self._grid.setVerticalSpacing(12)
        self._grid.setColumnStretch(0, 2)
        self._grid.setColumnStretch(1, 3)
        self._content: tuple[tuple[str, str, str], ...] = ()
        self._labels: list[QLabel] = []

    def set_rows(self, rows: list[tuple[str, str]] | list[tuple[str, str, str]]) -> None:
        """``(caption, value)`` or ``(caption, value, value_role)`` rows, top to bottom."""
        content = tuple((r[0], r[1], r[2] if len(r) > 2 else "value") for r in rows)
        if content == self._content:
            return
        self._content = content
        for label in self._labels:
            self._grid.removeWidget(label)
            label.deleteLater()
        self._labels = []
        top = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop
        for i, (caption, value, role) in enumerate(content):
            left = make_label("caption", caption, align=top)
            right = make_label(role, value, align=top)
            self._grid.addWidget(left, i, 0)
            self._grid.addWidget(right, i, 1)
            self._labels += [left, right]

    def texts(self) -> tuple[tuple[str, str, str], ...]:
        return self._content


class Screen(QWidget):
    """Base of all payer screens: three regions arranged for portrait or landscape.

    ``box`` holds what the payer reads (titles, invoice, amounts); ``aside`` holds the main
    actions; ``bottom`` holds an on-screen keyboard, if the screen has one.

    * Portrait (1080x1920): ``box``, ``aside`` and ``bottom`` stacked, so actions and keys sit
      low, near the payer's hands.
    * Landscape (1280x1024) without a keyboard: ``box`` left, ``aside`` right.
    * Landscape with a keyboard showing: ``box`` above ``aside`` on the left, keyboard right.

    Nothing has to shrink below its readable size; screens call ``arrange()`` after showing or
    hiding their keyboard.
    """

    LANDSCAPE_RATIO = 1.15

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("KioskScreen")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(40, 28, 40, 20)
        self._regions: list[QWidget] = []
        layouts: list[QVBoxLayout] = []
        for _ in range(3):
            region = QWidget()
            region.setObjectName("Region")
            layout = QVBoxLayout(region)
            layout.setContentsMargins(0, 0, 0, 0)
            layout.setSpacing(18)
            self._regions.append(region)
            layouts.append(layout)
        self.box, self.aside, self.bottom = layouts
        self._arrangement = ""
        self.arrange()

    def landscape(self) -> bool:
        return self.width() > self.height() * self.LANDSCAPE_RATIO

    def _keyboard_showing(self) -> bool:
        for i in range(self.bottom.count()):
            item = self.bottom.itemAt(i)
            widget = item.widget() if item is not None else None
            if widget is not None and not widget.isHidden():
                return True
        return False

    def arrange(self) -> None:
        """Place the regions for the current shape and keyboard visibility (cheap if unchanged)."""
        wide = self.landscape()
        keys = self._keyboard_showing()
        arrangement = ("landscape-keys" if keys else "landscape") if wide else "portrait"
        if arrangement == self._arrangement:
            return
        self._arrangement = arrangement
        grid = self._grid
        box, aside, bottom = self._regions
        for region in self._regions:
            grid.removeWidget(region)
        for i in range(3):
            grid.setRowStretch(i, 0)
            grid.setColumnStretch(i, 0)
        if arrangement == "portrait":
            grid.addWidget(box, 0, 0)
            grid.addWidget(aside, 1, 0)
            grid.addWidget(bottom, 2, 0)
            grid.setRowStretch(0, 1)
            grid.setColumnStretch(0, 1)
            grid.setHorizontalSpacing(0)
            grid.setVerticalSpacing(18)
        elif arrangement == "landscape-keys":
            grid.addWidget(box, 0, 0)
            grid.addWidget(aside, 1, 0)
            grid.addWidget(bottom, 0, 1, 2, 1)
            grid.setRowStretch(0, 1)
            grid.setColumnStretch(0, 1)
            grid.setColumnStretch(1, 1)
            grid.setHorizontalSpacing(32)
            grid.setVerticalSpacing(18)
        else:
            grid.addWidget(box, 0, 0)
            grid.addWidget(aside, 0, 1)
            grid.addWidget(bottom, 1, 0, 1, 2)
            grid.setRowStretch(0, 1)
            grid.setColumnStretch(0, 11)
            grid.setColumnStretch(1, 9)
            grid.setHorizontalSpacing(36)
            grid.setVerticalSpacing(0)

    def resizeEvent(self, event: QResizeEvent) -> None:
        margin = 28 if event.size().height() < 900 else 40
        self._grid.setContentsMargins(margin, margin - 12, margin, 20)
        super().resizeEvent(event)
        self.arrange()
