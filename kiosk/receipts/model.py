"""What a receipt says, as frozen dataclasses that survive a JSON round trip unchanged.

The runtime stores ``receipt_to_dict(receipt)`` in the ledger; ``receipt_from_dict`` gives the
same receipt back, and rendering it again gives the same bytes. A reprint is that receipt with
``duplicate=True`` (``as_duplicate``): the same content under a "COPIE / КОПИЯ / DUPLICATE"
line, so paper that is not the original says so. So a receipt holds
exactly what is printed: the payer's name and id are masked *before* they get here (per the
``mask_payer`` setting, in ``builder``), and the verification code is computed once, when the
receipt is built.

Amounts are int bani; date-times are local, timezone-aware where known. Three kinds:
``PaymentReceipt`` (the payer's proof), ``VoucherReceipt`` (a credit voucher for money that
could not be applied) and ``CollectionReceipt`` (the technician's cash collection report).
"""

from __future__ import annotations

import dataclasses
import types
import typing
from dataclasses import MISSING, dataclass, fields, is_dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any, ClassVar, Union

__all__ = [
    "SCHEMA_VERSION",
    "ReceiptDataError",
    "ReceiptKind",
    "ConfirmationState",
    "PaymentMethod",
    "VoucherCause",
    "Issuer",
    "Beneficiary",
    "CardSlip",
    "IssuedVoucher",
    "DenominationCount",
    "PaymentReceipt",
    "VoucherReceipt",
    "CollectionReceipt",
    "Receipt",
    "receipt_to_dict",
    "receipt_from_dict",
    "as_duplicate",
]

SCHEMA_VERSION = 1
LANGUAGES = ("ro", "ru", "en")


class ReceiptDataError(ValueError):
    """Stored or given receipt data that does not describe a valid receipt."""


class ReceiptKind(StrEnum):
    PAYMENT = "payment"
    VOUCHER = "voucher"
    COLLECTION = "collection"


class ConfirmationState(StrEnum):
    CONFIRMED = "confirmed"  # MPay accepted ConfirmOrderPayment
    PENDING = "pending"  # accepted by the terminal, confirmation still being delivered


class PaymentMethod(StrEnum):
    CASH = "cash"
    CARD = "card"
    MIXED = "mixed"


class VoucherCause(StrEnum):
    OVERPAYMENT = "overpayment"
    CANCELLED = "cancelled"
    FAILED = "failed"


@dataclass(frozen=True, slots=True, kw_only=True)
class Issuer:
    """The payment operator and the terminal: printed at the top of every receipt."""

    operator_name: str
    operator_idno: str
    terminal_id: str
    terminal_address: str
    support_phone: str
    licence: str | None = None  # BNM licence, if the operator wants it printed


@dataclass(frozen=True, slots=True, kw_only=True)
class Beneficiary:
    """From an order line's DestinationAccount; ``amount`` when the order splits the payment."""

    name: str
    fiscal_code: str | None = None
    iban: str | None = None
    amount: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class CardSlip:
    """What the card terminal reported; the PAN is masked by the terminal, never in clear."""

    masked_pan: str
    approval_code: str | None = None
    terminal_id: str | None = None
    trace: str | None = None
    rrn: str | None = None
    amount: int | None = None
    lines: tuple[str, ...] = ()  # receipt lines returned by the card terminal, printed as is

    def __post_init__(self) -> None:
        digits = [c for c in self.masked_pan if c.isdigit()]
        if len(digits) > 10:  # first 6 + last 4 is the most any receipt may show
            raise ReceiptDataError("card number is not masked")


@dataclass(frozen=True, slots=True, kw_only=True)
class IssuedVoucher:
    code: str
    amount: int
    expires_on: date | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class DenominationCount:
    kind: str  # "bill" or "coin"
    value: int  # bani
    count: int

    @property
    def total(self) -> int:
        return self.value * self.count

    def __post_init__(self) -> None:
        if self.kind not in ("bill", "coin"):
            raise ReceiptDataError(f"denomination kind must be bill or coin, not {self.kind!r}")


