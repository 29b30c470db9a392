"""Renderers of the screens before any money: one function per screen, view in, widgets out.

Each takes ``(screen, view, lang, fresh)``; ``fresh`` is True when the screen was just entered.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kiosk.i18n import format_date, format_money, t
from ui.render.text import (
    LANGUAGE_BUTTONS,
    date_text,
    decimal_mark,
    key_text,
    keyboard_texts,
    money_or_open,
    status_text,
)

if TYPE_CHECKING:
    from kiosk.session.view import SessionView
    from ui.screens.attract import AttractScreen
    from ui.screens.busy import BusyScreen
    from ui.screens.catalogue import CatalogueScreen
    from ui.screens.entry import EntryScreen
    from ui.screens.invoice import InvoiceScreen
    from ui.screens.orders import OrderChoiceScreen
    from ui.screens.properties import PropertiesScreen

__all__ = [
    "render_attract",
    "render_services",
    "render_order_key",
    "render_lookup",
    "render_order_choice",
    "render_invoice",
    "render_properties",
    "render_amount",
]


def render_attract(screen: AttractScreen, view: SessionView, lang: str, _fresh: bool) -> None:
    screen.show_content(
        title=t("ui.attract.title", lang),
        subtitle=t("ui.attract.subtitle", lang),
        prompt=t("ui.attract.prompt", lang),
        languages={code: t(LANGUAGE_BUTTONS[code], code) for code in view.languages},
        current=lang,
        toggles={
            "high_contrast": (t("ui.attract.high_contrast", lang), view.high_contrast),
            "large_text": (t("ui.attract.large_text", lang), view.large_text),
        },
        footnote=t("ui.attract.footnote", lang),
    )


def render_services(screen: CatalogueScreen, view: SessionView, lang: str, _fresh: bool) -> None:
    services = view.services
    if services is None:
        return
    from ui.screens.catalogue import Chip, Tile

    chips = [Chip("", t("ui.catalogue.all", lang), services.category is None)]
    chips += [Chip(c.id, t(c.label_key, lang), c.selected) for c in services.categories]
    screen.show_content(
        title=t("ui.catalogue.title", lang),
        placeholder=t("ui.catalogue.search", lang),
        query=services.search,
        chips=chips,
        tiles=[Tile(s.id, s.name, s.icon) for s in services.services],
        empty=key_text(services.empty_key, lang),
        keyboard_texts=keyboard_texts(lang),
        cyrillic=lang == "ru",
    )


def render_order_key(screen: EntryScreen, view: SessionView, lang: str, fresh: bool) -> None:
    entry = view.key_entry
    if entry is None:
        return
    error = key_text(entry.error_key, lang)
    screen.show_content(
        title=entry.service.name,
        prompt=t("ui.key.prompt", lang),
        text=entry.text,
        placeholder=t("ui.key.placeholder", lang),
        message=error,
        invalid=bool(error),
        hint=entry.service.hint,
        scan_hint=t("ui.key.scan", lang),
        keyboard=str(entry.keyboard),
        keyboard_texts=keyboard_texts(lang),
        can_submit=entry.valid,
        submit=t("ui.key.submit", lang),
        max_length=entry.max_length,
        fresh=fresh,
    )


def render_lookup(screen: BusyScreen, view: SessionView, lang: str, _fresh: bool) -> None:
    lookup = view.lookup
    screen.show_content(
        icon="search",
        title=t("ui.lookup.title", lang),
        body=t("ui.lookup.body", lang),
        detail=t("ui.lookup.key", lang, key=lookup.order_key) if lookup else "",
    )


def render_order_choice(
    screen: OrderChoiceScreen, view: SessionView, lang: str, _fresh: bool
) -> None:
    from ui.screens.orders import OrderItem

    items = []
    for order in view.orders:
        parts = [order.order_key, money_or_open(order.amount_due, lang)]
        if order.due_date is not None:
            parts.append(t("ui.invoice.due_short", lang, date=format_date(order.due_date, lang)))
        parts.append(status_text(order.status, lang))
        if not order.payable:
            parts.append(t(order.reason_key, lang))
        items.append(OrderItem(order.index, order.reason, " · ".join(parts), order.payable))
    screen.show_content(
        title=t("ui.orders.title", lang), body=t("ui.orders.body", lang), items=items
    )


def render_invoice(screen: InvoiceScreen, view: SessionView, lang: str, _fresh: bool) -> None:
    order = view.order
    if order is None:
        return
    rows: list[tuple[str, str]] = []
    if order.customer_name:
        rows.append((t("ui.invoice.customer", lang), order.customer_name))
    if order.customer_id:
        rows.append((t("ui.invoice.customer_id", lang), order.customer_id))
    rows.append((t("ui.invoice.order_key", lang), order.order_key))
    if order.issued_at is not None:
        rows.append((t("ui.invoice.issued", lang), date_text(order.issued_at, lang)))
    if order.due_date is not None:
        rows.append((t("ui.invoice.due_date", lang), date_text(order.due_date, lang)))
    rows.append((t("ui.invoice.status", lang), status_text(order.status, lang)))
    lines = (
        [(line.reason, money_or_open(line.amount_due, lang)) for line in order.lines]
        if len(order.lines) > 1
        else []
    )
    totals: list[tuple[str, str, str]] = [
        (
            t("ui.invoice.amount_due", lang),
            money_or_open(order.amount_due, lang),
            "amount",
        )
    ]
    if order.fee:
        totals.append((t("ui.invoice.fee", lang), format_money(order.fee, lang), "value"))
    notes = []
    if not order.payable:
        notes.append(t(order.reason_key, lang))
    else:
        if order.allow_partial:
            notes.append(t("ui.invoice.partial_allowed", lang))
        if order.allow_advance:
            notes.append(t("ui.invoice.advance_allowed", lang))
    screen.show_content(
        title=t("ui.invoice.title", lang),
        service=view.service.name if view.service else order.service_id,
        reason=order.reason,
        rows=rows,
        lines_title=t("ui.invoice.lines", lang),
        lines=lines,
        props_title=t("ui.invoice.properties", lang),
        props=[(p.label, p.value) for p in order.properties],
        totals=totals,
        notice="\n".join(notes),
        action=t("ui.invoice.pay", lang) if order.payable else t("ui.invoice.not_payable", lang),
        can_act=order.payable,
    )
    screen.notice.setProperty("role", "warning" if order.payable else "error")


def render_properties(screen: PropertiesScreen, view: SessionView, lang: str, fresh: bool) -> None:
    props = view.properties
    if props is None:
        return
    from ui.screens.properties import FieldItem

    items = [
        FieldItem(
            key=i.key,
            label=i.label + ("" if i.required else f" ({t('ui.properties.optional', lang)})"),
            value=i.value,
            placeholder=t("ui.properties.placeholder", lang),
            message=key_text(i.error_key, lang),
            invalid=bool(i.error_key),
            keyboard=str(i.keyboard),
            max_length=i.max_length,
        )
        for i in props.inputs
    ]
    screen.show_content(
        title=t("ui.properties.title", lang),
        prompt=t("ui.properties.prompt", lang),
        items=items,
        keyboard_texts=keyboard_texts(lang),
        can_submit=props.all_valid,
        submit=t("ui.action.continue", lang),
        fresh=fresh,
    )


def render_amount(screen: EntryScreen, view: SessionView, lang: str, fresh: bool) -> None:
    amount = view.amount
    if amount is None:
        return
    if amount.max_amount is None:
        prompt = t("ui.amount.range_min", lang, min=format_money(amount.min_amount, lang))
    else:
        prompt = t(
            "ui.amount.range",
            lang,
            min=format_money(amount.min_amount, lang),
            max=format_money(amount.max_amount, lang),
        )
    rows: list[tuple[str, str]] = []
    if amount.fee:
        rows.append((t("ui.invoice.fee", lang), format_money(amount.fee, lang)))
    if amount.total is not None and amount.fee:
        rows.append((t("ui.amount.total", lang), format_money(amount.total, lang)))
    error = key_text(amount.error_key, lang)
    screen.show_content(
        title=t("ui.amount.title", lang),
        prompt=prompt,
        text=amount.text,
        placeholder="0" + decimal_mark(lang) + "00",
        message=error,
        invalid=bool(error),
        hint="",
        scan_hint="",
        keyboard="amount",
        keyboard_texts=keyboard_texts(lang),
        can_submit=amount.valid,
        submit=t("ui.action.continue", lang),
        decimal=decimal_mark(lang),
        max_length=12,
        fresh=fresh,
        rows=rows,
        quick=(
            t("ui.amount.all", lang, amount=format_money(amount.suggested, lang))
            if amount.suggested is not None
            else None
        ),
    )
