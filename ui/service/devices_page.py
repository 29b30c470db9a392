"""Devices: each device's state, identity, last error and raw frames, its test, and finding
which serial port holds which device (probe, then save to the configuration)."""

from __future__ import annotations

from kiosk.service import PROBE_PORTS, SAVE_PORTS, ActionResult, DeviceView, Finding, ServiceBackend
from ui.qt import QFrame, QLabel, QWidget
from ui.screens.base import make_card
from ui.service.common import ServicePage, clear_layout, result_text, tone_label
from ui.service.tasks import TaskRunner
from ui.widgets.buttons import Button, set_text

__all__ = ["DevicesPage", "MAX_FRAMES"]

MAX_FRAMES = 8
_TEST_KEYS = {
    "accept_bill": "service.devices.test.accept_bill",
    "accept_coin": "service.devices.test.accept_coin",
    "card_status": "service.devices.test.card_status",
    "print_test": "service.devices.test.print_test",
}
_GOOD = {"connected", "online", "paper_near_end"}


class DevicesPage(ServicePage):
    title_key = "service.tab.devices"

    def __init__(self, backend: ServiceBackend, runner: TaskRunner, lang: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(backend, runner, lang, parent)
        self.cards_layout = self.section()
        self.test_results: dict[str, QLabel] = {}
        self.test_buttons: dict[str, Button] = {}
        self.findings: list[Finding] = []
        probe_card, probe = make_card()
        probe.addWidget(self.label("heading", self.tr("service.devices.ports")))
        probe.addWidget(self.label("caption", self.tr("service.devices.ports_hint")))
        self.probe_button = self.button("service.devices.probe", name="probe")
        self.probe_button.clicked.connect(self.probe)
        self.save_button = self.button("service.devices.save_ports", role="primary", name="save-ports")
        self.save_button.clicked.connect(self.save_ports)
        self.save_button.setEnabled(False)
        self.probe_result = self.label("body", "", name="probe-result")
        self.save_result = self.label("body", "", name="save-result")
        for w in (self.probe_button, self.probe_result, self.save_button, self.save_result):
            probe.addWidget(w)
        self.body.addWidget(probe_card)
        self.refresh_button = self.button("service.refresh", name="devices-refresh")
        self.refresh_button.clicked.connect(self.refresh)
        self.body.addWidget(self.refresh_button)
        self.body.addStretch(1)
        self.probe_button.setEnabled(self.backend.available(PROBE_PORTS))

    # ------------------------------------------------------------------ the device cards

    def refresh(self) -> None:
        self.runner.run(self.backend.devices, self.show_devices)

    def show_devices(self, devices: list[DeviceView]) -> None:
        clear_layout(self.cards_layout)
        self.test_results.clear()
        self.test_buttons.clear()
        for view in devices:
            self.cards_layout.addWidget(self._card(view))

    def _card(self, view: DeviceView) -> QFrame:
        card, box = make_card(spacing=10)
        card.setObjectName(f"device:{view.name}")
        box.addWidget(self.label("heading", self.tr(f"service.device.{view.name}")))
        box.addWidget(self.label("caption", self.tr("service.devices.where", protocol=view.protocol,
                                                     port=view.port)))
        state = self.label("value", self.tr("service.devices.state",
                                            state=self.tr(_state_key(view.state))),
                           name=f"state:{view.name}")
        tone_label(state, None if view.state in ("unknown", "disabled") else view.state in _GOOD)
        box.addWidget(state)
        if view.identity:
            ident = ", ".join(f"{k}: {v}" for k, v in view.identity.items() if k != "protocol")
            box.addWidget(self.label("body", self.tr("service.devices.identity", identity=ident)))
        if view.last_error:
            box.addWidget(self.label("error", self.tr("service.devices.last_error",
                                                      error=view.last_error)))
        if view.frames:
            box.addWidget(self.label("caption", self.tr("service.devices.frames")))
            frames = self.label("caption", "\n".join(view.frames[-MAX_FRAMES:]),
                                name=f"frames:{view.name}")
            frames.setStyleSheet("font-family: 'DejaVu Sans Mono', monospace;")
            box.addWidget(frames)
        if view.test is not None:
            button = Button(self.tr(_TEST_KEYS[view.test]))
            button.setObjectName(f"test:{view.name}")
            button.setEnabled(view.test_available)
            if not view.test_available:
                button.set_detail(self.tr("service.unavailable"))
            button.clicked.connect(lambda _=False, n=view.name: self.run_test(n))
            result = self.label("body", "", name=f"test-result:{view.name}")
            box.addWidget(button)
            box.addWidget(result)
            self.test_buttons[view.name] = button
            self.test_results[view.name] = result
        return card

    def run_test(self, name: str) -> None:
        button, result = self.test_buttons.get(name), self.test_results.get(name)
        if button is None or result is None:
            return
        button.setEnabled(False)
        set_text(result, self.tr("service.working"))

        def done(outcome: ActionResult) -> None:
            button.setEnabled(True)
            set_text(result, result_text(outcome, self.lang))
            tone_label(result, outcome.ok)

        def failed(exc: BaseException) -> None:
            button.setEnabled(True)
            set_text(result, self.tr("service.result.failed") + f"\n{exc}")
            tone_label(result, False)

        self.runner.run(lambda: self.backend.test_device(name), done, failed)

    # ------------------------------------------------------------------ ports

    def probe(self) -> None:
        self.probe_button.setEnabled(False)
        self.save_button.setEnabled(False)
        set_text(self.probe_result, self.tr("service.devices.probing"))
        set_text(self.save_result, "")
        self.runner.run(self.backend.probe_ports, self.show_findings, self._probe_failed)

    def show_findings(self, findings: list[Finding]) -> None:
        self.findings = list(findings)
        self.probe_button.setEnabled(True)
        lines = []
        for f in findings:
            if f.protocol:
                ident = ", ".join(f"{k} {v}" for k, v in f.identity.items()
                                  if k in ("part", "manufacturer", "serial", "firmware", "state"))
                lines.append(self.tr("service.devices.found", port=f.port, protocol=f.protocol,
                                     identity=ident))
            elif f.busy:
                lines.append(self.tr("service.devices.busy", port=f.port))
            else:
                lines.append(self.tr("service.devices.silent", port=f.port))
        if not lines:
            lines.append(self.tr("service.devices.no_ports"))
        set_text(self.probe_result, "\n".join(lines))
        found = any(f.protocol for f in findings)
        self.save_button.setEnabled(found and self.backend.available(SAVE_PORTS))

    def _probe_failed(self, exc: BaseException) -> None:
        self.probe_button.setEnabled(True)
        set_text(self.probe_result, self.tr("service.result.failed") + f"\n{exc}")

    def save_ports(self) -> None:
        self.save_button.setEnabled(False)
        set_text(self.save_result, self.tr("service.working"))

        def done(outcome: ActionResult) -> None:
            set_text(self.save_result, result_text(outcome, self.lang))
            tone_label(self.save_result, outcome.ok)
            self.save_button.setEnabled(not outcome.ok)

        self.runner.run(lambda: self.backend.save_ports(self.findings), done, self._probe_failed)


def _state_key(state: str) -> str:
    known = {"connected", "disconnected", "fault", "unknown", "disabled", "unavailable"}
    return f"service.state.{state}" if state in known else f"service.printer.{state}"
