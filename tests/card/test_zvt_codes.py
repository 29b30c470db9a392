"""Every key the card code can produce has payer text in ro/ru/en; the mappings hold."""

from __future__ import annotations

import json
import re
from importlib import resources

import pytest

from kiosk.card import zvt_codes
from kiosk.card.terminal import CardStatus, TerminalStatus
from kiosk.i18n import LANGUAGES, t


def _catalogue() -> dict[str, dict[str, str]]:
    return json.loads((resources.files("kiosk.i18n") / "card.json").read_text(encoding="utf-8"))


def _produced_keys() -> set[str]:
    keys = {f"card.status.{k}" for k in zvt_codes.STATUS_KEYS}
    keys |= {f"card.reason.{k}" for k in zvt_codes.REASON_KEYS}
    keys |= {f"card.terminal.{k}" for k in zvt_codes.TERMINAL_KEYS}
    return keys


def test_catalogue_covers_every_key_in_every_language():
    catalogue = _catalogue()
    assert set(catalogue) == _produced_keys()  # nothing missing, nothing dead
    for key, texts in catalogue.items():
        assert key.startswith("card.")
        for lang in LANGUAGES:
            assert texts[lang].strip(), (key, lang)


def test_romanian_uses_comma_below_and_russian_is_cyrillic():
    for key, texts in _catalogue().items():
        assert not re.search("[şţŞŢ]", texts["ro"]), key  # cedilla forms are wrong
        assert re.search("[а-яА-Я]", texts["ru"]), key


def test_t_finds_card_texts():
    assert t(CardStatus(key="insert_card").text_key, "ro").startswith("Introduceți")
    assert t(TerminalStatus(ready=True, key="ready").text_key, "en") == "Card terminal ready"


@pytest.mark.parametrize(
    ("code", "key", "remove"),
    [
        (0x0A, "insert_card", False),
        (0x01, "enter_pin", False),
        (0x04, "processing", False),
        (0x0B, "remove_card", True),
        (0x4A, "insert_card", True),  # 41-5D: same as 01-1D plus "remove card"
        (0x55, "wrong_pin", True),
        (0x77, "unknown", False),
    ],
)
def test_status_key(code, key, remove):
    assert zvt_codes.status_key(code) == (key, remove)


@pytest.mark.parametrize(
    ("code", "key"),
    [
        (0x05, "declined"),
        (0x33, "insufficient_funds"),
        (0x37, "wrong_pin"),
        (0x63, "declined"),
        (0x6C, "cancelled"),
        (0x64, "card_unreadable"),
        (0xB4, "already_reversed"),
        (0xA3, "bank_unavailable"),
        (0xEE, "terminal_error"),
        (None, "terminal_error"),
    ],
)
def test_reason_key(code, key):
    assert zvt_codes.reason_key(code) == key


def test_terminal_key_and_card_type():
    assert zvt_codes.terminal_key(0) == "ready"
    assert zvt_codes.terminal_key(0xF0) == "end_of_day_required"
    assert zvt_codes.terminal_key(0x42) == "out_of_order"
    assert zvt_codes.terminal_key(None) == "unknown"
    assert zvt_codes.card_type_name("VISA", 6) == "VISA"
    assert zvt_codes.card_type_name(None, 6) == "Mastercard"
    assert zvt_codes.card_type_name(None, 200) is None
