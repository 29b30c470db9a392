"""Outbox: confirmations MPay has not accepted yet (age, attempts, last error, retry now) and
the credit vouchers still outstanding."""

from __future__ import annotations

import time
from collections.abc import Callable

from kiosk.ledger import OutboxEntry, Voucher
from kiosk.service import ActionResult, ServiceBackend
from ui.qt import QLabel, QWidget
from ui.screens.base import make_card
from ui.service.common import ServicePage, age_text, clear_layout, money, result_text, tone_label
from ui.service.tasks import TaskRunner
from ui.widgets.buttons import Button, set_text

__all__ = ["OutboxPage", "MAX_ROWS"]

MAX_ROWS = 50


class OutboxPage(ServicePage):
    title_key = "service.tab.outbox"

    def __init__(self, backend: ServiceBackend, runner: TaskRunner, lang: str,
                 parent: QWidget | None = None, *, clock: Callable[[], float] = time.time) -> None:
        super().__init__(backend, runner, lang, parent)
        self._clock = clock
        self.summary = self.label("heading", "", name="outbox-summary")
        self.body.addWidget(self.summary)
        self.entries_layout = self.section()
        self.vouchers = self.label("heading", "", name="vouchers-summary")
        self.body.addWidget(self.vouchers)
        self.vouchers_layout = self.section()
        self.refresh_button = self.button("service.refresh", name="outbox-refresh")
        self.refresh_button.clicked.connect(self.refresh)
        self.body.addWidget(self.refresh_button)
        self.body.addStretch(1)
        self.retry_buttons: dict[str, Button] = {}
        self.retry_results: dict[str, QLabel] = {}

    def refresh(self) -> None:
        def load() -> tuple[list[OutboxEntry], list[Voucher]]:
            return self.backend.outbox(), self.backend.vouchers_outstanding()

        self.runner.run(load, self.show)

    def show(self, loaded: tuple[list[OutboxEntry], list[Voucher]]) -> None:
        entries, vouchers = loaded
        now = self._clock()
        clear_layout(self.entries_layout)
        self.retry_buttons.clear()
        self.retry_results.clear()
        total = sum(e.amount for e in entries)
        set_text(self.summary, self.tr("service.outbox.summary", count=len(entries),
                                       total=money(total, self.lang)))
        for entry in entries[:MAX_ROWS]:
            self.entries_layout.addWidget(self._entry_card(entry, now))
        clear_layout(self.vouchers_layout)
        set_text(self.vouchers, self.tr("service.vouchers.summary", count=len(vouchers),
                                        total=money(sum(v.amount for v in vouchers), self.lang)))
        for v in vouchers[:MAX_ROWS]:
            self.vouchers_layout.addWidget(self.label(
                "body", self.tr("service.vouchers.row", code=v.display_code,
                                amount=money(v.amount, self.lang), at=v.issued_at[:16].replace("T", " "),
                                reason=v.reason)))

    def _entry_card(self, e: OutboxEntry, now: float) -> QWidget:
        card, box = make_card(spacing=8)
        card.setObjectName(f"outbox:{e.payment_id}")
        box.addWidget(self.label("value", f"{e.payment_id}  {money(e.amount, self.lang)}"))
        box.addWidget(self.label("caption", f"{e.service_id} / {e.order_key}"))
        status = self.tr(f"service.outbox.status.{e.status}")
        box.addWidget(self.label("body", self.tr(
            "service.outbox.row", status=status, age=age_text(now - e.created_at, self.lang),
            attempts=e.attempts)))
        if e.last_error:
            box.addWidget(self.label("error", self.tr("service.devices.last_error",
                                                      error=e.last_error)))
        button = Button(self.tr("service.outbox.retry"), role="primary" if e.status != "pending"
                        else "secondary")
        button.setObjectName(f"retry:{e.payment_id}")
        button.clicked.connect(lambda _=False, pid=e.payment_id: self.retry(pid))
        result = self.label("body", "")
        box.addWidget(button)
        box.addWidget(result)
        self.retry_buttons[e.payment_id] = button
        self.retry_results[e.payment_id] = result
        return card

    def retry(self, payment_id: str) -> None:
        button, result = self.retry_buttons[payment_id], self.retry_results[payment_id]
        button.setEnabled(False)

        def done(outcome: ActionResult) -> None:
            set_text(result, result_text(outcome, self.lang))
            tone_label(result, outcome.ok)
            button.setEnabled(True)

        self.runner.run(lambda: self.backend.retry(payment_id), done)
