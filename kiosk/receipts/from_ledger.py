"""Receipts from what the ledger holds: for reprints, and whenever the original is not at hand.

The receipt stored with ``Ledger.store_receipt`` (``receipt_to_dict``) is what was printed, so
it is preferred. Two things on it may be brought up to date: the language (``lang``; labels
only, the data stays as printed) and, for a payment, the confirmation state, which only moves
forward (``pending`` -> ``confirmed``) and is read from the outbox.

Without a stored receipt (or with an unreadable one) the receipt is built from ledger facts:

* the payment row: its confirmation content (PaymentID, InvoiceID, lines with their
  destination accounts -> beneficiaries), amount and fee, ``paid_at`` (the receipt's date,
  in the terminal's time zone, so the verification code is the same on every rebuild);
* the outbox entry: ``confirmed`` or "accepted, confirmation pending";
* the session: its card credits' ``detail`` (``masked_pan``, ``approval_code``,
  ``terminal_id``, ``trace``, ``rrn``, ``receipt_lines`` as newline-separated text) and the
  vouchers issued in it (the change);
* the session's latest intent (``Ledger.intent``) when it is for the same order; its ``data``
  may carry ``order`` (an object in the ``kiosk order --json`` shape, see
  ``kiosk.commands.order.order_to_json``, or an ``Order`` in the runtime's tagged JSON form),
  ``language``, ``service_name``, ``payer_name``, ``payer_id``. Without it the receipt says
  that the Reason was not kept.

"Amount inserted" is what the settlement kept of the payer's money: the payment, its fee and
the vouchers issued in the same session (when the session holds this payment only). Credits
are not simply summed, because a card approval that was reversed stays a credit in the
journal although the payer was not charged.

Raises ``ReceiptNotFound`` (a ``LookupError``) when the ledger knows nothing under the key.
"""

from __future__ import annotations

import dataclasses
import logging
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, TypeVar
from zoneinfo import ZoneInfo

from kiosk.i18n import LANGUAGES, t
from kiosk.ledger.errors import UnknownEntry, VoucherRefused
from kiosk.mpay.models import Order, OrderLine, PaymentAccount
from kiosk.receipts.builder import payment_receipt, settings_from_config, voucher_receipt
from kiosk.receipts.model import (
    CardSlip,
    CollectionReceipt,
    ConfirmationState,
    IssuedVoucher,
    PaymentMethod,
    PaymentReceipt,
    Receipt,
    ReceiptDataError,
    VoucherCause,
    VoucherReceipt,
    receipt_from_dict,
)

if TYPE_CHECKING:
    from kiosk.config import Config
    from kiosk.ledger import Ledger
    from kiosk.ledger.records import Credit, Payment, SessionIntent, Voucher

__all__ = [
    "ReceiptNotFound",
    "payment_receipt_for",
    "voucher_receipt_for",
    "receipt_for",
    "last_receipt_for",
    "receipt_key",
]

log = logging.getLogger(__name__)

#: Voucher reasons in the ledger (``IssueVoucher.reason``) -> what the voucher receipt says.
VOUCHER_CAUSES = {
    "change": VoucherCause.OVERPAYMENT,
    "overpayment": VoucherCause.OVERPAYMENT,
    "give_up": VoucherCause.CANCELLED,
    "cancelled": VoucherCause.CANCELLED,
    "timeout": VoucherCause.CANCELLED,
}
_CARD_FIELDS = ("approval_code", "terminal_id", "trace", "rrn")
_R = TypeVar("_R", PaymentReceipt, VoucherReceipt, CollectionReceipt)


class ReceiptNotFound(LookupError):
    """The ledger has no payment, voucher or stored receipt under this key."""


# ------------------------------------------------------------------ public API


