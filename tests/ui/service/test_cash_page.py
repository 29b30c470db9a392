"""The cash collection on screen: a count that reconciles, one that does not, and the receipt."""

from __future__ import annotations

from ui.service.window import ServiceWindow

from ...service.helpers import PIN, fill_cash
from .helpers import settle, tap, type_pin


def _to_cash(qtbot, window: ServiceWindow) -> None:
    type_pin(qtbot, window, PIN)
    tap(qtbot, window.tab_buttons["cash"])
    settle(qtbot, window)


def _count(qtbot, page, kind: str, denom: int, pieces: int) -> None:
    tap(qtbot, page.count_buttons[(kind, denom)])
    tap(qtbot, page.keyboard.key("@clear"))
    for digit in str(pieces):
        tap(qtbot, page.keyboard.key(digit))


def test_the_cash_box_shows_counts_and_the_expected_total(qtbot, rig, make_window) -> None:
    fill_cash(rig.ledger)
    window: ServiceWindow = make_window()
    _to_cash(qtbot, window)
    page = window.pages["cash"]
    rows = dict((caption, value) for caption, value, _ in page.rows.texts())
    assert rows["Bill 100.00 MDL"] == "2 pcs = 200.00 MDL"
    assert rows["Coin 1.00 MDL"] == "2 pcs = 2.00 MDL"
    assert page.total.text() == "Expected (journal): 907.00 MDL"
    assert page.since.text() == "Since the terminal started (no collection yet)"


def test_a_counted_collection_that_reconciles(qtbot, rig, make_window) -> None:
    fill_cash(rig.ledger)
    window: ServiceWindow = make_window()
    _to_cash(qtbot, window)
    page = window.pages["cash"]
    tap(qtbot, page.start_button)
    assert page.stage == "counting" and not page.keyboard.isVisible()
    tap(qtbot, page.count_toggle)
    assert page.keyboard.isVisible()
    for kind, denom, pieces in (("bill", 10000, 2), ("bill", 20000, 1), ("bill", 50000, 1),
                                ("coin", 100, 2), ("coin", 500, 1)):
        _count(qtbot, page, kind, denom, pieces)
    assert page.counted_total.text() == "Counted: 907.00 MDL"
    tap(qtbot, page.record_button)
    assert page.confirm_text.text().startswith("Record the collection? Expected (journal): 907.00 MDL, "
                                               "counted: 907.00 MDL")
    tap(qtbot, page.yes_button)
    settle(qtbot, window)
    assert page.stage == "report"
    assert page.report_title.text() == "Collection no. 1"
    assert page.report_state.text() == "No difference"
    assert page.report_print.text() == "The collection report was printed"
    assert [p.name for p in sorted(rig.paper.glob("*.bin"))] == ["1-collection-1.bin"]
    [collection] = rig.ledger.collections()
    assert collection.balanced and collection.counted_total == 90_700
    assert page.total.text() == "Expected (journal): 0.00 MDL"  # the new period
    tap(qtbot, page.done_button)
    assert page.stage == "overview"


def test_a_collection_that_does_not_reconcile_lists_the_differences(qtbot, rig, make_window) -> None:
    fill_cash(rig.ledger)
    device = {"bill": {10000: 2, 20000: 1, 50000: 1}, "coin": {100: 2, 500: 0}}
    window: ServiceWindow = make_window(rig.backend(device_counters=lambda: device))
    _to_cash(qtbot, window)
    page = window.pages["cash"]
    tap(qtbot, page.start_button)
    tap(qtbot, page.count_toggle)
    _count(qtbot, page, "bill", 10000, 2)
    _count(qtbot, page, "bill", 20000, 1)
    _count(qtbot, page, "bill", 50000, 2)  # one 500 lei bill too many in the technician's count
    _count(qtbot, page, "coin", 100, 2)
    _count(qtbot, page, "coin", 500, 1)
    tap(qtbot, page.record_button)
    tap(qtbot, page.yes_button)
    settle(qtbot, window)
    assert page.report_state.text() == "There are differences"
    lines = page.report_lines.text().splitlines()
    assert lines == [
        "Expected (journal): 907.00 MDL",
        "Counted: 1,407.00 MDL",
        "Bill 500.00 MDL: journal 1 pcs, counted 2 pcs",
        "Coin 5.00 MDL: journal 1 pcs, device counter 0 pcs",
    ]
    [collection] = rig.ledger.collections()
    assert not collection.balanced and len(collection.discrepancies) == 2


def test_an_uncounted_collection_and_going_back(qtbot, rig, make_window) -> None:
    fill_cash(rig.ledger)
    rig.printer.set_paper(False)
    window: ServiceWindow = make_window()
    _to_cash(qtbot, window)
    page = window.pages["cash"]
    tap(qtbot, page.start_button)
    tap(qtbot, page.back_button)
    settle(qtbot, window)
    assert page.stage == "overview" and rig.ledger.collections() == []
    tap(qtbot, page.start_button)
    tap(qtbot, page.record_button)
    assert page.confirm_text.text().startswith("Record the collection? Expected (journal): 907.00 MDL.")
    tap(qtbot, page.no_button)
    assert page.stage == "counting"
    tap(qtbot, page.record_button)
    tap(qtbot, page.yes_button)
    settle(qtbot, window)
    assert page.report_state.text() == "No difference"
    assert page.report_print.text() == ("The report was not printed: paper_out. "
                                        "The collection is recorded.")
    assert rig.ledger.collections()[0].counted is None
