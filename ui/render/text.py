"""Turning view data into the words and numbers a payer reads (per language, no arithmetic)."""

from __future__ import annotations

import re
from datetime import datetime

from kiosk.i18n import catalog, format_date, format_money, t

__all__ = [
    "LANGUAGE_BUTTONS",
    "METHOD_ICONS",
    "key_text",
    "keyboard_texts",
    "decimal_mark",
    "denomination",
    "money_or_open",
    "date_text",
    "status_text",
    "error_kind",
]

LANGUAGE_BUTTONS = {"ro": "ui.lang.ro", "ru": "ui.lang.ru", "en": "ui.lang.en"}
METHOD_ICONS = {"cash": "cash", "card": "card", "voucher": "receipt"}
_CAMEL = re.compile(r"(?<!^)(?=[A-Z])")


def key_text(key: str | None, lang: str, **fields: object) -> str:
    """The text of an optional i18n key ("" for None)."""
    return t(key, lang, **fields) if key else ""


def keyboard_texts(lang: str) -> dict[str, str]:
    return {"@clear": t("ui.kb.clear", lang), "@space": t("ui.kb.space", lang)}


def decimal_mark(lang: str) -> str:
    return "." if lang == "en" else ","


def denomination(bani: int, lang: str) -> str:
    """A compact denomination label: "500" (lei) or "50 bani"."""
    if bani % 100 == 0:
        return f"{bani // 100}"
    return t("ui.cash.bani", lang, n=bani)


def money_or_open(bani: int | None, lang: str) -> str:
    return format_money(bani, lang) if bani is not None else t("ui.invoice.amount_open", lang)


def date_text(value: datetime, lang: str) -> str:
    return format_date(value, lang)


def status_text(status: str, lang: str) -> str:
    """MPay's order status in the payer's words ("PartiallyPaid" -> "Parțial achitată")."""
    key = "mpay.status." + _CAMEL.sub("_", status).lower().replace("canceled", "cancelled")
    return t(key, lang) if key in catalog() else status


def error_kind(message_key: str) -> tuple[str, str]:
    """The error screen's headline key and icon for a message key (presentation only)."""
    if message_key.endswith(("unknown_order", "not_found")):
        return "ui.error.title.not_found", "search"
    if message_key.startswith("mpay.payability.") or message_key.endswith(
        ("already_paid", "expired", "invalid_parameter")
    ):
        return "ui.error.title.not_payable", "document"
    if message_key.endswith(("timeout", "unreachable", "server", "offline", "unavailable")):
        return "ui.error.title.unavailable", "network-off"
    return "ui.error.title.generic", "warning"
