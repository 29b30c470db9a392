"""Text to code-page runs: ș ț folding, page choice, raster when nothing fits, never '?'."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.receipts.encoding import Segment, fold, needs_exact_letters, plan_line

RO_RU = ("CP852", "CP866")


def test_fold_comma_below_to_cedilla_and_typography() -> None:
    assert fold("Ștefan, Țară, ș, ț") == "Ştefan, Ţară, ş, ţ"
    assert fold("„Moldsilva” — «лес» 1\u00a0234,50\u2026") == '"Moldsilva" - "лес" 1 234,50...'
    assert fold("s\u0326") == "ş"  # decomposed comma-below (NFC first)
    assert fold("Ștefan", comma_below="raster") == "Ștefan"
    assert needs_exact_letters("Ștefan") and not needs_exact_letters("Ştefan")


# (text, pages, expected segments): one row per rule in encoding's docstring
PLANS = [
    ("Total 12.00", RO_RU, [Segment(None, "Total 12.00")]),
    ("Plătitor: Ştefan", RO_RU, [Segment("CP852", "Plătitor: Ştefan")]),
    ("Плательщик", RO_RU, [Segment("CP866", "Плательщик")]),
    ("Плательщик", ("CP866", "CP852"), [Segment("CP866", "Плательщик")]),
    (
        "Получатель: Agenţia",
        RO_RU,
        [Segment("CP866", "Получатель: Agen"), Segment("CP852", "ţia")],
    ),
    (
        "AB ă ы ş",
        RO_RU,
        [
            Segment(None, "AB "),
            Segment("CP852", "ă "),
            Segment("CP866", "ы "),
            Segment("CP852", "ş"),
        ],
    ),
    ("№ 5", ("CP1250", "CP1251"), [Segment("CP1251", "№ 5")]),
    ("€ 5", ("CP852", "CP866"), None),  # the euro is in neither page: raster
    ("Ştefan", ("CP866",), None),
    ("tab\there", RO_RU, None),  # control bytes never go to the printer as text
]


@pytest.mark.parametrize(("text", "pages", "expected"), PLANS)
def test_plan_line(text: str, pages: tuple[str, ...], expected: list[Segment] | None) -> None:
    assert plan_line(text, pages) == expected


@given(st.text(max_size=40))
def test_plans_round_trip_or_refuse(text: str) -> None:
    text = fold(text)
    plan = plan_line(text, ("CP852", "CP866", "CP1250", "CP1251"))
    if plan is None:
        return
    decoded = "".join(s.data.decode(s.codepage or "ascii") for s in plan)
    assert decoded == text  # no character lost, none replaced by '?'
