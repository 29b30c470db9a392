"""The business side of the MPay sandbox: a demo IServiceProvider over ``sandbox_data``.

``get_order_details`` renders the demo order as it stands (remainders shrink as confirmations
arrive); ``confirm`` validates a new payment against the order like a careful provider would
(status, currency, lines, partial/advance rules, required properties, IDNP/IDNO checks) and
records it once per PaymentID. A repeat with the same content succeeds and changes nothing; the
same PaymentID with other content is an InvalidParameter fault. Validate-and-record runs under
one lock, so two payments cannot both take the same remainder.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime

from lxml import etree

from kiosk.idn import is_valid_idn
from kiosk.mpay.sandbox_data import SERVICES, DemoOrder, find_order
from kiosk.mpay.sandbox_store import ConfirmationStore, Conflict, SandboxConfirmation
from kiosk.mpay.sandbox_xml import (
    OrderState,
    ParsedConfirmation,
    RequestInvalid,
    fault_body,
    language_of,
    order_state,
    parse_confirmation,
    quirky,
    render_orders,
)
from kiosk.mpay.schema import TNS
from kiosk.mpay.wssec import format_utc

__all__ = ["ProviderReply", "DemoProvider"]


@dataclass(frozen=True, slots=True)
class ProviderReply:
    """A Body payload: a response element or a Fault (``fault``); ``event`` for the counters."""

    body: bytes
    fault: bool = False
    event: str | None = None  # "repeats" or "conflicts"


def _fault(code: str, message: str, event: str | None = None) -> ProviderReply:
    return ProviderReply(body=fault_body(code, message), fault=True, event=event)


def _unknown_service(service_id: str) -> ProviderReply:
    return _fault("UnknownService", f"Serviciul {service_id!r} nu este cunoscut")


class DemoProvider:
    def __init__(self, store: ConfirmationStore) -> None:
        self._store = store
        self._lock = threading.Lock()

    def state(self, order: DemoOrder) -> OrderState:
        return order_state(order, self._store.paid_by_line(order.service_id, order.order_key))

    def get_order_details(
        self,
        service_id: str,
        order_key: str,
        language: str,
        *,
        now: datetime,
        canned: bytes | None = None,
    ) -> ProviderReply:
        if service_id not in SERVICES:
            return _unknown_service(service_id)
        if canned is not None:
            return ProviderReply(body=canned)
        response = etree.Element(f"{{{TNS}}}GetOrderDetailsResponse", nsmap={None: TNS})
        order = find_order(service_id, order_key)
        found = [] if order is None else [(order, self.state(order))]
        render_orders(response, found, language_of(language), now)
        if order_key.upper() == "FAULT-QUIRKS":
            quirky(response)
        return ProviderReply(body=bytes(etree.tostring(response, encoding="utf-8")))

    def confirm(self, op: etree._Element, *, now: datetime) -> ProviderReply:
        try:
            conf = parse_confirmation(op)
        except RequestInvalid as exc:
            return _fault("InvalidParameter", str(exc))
        if conf.service_id not in SERVICES:
            return _unknown_service(conf.service_id)
        order = find_order(conf.service_id, conf.order_key)
        if order is None:
            return _fault("UnknownOrder", f"Comanda {conf.order_key!r} nu există")
        record = SandboxConfirmation(
            payment_id=conf.payment_id,
            service_id=conf.service_id,
            order_key=conf.order_key,
            total_bani=conf.total_bani,
            lines=conf.lines,
            paid_at=conf.paid_at,
            content_sha256=conf.content_sha256,
            received_at=format_utc(now),
        )
        with self._lock:
            if self._store.find(conf.payment_id) is None:
                problem = self.check_payment(order, conf)
                if problem:
                    return _fault("InvalidParameter", problem)
            try:
                fresh = self._store.record(record)
            except Conflict:
                return _fault(
                    "InvalidParameter",
                    f"PaymentID {conf.payment_id} was already used for a different payment",
                    event="conflicts",
                )
        body = etree.Element(f"{{{TNS}}}ConfirmOrderPaymentResponse", nsmap={None: TNS})
        return ProviderReply(
            body=bytes(etree.tostring(body, encoding="utf-8")), event=None if fresh else "repeats"
        )

    def check_payment(self, order: DemoOrder, conf: ParsedConfirmation) -> str | None:
        """Why this new payment cannot be applied to the order as it stands (None: it can)."""
        state = self.state(order)
        if state.status not in ("Active", "PartiallyPaid"):
            return f"the order is {state.status}: it cannot be paid"
        if conf.currency != order.currency:
            return f"currency {conf.currency} differs from the order's {order.currency}"
        if conf.total_bani <= 0:
            return "TotalAmount must be positive"
        if sum(b for _, b in conf.lines) != conf.total_bani:
            return "line amounts do not add up to TotalAmount"
        dues = {li.line_id: (li, due) for li, due in zip(order.lines, state.line_due, strict=True)}
        for line_id, bani in conf.lines:
            if line_id not in dues:
                return f"unknown LineID {line_id!r}"
            line, due = dues[line_id]
            advance = order.allow_advance if line.allow_advance is None else line.allow_advance
            if due is not None and bani > due and not (order.allow_advance and advance):
                return f"line {line_id}: {bani} bani is more than the {due} due"
        if state.total_due is not None:
            if conf.total_bani < state.total_due and not order.allow_partial:
                return "partial payments are not allowed for this order"
            if conf.total_bani > state.total_due and not order.allow_advance:
                return "advance payments are not allowed for this order"
        for prop in order.properties + tuple(p for li in order.lines for p in li.properties):
            if not prop.required or prop.value is not None:
                continue
            given = conf.properties.get(prop.name, "").strip()
            if not given:
                return f"required property {prop.name} is missing"
            if prop.type == "idn" and not is_valid_idn(given):
                return f"property {prop.name} is not a valid IDNP/IDNO"
        return None
