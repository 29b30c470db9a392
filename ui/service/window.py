"""The service-mode window: the PIN pad, then Devices, Cash, Outbox, Health and Terminal pages.

It knows only a ``kiosk.service.ServiceBackend``; every backend call runs on a ``TaskRunner``
worker so printing or probing never freezes the UI thread. The composition root shows it
(for instance when ``ui.service.entry.CornerSequence`` triggers), calls ``open()``, and hides
it again on ``closed``. The backend refuses entry while a payer has money in flight; the PIN
page then says so.

After ``idle_timeout_s`` without a tap the technician is logged out (audited as a timeout) and
``closed`` is emitted, so a terminal left in service mode returns to the payers by itself.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from kiosk.i18n import t
from kiosk.service import ServiceBackend
from ui.qt import (
    QApplication,
    QEvent,
    QGridLayout,
    QHBoxLayout,
    QLayout,
    QObject,
    QStackedWidget,
    Qt,
    QTimer,
    QVBoxLayout,
    QWidget,
    Signal,
)
from ui.screens.base import make_label
from ui.service.cash_page import CashPage
from ui.service.common import ServicePage
from ui.service.devices_page import DevicesPage
from ui.service.health_page import HealthPage
from ui.service.outbox_page import OutboxPage
from ui.service.pin_page import PinPage
from ui.service.tasks import TaskRunner
from ui.service.terminal_page import TerminalPage
from ui.theme import STANDARD, Theme
from ui.widgets.buttons import Button, set_role, set_shown, set_text

__all__ = ["ServiceWindow", "PAGES"]

PAGES = ("devices", "cash", "outbox", "health", "terminal")
_PRESSES = (QEvent.Type.MouseButtonPress, QEvent.Type.TouchBegin, QEvent.Type.KeyPress)


class ServiceWindow(QWidget):
    """The technician's screens over ``backend``.

    Signals:
        closed(): the technician left (exit button, PIN pad cancelled, or idle timeout).
        entered(): a PIN was accepted; the pages are shown.
    """

    closed = Signal()
    entered = Signal()

    def __init__(
        self,
        backend: ServiceBackend,
        *,
        lang: str = "ro",
        theme: Theme = STANDARD,
        idle_timeout_s: float = 300.0,
        clock: Callable[[], float] = time.time,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("KioskRoot")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setWindowTitle(t("service.title", lang))
        self.setStyleSheet(theme.stylesheet())
        self.backend = backend
        self.lang = lang
        self.runner = TaskRunner(self)
        self._open = False
        root = QVBoxLayout(self)
        # The window's size is the screen's, never its content's (as the payer window's): else
        # every page change pushes minimum sizes to the platform window.
        root.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        root.setContentsMargins(0, 0, 0, 0)
        root.setSpacing(0)
        # -- header: title, busy note, exit
        header = QWidget()
        header.setObjectName("Header")
        header.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        row = QHBoxLayout(header)
        row.setContentsMargins(32, 16, 32, 16)
        title = make_label("brand", t("service.title", lang), name="service-title")
        self.busy_note = make_label("step", "", name="service-busy")
        self.exit_button = Button(t("service.exit", lang), role="primary")
        self.exit_button.setObjectName("service-exit")
        self.exit_button.clicked.connect(lambda: self.leave("exit"))
        row.addWidget(title, 1)
        row.addWidget(self.busy_note)
        row.addWidget(self.exit_button)
        root.addWidget(header)
        # -- tabs
        self.tabs = QWidget()
        tabs = QGridLayout(self.tabs)  # three to a row: long Russian words never get clipped
        tabs.setContentsMargins(24, 16, 24, 8)
        tabs.setSpacing(10)
        self.tab_buttons: dict[str, Button] = {}
        for i, name in enumerate(PAGES):
            button = Button(t(f"service.tab.{name}", lang), role="chip", compact=True)
            button.setObjectName(f"tab:{name}")
            button.clicked.connect(lambda _=False, n=name: self.show_page(n))
            tabs.addWidget(button, i // 3, i % 3)
            self.tab_buttons[name] = button
        for column in range(3):
            tabs.setColumnStretch(column, 1)
        root.addWidget(self.tabs)
        # -- pages
        self.stack = QStackedWidget()
        root.addWidget(self.stack, 1)
        self.pin_page = PinPage(backend, self.runner, lang)
        self.pin_page.entered.connect(self._entered)
        self.pin_page.cancelled.connect(lambda: self.leave("cancel"))
        self.stack.addWidget(self.pin_page)
        self.pages: dict[str, ServicePage] = {
            "devices": DevicesPage(backend, self.runner, lang),
            "cash": CashPage(backend, self.runner, lang),
            "outbox": OutboxPage(backend, self.runner, lang, clock=clock),
            "health": HealthPage(backend, self.runner, lang),
            "terminal": TerminalPage(backend, self.runner, lang),
        }
        for page in self.pages.values():
            self.stack.addWidget(page)
        self.current = ""
        self.runner.busy_changed.connect(
            lambda busy: set_text(self.busy_note, t("service.working", lang) if busy else ""))
        self._idle = QTimer(self)
        self._idle.setSingleShot(True)
        self._idle.setInterval(int(idle_timeout_s * 1000))
        self._idle.timeout.connect(lambda: self.leave("timeout"))
        self._activity = _ActivityFilter(self)
        self._locked_view()

    # ------------------------------------------------------------------ lifecycle

    def open(self) -> None:
        """Start at the PIN pad (call when showing the window)."""
        self._open = True
        self._locked_view()
        self.pin_page.refresh()
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self._activity)
        self._idle.start()

    def _locked_view(self) -> None:
        set_shown(self.tabs, False)
        set_shown(self.exit_button, False)
        self.stack.setCurrentWidget(self.pin_page)
        self.current = "pin"

    def _entered(self) -> None:
        set_shown(self.tabs, True)
        set_shown(self.exit_button, True)
        self.show_page("devices")
        self.entered.emit()

    def show_page(self, name: str) -> None:
        page = self.pages[name]
        self.stack.setCurrentWidget(page)
        self.current = name
        for tab, button in self.tab_buttons.items():
            set_role(button, "chip", selected=tab == name)
        page.refresh()

    def leave(self, reason: str = "exit") -> None:
        """Log the technician out (audited) and emit ``closed``."""
        if not self._open:
            return
        self._open = False
        self._idle.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self._activity)
        self.runner.run(lambda: self.backend.leave(reason), lambda _: None)
        self.pin_page.stop()
        self._locked_view()
        self.closed.emit()

    def touched(self) -> None:
        """Any tap: the idle timeout starts again."""
        if self._open:
            self._idle.start()

    def shutdown(self, timeout: float = 30.0) -> None:
        """Wait for running backend calls and stop delivering their results (before deleting)."""
        self._idle.stop()
        self.pin_page.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self._activity)
        self.runner.close(timeout)


class _ActivityFilter(QObject):
    def __init__(self, window: ServiceWindow) -> None:
        super().__init__(window)
        self._window = window

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _PRESSES and isinstance(watched, QWidget) and \
                watched.window() is self._window.window():
            self._window.touched()
        return False
