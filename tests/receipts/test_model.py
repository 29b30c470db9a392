"""Receipt data: JSON round trip (for byte-identical reprints) and refusal of bad data."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from kiosk.receipts.model import (
    CardSlip,
    ReceiptDataError,
    receipt_from_dict,
    receipt_to_dict,
)
from kiosk.receipts.profiles import make_profile
from kiosk.receipts.render import render
from tests.receipts import samples

RECEIPTS = [
    samples.payment("ro"),
    samples.payment("ru", confirmed=True, card=True),
    samples.voucher("en"),
    samples.collection("ru"),
]


@pytest.mark.parametrize("receipt", RECEIPTS, ids=lambda r: f"{r.kind}-{r.lang}")
def test_json_round_trip_gives_the_same_receipt_and_bytes(receipt: Any) -> None:
    stored = json.dumps(receipt_to_dict(receipt), ensure_ascii=False)
    again = receipt_from_dict(json.loads(stored))
    assert again == receipt
    profile = make_profile("TM-T20II", 80)
    assert render(again, profile) == render(receipt, profile)


def test_dict_shape() -> None:
    data = receipt_to_dict(samples.payment("ro"))
    assert data["version"] == 1 and data["kind"] == "payment"
    assert data["amount_applied"] == 926_700 and isinstance(data["amount_applied"], int)
    assert data["issued_at"] == "2026-11-22T14:05:07+02:00"
    assert data["confirmation"] == "pending"
    assert data["payer_id"] == "*********8426"  # masked before storing
    assert data["voucher"] == {"code": "K7Q2-9XMP", "amount": 2800, "expires_on": None}


def _payment_dict(**changes: Any) -> dict[str, Any]:
    data = receipt_to_dict(samples.payment("ro"))
    data.update(changes)
    return data


# (stored data, words the error must contain): one row per way stored data can be wrong
BAD = [
    ("not a dict", "must be an object"),
    ({**_payment_dict(), "version": 2}, "version"),
    ({**_payment_dict(), "kind": "gift"}, "unknown receipt kind"),
    (_payment_dict(amount_applied=9267.0), "amount_applied must be an integer"),
    (_payment_dict(amount_applied=True), "amount_applied must be an integer"),
    (_payment_dict(fee=-1), "fee must not be negative"),
    (_payment_dict(lang="de"), "language"),
    (_payment_dict(confirmation="maybe"), "confirmation"),
    (_payment_dict(issued_at="yesterday"), "issued_at"),
    (_payment_dict(reason="  "), "Reason"),
    (_payment_dict(extra=1), "unknown field"),
    ({k: v for k, v in _payment_dict().items() if k != "payment_id"}, "payment_id is missing"),
    (_payment_dict(beneficiaries="x"), "beneficiaries must be a list"),
    (_payment_dict(beneficiaries=[{"name": 5}]), "beneficiaries[0].name must be text"),
    (
        _payment_dict(card={"masked_pan": "4111111111111111"}),
        "card number is not masked",
    ),
]


@pytest.mark.parametrize(("data", "words"), BAD)
def test_bad_data_is_refused_with_a_clear_message(data: Any, words: str) -> None:
    with pytest.raises(ReceiptDataError, match=re.escape(words)):
        receipt_from_dict(data)


def test_card_number_must_be_masked() -> None:
    with pytest.raises(ReceiptDataError):
        CardSlip(masked_pan="4111 1111 1111 1111")
    assert CardSlip(masked_pan="411111******1111").masked_pan.endswith("1111")
