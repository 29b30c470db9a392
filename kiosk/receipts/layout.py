"""A receipt as printable blocks: lines already wrapped to the paper's columns (pure).

``layout(receipt, columns)`` decides what goes on paper and in which order (devices.md 4,
mpay.md 4.3); ``render`` turns the blocks into ESC/POS bytes. Text is folded for printing
(``encoding.fold``) before it is measured, so a wrapped line is never wider than the paper.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from kiosk.i18n import format_date, format_money, t
from kiosk.receipts.encoding import fold
from kiosk.receipts.model import (
    CollectionReceipt,
    ConfirmationState,
    PaymentMethod,
    PaymentReceipt,
    Receipt,
    VoucherReceipt,
)
from kiosk.receipts.verification import payment_qr, voucher_qr

__all__ = ["Align", "Line", "Rule", "Qr", "Feed", "Block", "layout", "wrap", "pair", "plain_text"]


class Align(StrEnum):
    LEFT = "left"
    CENTER = "center"
    RIGHT = "right"


@dataclass(frozen=True, slots=True)
class Line:
    """One printed line. ``size`` 2 is double width and height. ``pages`` forces code pages
    (the commissioning test ticket); empty means the language's pages."""

    text: str
    align: Align = Align.LEFT
    bold: bool = False
    size: int = 1
    pages: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Rule:
    char: str = "-"


@dataclass(frozen=True, slots=True)
class Qr:
    data: str


@dataclass(frozen=True, slots=True)
class Feed:
    lines: int = 1


Block = Line | Rule | Qr | Feed


def wrap(text: str, width: int) -> list[str]:
    """Wrap text to ``width`` characters, keeping its own line breaks (Reason may have them)."""
    out: list[str] = []
    for paragraph in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        paragraph = paragraph.strip()
        if not paragraph:
            if out and out[-1]:
                out.append("")
            continue
        out.extend(
            textwrap.wrap(paragraph, max(1, width), break_long_words=True, break_on_hyphens=False)
        )
    while out and not out[-1]:
        out.pop()
    return out


def pair(
    label: str, value: str, columns: int, *, bold: bool = False, colon: bool = True
) -> list[Line]:
    """``Label:      value`` on one line, or the label and then the value indented below."""
    head = f"{label}:" if colon else label
    if len(head) + 1 + len(value) <= columns:
        return [Line(head + " " * (columns - len(head) - len(value)) + value, bold=bold)]
    lines = [Line(part, bold=bold) for part in wrap(head, columns)]
    lines.extend(Line("  " + part, bold=bold) for part in wrap(value, columns - 2))
    return lines


