"""The PIN pad in front of service mode: digits, the attempts left, the lockout countdown."""

from __future__ import annotations

from kiosk.service import PinOutcome, PinResult, ServiceBackend
from ui.qt import Qt, QTimer, QWidget, Signal
from ui.service.common import ServicePage
from ui.service.tasks import TaskRunner
from ui.widgets.buttons import Button, set_role, set_text
from ui.widgets.keyboard import OnScreenKeyboard

__all__ = ["PinPage", "MAX_PIN_LENGTH"]

MAX_PIN_LENGTH = 12


class PinPage(ServicePage):
    """Signals:
        entered(): the PIN was accepted (the backend is now entered).
        cancelled(): the technician backed out without entering.
    """

    entered = Signal()
    cancelled = Signal()

    def __init__(self, backend: ServiceBackend, runner: TaskRunner, lang: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(backend, runner, lang, parent)
        self._digits = ""
        self._checking = False
        self.title = self.label("title", self.tr("service.pin.title"), name="pin-title")
        self.prompt = self.label("body", self.tr("service.pin.prompt"))
        self.field = self.label("field", "", name="pin-field")
        self.field.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message = self.label("body", "", name="pin-message")
        self.keyboard = OnScreenKeyboard()
        self.keyboard.set_layout("digits")
        self.keyboard.set_texts({"@clear": self.tr("service.pin.clear")})
        self.keyboard.typed.connect(self._typed)
        self.keyboard.backspace.connect(self._backspace)
        self.keyboard.cleared.connect(self._clear)
        self.ok_button = Button(self.tr("service.pin.enter"), role="primary", size="large")
        self.ok_button.setObjectName("pin-ok")
        self.ok_button.clicked.connect(self.submit)
        self.cancel_button = Button(self.tr("service.pin.cancel"))
        self.cancel_button.setObjectName("pin-cancel")
        self.cancel_button.clicked.connect(self.cancelled.emit)
        for widget in (self.title, self.prompt, self.field, self.message, self.keyboard,
                       self.ok_button, self.cancel_button):
            self.body.addWidget(widget)
        self.body.addStretch(1)
        self._tick = QTimer(self)
        self._tick.setInterval(1000)
        self._tick.timeout.connect(self._show_lock)
        self._render()

    # ------------------------------------------------------------------ input

    def _typed(self, ch: str) -> None:
        if ch.isdigit() and len(self._digits) < MAX_PIN_LENGTH:
            self._digits += ch
            self._render()

    def _backspace(self) -> None:
        self._digits = self._digits[:-1]
        self._render()

    def _clear(self) -> None:
        self._digits = ""
        self._render()

    def type_pin(self, pin: str) -> None:
        """Type ``pin`` as if tapped (tests, a hardware keypad)."""
        for ch in pin:
            self._typed(ch)

    def _render(self) -> None:
        set_text(self.field, "\u25cf" * len(self._digits) or " ")
        self.ok_button.setEnabled(bool(self._digits) and not self._checking)

    # ------------------------------------------------------------------ checking

    def submit(self) -> None:
        if not self._digits or self._checking:
            return
        pin, self._digits = self._digits, ""
        self._checking = True
        self._say("service.pin.checking", None)
        self._render()
        self.runner.run(lambda: self.backend.enter(pin), self._checked, self._failed)

    def _checked(self, result: PinResult) -> None:
        self._checking = False
        self._render()
        if result.outcome is PinOutcome.ACCEPTED:
            self._say("", None)
            self.entered.emit()
        elif result.outcome is PinOutcome.BUSY:
            self._say("service.pin.busy", False)
        elif result.outcome is PinOutcome.LOCKED:
            self._show_lock()
        else:
            self._say("service.pin.wrong", False, left=result.attempts_left)

    def _failed(self, exc: BaseException) -> None:
        self._checking = False
        self._render()
        self._say("service.pin.error", False, error=str(exc)[:120])

    def refresh(self) -> None:
        self._digits = ""
        self._render()
        self._say("", None)
        self._show_lock()

    def _show_lock(self) -> None:
        left = self.backend.pin_state().locked_for
        locked = left > 0
        self.keyboard.setEnabled(not locked)
        if locked:
            self._digits = ""
            self._render()
            self.ok_button.setEnabled(False)
            seconds = int(left + 0.999)
            self._say("service.pin.locked", False, time=f"{seconds // 60}:{seconds % 60:02d}")
            if not self._tick.isActive():
                self._tick.start()
        else:
            if self._tick.isActive():
                self._tick.stop()
                self._say("", None)
            self._render()

    def stop(self) -> None:
        """Stop the lockout countdown (the window was left)."""
        self._tick.stop()

    def _say(self, key: str, ok: bool | None, **fields: object) -> None:
        set_text(self.message, self.tr(key, **fields) if key else "")
        set_role(self.message, "body" if ok is None else ("success" if ok else "error"))
