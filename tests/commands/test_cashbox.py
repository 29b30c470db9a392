"""`kiosk cashbox [show|collect|history]` through the real console script."""

from __future__ import annotations

from pathlib import Path

from kiosk.ledger import Ledger
from tests.ledger.cli_helpers import as_json, kiosk


def _fill(state: Path) -> None:
    with Ledger.open(state) as ledger:
        for i, bani in enumerate((10000, 10000, 20000)):
            ledger.record_credit("S1", source="bill", amount=bani, device="ccnet", ref=f"b{i}")
        for i, bani in enumerate((100, 500, 100)):
            ledger.record_credit("S1", source="coin", amount=bani, device="cctalk", ref=f"c{i}")


def test_show_is_the_default_and_counts_per_denomination(tmp_path: Path) -> None:
    state = tmp_path / "state"
    _fill(state)
    box = as_json(kiosk("cashbox", "--state-dir", str(state), "--json"))
    assert box["bill"] == {"100.00": 2, "200.00": 1}
    assert box["coin"] == {"1.00": 2, "5.00": 1}
    assert (box["total"], box["bill_total"], box["coin_total"], box["pieces"]) == (
        "407.00",
        "400.00",
        "7.00",
        6,
    )
    assert box["since"] is None
    text = kiosk("cashbox", "show", "--state-dir", str(state))
    assert text.returncode == 0 and "407.00" in text.stdout


def test_collect_reports_and_closes_the_period(tmp_path: Path) -> None:
    state = tmp_path / "state"
    _fill(state)
    r = kiosk(
        "cashbox",
        "collect",
        "--actor",
        "ion",
        "--state-dir",
        str(state),
        "--json",
        "--counted",
        '{"bill": {"100.00": 2, "200.00": 1}, "coin": {"1.00": 1, "5.00": 1}}',
    )
    assert r.returncode == 0, r.stderr
    report = as_json(r)
    assert (report["actor"], report["expected_total"], report["counted_total"]) == (
        "ion",
        "407.00",
        "406.00",
    )
    assert report["balanced"] is False
    assert report["discrepancies"] == [
        {"against": "counted", "kind": "coin", "denomination": "1.00", "expected": 2, "found": 1}
    ]
    after = as_json(kiosk("cashbox", "--state-dir", str(state), "--json"))
    assert after["total"] == "0.00" and after["since"] == report["at"]
    history = as_json(kiosk("cashbox", "history", "--state-dir", str(state), "--json"))
    assert [h["id"] for h in history] == [report["id"]]


def test_malformed_count_is_a_usage_error_and_nothing_is_closed(tmp_path: Path) -> None:
    state = tmp_path / "state"
    _fill(state)
    for bad in (
        '{"bill": {"100.00": -1}}',
        '{"gold": {"1.00": 1}}',
        "not json",
        '{"bill": {"x": 1}}',
    ):
        r = kiosk("cashbox", "collect", "--counted", bad, "--state-dir", str(state), "--json")
        assert r.returncode == 2 and "--counted" in r.stderr and r.stdout == ""
    assert as_json(kiosk("cashbox", "--state-dir", str(state), "--json"))["pieces"] == 6
