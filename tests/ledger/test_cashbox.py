"""The cash box: counts from the credits since the last collection; collections with reports."""

from __future__ import annotations

import pytest

from kiosk.ledger import Ledger

from .helpers import insert_bills


def _fill(ledger: Ledger) -> None:
    insert_bills(ledger, "S1", 10000, 10000, 50000)
    for i, coin in enumerate((100, 100, 500, 50)):
        ledger.record_credit("S1", source="coin", amount=coin, device="cctalk", ref=f"c{i}")
    ledger.record_credit("S1", source="coin", amount=100, device="cctalk", ref="c0")  # re-sent
    ledger.record_card_approval("S2", ref="zvt:1", amount=99900, device="zvt")  # not cash


def test_counts_per_denomination_since_the_start(ledger: Ledger) -> None:
    _fill(ledger)
    box = ledger.cash_box()
    assert box.since is None
    assert box.counts == {"bill": {10000: 2, 50000: 1}, "coin": {100: 2, 500: 1, 50: 1}}
    assert box.total("bill") == 70000 and box.total("coin") == 750 and box.total() == 70750
    assert box.pieces == 7
    assert ledger.export()["cash_box"] == {
        "0.50": 1,
        "1.00": 2,
        "5.00": 1,
        "100.00": 2,
        "500.00": 1,
    }


def test_collect_closes_the_period(ledger: Ledger) -> None:
    _fill(ledger)
    c = ledger.collect("ion.tehnician")
    assert c.expected_total == 70750 and c.balanced and c.counted is None
    assert ledger.cash_box().counts == {"bill": {}, "coin": {}}
    assert ledger.cash_box().since == c.at
    insert_bills(ledger, "S3", 20000)
    assert ledger.cash_box().counts == {"bill": {20000: 1}, "coin": {}}
    history = ledger.collections()
    assert [h.id for h in history] == [1]
    assert [a.action for a in ledger.audit_log()] == ["cashbox.collect"]
    assert ledger.audit_log()[0].actor == "ion.tehnician"


def test_collect_reports_discrepancies(ledger: Ledger) -> None:
    _fill(ledger)
    c = ledger.collect(
        "tech",
        counted={"bill": {10000: 2, 50000: 1}, "coin": {100: 1, 500: 1, 50: 1}},
        device_counters={"bill": {10000: 3, 50000: 1}},
    )
    assert not c.balanced
    found = {(d.against, d.source, d.denomination, d.expected, d.found) for d in c.discrepancies}
    assert found == {("counted", "coin", 100, 2, 1), ("device", "bill", 10000, 2, 3)}
    assert c.counted_total == 70650
    again = ledger.collections()[-1]
    assert again.discrepancies == c.discrepancies and again.counted == c.counted


def test_balanced_count_has_no_discrepancy(ledger: Ledger) -> None:
    _fill(ledger)
    c = ledger.collect("tech", counted={"bill": {10000: 2, 50000: 1}})
    assert c.balanced  # the coins were not counted: nothing said about them


@pytest.mark.parametrize(
    "counted",
    [{"cheque": {100: 1}}, {"bill": {0: 1}}, {"bill": {100: -1}}, {"bill": {100: 1.5}}],
)
def test_bad_counts_are_refused_and_nothing_closed(ledger: Ledger, counted: object) -> None:
    _fill(ledger)
    with pytest.raises(ValueError):
        ledger.collect("tech", counted=counted)  # type: ignore[arg-type]
    assert ledger.collections() == [] and ledger.cash_box().pieces == 7


def test_collect_needs_an_actor(ledger: Ledger) -> None:
    with pytest.raises(ValueError, match="actor"):
        ledger.collect("")
