"""``MpayClient``: the kiosk's side of IServiceProvider (the kiosk plays MPay's role).

One call = build (zeep, strict, our local WSDL) -> sign (WS-Security, ``wssec``) -> POST
(``transport``) -> parse (hardened lxml) -> verify the reply's signature against the pinned
certificate -> fault? -> prune/reorder/check (``schema``) -> read (zeep) -> our dataclasses
(``mapping``). zeep never touches the network, and its objects never leave this package.

Everything expensive is done once, in the constructor, and kept for the process's life: the
parsed WSDL (zeep client), the schema index, the loaded signing key and pinned certificate, the
TLS context and the kept-alive connection.

Thread safety: a client serves **one call at a time**. It is meant to be owned by one worker
thread (the lookup worker or the outbox worker); an internal lock makes accidental concurrent
use wait instead of corrupting the connection. Use one client per worker for parallelism.

Both operations raise only ``MpayError`` subclasses. Reply classification:

==========================================  ==========================================
HTTP status and body                        raised
==========================================  ==========================================
any status, SOAP Fault                      ``fault_from_code`` (after its signature
                                            is verified; an unsigned fault is accepted
                                            as a fault and logged)
200, signed SOAP reply                      the result
200, not XML / hostile / oversize           ``MpayProtocolError``
200, bad or missing signature/timestamp     ``MpaySignatureError``
non-200 without a SOAP Fault                ``MpayHttpError`` (``.status``)
no reply                                    ``MpayTimeout`` / ``MpayConnectionError``
==========================================  ==========================================
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from types import TracebackType
from typing import Any

import zeep
import zeep.exceptions
from lxml import etree

from kiosk.mpay.errors import (
    KNOWN_FAULT_CODES,
    MpayConfigError,
    MpayError,
    MpayFault,
    MpayHttpError,
    MpayProtocolError,
    MpayRequestError,
    fault_from_code,
)
from kiosk.mpay.mapping import confirmation_params, orders_from_result, query_params
from kiosk.mpay.models import Evidence, Order, PaymentConfirmation
from kiosk.mpay.schema import TNS, Schema, contract_path
from kiosk.mpay.settings import MpaySettings
from kiosk.mpay.transport import HttpReply, HttpTransport, make_ssl_context
from kiosk.mpay.wssec import SOAP_NS, WSSE_NS, Signer, Verifier, format_utc
from kiosk.mpay.xmlsafe import parse_untrusted

__all__ = ["MpayClient", "SOAP_ACTIONS"]

log = logging.getLogger(__name__)

SOAP_ACTIONS = {
    "GetOrderDetails": f"{TNS}/IServiceProvider/GetOrderDetails",
    "ConfirmOrderPayment": f"{TNS}/IServiceProvider/ConfirmOrderPayment",
}


@dataclass(frozen=True, slots=True)
class _Exchange:
    request: bytes
    reply: HttpReply
    result: Any
    extra: dict[str, str]


class MpayClient:
    """Signed SOAP calls to one IServiceProvider endpoint. See the module docstring."""

    def __init__(
        self, settings: MpaySettings, *, clock: Callable[[], datetime] | None = None
    ) -> None:
        self.settings = settings
        self._clock = clock or (lambda: datetime.now(UTC))
        self._signer = Signer(settings.sign_cert, settings.sign_key)
        self._verifier: Verifier | None = None
        if settings.verify_replies:
            if settings.mpay_cert is None:
                raise MpayConfigError(
                    "verify_replies is on but no MPay certificate (mpay_cert) is configured"
                )
            self._verifier = Verifier(settings.mpay_cert, clock_skew_s=settings.clock_skew_s)
        else:
            log.warning(
                "REPLY SIGNATURES ARE NOT VERIFIED (verify_replies off) for %s: "
                "diagnostics only, never in production",
                settings.endpoint,
            )
        zeep_settings = zeep.Settings(
            strict=True,
            forbid_dtd=True,
            forbid_entities=True,
            forbid_external=True,
            xml_huge_tree=False,
        )
        self._zeep = zeep.Client(  # type: ignore[no-untyped-call]
            str(contract_path("mpay.wsdl")), settings=zeep_settings
        )
        self._binding = self._zeep.service._binding
        self._schema = Schema()
        tls = None
        if settings.endpoint.lower().startswith("https:"):
            tls = make_ssl_context(
                ca=settings.tls_ca,
                client_cert=settings.tls_client_cert,
                client_key=settings.tls_client_key,
            )
        self._http = HttpTransport(settings.endpoint, ssl_context=tls)
        self._lock = threading.Lock()
        #: The last exchange (signed request, raw reply bytes), for diagnostics and tests.
        self.last_evidence: Evidence | None = None

    # ------------------------------------------------------------------ public API

    def get_order_details(
        self, service_id: str, order_key: str, language: str = "ro"
    ) -> list[Order]:
        """The orders the provider returns for (ServiceID, OrderKey): 0, 1 or several."""
        exchange = self._call("GetOrderDetails", query_params(service_id, order_key, language))
        try:
            return orders_from_result(exchange.result)
        except MpayError as exc:
            exc.evidence = _evidence(exchange.request, exchange.reply.content, exchange.extra)
            raise

    def confirm_order_payment(self, conf: PaymentConfirmation) -> Evidence:
        """Confirm one payment. Returns the signed request and raw reply as evidence.

        The business content is a pure function of ``conf`` (same PaymentID, same bytes in the
        Body on every retry). Errors raised after sending carry ``.evidence``.
        """
        exchange = self._call("ConfirmOrderPayment", confirmation_params(conf))
        extra = dict(exchange.extra, payment_id=conf.payment_id)
        return _evidence(exchange.request, exchange.reply.content, extra)

    def close(self) -> None:
        """Close the kept-alive connection (the client can still be used: it reconnects)."""
        with self._lock:
            self._http.close()

    def __enter__(self) -> MpayClient:
        return self

    def __exit__(
        self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    # ------------------------------------------------------------------ one exchange

    def build_request(self, operation: str, params: dict[str, Any]) -> bytes:
        """The exact signed bytes for one call (also used by the benchmark)."""
        try:
            envelope = self._zeep.create_message(  # type: ignore[no-untyped-call]
                self._zeep.service, operation, **params
            )
        except (zeep.exceptions.Error, TypeError, ValueError) as exc:
            raise MpayRequestError(f"cannot build {operation}: {exc}") from exc
        envelope = self._signer.sign(envelope, now=self._clock())
        return bytes(etree.tostring(envelope, xml_declaration=True, encoding="utf-8"))

    def _call(self, operation: str, params: dict[str, Any]) -> _Exchange:
        with self._lock:
            request = self.build_request(operation, params)
            extra = {
                "endpoint": self.settings.endpoint,
                "operation": operation,
                "sent_at": format_utc(self._clock()),
            }
            try:
                reply = self._http.post(
                    request,
                    soap_action=SOAP_ACTIONS[operation],
                    timeout_s=self.settings.timeout_s,
                    max_bytes=self.settings.max_reply_bytes,
                )
            except MpayError as exc:
                exc.evidence = self.last_evidence = _evidence(request, b"", extra)
                raise
            extra["http_status"] = str(reply.status)
            extra["received_at"] = format_utc(self._clock())
            try:
                result = self._read_reply(operation, reply, extra)
            except MpayError as exc:
                exc.evidence = self.last_evidence = _evidence(request, reply.content, extra)
                raise
            self.last_evidence = _evidence(request, reply.content, extra)
            return _Exchange(request=request, reply=reply, result=result, extra=extra)

    def _read_reply(self, operation: str, reply: HttpReply, extra: dict[str, str]) -> Any:
        ok = reply.status == 200
        try:
            envelope = parse_untrusted(reply.content, max_bytes=self.settings.max_reply_bytes)
        except MpayProtocolError as exc:
            if ok:
                raise
            raise MpayHttpError(_http_message(reply, "no SOAP reply"), status=reply.status) from exc
        if envelope.tag != f"{{{SOAP_NS}}}Envelope":
            if ok:
                raise MpayProtocolError(
                    f"the reply is not a SOAP 1.1 envelope (root {etree.QName(envelope).text})"
                )
            raise MpayHttpError(_http_message(reply, "no SOAP reply"), status=reply.status)
        bodies = [c for c in envelope if c.tag == f"{{{SOAP_NS}}}Body"]
        if len(bodies) != 1:
            raise MpayProtocolError("the reply envelope must have exactly one Body")
        payload = [c for c in bodies[0] if isinstance(c.tag, str)]
        fault = (
            payload[0] if len(payload) == 1 and payload[0].tag == f"{{{SOAP_NS}}}Fault" else None
        )

        if self._verifier is None:
            extra["signature"] = "not verified (verify_replies off)"
        elif fault is not None and not _has_security(envelope):
            extra["signature"] = "unsigned fault"
            log.warning("%s: unsigned SOAP fault accepted as a fault", operation)
        else:
            self._verifier.verify(envelope, now=self._clock())
            extra["signature"] = "verified"

        if fault is not None:
            raise _fault(fault)
        if not ok:
            raise MpayHttpError(_http_message(reply, "SOAP reply"), status=reply.status)
        if len(payload) != 1:
            raise MpayProtocolError(f"the reply Body must hold one element, found {len(payload)}")
        dropped = self._schema.normalize(payload[0], top=f"{operation}Response")
        if dropped:
            log.info("%s reply: ignored undeclared members %s", operation, sorted(set(dropped)))
        try:
            return self._binding.get(operation).process_reply(envelope)
        except Exception as exc:  # zeep's reader: anything it raises is a reply we cannot read
            raise MpayProtocolError(f"cannot read the {operation} reply: {exc}") from exc


def _has_security(envelope: etree._Element) -> bool:
    return envelope.find(f"{{{SOAP_NS}}}Header/{{{WSSE_NS}}}Security") is not None


def _fault(fault: etree._Element) -> MpayFault:
    """SOAP 1.1 Fault -> our class, by the faultcode's local name (or a known code in detail)."""
    code = message = None
    detail_names: list[str] = []
    for child in fault:
        if not isinstance(child.tag, str):
            continue
        local = etree.QName(child).localname
        if local == "faultcode":
            code = (child.text or "").strip()
        elif local == "faultstring":
            message = (child.text or "").strip()
        elif local == "detail":
            detail_names = [
                etree.QName(el).localname for el in child.iter() if isinstance(el.tag, str)
            ]
    local_code = (code or "").rsplit(":", 1)[-1]
    if local_code.lower() not in KNOWN_FAULT_CODES:
        # e.g. s:Client with the real code in <detail> (WCF FaultException<T>).
        for name in detail_names:
            if name.lower() in KNOWN_FAULT_CODES:
                code = name
                break
    return fault_from_code(code, message or "")


def _http_message(reply: HttpReply, what: str) -> str:
    snippet = reply.content[:200].decode("utf-8", "replace").replace("\n", " ")
    return f"HTTP {reply.status} with {what}: {snippet!r}"


def _evidence(request: bytes, response: bytes, extra: dict[str, str]) -> Evidence:
    return Evidence(request=request, response=response, extra=dict(extra))