@dataclass(frozen=True, slots=True, kw_only=True)
class PaymentReceipt:
    kind: ClassVar[ReceiptKind] = ReceiptKind.PAYMENT

    lang: str
    number: str
    issued_at: datetime
    issuer: Issuer
    payment_id: str
    service_name: str
    service_id: str
    order_key: str
    reason: str
    amount_inserted: int
    amount_applied: int
    confirmation: ConfirmationState
    verification: str
    method: PaymentMethod = PaymentMethod.CASH
    invoice_id: str | None = None
    beneficiaries: tuple[Beneficiary, ...] = ()
    payer_name: str | None = None
    payer_id: str | None = None
    amount_due: int | None = None
    fee: int = 0
    voucher: IssuedVoucher | None = None
    card: CardSlip | None = None
    duplicate: bool = False  # a reprint: printed with the copy marker

    def __post_init__(self) -> None:
        _check(self)
        if not self.reason.strip():
            raise ReceiptDataError("a terminal receipt needs the order's Reason")


@dataclass(frozen=True, slots=True, kw_only=True)
class VoucherReceipt:
    kind: ClassVar[ReceiptKind] = ReceiptKind.VOUCHER

    lang: str
    number: str
    issued_at: datetime
    issuer: Issuer
    voucher: IssuedVoucher
    cause: VoucherCause
    verification: str
    payment_id: str | None = None  # the payment (or session) the voucher came from
    duplicate: bool = False  # a reprint: printed with the copy marker

    def __post_init__(self) -> None:
        _check(self)


@dataclass(frozen=True, slots=True, kw_only=True)
class CollectionReceipt:
    kind: ClassVar[ReceiptKind] = ReceiptKind.COLLECTION

    lang: str
    number: str
    issued_at: datetime
    issuer: Issuer
    counts: tuple[DenominationCount, ...]
    expected_total: int
    technician: str | None = None
    period_start: datetime | None = None
    duplicate: bool = False  # a reprint: printed with the copy marker

    @property
    def counted_total(self) -> int:
        return sum(c.total for c in self.counts)

    def __post_init__(self) -> None:
        _check(self)


Receipt = PaymentReceipt | VoucherReceipt | CollectionReceipt
_CLASSES: dict[str, type[PaymentReceipt] | type[VoucherReceipt] | type[CollectionReceipt]] = {
    ReceiptKind.PAYMENT.value: PaymentReceipt,
    ReceiptKind.VOUCHER.value: VoucherReceipt,
    ReceiptKind.COLLECTION.value: CollectionReceipt,
}

_AMOUNT_FIELDS = frozenset(
    {"amount", "amount_due", "amount_inserted", "amount_applied", "fee", "expected_total"}
)


def _check(obj: Any) -> None:
    """Field checks shared by the receipt classes: language, amounts as non-negative ints."""
    if obj.lang not in LANGUAGES:
        raise ReceiptDataError(f"receipt language must be one of {LANGUAGES}, not {obj.lang!r}")
    _check_amounts(obj)


def _check_amounts(obj: Any) -> None:
    for f in fields(obj):
        value = getattr(obj, f.name)
        if f.name in _AMOUNT_FIELDS or f.name in ("value", "count"):
            if value is None:
                continue
            if isinstance(value, bool) or not isinstance(value, int):
                raise ReceiptDataError(f"{f.name} must be an int of bani, not {value!r}")
            if value < 0:
                raise ReceiptDataError(f"{f.name} must not be negative")
        elif is_dataclass(value):
            _check_amounts(value)
        elif isinstance(value, tuple):
            for item in value:
                if is_dataclass(item):
                    _check_amounts(item)


def as_duplicate(receipt: Receipt) -> Receipt:
    """The same receipt marked as a copy (what a reprint prints)."""
    return dataclasses.replace(receipt, duplicate=True)


