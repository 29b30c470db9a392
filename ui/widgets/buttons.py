"""Big touch buttons and service tiles.

A ``Button`` is a QPushButton holding a word-wrapping QLabel (and optionally an icon) in a
layout, so long Romanian or Russian captions wrap instead of being clipped, and its height grows
with its text (its size hints come from the layout, not from QPushButton's own text). Colours,
borders and sizes come from the style sheet via the ``role`` property (see ``ui.theme``); the
style sheet paints the background and the ``:pressed`` state natively.
"""

from __future__ import annotations

from ui.qt import (
    QBoxLayout,
    QEvent,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSize,
    QSizePolicy,
    Qt,
    QVBoxLayout,
    QWidget,
)
from ui.widgets.icons import IconView

__all__ = ["Button", "set_role", "set_text", "set_tone", "set_shown"]


def set_role(widget: QWidget, role: str, **flags: bool) -> None:
    """Set the style-sheet role (and boolean flags such as ``selected``) and re-polish."""
    changed = widget.property("role") != role
    if changed:
        widget.setProperty("role", role)
    for name, value in flags.items():
        text = "true" if value else "false"
        if widget.property(name) != text:
            widget.setProperty(name, text)
            changed = True
    # A widget not yet polished picks its properties up when it is first shown; repolishing it
    # now would only create the style early (slow at start-up).
    if changed and widget.testAttribute(Qt.WidgetAttribute.WA_WState_Polished):
        style = widget.style()
        style.unpolish(widget)
        style.polish(widget)
        for child in widget.findChildren(QWidget):
            style.unpolish(child)
            style.polish(child)
        widget.update()


def set_tone(widget: QWidget, tone: str) -> None:
    """Set the style-sheet ``tone`` (``success``, ``warning``, ``error``) of an icon or label."""
    if widget.property("tone") != tone:
        widget.setProperty("tone", tone)
        if widget.testAttribute(Qt.WidgetAttribute.WA_WState_Polished):
            widget.style().unpolish(widget)
            widget.style().polish(widget)
            widget.update()


def set_shown(widget: QWidget, shown: bool) -> None:
    """Show or hide only on a change (``setVisible(True)`` polishes at once, even on a hidden
    screen, which would style it twice)."""
    if widget.isHidden() == shown:
        widget.setVisible(shown)


def set_text(label: QLabel, text: str) -> None:
    """Set a label's text only when it changed (avoids needless re-layouts on every view)."""
    if label.text() != text:
        label.setText(text)


class Button(QPushButton):
    """A large touch button: caption (wrapping), optional icon, style-sheet role.

    Signals:
        clicked(): inherited; emitted on release inside the button (touch or mouse).
    """

    def __init__(
        self,
        text: str = "",
        *,
        role: str = "secondary",
        icon: str | None = None,
        icon_size: int = 44,
        vertical: bool = False,
        align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignCenter,
        wrap: bool = True,
        detail_first: bool = False,
        compact: bool = False,
        size: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        layout: QBoxLayout = QVBoxLayout(self) if vertical else QHBoxLayout(self)
        # Keys are narrow (ten in a row): their caption may use almost all of the width.
        layout.setContentsMargins(*((2, 6, 2, 6) if compact else (22, 14, 22, 14)))
        layout.setSpacing(12 if vertical else 18)
        self.icon_view: IconView | None = None
        if icon is not None:
            self.icon_view = IconView(icon, icon_size)
            layout.addWidget(
                self.icon_view,
                0,
                Qt.AlignmentFlag.AlignHCenter if vertical else Qt.AlignmentFlag.AlignVCenter,
            )
        self.label = QLabel(text)
        self.label.setWordWrap(wrap)
        self.label.setAlignment(align)
        self.label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents, True)
        self.label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.detail: QLabel | None = None  # the second line, made on first use
        self._detail_first = detail_first
        self._align = align
        self._texts = QVBoxLayout()
        self._texts.setSpacing(6)
        self._texts.addWidget(self.label)
        layout.addLayout(self._texts, 1)
        self._layout = layout
        self.setAccessibleName(text)
        if size:
            # "large" / "huge" / "tile": a taller minimum from the style sheet. (Not "size":
            # that name is QWidget's own geometry property.)
            self.setProperty("scale", size)
        set_role(self, role)

    def set_caption(self, text: str) -> None:
        if self.label.text() != text:
            self.label.setText(text)
            self.setAccessibleName(text)
            self.updateGeometry()

    def caption(self) -> str:
        return self.label.text()

    def set_detail(self, text: str) -> None:
        """A second, lighter line of text under the caption (hidden when empty)."""
        if self.detail is None:
            if not text:
                return
            self.detail = QLabel()
            self.detail.setProperty("role", "detail")
            self.detail.setWordWrap(True)
            self.detail.setAlignment(self._align)
            self.detail.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents, True)
            self.detail.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
            self._texts.insertWidget(0 if self._detail_first else 1, self.detail)
        if self.detail.text() != text:
            self.detail.setText(text)
            self.detail.setVisible(bool(text))
            self.updateGeometry()

    def changeEvent(self, event: QEvent) -> None:
        # Style sheets cannot style a child by its parent's pseudo-state (``Button:disabled
        # QLabel`` matches always), so the enabled state is mirrored into a property.
        if event.type() == QEvent.Type.EnabledChange:
            set_role(self, str(self.property("role") or ""), off=not self.isEnabled())
        super().changeEvent(event)

    # QPushButton sizes itself by its own (empty) text; ours is the layout's.
    def sizeHint(self) -> QSize:
        return self._layout.totalSizeHint()

    def minimumSizeHint(self) -> QSize:
        return self._layout.totalMinimumSize()

    def hasHeightForWidth(self) -> bool:
        return self._layout.hasHeightForWidth()

    def heightForWidth(self, width: int) -> int:
        height = self._layout.totalHeightForWidth(width)
        return height if height >= 0 else self.sizeHint().height()