def payment_receipt_for(
    ledger: Ledger,
    config: Config,
    payment_id: str,
    *,
    lang: str | None = None,
    verification_key: bytes | None = None,
) -> PaymentReceipt:
    """The payment's receipt: the stored one (confirmation state brought up to date), else
    one built from the ledger (see the module docstring). ``lang`` None: as stored, else the
    session's language, else the configured default. Raises ReceiptNotFound."""
    stored = _stored(ledger, payment_id, PaymentReceipt)
    try:
        payment = ledger.payment(payment_id)
    except UnknownEntry:
        if stored is None:
            raise ReceiptNotFound(f"no payment {payment_id!r}") from None
        return _relabel(stored, lang)
    confirmed = _confirmed(ledger, payment_id)
    if stored is not None:
        if confirmed and stored.confirmation is not ConfirmationState.CONFIRMED:
            stored = dataclasses.replace(stored, confirmation=ConfirmationState.CONFIRMED)
        return _relabel(stored, lang)
    return _build_payment(ledger, config, payment, confirmed, lang, verification_key)


def voucher_receipt_for(
    ledger: Ledger,
    config: Config,
    code: str,
    *,
    lang: str | None = None,
    verification_key: bytes | None = None,
) -> VoucherReceipt:
    """The credit voucher's receipt (``code`` as typed: case, spaces, dashes ignored): the
    stored one, else one built from the ledger. Raises ReceiptNotFound."""
    voucher = _voucher(ledger, code)
    keys = [code] if voucher is None else [code, voucher.code, voucher.display_code]
    for key in dict.fromkeys(keys):
        stored = _stored(ledger, key, VoucherReceipt)
        if stored is not None:
            return _relabel(stored, lang)
    if voucher is None:
        raise ReceiptNotFound(f"no voucher {code!r}")
    return _build_voucher(ledger, config, voucher, lang, verification_key)


def receipt_for(
    ledger: Ledger,
    config: Config,
    key: str,
    *,
    lang: str | None = None,
    verification_key: bytes | None = None,
) -> Receipt:
    """The receipt for a PaymentID, a voucher code or any other stored receipt's key.
    Raises ReceiptNotFound."""
    kwargs: dict[str, Any] = {"lang": lang, "verification_key": verification_key}
    key = key.strip()
    try:
        return payment_receipt_for(ledger, config, key, **kwargs)
    except ReceiptNotFound:
        pass
    try:
        return voucher_receipt_for(ledger, config, key, **kwargs)
    except ReceiptNotFound:
        pass
    stored = _stored(ledger, key, CollectionReceipt)
    if stored is None:
        raise ReceiptNotFound(f"no payment, voucher or receipt {key!r}")
    return _relabel(stored, lang)


def last_receipt_for(
    ledger: Ledger,
    config: Config,
    *,
    lang: str | None = None,
    verification_key: bytes | None = None,
) -> Receipt:
    """The most recently stored receipt (as ``receipt_for`` gives it). Raises ReceiptNotFound."""
    last = ledger.last_receipt()
    if last is None:
        raise ReceiptNotFound("no receipt has been stored yet")
    return receipt_for(ledger, config, last.key, lang=lang, verification_key=verification_key)


def receipt_key(receipt: Receipt) -> str:
    """What identifies a receipt: the PaymentID, the voucher code, or the receipt number."""
    if isinstance(receipt, PaymentReceipt):
        return receipt.payment_id
    if isinstance(receipt, VoucherReceipt):
        return receipt.voucher.code
    return receipt.number


# ------------------------------------------------------------------ stored receipts


def _stored(ledger: Ledger, key: str, cls: type[_R]) -> _R | None:
    data = ledger.receipt(key)
    if data is None:
        return None
    try:
        receipt = receipt_from_dict(data)
    except ReceiptDataError as exc:
        log.warning("stored receipt %s is unreadable (%s): building it from the ledger", key, exc)
        return None
    return receipt if isinstance(receipt, cls) else None


def _relabel(receipt: _R, lang: str | None) -> _R:
    if lang is None or lang == receipt.lang:
        return receipt
    return dataclasses.replace(receipt, lang=lang)


# ------------------------------------------------------------------ built from the ledger


def _confirmed(ledger: Ledger, payment_id: str) -> bool:
    try:
        return ledger.outbox_entry(payment_id).status == "confirmed"
    except UnknownEntry:
        return False


