"""Cash: what the box should hold since the last collection, and the collection itself.

The collection is three steps: remove and empty the cassette (and, optionally, type how many
pieces of each denomination were found), confirm, read the report (printed as a collection
receipt; any difference from the journal or from the devices' own counters listed)."""

from __future__ import annotations

from datetime import datetime

from kiosk.i18n import format_datetime
from kiosk.ledger import CashBoxCount
from kiosk.service import CollectionOutcome, ServiceBackend
from ui.qt import QGridLayout, QWidget
from ui.screens.base import Rows, make_card
from ui.service.common import ServicePage, clear_layout, money, tone_label
from ui.service.tasks import TaskRunner
from ui.widgets.buttons import Button, set_role, set_shown, set_text
from ui.widgets.keyboard import OnScreenKeyboard

__all__ = ["CashPage", "MAX_PIECES"]

MAX_PIECES = 99_999


class CashPage(ServicePage):
    title_key = "service.tab.cash"

    def __init__(self, backend: ServiceBackend, runner: TaskRunner, lang: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(backend, runner, lang, parent)
        self.box: CashBoxCount | None = None
        self.denominations: dict[str, tuple[int, ...]] = {"bill": (), "coin": ()}
        self.counts: dict[tuple[str, int], int] = {}
        self.selected: tuple[str, int] | None = None
        self.count_buttons: dict[tuple[str, int], Button] = {}
        self.outcome: CollectionOutcome | None = None
        # -- the box
        self.box_card, box = make_card()
        box.addWidget(self.label("heading", self.tr("service.cash.title")))
        self.since = self.label("caption", "", name="cash-since")
        self.rows = Rows()
        self.total = self.label("heading", "", name="cash-total")
        self.cassette = self.label("body", "", name="cassette")
        for w in (self.since, self.rows, self.total, self.cassette):
            box.addWidget(w)
        self.body.addWidget(self.box_card)
        self.start_button = self.button("service.cash.start", role="primary", name="collect-start")
        self.start_button.clicked.connect(self.start_collection)
        self.body.addWidget(self.start_button)
        # -- the collection step
        self.step, step = make_card()
        self.step.setObjectName("collect-step")
        step.addWidget(self.label("heading", self.tr("service.cash.step_title")))
        step.addWidget(self.label("body", self.tr("service.cash.step_text")))
        self.count_toggle = self.button("service.cash.count_toggle", name="count-toggle")
        set_role(self.count_toggle, "chip", selected=False)
        self.count_toggle.clicked.connect(self.toggle_counting)
        step.addWidget(self.count_toggle)
        self.count_area = QWidget()
        self.count_layout = QGridLayout(self.count_area)
        self.count_layout.setContentsMargins(0, 0, 0, 0)
        self.count_layout.setSpacing(8)
        step.addWidget(self.count_area)
        self.keyboard = OnScreenKeyboard()
        self.keyboard.set_layout("digits")
        self.keyboard.set_texts({"@clear": self.tr("service.pin.clear")})
        self.keyboard.typed.connect(self._typed)
        self.keyboard.backspace.connect(self._backspace)
        self.keyboard.cleared.connect(self._clear)
        self.counted_total = self.label("value", "", name="counted-total")
        self.footer.addWidget(self.counted_total)  # pinned: in reach whichever row is chosen
        self.footer.addWidget(self.keyboard)
        self.record_button = self.button("service.cash.record", role="primary", name="collect-record")
        self.record_button.clicked.connect(self.ask_confirmation)
        self.back_button = self.button("service.cash.back", name="collect-back")
        self.back_button.clicked.connect(self.show_overview)
        step.addWidget(self.record_button)
        step.addWidget(self.back_button)
        self.body.addWidget(self.step)
        # -- the confirmation
        self.confirm, confirm = make_card()
        self.confirm.setObjectName("collect-confirm")
        self.confirm_text = self.label("body", "", name="confirm-text")
        self.yes_button = self.button("service.cash.yes", role="primary", name="collect-yes")
        self.yes_button.clicked.connect(self.record)
        self.no_button = self.button("service.cash.no", name="collect-no")
        self.no_button.clicked.connect(self.start_collection)
        for w in (self.confirm_text, self.yes_button, self.no_button):
            confirm.addWidget(w)
        self.body.addWidget(self.confirm)
        # -- the report
        self.report, report = make_card()
        self.report.setObjectName("collect-report")
        self.report_title = self.label("heading", "", name="report-title")
        self.report_state = self.label("value", "", name="report-state")
        self.report_lines = self.label("body", "", name="report-lines")
        self.report_print = self.label("body", "", name="report-print")
        self.done_button = self.button("service.cash.done", name="collect-done")
        self.done_button.clicked.connect(self.show_overview)
        for w in (self.report_title, self.report_state, self.report_lines, self.report_print,
                  self.done_button):
            report.addWidget(w)
        self.body.addWidget(self.report)
        self.message = self.label("error", "", name="cash-message")
        self.body.addWidget(self.message)
        self.body.addStretch(1)
        self._stage("overview")

    # ------------------------------------------------------------------ stages

    def _stage(self, stage: str) -> None:
        self.stage = stage
        set_shown(self.box_card, stage in ("overview", "report"))
        set_shown(self.start_button, stage == "overview")
        set_shown(self.step, stage == "counting")
        set_shown(self.confirm, stage == "confirm")
        set_shown(self.report, stage == "report")
        set_shown(self.count_area, stage == "counting" and self.counting)
        set_shown(self.footer_widget, stage == "counting" and self.counting)

    @property
    def counting(self) -> bool:
        return self.count_toggle.property("selected") == "true"

    def refresh(self) -> None:
        def load() -> tuple[CashBoxCount, dict[str, tuple[int, ...]], str | None]:
            return self.backend.cash_box(), self.backend.denominations(), self.backend.cassette_state()

        self.runner.run(load, self._loaded, self._failed)

    def _loaded(self, loaded: tuple[CashBoxCount, dict[str, tuple[int, ...]], str | None]) -> None:
        self.box, self.denominations, cassette = loaded
        box = self.box
        since = _parse(box.since)
        set_text(self.since, self.tr("service.cash.since", since=format_datetime(since, self.lang))
                 if since else self.tr("service.cash.since_start"))
        rows: list[tuple[str, str]] = []
        for kind in ("bill", "coin"):
            for denom, pieces in sorted(box.counts.get(kind, {}).items()):
                rows.append((self.tr(f"service.cash.{kind}", value=money(denom, self.lang)),
                             self.tr("service.cash.pieces", n=pieces,
                                     total=money(denom * pieces, self.lang))))
        if not rows:
            rows.append((self.tr("service.cash.empty"), ""))
        self.rows.set_rows(rows)
        set_text(self.total, self.tr("service.cash.expected", total=money(box.total(), self.lang)))
        set_text(self.cassette, self.tr(f"service.cassette.{cassette}") if cassette else "")
        set_shown(self.cassette, bool(cassette))
        set_text(self.message, "")

    def _failed(self, exc: BaseException) -> None:
        set_text(self.message, self.tr("service.result.failed") + f"\n{exc}")

    def show_overview(self) -> None:
        self._stage("overview")
        self.refresh()

    def start_collection(self) -> None:
        if self.stage != "confirm":
            self.counts = {}
            self.selected = None
            self._build_counts()
        self._stage("counting")
        self._show_counted()

    # ------------------------------------------------------------------ counting

    def toggle_counting(self) -> None:
        set_role(self.count_toggle, "chip", selected=not self.counting)
        self._stage("counting")
        self._show_counted()

    def _build_counts(self) -> None:
        clear_layout(self.count_layout)
        self.count_buttons.clear()
        for kind in ("bill", "coin"):
            for denom in self.denominations.get(kind, ()):
                key = (kind, denom)
                button = Button("", role="tile", compact=True)
                button.setObjectName(f"count:{kind}:{denom}")
                button.clicked.connect(lambda _=False, k=key: self.select(k))
                self.count_buttons[key] = button
                i = len(self.count_buttons) - 1
                self.count_layout.addWidget(button, i // 2, i % 2)
        self._show_counted()

    def select(self, key: tuple[str, int]) -> None:
        self.selected = key
        self._show_counted()

    def set_count(self, kind: str, denom: int, pieces: int) -> None:
        """Set one denomination's count (what the keypad does; tests call it directly)."""
        if not self.counting:
            self.toggle_counting()
        self.counts[(kind, denom)] = max(0, min(pieces, MAX_PIECES))
        self._show_counted()

    def _typed(self, ch: str) -> None:
        if self.selected is None or not ch.isdigit():
            return
        now = self.counts.get(self.selected, 0)
        self.counts[self.selected] = min(now * 10 + int(ch), MAX_PIECES)
        self._show_counted()

    def _backspace(self) -> None:
        if self.selected is not None:
            self.counts[self.selected] = self.counts.get(self.selected, 0) // 10
            self._show_counted()

    def _clear(self) -> None:
        if self.selected is not None:
            self.counts[self.selected] = 0
            self._show_counted()

    def _show_counted(self) -> None:
        for key, button in self.count_buttons.items():
            kind, denom = key
            button.set_caption(self.tr(f"service.cash.{kind}", value=money(denom, self.lang))
                               + f": {self.counts.get(key, 0)}")
            set_role(button, "tile", selected=key == self.selected)
        set_text(self.counted_total, self.tr("service.cash.counted", total=money(
            sum(d * n for (_, d), n in self.counts.items()), self.lang)))

    def counted(self) -> dict[str, dict[int, int]] | None:
        """The technician's count for the ledger (None: not counted)."""
        if not self.counting:
            return None
        out: dict[str, dict[int, int]] = {"bill": {}, "coin": {}}
        for (kind, denom), pieces in self.counts.items():
            if pieces:
                out[kind][denom] = pieces
        return out

    # ------------------------------------------------------------------ recording

    def ask_confirmation(self) -> None:
        expected = money(self.box.total() if self.box else 0, self.lang)
        counted = self.counted()
        if counted is None:
            text = self.tr("service.cash.confirm_uncounted", expected=expected)
        else:
            total = sum(d * n for per in counted.values() for d, n in per.items())
            text = self.tr("service.cash.confirm_counted", expected=expected,
                           counted=money(total, self.lang))
        set_text(self.confirm_text, text)
        self._stage("confirm")

    def record(self) -> None:
        counted = self.counted()
        self.yes_button.setEnabled(False)
        set_text(self.confirm_text, self.tr("service.working"))

        def failed(exc: BaseException) -> None:
            self.yes_button.setEnabled(True)
            self._failed(exc)
            self._stage("confirm")

        self.runner.run(lambda: self.backend.collect(counted), self.show_report, failed)

    def show_report(self, outcome: CollectionOutcome) -> None:
        self.yes_button.setEnabled(True)
        self.outcome = outcome
        c = outcome.collection
        set_text(self.report_title, self.tr("service.cash.report_title", id=c.id))
        lines = [self.tr("service.cash.expected", total=money(c.expected_total, self.lang))]
        if c.counted_total is not None:
            lines.append(self.tr("service.cash.counted", total=money(c.counted_total, self.lang)))
        for d in c.discrepancies:
            lines.append(self.tr(
                f"service.cash.discrepancy.{d.against}",
                what=self.tr(f"service.cash.{d.source}", value=money(d.denomination, self.lang)),
                expected=d.expected,
                found=d.found,
            ))
        set_text(self.report_lines, "\n".join(lines))
        set_text(self.report_state, self.tr("service.cash.balanced" if c.balanced
                                            else "service.cash.not_balanced"))
        tone_label(self.report_state, c.balanced)
        if outcome.printed is None:
            printed = self.tr("service.cash.no_printer")
        elif outcome.printed:
            printed = self.tr("service.cash.printed")
        else:
            printed = self.tr("service.cash.not_printed", detail=outcome.print_detail)
        set_text(self.report_print, printed)
        tone_label(self.report_print, outcome.printed)
        self._stage("report")
        self.refresh()  # the box above now shows the new, empty period


def _parse(at: str | None) -> datetime | None:
    if not at:
        return None
    return datetime.fromisoformat(at.replace("Z", "+00:00")).astimezone()
