"""Every MPay error kind has a payer message in ro/ru/en, with proper diacritics."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from kiosk.i18n import t
from kiosk.mpay import errors
from kiosk.mpay.payability import _STATUS_KEYS
from kiosk.mpay.payer_messages import payer_message_key, status_key

CATALOGUE = json.loads((Path(__file__).parents[2] / "kiosk/i18n/mpay.json").read_text("utf-8"))

EXAMPLES: list[errors.MpayError] = [
    errors.MpayTimeout("t"),
    errors.MpayConnectionError("c"),
    errors.MpayHttpError("h", status=502),
    errors.MpayProtocolError("p"),
    errors.MpaySignatureError("s"),
    errors.MpayConfigError("c"),
    errors.MpayRequestError("r"),
    *(
        errors.fault_from_code(code)
        for code in (
            "UnknownOrder",
            "a:UnknownService",
            "InvalidParameter",
            "InvoiceExpired",
            "InvoiceAlreadyPaid",
            "UnknownInvoice",
            "UknownPayment",
            "AuthenticationFailed",
            "AuthorizationFailed",
            "InternalError",
            "SomethingNew",
        )
    ),
]


@pytest.mark.parametrize("exc", EXAMPLES, ids=lambda e: type(e).__name__)
def test_each_error_has_a_translated_message(exc: errors.MpayError) -> None:
    key = payer_message_key(exc)
    assert key in CATALOGUE
    texts = {lang: t(key, lang) for lang in ("ro", "ru", "en")}
    assert len(set(texts.values())) == 3


def test_distinct_kinds_get_distinct_messages() -> None:
    keys = {payer_message_key(e) for e in EXAMPLES}
    assert len(keys) >= 14
    assert payer_message_key(ValueError("x")) == "mpay.error.generic"
    assert payer_message_key(errors.MpaySignatureError("s")) == "mpay.error.security"


def test_catalogue_shape_and_diacritics() -> None:
    for key, texts in CATALOGUE.items():
        assert key.startswith("mpay."), key
        assert set(texts) == {"ro", "ru", "en"}, key
        assert all(v.strip() for v in texts.values()), key
        assert not re.search("[şţŞŢ]", texts["ro"]), f"{key}: cedilla instead of comma-below"
        assert re.search("[а-яё]", texts["ru"].lower()), f"{key}: ru text is not Russian"


def test_payability_and_status_keys_exist() -> None:
    keys = set(_STATUS_KEYS.values()) | {
        f"mpay.payability.{k}"
        for k in (
            "ok",
            "unknown_status",
            "currency",
            "overdue",
            "no_lines",
            "inconsistent",
            "bad_amount",
            "unknown_amount",
            "nothing_due",
        )
    }
    assert keys <= set(CATALOGUE)
    for status in (
        "Active",
        "PartiallyPaid",
        "Paid",
        "Completed",
        "Expired",
        "Canceled",
        "Refunding",
        "Refunded",
        "Odd",
    ):
        assert status_key(status) in CATALOGUE