def _voucher(ledger: Ledger, code: str) -> Voucher | None:
    try:
        return ledger.voucher(code)
    except VoucherRefused:  # not a voucher code at all
        return None


def _zone(config: Config) -> ZoneInfo:
    return ZoneInfo(config.terminal.timezone)


def _language(lang: str | None, intent: SessionIntent | None, config: Config) -> str:
    if lang is not None:
        return lang
    if intent is not None:
        for name in ("language", "lang"):
            value = intent.data.get(name)
            if value in LANGUAGES:
                return str(value)
    return config.ui.default_language


def _service_name(config: Config, service_id: str, lang: str, intent: SessionIntent | None) -> str:
    for service in config.services:
        if service.service_id == service_id and service.names:
            return service.names.get(lang) or next(iter(service.names.values()))
    if intent is not None:
        name = intent.data.get("service_name")
        if isinstance(name, dict):
            name = name.get(lang) or next(iter(name.values()), None)
        if isinstance(name, str) and name.strip():
            return name
    return service_id


def _intent_for(ledger: Ledger, payment: Payment) -> SessionIntent | None:
    intent = ledger.intent(payment.session_id)
    if intent is None:
        return None
    if (intent.service_id, intent.order_key) != (payment.service_id, payment.order_key):
        return None  # the session went on to another order: its data is not this payment's
    return intent


def _decimal(value: Any) -> Decimal | None:
    if value is None:
        return None
    return Decimal(str(value))


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _untag(value: Any) -> Any:
    """Plain JSON from the runtime's tagged intent codec (``{"__dc__": "Order", ...}``,
    ``{"__dec__": "9267.00"}``, ``{"__tuple__": [...]}``); plain JSON passes unchanged. The
    dataclass fields have the ``kiosk order --json`` names, so both shapes read alike."""
    if isinstance(value, dict):
        for tag in ("__dec__", "__dt__", "__tuple__", "__map__"):
            if tag in value:
                return _untag(value[tag])
        return {k: _untag(v) for k, v in value.items() if k != "__dc__"}
    if isinstance(value, list | tuple):
        return [_untag(v) for v in value]
    return value


def _order_from_data(raw: Any, payment: Payment) -> Order | None:
    """An ``Order`` from a ``kiosk order --json`` object (or the runtime's tagged form of an
    ``Order``), or None if it is not one for this payment's order."""
    data = _untag(raw)
    if not isinstance(data, dict):
        return None
    if (data.get("service_id"), data.get("order_key")) != (payment.service_id, payment.order_key):
        return None
    try:
        lines = []
        for line in data.get("lines") or ():
            acc = line.get("destination_account")
            lines.append(
                OrderLine(
                    line_id=str(line["line_id"]),
                    reason=str(line.get("reason") or ""),
                    amount_due=_decimal(line.get("amount_due")),
                    destination_account=None
                    if not isinstance(acc, dict)
                    else PaymentAccount(
                        bank_code=_text(acc.get("bank_code")),
                        bank_account=_text(acc.get("bank_account")),
                        bank_fiscal_code=_text(acc.get("bank_fiscal_code")),
                        beneficiary_name=_text(acc.get("beneficiary_name")),
                        configuration_code=_text(acc.get("configuration_code")),
                    ),
                )
            )
        return Order(
            service_id=payment.service_id,
            order_key=payment.order_key,
            status=str(data.get("status") or ""),
            reason=str(data.get("reason") or ""),
            currency=str(data.get("currency") or payment.currency),
            total_amount_due=_decimal(data.get("total_amount_due")),
            customer_id=_text(data.get("customer_id")),
            customer_name=_text(data.get("customer_name")),
            lines=tuple(lines),
        )
    except (KeyError, TypeError, AttributeError, ValueError, InvalidOperation) as exc:
        log.warning("order data kept for %s is unreadable: %s", payment.payment_id, exc)
        return None


