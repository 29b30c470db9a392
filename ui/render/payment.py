"""Renderers of the money screens: method, voucher code, cash, card, finishing, result, errors.

Each takes ``(screen, view, lang, fresh)``; ``fresh`` is True when the screen was just entered.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kiosk.i18n import format_money, t
from ui.render.text import (
    METHOD_ICONS,
    denomination,
    error_kind,
    key_text,
    keyboard_texts,
)

if TYPE_CHECKING:
    from kiosk.session.view import SessionView
    from ui.screens.busy import BusyScreen
    from ui.screens.card import CardScreen
    from ui.screens.cash import CashScreen
    from ui.screens.entry import EntryScreen
    from ui.screens.error import ErrorScreen
    from ui.screens.method import MethodScreen
    from ui.screens.result import ResultScreen

__all__ = [
    "render_method",
    "render_voucher_code",
    "render_cash",
    "render_card",
    "render_finishing",
    "render_result",
    "render_error",
    "render_out_of_service",
]


def render_method(screen: MethodScreen, view: SessionView, lang: str, _fresh: bool) -> None:
    payment = view.payment
    note = ""
    if payment is not None and payment.fee:
        note = t(
            "ui.method.breakdown",
            lang,
            amount=format_money(payment.amount, lang),
            fee=format_money(payment.fee, lang),
        )
    from ui.screens.method import MethodItem

    items = [
        MethodItem(
            id=str(m.method),
            title=t(f"ui.method.{m.method}", lang),
            detail=(
                t(f"ui.method.{m.method}.detail", lang)
                if m.available
                else key_text(m.reason_key, lang) or t("ui.method.unavailable", lang)
            ),
            icon=METHOD_ICONS.get(m.method, "document"),
            enabled=m.available,
        )
        for m in view.methods
    ]
    screen.show_content(
        title=t("ui.method.title", lang),
        amount_caption=t("ui.method.total", lang),
        amount=format_money(payment.total, lang) if payment else "",
        note=note,
        notice=key_text(view.notice_key, lang),
        items=items,
    )


def render_voucher_code(screen: EntryScreen, view: SessionView, lang: str, fresh: bool) -> None:
    entry = view.voucher_entry
    if entry is None:
        return
    error = key_text(entry.error_key, lang)
    screen.show_content(
        title=t("ui.voucher.title", lang),
        prompt=t("ui.voucher.prompt", lang),
        text=entry.text,
        placeholder=t("ui.voucher.placeholder", lang),
        message=t("ui.voucher.checking", lang) if entry.busy else error,
        invalid=bool(error) and not entry.busy,
        hint=t("ui.voucher.hint", lang),
        scan_hint=t("ui.key.scan", lang),
        keyboard="alnum",
        keyboard_texts=keyboard_texts(lang),
        can_submit=entry.valid and not entry.busy,
        submit=t("ui.voucher.submit", lang),
        max_length=32,
        fresh=fresh,
    )


def render_cash(screen: CashScreen, view: SessionView, lang: str, _fresh: bool) -> None:
    cash = view.cash
    if cash is None:
        return
    if cash.accepting and cash.remaining > 0:
        status = t("ui.cash.insert", lang)
        if cash.last_credit:
            status = t("ui.cash.received", lang, amount=format_money(cash.last_credit, lang))
        tone, waiting = "", True
    elif cash.remaining == 0:
        status, tone, waiting = t("ui.cash.complete", lang), "", False
    else:
        status, tone, waiting = t("ui.cash.paused", lang), "warning", False
    denominations = ", ".join(denomination(d, lang) for d in cash.denominations)
    finish = None
    if cash.can_pay_inserted and cash.pay_inserted_amount is not None:
        finish = t(
            "ui.cash.pay_inserted", lang, amount=format_money(cash.pay_inserted_amount, lang)
        )
    voucher = None
    if cash.can_take_voucher:
        voucher = t("ui.cash.take_voucher", lang, amount=format_money(cash.inserted, lang))
    screen.show_content(
        title=t("ui.cash.title", lang),
        due_caption=t("ui.cash.due", lang),
        due=format_money(cash.due, lang),
        inserted_caption=t("ui.cash.inserted", lang),
        inserted=format_money(cash.inserted, lang),
        remaining_caption=t("ui.cash.remaining", lang),
        remaining=format_money(cash.remaining, lang),
        status=status,
        status_tone=tone,
        waiting=waiting,
        accepted=[(t("ui.cash.accepted", lang), t("ui.cash.lei", lang, list=denominations))]
        if denominations
        else [],
        notice=key_text(cash.notice_key, lang),
        finish=finish,
        voucher=voucher,
    )


def render_card(screen: CardScreen, view: SessionView, lang: str, _fresh: bool) -> None:
    card = view.card
    if card is None:
        return
    status = t("ui.card.aborting", lang) if card.abort_requested else t(card.status_key, lang)
    screen.show_content(
        title=t("ui.card.title", lang),
        amount_caption=t("ui.method.total", lang),
        amount=format_money(card.amount, lang),
        status=status,
        instruction=t("ui.card.instruction", lang),
        tone="",
        waiting=True,
    )


def render_finishing(screen: BusyScreen, view: SessionView, lang: str, _fresh: bool) -> None:
    step_key = view.finishing.step_key if view.finishing else None
    screen.show_content(
        icon="hourglass",
        title=t("ui.finishing.title", lang),
        body=key_text(step_key, lang),
        detail=t("ui.finishing.detail", lang),
    )


def render_result(screen: ResultScreen, view: SessionView, lang: str, _fresh: bool) -> None:
    result = view.result
    if result is None:
        return
    rows: list[tuple[str, str]] = []
    if result.paid_amount:
        rows.append((t("ui.result.paid", lang), format_money(result.paid_amount, lang)))
    if result.fee:
        rows.append((t("ui.invoice.fee", lang), format_money(result.fee, lang)))
    if result.inserted:
        rows.append((t("ui.result.inserted", lang), format_money(result.inserted, lang)))
    if result.payment_id:
        rows.append((t("ui.result.payment_id", lang), result.payment_id))
    if result.voucher is not None:
        rows.append(
            (t("ui.result.voucher_amount", lang), format_money(result.voucher.amount, lang))
        )
        rows.append((t("ui.result.voucher_code", lang), result.voucher.code))
    for extra in result.extra_vouchers:
        rows.append(
            (
                t("ui.result.voucher_amount", lang),
                f"{format_money(extra.amount, lang)} · {extra.code}",
            )
        )
    if result.outcome == "voucher":
        icon, tone = "receipt", "warning"
    elif result.confirmation == "review":
        icon, tone = "warning", "warning"
    elif result.confirmation == "confirmed":
        icon, tone = "check-circle", "success"
    else:
        icon, tone = "check-circle", "success"
    body = [key_text(result.notice_key, lang)]
    if result.confirmation in ("pending", "confirming"):
        body.append(t("ui.result.pending_note", lang))
    if result.voucher is not None or result.extra_vouchers:
        body.append(t("ui.result.voucher_note", lang))
    receipt_tone = ""
    if result.receipt == "printing":
        receipt = t("ui.result.printing", lang)
    elif result.receipt == "printed":
        receipt = t("ui.result.printed", lang)
    else:
        receipt, receipt_tone = t("ui.result.no_receipt", lang), "warning"
    qr = result.qr_data if result.receipt in ("failed", "no_paper") else None
    done = t("ui.action.done", lang)
    if view.seconds_left is not None:
        done = t("ui.result.done_in", lang, seconds=view.seconds_left)
    screen.show_content(
        icon=icon,
        tone=tone,
        title=t(result.message_key, lang),
        body="\n".join(b for b in body if b),
        rows=rows,
        receipt=receipt,
        printing=result.receipt == "printing",
        receipt_tone=receipt_tone,
        qr_data=qr or "",
        qr_caption=t("ui.result.qr_caption", lang),
        done=None if result.receipt == "printing" else done,
    )


def render_error(screen: ErrorScreen, view: SessionView, lang: str, _fresh: bool) -> None:
    error = view.error
    if error is None:
        return
    title_key, icon = error_kind(error.message_key)
    primary: str | None = None
    primary_icon = "back"
    if error.can_retry:
        primary, primary_icon = t("ui.action.retry", lang), "clock"
    elif error.can_go_back:
        primary = t("ui.error.change_key", lang)
    screen.show_content(
        icon=icon,
        tone="warning" if icon != "error" else "error",
        title=t(title_key, lang),
        body=t(error.message_key, lang),
        rows=[],
        help_text=t("ui.error.help", lang),
        primary=primary,
        primary_icon=primary_icon,
        secondary=t("ui.action.home", lang),
    )


def render_out_of_service(screen: ErrorScreen, view: SessionView, lang: str, _fresh: bool) -> None:
    # Nobody has chosen a language yet: say it in every language the terminal offers.
    title = "\n".join(t("ui.oos.title", code) for code in view.languages)
    screen.show_content(
        icon="plug",
        tone="warning",
        title=title,
        body="\n\n".join(part for part in (key_text(view.out_of_service_key, lang),
                                              view.out_of_service_message) if part),
        rows=[],
        help_text=t("ui.oos.help", lang),
        primary=None,
        secondary=None,
    )
