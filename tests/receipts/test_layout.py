"""Layout rules: wrapping, label/value pairs, every label translated, nothing wider than paper."""

from __future__ import annotations

import logging
import re
from dataclasses import replace

import pytest

from kiosk.i18n import catalog
from kiosk.receipts.layout import Line, Qr, layout, pair, plain_text, wrap
from kiosk.receipts.model import Receipt, VoucherCause
from tests.receipts import samples


def test_wrap_keeps_line_breaks_and_breaks_long_words() -> None:
    text = "Plata pentru arenda \r\n\n\nîncheiat cu X " + "Y" * 40
    assert wrap(text, 20) == [
        "Plata pentru arenda",
        "",
        "încheiat cu X YYYYYY",
        "Y" * 20,
        "Y" * 14,
    ]
    assert wrap("  \n ", 10) == []


def test_pair_fits_or_falls_back_to_two_lines() -> None:
    assert pair("Fee", "5.00 MDL", 20) == [Line("Fee:        5.00 MDL")]
    assert pair("Payment ID", "KIOSK-001-20261122-000123", 32) == [
        Line("Payment ID:"),
        Line("  KIOSK-001-20261122-000123"),
    ]


@pytest.mark.parametrize("columns", [32, 48])
@pytest.mark.parametrize("lang", ["ro", "ru", "en"])
def test_every_receipt_fits_and_every_label_is_translated(
    lang: str, columns: int, caplog: pytest.LogCaptureFixture
) -> None:
    receipts: list[Receipt] = [
        samples.payment(lang),
        samples.payment(lang, confirmed=True, card=True),
        samples.voucher(lang),
        samples.collection(lang),
    ]
    for cause in VoucherCause:
        receipts.append(replace(samples.voucher(lang), cause=cause))
    with caplog.at_level(logging.ERROR, logger="kiosk.i18n"):
        for receipt in receipts:
            blocks = layout(receipt, columns)
            for block in blocks:
                if isinstance(block, Line):
                    assert len(block.text) * block.size <= columns, block.text
                    assert not re.search(r"receipt\.[a-z]", block.text)  # an untranslated key
            assert sum(isinstance(b, Qr) for b in blocks) == (
                0 if receipt.kind == "collection" else 1
            )
            assert plain_text(blocks, columns)
    assert caplog.records == []


def test_receipt_catalogue_is_complete() -> None:
    keys = [k for k in catalog() if k.startswith("receipt.")]
    assert len(keys) > 50
    for key in keys:
        texts = catalog()[key]
        assert set(texts) == {"ro", "ru", "en"} and all(texts.values()), key
        for cedilla in "şţŞŢ":  # Romanian is written with comma-below letters
            assert cedilla not in texts["ro"], key


def test_pending_and_confirmed_wording() -> None:
    pending = plain_text(layout(samples.payment("en"), 48), 48)
    confirmed = plain_text(layout(samples.payment("en", confirmed=True), 48), 48)
    assert "PAYMENT ACCEPTED, CONFIRMATION PENDING" in pending
    assert "PAYMENT CONFIRMED" in confirmed and "PENDING" not in confirmed