def _card_slip(credits: list[Credit]) -> CardSlip | None:
    cards = [c for c in credits if c.source == "card"]
    if not cards:
        return None
    detail = cards[-1].detail
    pan = _text(detail.get("masked_pan"))
    if pan is None:
        return None
    values = {name: str(detail[name]) if detail.get(name) not in (None, "") else None
              for name in _CARD_FIELDS}
    lines = detail.get("receipt_lines")
    try:
        return CardSlip(
            masked_pan=pan,
            amount=sum(c.amount for c in cards),
            lines=tuple(str(x) for x in lines.splitlines()) if isinstance(lines, str) else (),
            **values,
        )
    except ReceiptDataError as exc:  # not masked: print no card data rather than too much
        log.warning("card data of %s left off the receipt: %s", cards[-1].ref, exc)
        return None


def _method(credits: list[Credit]) -> PaymentMethod:
    sources = {c.source for c in credits}
    if "card" in sources:
        return PaymentMethod.MIXED if sources - {"card"} else PaymentMethod.CARD
    return PaymentMethod.CASH


def _build_payment(
    ledger: Ledger,
    config: Config,
    payment: Payment,
    confirmed: bool,
    lang: str | None,
    verification_key: bytes | None,
) -> PaymentReceipt:
    intent = _intent_for(ledger, payment)
    language = _language(lang, intent, config)
    data = intent.data if intent is not None else {}
    order = _order_from_data(data.get("order"), payment)
    if order is None or not order.reason.strip():
        reason = _text(data.get("reason")) or t("receipt.reason_not_kept", language)
        if order is None:
            order = Order(
                service_id=payment.service_id,
                order_key=payment.order_key,
                status="",
                reason=reason,
                currency=payment.currency,
            )
        else:
            order = dataclasses.replace(order, reason=reason)
    credits = ledger.credits(payment.session_id)
    session_payments = ledger.payments(payment.session_id)
    vouchers = [v for v in ledger.vouchers() if v.session_id == payment.session_id]
    inserted = payment.amount + payment.fee
    change: IssuedVoucher | None = None
    if len(session_payments) == 1:
        inserted += sum(v.amount for v in vouchers)
        if vouchers:
            v = next((v for v in vouchers if v.reason == "change"), vouchers[0])
            change = IssuedVoucher(code=v.display_code, amount=v.amount)
    issued_at = payment.confirmation.paid_at.astimezone(_zone(config))
    return payment_receipt(
        settings_from_config(config, verification_key=verification_key),
        lang=language,
        number=_number(payment.payment_id),
        issued_at=issued_at,
        order=order,
        confirmation=payment.confirmation,
        service_name=_service_name(config, payment.service_id, language, intent),
        amount_inserted=inserted,
        fee=payment.fee,
        confirmed=confirmed,
        method=_method(credits),
        voucher=change,
        card=_card_slip(credits),
        payer_name=_text(data.get("payer_name")),
        payer_id=_text(data.get("payer_id")),
    )


def _number(payment_id: str) -> str:
    """The receipt number of a rebuilt receipt: the PaymentID's ``<epoch>-<sequence>``."""
    return "-".join(payment_id.rsplit("-", 2)[-2:])


def _build_voucher(
    ledger: Ledger,
    config: Config,
    voucher: Voucher,
    lang: str | None,
    verification_key: bytes | None,
) -> VoucherReceipt:
    intent = ledger.intent(voucher.session_id)
    language = _language(lang, intent, config)
    payments = ledger.payments(voucher.session_id)
    issued = datetime.fromisoformat(voucher.issued_at.replace("Z", "+00:00"))
    if issued.tzinfo is None:
        issued = issued.replace(tzinfo=UTC)
    return voucher_receipt(
        settings_from_config(config, verification_key=verification_key),
        lang=language,
        number=voucher.display_code,
        issued_at=issued.astimezone(_zone(config)).replace(microsecond=0),
        code=voucher.display_code,
        amount=voucher.amount,
        cause=VOUCHER_CAUSES.get(voucher.reason, VoucherCause.FAILED),
        payment_id=payments[-1].payment_id if payments else None,
    )
