"""Build receipts from what the kiosk knows: the order, the payment, the configuration.

Masking happens here, once: with ``mask_payer`` the payer's name keeps each word's first letter
and their IDNP/IDNO its last four digits, so the stored receipt data holds no more than the
paper does. The verification code is computed here too (``verification``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from kiosk.money import from_decimal
from kiosk.mpay.models import Order, PaymentAccount, PaymentConfirmation
from kiosk.receipts.model import (
    Beneficiary,
    CardSlip,
    CollectionReceipt,
    ConfirmationState,
    DenominationCount,
    IssuedVoucher,
    Issuer,
    PaymentMethod,
    PaymentReceipt,
    VoucherCause,
    VoucherReceipt,
)
from kiosk.receipts.verification import verification_code

__all__ = [
    "ReceiptSettings",
    "settings_from_config",
    "mask_name",
    "mask_id",
    "payment_receipt",
    "voucher_receipt",
    "collection_receipt",
]


@dataclass(frozen=True, slots=True, kw_only=True)
class ReceiptSettings:
    issuer: Issuer
    mask_payer: bool = True
    verification_key: bytes | None = None


def settings_from_config(config: Any, *, verification_key: bytes | None = None) -> ReceiptSettings:
    """Settings from a ``kiosk.config.Config`` (its ``terminal`` and ``printer`` sections)."""
    terminal = config.terminal
    return ReceiptSettings(
        issuer=Issuer(
            operator_name=terminal.operator_name,
            operator_idno=terminal.operator_idno,
            terminal_id=terminal.id,
            terminal_address=terminal.address,
            support_phone=terminal.support_phone,
            licence=getattr(terminal, "licence", None),
        ),
        mask_payer=config.printer.mask_payer,
        verification_key=verification_key,
    )


def mask_name(name: str) -> str:
    """ "Popescu Ion" -> "P****** I**": enough for the payer to recognise, not to identify."""
    return " ".join(w[:1] + "*" * (len(w) - 1) for w in name.split())


def mask_id(value: str) -> str:
    """ "2006022048426" -> "*********8426"."""
    value = value.strip()
    if len(value) <= 4:
        return "*" * len(value)
    return "*" * (len(value) - 4) + value[-4:]


def _beneficiaries(
    order: Order, confirmation: PaymentConfirmation | None
) -> tuple[Beneficiary, ...]:
    accounts: dict[str, PaymentAccount | None] = {
        line.line_id: line.destination_account for line in order.lines
    }
    out: list[Beneficiary] = []
    if confirmation is not None and confirmation.lines:
        for cline in confirmation.lines:
            account = cline.destination_account or accounts.get(cline.line_id)
            if account is None or not account.beneficiary_name:
                continue
            out.append(_beneficiary(account, from_decimal(cline.amount)))
    else:
        for line in order.lines:
            if line.destination_account and line.destination_account.beneficiary_name:
                amount = from_decimal(line.amount_due) if line.amount_due is not None else None
                out.append(_beneficiary(line.destination_account, amount))
    # the same account named by several lines is printed once
    unique: dict[tuple[str, str | None, str | None], Beneficiary] = {}
    for b in out:
        key = (b.name, b.fiscal_code, b.iban)
        prev = unique.get(key)
        if prev is None:
            unique[key] = b
        elif prev.amount is not None and b.amount is not None:
            unique[key] = Beneficiary(
                name=b.name, fiscal_code=b.fiscal_code, iban=b.iban, amount=prev.amount + b.amount
            )
    return tuple(unique.values())


def _beneficiary(account: PaymentAccount, amount: int | None) -> Beneficiary:
    return Beneficiary(
        name=account.beneficiary_name or "",
        fiscal_code=account.bank_fiscal_code,
        iban=account.bank_account,
        amount=amount,
    )


def payment_receipt(
    settings: ReceiptSettings,
    *,
    lang: str,
    number: str,
    issued_at: datetime,
    order: Order,
    confirmation: PaymentConfirmation,
    service_name: str,
    amount_inserted: int,
    fee: int = 0,
    confirmed: bool,
    method: PaymentMethod = PaymentMethod.CASH,
    voucher: IssuedVoucher | None = None,
    card: CardSlip | None = None,
    payer_name: str | None = None,
    payer_id: str | None = None,
) -> PaymentReceipt:
    """The payer's receipt. ``payer_name``/``payer_id`` default to the order's customer."""
    applied = from_decimal(confirmation.total_amount)
    name = payer_name if payer_name is not None else order.customer_name
    pid = payer_id if payer_id is not None else order.customer_id
    if settings.mask_payer:
        name = mask_name(name) if name else name
        pid = mask_id(pid) if pid else pid
    code = verification_code(
        reference=confirmation.payment_id,
        terminal_id=settings.issuer.terminal_id,
        amount=applied,
        issued_at=issued_at,
        key=settings.verification_key,
    )
    return PaymentReceipt(
        lang=lang,
        number=number,
        issued_at=issued_at,
        issuer=settings.issuer,
        payment_id=confirmation.payment_id,
        invoice_id=confirmation.invoice_id,
        service_name=service_name,
        service_id=order.service_id,
        order_key=order.order_key,
        reason=order.reason,
        beneficiaries=_beneficiaries(order, confirmation),
        payer_name=name or None,
        payer_id=pid or None,
        amount_due=(
            from_decimal(order.total_amount_due) if order.total_amount_due is not None else None
        ),
        amount_inserted=amount_inserted,
        amount_applied=applied,
        fee=fee,
        voucher=voucher,
        confirmation=ConfirmationState.CONFIRMED if confirmed else ConfirmationState.PENDING,
        method=method,
        card=card,
        verification=code,
    )


def voucher_receipt(
    settings: ReceiptSettings,
    *,
    lang: str,
    number: str,
    issued_at: datetime,
    code: str,
    amount: int,
    cause: VoucherCause,
    expires_on: date | None = None,
    payment_id: str | None = None,
) -> VoucherReceipt:
    voucher = IssuedVoucher(code=code, amount=amount, expires_on=expires_on)
    return VoucherReceipt(
        lang=lang,
        number=number,
        issued_at=issued_at,
        issuer=settings.issuer,
        voucher=voucher,
        cause=cause,
        payment_id=payment_id,
        verification=verification_code(
            reference=code,
            terminal_id=settings.issuer.terminal_id,
            amount=amount,
            issued_at=issued_at,
            key=settings.verification_key,
        ),
    )


def collection_receipt(
    settings: ReceiptSettings,
    *,
    lang: str,
    number: str,
    issued_at: datetime,
    counts: dict[tuple[str, int], int],
    expected_total: int,
    technician: str | None = None,
    period_start: datetime | None = None,
) -> CollectionReceipt:
    """``counts`` maps (``"bill"``/``"coin"``, value in bani) to the number of pieces."""
    return CollectionReceipt(
        lang=lang,
        number=number,
        issued_at=issued_at,
        issuer=settings.issuer,
        counts=tuple(
            DenominationCount(kind=kind, value=value, count=n)
            for (kind, value), n in sorted(counts.items())
        ),
        expected_total=expected_total,
        technician=technician,
        period_start=period_start,
    )
