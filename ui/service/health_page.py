"""Health: the facts ``kiosk status`` prints, for the technician at the screen."""

from __future__ import annotations

from typing import Any

from kiosk.money import parse_amount
from kiosk.service import ServiceBackend
from ui.qt import QWidget
from ui.screens.base import Rows
from ui.service.common import ServicePage, age_text, money
from ui.service.tasks import TaskRunner
from ui.widgets.buttons import set_text

__all__ = ["HealthPage"]


class HealthPage(ServicePage):
    title_key = "service.tab.health"

    def __init__(self, backend: ServiceBackend, runner: TaskRunner, lang: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(backend, runner, lang, parent)
        self.verdict = self.label("heading", "", name="health-verdict")
        self.rows = Rows()
        self.problems = self.label("error", "", name="health-problems")
        self.refresh_button = self.button("service.refresh", name="health-refresh")
        self.refresh_button.clicked.connect(self.refresh)
        for w in (self.verdict, self.rows, self.problems, self.refresh_button):
            self.body.addWidget(w)
        self.body.addStretch(1)
        self.facts: dict[str, Any] | None = None

    def refresh(self) -> None:
        set_text(self.verdict, self.tr("service.working"))
        self.runner.run(self.backend.health, self.show, self._failed)

    def _failed(self, exc: BaseException) -> None:
        set_text(self.verdict, self.tr("service.result.failed") + f"\n{exc}")

    def amount(self, text: str) -> str:
        """A facts amount ("12.50") as payers and technicians read it here."""
        return money(parse_amount(text), self.lang)

    def show(self, f: dict[str, Any]) -> None:
        self.facts = f
        tr = self.tr
        yes_no = {True: tr("service.health.yes"), False: tr("service.health.no"),
                  None: tr("service.health.unknown")}
        o, v, d = f["outbox"], f["vouchers"], f["disk"]
        rows: list[tuple[str, str] | tuple[str, str, str]] = [
            (tr("service.health.mpay"), yes_no[f["mpay"]["reachable"]],
             "error" if f["mpay"]["reachable"] is False else "value"),
            (tr("service.health.outbox"), tr("service.health.outbox_value", pending=o["pending"],
                                             amount=self.amount(o["pending_amount"]),
                                             parked=o["needs_technician"])),
            (tr("service.health.oldest"), age_text(o["oldest_age_s"], self.lang)),
            (tr("service.health.vouchers"),
             f"{v['outstanding']} ({self.amount(v['outstanding_amount'])})"),
        ]
        for cert in f["certificates"]:
            state = tr(f"service.cert.{cert['state']}")
            until = (cert["not_after"] or "")[:10]
            rows.append((tr(f"service.cert.name.{cert['name']}"),
                         f"{state} {until}".strip(), "value" if cert["state"] == "ok" else "error"))
        if d.get("free_bytes") is not None:
            rows.append((tr("service.health.disk"), tr(
                "service.health.disk_value", mib=d["free_bytes"] // (1024 * 1024),
                percent=d["free_percent"]), "error" if d["low"] else "value"))
        printer = f["printer"]
        rows.append((tr("service.device.printer"), tr(f"service.printer.{printer['state']}"),
                     "value" if printer["can_print"] in (True, None) else "error"))
        sync = f["time_sync"]["synchronized"]
        rows.append((tr("service.health.time"), yes_no[sync],
                     "error" if sync is False else "value"))
        rows.append((tr("service.health.cash"), self.amount(f["cash_box"]["total"])))
        self.rows.set_rows(rows)
        set_text(self.verdict, tr("service.health.ok") if f["ok"] else
                 tr("service.health.problems", count=len(f["problems"])))
        set_text(self.problems, "\n".join(
            f"{p['code']} {p['detail']}".rstrip() for p in f["problems"]))
