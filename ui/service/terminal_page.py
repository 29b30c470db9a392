"""Terminal: restart the kiosk, reload the configuration, out of service with a message."""

from __future__ import annotations

from kiosk.service import OUT_OF_SERVICE, RELOAD_CONFIG, RESTART, ActionResult, ServiceBackend
from ui.qt import QWidget
from ui.screens.base import make_card
from ui.service.common import ServicePage, result_text, tone_label
from ui.service.tasks import TaskRunner
from ui.widgets.buttons import set_shown, set_text
from ui.widgets.keyboard import OnScreenKeyboard

__all__ = ["TerminalPage", "MAX_MESSAGE"]

MAX_MESSAGE = 120


class TerminalPage(ServicePage):
    title_key = "service.tab.terminal"

    def __init__(self, backend: ServiceBackend, runner: TaskRunner, lang: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(backend, runner, lang, parent)
        self.message_text = ""
        # -- out of service
        card, box = make_card()
        box.addWidget(self.label("heading", self.tr("service.terminal.oos_title")))
        self.oos_state = self.label("value", "", name="oos-state")
        box.addWidget(self.oos_state)
        box.addWidget(self.label("caption", self.tr("service.terminal.message")))
        self.message_field = self.label("field", "", name="oos-message")
        box.addWidget(self.message_field)
        self.keyboard = OnScreenKeyboard()
        self.keyboard.set_layout("alnum")
        self.keyboard.set_texts({"@clear": self.tr("service.pin.clear")})
        self.keyboard.typed.connect(self._typed)
        self.keyboard.backspace.connect(lambda: self._set_message(self.message_text[:-1]))
        self.keyboard.cleared.connect(lambda: self._set_message(""))
        box.addWidget(self.keyboard)
        self.oos_button = self.button("service.terminal.oos_on", role="danger", name="oos-toggle")
        self.oos_button.clicked.connect(self.toggle_out_of_service)
        box.addWidget(self.oos_button)
        self.body.addWidget(card)
        # -- reload and restart
        self.reload_button = self.button("service.terminal.reload", name="reload")
        self.reload_button.clicked.connect(self.reload)
        self.restart_button = self.button("service.terminal.restart", role="danger", name="restart")
        self.restart_button.clicked.connect(self.ask_restart)
        self.restart_confirm = self.button("service.terminal.restart_confirm", role="danger",
                                           name="restart-confirm")
        self.restart_confirm.clicked.connect(self.restart)
        self.result = self.label("body", "", name="terminal-result")
        for w in (self.reload_button, self.restart_button, self.restart_confirm, self.result):
            self.body.addWidget(w)
        self.body.addStretch(1)
        set_shown(self.restart_confirm, False)

    def refresh(self) -> None:
        on, message = self.backend.out_of_service()
        self._oos = on
        if on:
            self._set_message(message)
        set_text(self.oos_state, self.tr("service.terminal.oos_is_on" if on
                                         else "service.terminal.oos_is_off"))
        self.oos_button.set_caption(self.tr("service.terminal.oos_off" if on
                                            else "service.terminal.oos_on"))
        self.oos_button.setEnabled(self.backend.available(OUT_OF_SERVICE))
        self.reload_button.setEnabled(self.backend.available(RELOAD_CONFIG))
        self.restart_button.setEnabled(self.backend.available(RESTART))
        for button, action in ((self.oos_button, OUT_OF_SERVICE), (self.reload_button, RELOAD_CONFIG),
                               (self.restart_button, RESTART)):
            button.set_detail("" if self.backend.available(action) else self.tr("service.unavailable"))
        set_shown(self.restart_confirm, False)

    def _typed(self, ch: str) -> None:
        if len(self.message_text) < MAX_MESSAGE:
            self._set_message(self.message_text + ch)

    def _set_message(self, text: str) -> None:
        self.message_text = text
        set_text(self.message_field, text or " ")

    def _show(self, outcome: ActionResult) -> None:
        set_text(self.result, result_text(outcome, self.lang))
        tone_label(self.result, outcome.ok)
        self.refresh()

    def toggle_out_of_service(self) -> None:
        on = not self.backend.out_of_service()[0]
        message = self.message_text
        self.runner.run(lambda: self.backend.set_out_of_service(on, message), self._show)

    def reload(self) -> None:
        self.runner.run(self.backend.reload_config, self._show)

    def ask_restart(self) -> None:
        set_shown(self.restart_confirm, True)

    def restart(self) -> None:
        set_shown(self.restart_confirm, False)
        self.runner.run(self.backend.restart, self._show)
