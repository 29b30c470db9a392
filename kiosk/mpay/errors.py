"""Errors of the MPay boundary. zeep/requests/lxml exceptions are mapped here once.

::

    MpayError                      .retryable  .needs_technician
    ├── MpayUnavailable             yes         no     (base for the transport failures)
    │   ├── MpayTimeout             yes         no
    │   ├── MpayConnectionError     yes         no
    │   └── MpayHttpError           yes         no     (HTTP 5xx or other non-SOAP status)
    ├── MpayProtocolError           yes         yes    (malformed/hostile XML, oversize reply)
    │   └── MpaySignatureError      yes         yes    (reply signature or timestamp invalid)
    ├── MpayFault                   by code            (a SOAP fault; .code is the local name)
    │   ├── UnknownService          no          yes
    │   ├── UnknownOrder            no          no
    │   ├── InvalidParameter        no          no
    │   ├── InvoiceExpired          no          no
    │   ├── InvoiceAlreadyPaid      no          no     (invoice-level codes, mapped defensively)
    │   ├── UnknownInvoice          no          no
    │   ├── UnknownPayment          no          no     (also the documented typo UknownPayment)
    │   ├── AuthFailed              yes         yes    (AuthenticationFailed/AuthorizationFailed)
    │   └── InternalError           yes         no     (also any unknown code: retry later)
    ├── MpayConfigError             no          yes    (unreadable certificate/key, bad settings)
    └── MpayRequestError            no          yes    (our request could not be built: a bug)

``retryable`` tells the outbox whether to try again later; a non-retryable fault on a confirm
parks the entry for a technician (money was taken: it is never dropped).

Errors raised by ``MpayClient.confirm_order_payment`` after the request was sent carry
``.evidence`` (the signed request and whatever reply bytes arrived) for the message archive.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kiosk.mpay.models import Evidence

__all__ = [
    "MpayError",
    "MpayUnavailable",
    "MpayTimeout",
    "MpayConnectionError",
    "MpayHttpError",
    "MpayProtocolError",
    "MpaySignatureError",
    "MpayFault",
    "UnknownService",
    "UnknownOrder",
    "InvalidParameter",
    "InvoiceExpired",
    "AuthFailed",
    "InternalError",
    "InvoiceAlreadyPaid",
    "UnknownInvoice",
    "UnknownPayment",
    "KNOWN_FAULT_CODES",
    "MpayConfigError",
    "MpayRequestError",
    "fault_from_code",
]


class MpayError(Exception):
    retryable = True
    needs_technician = False
    #: The exchange so far (signed request, raw reply if any); set by the client when known.
    evidence: Evidence | None = None


class MpayUnavailable(MpayError):
    pass


class MpayTimeout(MpayUnavailable):
    pass


class MpayConnectionError(MpayUnavailable):
    pass


class MpayHttpError(MpayUnavailable):
    def __init__(self, message: str, *, status: int) -> None:
        super().__init__(message)
        self.status = status


class MpayProtocolError(MpayError):
    needs_technician = True


class MpaySignatureError(MpayProtocolError):
    pass


class MpayFault(MpayError):
    """A SOAP fault. ``code`` is the faultcode's local name, ``message`` the faultstring."""

    def __init__(self, code: str, message: str = "") -> None:
        super().__init__(f"{code}: {message}" if message else code)
        self.code = code
        self.message = message


class UnknownService(MpayFault):
    retryable = False
    needs_technician = True


class UnknownOrder(MpayFault):
    retryable = False


class InvalidParameter(MpayFault):
    retryable = False


class InvoiceExpired(MpayFault):
    retryable = False


class AuthFailed(MpayFault):
    needs_technician = True


class InternalError(MpayFault):
    pass


class InvoiceAlreadyPaid(MpayFault):
    retryable = False


class UnknownInvoice(MpayFault):
    retryable = False


class UnknownPayment(MpayFault):
    retryable = False


class MpayConfigError(MpayError):
    """Settings that cannot work: unreadable or invalid certificate/key, bad endpoint."""

    retryable = False
    needs_technician = True


class MpayRequestError(MpayError):
    """Our own request could not be built from the data given (a bug, never the network)."""

    retryable = False
    needs_technician = True


_BY_CODE: dict[str, type[MpayFault]] = {
    "unknownservice": UnknownService,
    "unknownorder": UnknownOrder,
    "invalidparameter": InvalidParameter,
    "invoiceexpired": InvoiceExpired,
    "authenticationfailed": AuthFailed,
    "authorizationfailed": AuthFailed,
    "internalerror": InternalError,
    # Codes listed globally or used by real providers (specs/mpay.md 1.5, Q13):
    "invoicealreadypaid": InvoiceAlreadyPaid,
    "unknowninvoice": UnknownInvoice,
    "unknownpayment": UnknownPayment,
    "uknownpayment": UnknownPayment,  # sic, as documented
    "amountmismatch": InvalidParameter,  # WPV
    "invalidcurrency": InvalidParameter,  # WPV
    "invalidrequest": AuthFailed,  # openIMIS: bad signature or timestamp
}

#: Lower-case fault codes with a specific class (anything else is InternalError: retry later).
KNOWN_FAULT_CODES = frozenset(_BY_CODE)


def fault_from_code(code: str | None, message: str = "") -> MpayFault:
    """Map a faultcode (prefixed or not, any case) to our class; unknown codes retry later."""
    local = (code or "").rsplit(":", 1)[-1].strip() or "Unknown"
    cls = _BY_CODE.get(local.lower(), InternalError)
    return cls(local, message)
