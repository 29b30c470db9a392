"""What the service pages share: the page frame, text helpers, a result line."""

from __future__ import annotations

from typing import Any

from kiosk.i18n import format_money, t
from kiosk.service import ActionResult, ServiceBackend
from ui.qt import QLabel, QLayout, QVBoxLayout, QWidget
from ui.screens.base import make_label, make_scroll
from ui.service.tasks import TaskRunner
from ui.widgets.buttons import Button, set_role

__all__ = ["ServicePage", "result_text", "age_text", "clear_layout", "money", "tone_label"]


def money(bani: int, lang: str) -> str:
    return format_money(bani, lang)


def result_text(result: ActionResult, lang: str) -> str:
    head = t(result.key, lang, **dict(result.fields))
    return f"{head}\n{result.detail}" if result.detail else head


def age_text(seconds: float | None, lang: str) -> str:
    if seconds is None:
        return "-"
    minutes = max(0, int(seconds // 60))
    if minutes < 60:
        return t("service.age.minutes", lang, m=minutes)
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return t("service.age.hours", lang, h=hours, m=minutes)
    return t("service.age.days", lang, d=hours // 24, h=hours % 24)


def clear_layout(layout: QLayout) -> None:
    """Remove and delete every widget and nested layout of ``layout``."""
    while layout.count():
        item = layout.takeAt(0)
        if item is None:
            break
        widget = item.widget()
        if widget is not None:
            widget.hide()
            widget.deleteLater()
        elif item.layout() is not None:
            clear_layout(item.layout())


def tone_label(label: QLabel, ok: bool | None) -> None:
    """Green-ish success, red error, plain otherwise (through the theme's label roles)."""
    role = "body" if ok is None else ("value" if ok else "error")
    set_role(label, role)


class ServicePage(QWidget):
    """A scrollable page of the service window; ``refresh()`` reloads it from the backend.

    ``body`` is the scrolling layout pages fill; ``footer`` stays pinned below it."""

    title_key = ""

    def __init__(self, backend: ServiceBackend, runner: TaskRunner, lang: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.backend = backend
        self.runner = runner
        self.lang = lang
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        content = QWidget()
        self.body = QVBoxLayout(content)
        self.body.setContentsMargins(32, 24, 32, 24)
        self.body.setSpacing(18)
        outer.addWidget(make_scroll(content), 1)
        # What must stay in reach while the body scrolls (a keypad): pinned under it.
        self.footer_widget = QWidget()
        self.footer = QVBoxLayout(self.footer_widget)
        self.footer.setContentsMargins(32, 8, 32, 16)
        self.footer.setSpacing(10)
        outer.addWidget(self.footer_widget)
        self.footer_widget.hide()  # pages that pin something show it

    def tr(self, key: str, **fields: Any) -> str:
        return t(key, self.lang, **fields)

    def button(self, key: str, *, role: str = "secondary", name: str = "", **fields: Any) -> Button:
        b = Button(self.tr(key, **fields), role=role)
        if name:
            b.setObjectName(name)
        return b

    def label(self, role: str = "body", text: str = "", name: str = "") -> QLabel:
        return make_label(role, text, name=name)

    def section(self) -> QVBoxLayout:
        """A layout appended to the page, for content that is rebuilt on refresh."""
        holder = QWidget()
        layout = QVBoxLayout(holder)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(18)
        self.body.addWidget(holder)
        return layout

    def refresh(self) -> None:
        """Reload from the backend (pages override)."""