def _centered(text: str, columns: int, *, bold: bool = False, size: int = 1) -> list[Line]:
    return [
        Line(part, align=Align.CENTER, bold=bold, size=size) for part in wrap(text, columns // size)
    ]


def _paragraph(text: str, columns: int) -> list[Line]:
    return [Line(part) for part in wrap(text, columns)]


class _Page:
    """Collects blocks for one receipt, folding text as it goes."""

    def __init__(self, lang: str, columns: int, comma_below: str) -> None:
        self.lang = lang
        self.columns = columns
        self.comma_below = comma_below
        self.blocks: list[Block] = []

    def f(self, text: str) -> str:
        return fold(text, comma_below=self.comma_below)

    def t(self, key: str, **fields: object) -> str:
        return self.f(t(key, self.lang, **fields))

    def money(self, bani: int) -> str:
        return self.f(format_money(bani, self.lang))

    def add(self, blocks: Iterable[Block]) -> None:
        self.blocks.extend(blocks)

    def pair(self, key: str, value: str | None, *, bold: bool = False) -> None:
        if value:
            self.add(pair(self.t(key), self.f(value), self.columns, bold=bold))

    def centered(self, text: str, *, bold: bool = False, size: int = 1) -> None:
        self.add(_centered(self.f(text), self.columns, bold=bold, size=size))

    def paragraph(self, text: str) -> None:
        self.add(_paragraph(self.f(text), self.columns))

    def rule(self) -> None:
        self.blocks.append(Rule())


def _stamp(value: datetime, lang: str) -> str:
    return f"{format_date(value, lang)} {value.strftime('%H:%M:%S')}"


def _header(page: _Page, receipt: Receipt, title_key: str) -> None:
    issuer = receipt.issuer
    page.centered(issuer.operator_name, bold=True)
    page.centered(page.t("receipt.operator_idno", idno=issuer.operator_idno))
    if issuer.licence:
        page.centered(page.t("receipt.licence", licence=issuer.licence))
    page.centered(issuer.terminal_address)
    page.centered(f"{page.t('receipt.terminal')}: {issuer.terminal_id}")
    page.rule()
    page.centered(page.t(title_key), bold=True, size=2)
    if receipt.duplicate:  # a reprint: never to be taken for the original
        page.centered(page.t("receipt.duplicate"), bold=True, size=2)
        page.centered(page.t("receipt.duplicate_note"))
    page.rule()
    page.pair("receipt.number", receipt.number)
    page.pair("receipt.datetime", _stamp(receipt.issued_at, receipt.lang))


def _footer(page: _Page, receipt: Receipt, qr: str | None, code: str | None) -> None:
    if qr:
        page.add([Feed(), Qr(qr)])
    if code:
        page.centered(f"{page.t('receipt.verification')}: {code}")
    page.centered(f"{page.t('receipt.support')}: {receipt.issuer.support_phone}")
    page.centered(page.t("receipt.keep"))


def _payment(page: _Page, r: PaymentReceipt) -> None:
    _header(page, r, "receipt.title.payment")
    page.pair("receipt.payment_id", r.payment_id)
    page.pair("receipt.invoice_id", r.invoice_id)
    page.rule()
    page.pair("receipt.service", r.service_name)
    page.pair("receipt.service_id", r.service_id)
    page.pair("receipt.order_key", r.order_key)
    page.add([Line(page.t("receipt.reason") + ":")])
    page.paragraph(r.reason)
    for b in r.beneficiaries:
        page.pair("receipt.beneficiary", b.name)
        page.pair("receipt.fiscal_code", b.fiscal_code)
        page.pair("receipt.iban", b.iban)
        if b.amount is not None and len(r.beneficiaries) > 1:
            page.pair("receipt.amount_applied", page.money(b.amount))
    page.pair("receipt.payer", r.payer_name)
    page.pair("receipt.payer_id", r.payer_id)
    page.rule()
    page.pair("receipt.method", page.t(f"receipt.method.{r.method.value}"))
    if r.amount_due is not None:
        page.pair("receipt.amount_due", page.money(r.amount_due))
    if r.method is not PaymentMethod.CARD:  # for a card alone "inserted" is the amount paid
        page.pair("receipt.amount_inserted", page.money(r.amount_inserted))
    page.pair("receipt.fee", page.money(r.fee))
    page.pair("receipt.amount_applied", page.money(r.amount_applied), bold=True)
    if r.voucher is not None:
        page.pair("receipt.voucher_issued", page.money(r.voucher.amount))
        page.pair("receipt.voucher_code", r.voucher.code)
    if r.card is not None:
        card = r.card
        page.rule()
        page.centered(page.t("receipt.card.section"), bold=True)
        page.pair("receipt.card.pan", card.masked_pan)
        page.pair("receipt.card.approval", card.approval_code)
        page.pair("receipt.card.terminal", card.terminal_id)
        page.pair("receipt.card.trace", card.trace)
        page.pair("receipt.card.rrn", card.rrn)
        for text in card.lines:
            page.paragraph(text)
    page.rule()
    if r.confirmation is ConfirmationState.CONFIRMED:
        page.centered(page.t("receipt.state.confirmed"), bold=True)
    else:
        page.centered(page.t("receipt.state.pending"), bold=True)
        page.centered(page.t("receipt.state.pending_note"))
    qr = payment_qr(
        payment_id=r.payment_id,
        terminal_id=r.issuer.terminal_id,
        amount=r.amount_applied,
        issued_at=r.issued_at,
        code=r.verification,
    )
    _footer(page, r, qr, r.verification)


def _voucher(page: _Page, r: VoucherReceipt) -> None:
    _header(page, r, "receipt.title.voucher")
    page.centered(page.money(r.voucher.amount), bold=True, size=2)
    page.centered(r.voucher.code, bold=True, size=2)
    page.pair("receipt.voucher.value", page.money(r.voucher.amount))
    page.pair("receipt.voucher_code", r.voucher.code)
    if r.voucher.expires_on is not None:
        expires = r.voucher.expires_on
        page.pair(
            "receipt.voucher.expires",
            format_date(datetime(expires.year, expires.month, expires.day), r.lang),
        )
    else:
        page.centered(page.t("receipt.voucher.no_expiry"))
    page.pair("receipt.voucher.origin", r.payment_id)
    page.rule()
    page.paragraph(page.t(f"receipt.voucher.cause.{r.cause.value}"))
    page.paragraph(page.t("receipt.voucher.redeem"))
    page.rule()
    qr = voucher_qr(
        voucher_code=r.voucher.code,
        terminal_id=r.issuer.terminal_id,
        amount=r.voucher.amount,
        issued_at=r.issued_at,
        code=r.verification,
    )
    _footer(page, r, qr, r.verification)


def _collection(page: _Page, r: CollectionReceipt) -> None:
    _header(page, r, "receipt.title.collection")
    page.pair("receipt.collection.technician", r.technician)
    if r.period_start is not None:
        page.pair("receipt.collection.since", _stamp(r.period_start, r.lang))
    for kind, key in (("bill", "receipt.collection.bills"), ("coin", "receipt.collection.coins")):
        counts = sorted((c for c in r.counts if c.kind == kind), key=lambda c: c.value)
        if not counts:
            continue
        page.rule()
        page.add([Line(page.t(key) + ":", bold=True)])
        pieces = page.t("receipt.collection.pieces")
        for c in counts:
            label = f"{page.money(c.value)} x {c.count} {pieces}"
            page.add(pair(label, page.money(c.total), page.columns, colon=False))
        subtotal = sum(c.total for c in counts)
        page.add(pair(page.t(key), page.money(subtotal), page.columns, bold=True))
    page.rule()
    page.pair("receipt.collection.counted", page.money(r.counted_total), bold=True)
    page.pair("receipt.collection.expected", page.money(r.expected_total))
    difference = r.counted_total - r.expected_total
    if difference:
        sign = "+" if difference > 0 else "-"
        page.pair("receipt.collection.difference", sign + page.money(abs(difference)), bold=True)
    else:
        page.centered(page.t("receipt.collection.balanced"), bold=True)
    page.add([Feed(2)])
    signature = page.t("receipt.collection.signature") + ": "
    page.add([Line(signature + "_" * max(4, page.columns - len(signature)))])
    _footer(page, r, None, None)


def layout(receipt: Receipt, columns: int, *, comma_below: str = "cedilla") -> tuple[Block, ...]:
    """The blocks of ``receipt`` for paper ``columns`` wide (font A)."""
    page = _Page(receipt.lang, columns, comma_below)
    if isinstance(receipt, PaymentReceipt):
        _payment(page, receipt)
    elif isinstance(receipt, VoucherReceipt):
        _voucher(page, receipt)
    else:
        _collection(page, receipt)
    return tuple(page.blocks)


def plain_text(blocks: Iterable[Block], columns: int) -> str:
    """The blocks as plain text (logs, previews): QR codes show as ``[QR: data]``."""
    out: list[str] = []
    for block in blocks:
        if isinstance(block, Line):
            width = columns // block.size
            text = block.text
            if block.align is Align.CENTER:
                text = text.center(width).rstrip()
            elif block.align is Align.RIGHT:
                text = text.rjust(width)
            out.append(text)
        elif isinstance(block, Rule):
            out.append(block.char * columns)
        elif isinstance(block, Qr):
            out.append(f"[QR: {block.data}]")
        else:
            out.extend([""] * block.lines)
    return "\n".join(out)
