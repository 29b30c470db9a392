"""Which payer-facing message (an i18n key in ``kiosk/i18n/mpay.json``) fits an MPay error.

Texts never expose technical detail to the payer; the log and the technician screens carry the
exception's own message. ``status_key`` names an order status for display.
"""

from __future__ import annotations

from kiosk.mpay.errors import (
    AuthFailed,
    InternalError,
    InvalidParameter,
    InvoiceAlreadyPaid,
    InvoiceExpired,
    MpayConfigError,
    MpayConnectionError,
    MpayError,
    MpayHttpError,
    MpayProtocolError,
    MpayRequestError,
    MpaySignatureError,
    MpayTimeout,
    UnknownInvoice,
    UnknownOrder,
    UnknownPayment,
    UnknownService,
)
from kiosk.mpay.mapping import normalize_status

__all__ = ["payer_message_key", "status_key"]

# Most specific first: the first isinstance match wins.
_KEYS: tuple[tuple[type[BaseException], str], ...] = (
    (MpayTimeout, "mpay.error.timeout"),
    (MpayConnectionError, "mpay.error.unreachable"),
    (MpayHttpError, "mpay.error.server"),
    (MpaySignatureError, "mpay.error.security"),
    (MpayProtocolError, "mpay.error.protocol"),
    (UnknownOrder, "mpay.error.unknown_order"),
    (UnknownService, "mpay.error.unknown_service"),
    (InvalidParameter, "mpay.error.invalid_parameter"),
    (InvoiceExpired, "mpay.error.expired"),
    (InvoiceAlreadyPaid, "mpay.error.already_paid"),
    (UnknownInvoice, "mpay.error.unknown_payment"),
    (UnknownPayment, "mpay.error.unknown_payment"),
    (AuthFailed, "mpay.error.auth"),
    (InternalError, "mpay.error.internal"),
    (MpayConfigError, "mpay.error.config"),
    (MpayRequestError, "mpay.error.request"),
    (MpayError, "mpay.error.generic"),
)

_STATUS = {
    "Active": "mpay.status.active",
    "PartiallyPaid": "mpay.status.partially_paid",
    "Paid": "mpay.status.paid",
    "Completed": "mpay.status.completed",
    "Expired": "mpay.status.expired",
    "Cancelled": "mpay.status.cancelled",
    "Refunding": "mpay.status.refunding",
    "Refunded": "mpay.status.refunded",
}


def payer_message_key(exc: BaseException) -> str:
    """The i18n key of the payer message for ``exc`` (``mpay.error.generic`` for anything else)."""
    for cls, key in _KEYS:
        if isinstance(exc, cls):
            return key
    return "mpay.error.generic"


def status_key(status: str) -> str:
    """The i18n key naming an order status (``Canceled`` included); unknown statuses too."""
    return _STATUS.get(normalize_status(status), "mpay.status.unknown")
