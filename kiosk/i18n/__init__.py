"""Payer- and technician-facing text in Romanian, Russian and English.

Catalogues are JSON files beside this module, one per domain (``mpay.json``, ``session.json``,
``ui.json``, ``card.json``, ``receipt.json``, ...), each ``{"key": {"ro": ..., "ru": ..., "en": ...}}``.
Keys are unique across domains. Text uses ``str.format`` fields: ``t("cash.remaining", "ro",
amount="10.00")``. A missing key or language is a bug, caught by a test over all catalogues; at
run time it falls back to English, then to the key itself, and never raises.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime
from functools import cache
from importlib import resources

__all__ = ["LANGUAGES", "t", "catalog", "format_money", "format_datetime", "format_date"]

LANGUAGES = ("ro", "ru", "en")
log = logging.getLogger(__name__)


@cache
def catalog() -> dict[str, dict[str, str]]:
    """All keys from all domain catalogues, loaded once."""
    merged: dict[str, dict[str, str]] = {}
    for entry in sorted(resources.files(__package__).iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".json"):
            continue
        data = json.loads(entry.read_text(encoding="utf-8"))
        for key, texts in data.items():
            if key in merged:
                raise ValueError(f"i18n key {key!r} defined twice (in {entry.name})")
            merged[key] = texts
    return merged


def t(key: str, lang: str, /, **fields: object) -> str:
    texts = catalog().get(key)
    if texts is None:
        log.error("missing i18n key %s", key)
        return key
    text = texts.get(lang) or texts.get("en") or key
    try:
        return text.format(**fields) if fields else text
    except (KeyError, IndexError, ValueError):
        log.error("bad i18n fields for %s/%s", key, lang)
        return text


def format_money(bani: int, lang: str, currency: str = "MDL") -> str:
    """Amounts as payers read them: "1 234,50 lei" (ro), "1 234,50 лей" (ru), "1,234.50 MDL" (en)."""
    sign = "-" if bani < 0 else ""
    lei, rest = divmod(abs(bani), 100)
    if lang == "en":
        return f"{sign}{lei:,}.{rest:02d} {currency}"
    grouped = f"{lei:,}".replace(",", "\u00a0")
    unit = {"ro": "lei", "ru": "лей"}.get(lang, currency) if currency == "MDL" else currency
    return f"{sign}{grouped},{rest:02d} {unit}"


def format_date(value: datetime, lang: str) -> str:
    return value.strftime("%m/%d/%Y" if lang == "en" else "%d.%m.%Y")


def format_datetime(value: datetime, lang: str) -> str:
    return f"{format_date(value, lang)} {value.strftime('%H:%M')}"