# ------------------------------------------------------------------------ JSON codec


def receipt_to_dict(receipt: Receipt) -> dict[str, Any]:
    """Plain JSON-ready data: ``{"version": 1, "kind": "payment", ...}``."""
    data = _encode(receipt)
    assert isinstance(data, dict)
    return {"version": SCHEMA_VERSION, "kind": receipt.kind.value, **data}


def receipt_from_dict(data: Any) -> Receipt:
    """Inverse of receipt_to_dict. Raises ReceiptDataError naming the bad field."""
    if not isinstance(data, dict):
        raise ReceiptDataError("receipt data must be an object")
    version = data.get("version")
    if version != SCHEMA_VERSION:
        raise ReceiptDataError(f"unsupported receipt data version {version!r}")
    cls = _CLASSES.get(str(data.get("kind")))
    if cls is None:
        raise ReceiptDataError(f"unknown receipt kind {data.get('kind')!r}")
    body = {k: v for k, v in data.items() if k not in ("version", "kind")}
    result = _decode(cls, body, "receipt")
    assert isinstance(result, PaymentReceipt | VoucherReceipt | CollectionReceipt)
    return result


def _encode(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: _encode(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, tuple):
        return [_encode(v) for v in value]
    return value


_HINTS: dict[type, dict[str, Any]] = {}


def _hints(cls: type) -> dict[str, Any]:
    if cls not in _HINTS:
        _HINTS[cls] = typing.get_type_hints(cls)
    return _HINTS[cls]


def _decode(tp: Any, value: Any, where: str) -> Any:
    origin = typing.get_origin(tp)
    if origin in (Union, types.UnionType):
        args = typing.get_args(tp)
        if value is None and type(None) in args:
            return None
        inner = [a for a in args if a is not type(None)]
        return _decode(inner[0], value, where)
    if origin is tuple:
        item_type = typing.get_args(tp)[0]
        if not isinstance(value, list | tuple):
            raise ReceiptDataError(f"{where} must be a list")
        return tuple(_decode(item_type, v, f"{where}[{i}]") for i, v in enumerate(value))
    if isinstance(tp, type) and is_dataclass(tp):
        if not isinstance(value, dict):
            raise ReceiptDataError(f"{where} must be an object")
        hints = _hints(tp)
        known = {f.name for f in fields(tp)}
        unknown = set(value) - known
        if unknown:
            raise ReceiptDataError(f"{where}: unknown field(s) {sorted(unknown)}")
        kwargs = {}
        for f in fields(tp):
            if f.name not in value:
                if f.default is MISSING and f.default_factory is MISSING:
                    raise ReceiptDataError(f"{where}.{f.name} is missing")
                continue
            kwargs[f.name] = _decode(hints[f.name], value[f.name], f"{where}.{f.name}")
        try:
            return tp(**kwargs)
        except ReceiptDataError as exc:
            raise ReceiptDataError(f"{where}: {exc}") from None
    if isinstance(tp, type) and issubclass(tp, StrEnum):
        try:
            return tp(value)
        except ValueError:
            raise ReceiptDataError(f"{where}: {value!r} is not one of {[m.value for m in tp]}")
    if tp is datetime or tp is date:
        if not isinstance(value, str):
            raise ReceiptDataError(f"{where} must be an ISO date string")
        try:
            return tp.fromisoformat(value)
        except ValueError:
            raise ReceiptDataError(f"{where}: {value!r} is not an ISO date")
    if tp is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ReceiptDataError(f"{where} must be an integer")
        return value
    if tp is str:
        if not isinstance(value, str):
            raise ReceiptDataError(f"{where} must be text")
        return value
    if tp is bool:
        if not isinstance(value, bool):
            raise ReceiptDataError(f"{where} must be true or false")
        return value
    raise ReceiptDataError(f"{where}: cannot decode type {tp!r}")  # pragma: no cover
