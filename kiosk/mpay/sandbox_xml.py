"""XML of the MPay sandbox: demo orders rendered as a WCF provider writes them, confirmations
read from requests, faults, and the deliberately hostile documents used for fault injection.

Rendering follows the real reply's style (specs/mpay.md Q3, Q10): alphabetical member order,
``xmlns:i`` on each OrderDetails, order-level flags only when true, line-level flags written,
amounts with two decimals, date-times without offset (Chisinau local time).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation

from lxml import etree

from kiosk.money import from_decimal, to_decimal
from kiosk.mpay.mapping import CHISINAU
from kiosk.mpay.models import PaymentAccount
from kiosk.mpay.sandbox_data import DemoOrder, DemoProperty, Texts
from kiosk.mpay.schema import TNS
from kiosk.mpay.wssec import SOAP_NS, WSU_NS, parse_xs_datetime

__all__ = [
    "LANGS",
    "language_of",
    "OrderState",
    "order_state",
    "render_orders",
    "quirky",
    "ParsedConfirmation",
    "parse_confirmation",
    "RequestInvalid",
    "envelope_bytes",
    "fault_body",
    "BILLION_LAUGHS",
    "huge_reply",
]

LANGS = ("ro", "ru", "en")
XSI = "http://www.w3.org/2001/XMLSchema-instance"
_PAYABLE = ("Active", "PartiallyPaid")


def language_of(raw: str | None) -> str:
    """Query Language compared case-insensitively (real MPay sends ``RO``); default ro."""
    lang = (raw or "ro").strip().lower()
    return lang if lang in LANGS else "ro"


def _text(texts: Texts | str | None, lang: str) -> str | None:
    if texts is None or isinstance(texts, str):
        return texts
    return texts.get(lang) or texts.get("ro")


def _el(parent: etree._Element, name: str, text: str | None = None) -> etree._Element:
    el = etree.SubElement(parent, f"{{{TNS}}}{name}")
    if text is not None:
        el.text = text
    return el


def _bool(value: bool) -> str:
    return "true" if value else "false"


def _amount(bani: int) -> str:
    return f"{to_decimal(bani):f}"


def _local(moment: datetime) -> str:
    return moment.astimezone(CHISINAU).strftime("%Y-%m-%dT%H:%M:%S")


@dataclass(frozen=True, slots=True)
class OrderState:
    """An order as it stands now: status and remaining bani per line (None: unknown)."""

    status: str
    line_due: tuple[int | None, ...]
    total_due: int | None


def order_state(order: DemoOrder, paid_by_line: dict[str, int]) -> OrderState:
    dues = [None if li.amount is None else from_decimal(li.amount) for li in order.lines]
    if order.status not in _PAYABLE or order.total is None or not paid_by_line:
        total = None if order.total is None else from_decimal(order.total)
        return OrderState(order.status, tuple(dues), total)
    remaining = tuple(
        None if due is None else max(0, due - paid_by_line.get(li.line_id, 0))
        for li, due in zip(order.lines, dues, strict=True)
    )
    total_due = sum(r or 0 for r in remaining)
    if from_decimal(order.total) > 0 and total_due == 0:
        status = "Paid"
    else:
        status = "PartiallyPaid"
    return OrderState(status, remaining, total_due)


def _account(parent: etree._Element, acc: PaymentAccount) -> None:
    el = _el(parent, "DestinationAccount")
    for name, value in (
        ("BankAccount", acc.bank_account),
        ("BankCode", acc.bank_code),
        ("BankFiscalCode", acc.bank_fiscal_code),
        ("BeneficiaryName", acc.beneficiary_name),
        ("ConfigurationCode", acc.configuration_code),
    ):
        if value is not None:
            _el(el, name, value)


def _properties(parent: etree._Element, props: tuple[DemoProperty, ...], lang: str) -> None:
    if not props:
        return
    holder = _el(parent, "Properties")
    for p in props:
        el = _el(holder, "OrderProperty")
        _el(el, "DisplayName", _text(p.display, lang))
        if p.id is not None:
            _el(el, "Id", p.id)
        if p.visible is not None:
            _el(el, "IsVisible", _bool(p.visible))
        if p.modifiable:
            _el(el, "Modifiable", "true")
        _el(el, "Name", p.name)
        if p.required:
            _el(el, "Required", "true")
        _el(el, "Type", p.type)
        value = _text(p.value, lang)
        if value is not None:
            _el(el, "Value", value)


def _issued(order: DemoOrder, now: datetime) -> str | None:
    if order.issued_at is not None:
        return order.issued_at
    if order.issued_days_ago is not None:
        day = (now.astimezone(CHISINAU) - timedelta(days=order.issued_days_ago)).date()
        return f"{day.isoformat()}T09:00:00"
    return None


def _due(order: DemoOrder, now: datetime) -> str | None:
    if order.due_in_days is None:
        return None
    day = (now.astimezone(CHISINAU) + timedelta(days=order.due_in_days)).date()
    return f"{day.isoformat()}T23:59:59"


def render_orders(
    parent: etree._Element, orders: list[tuple[DemoOrder, OrderState]], lang: str, now: datetime
) -> None:
    """Append ``GetOrderDetailsResult`` with one ``OrderDetails`` per order to ``parent``."""
    result = _el(parent, "GetOrderDetailsResult")
    for order, state in orders:
        od = etree.SubElement(result, f"{{{TNS}}}OrderDetails", nsmap={"i": XSI})
        if order.allow_advance:
            _el(od, "AllowAdvancePayments", "true")
        if order.allow_partial:
            _el(od, "AllowPartialPayments", "true")
        _el(od, "Currency", order.currency)
        if order.customer_id is not None:
            _el(od, "CustomerID", order.customer_id)
        if order.customer_name is not None:
            _el(od, "CustomerName", order.customer_name)
        _el(od, "CustomerType", order.customer_type)
        due = _due(order, now)
        if due is not None:
            _el(od, "DueDate", due)
        issued = _issued(order, now)
        if issued is not None:
            _el(od, "IssuedAt", issued)
        lines = _el(od, "Lines")
        for line, line_due in zip(order.lines, state.line_due, strict=True):
            ol = _el(lines, "OrderLine")
            if line.allow_advance is not None:
                _el(ol, "AllowAdvancePayments", _bool(line.allow_advance))
            if line.allow_partial is not None:
                _el(ol, "AllowPartialPayments", _bool(line.allow_partial))
            if line_due is not None:
                _el(ol, "AmountDue", _amount(line_due))
            _account(ol, line.account)
            _el(ol, "LineID", line.line_id)
            _properties(ol, line.properties, lang)
            _el(ol, "Reason", _text(line.reason, lang))
        _el(od, "OrderKey", order.order_key)
        _properties(od, order.properties, lang)
        _el(od, "Reason", _text(order.reason, lang))
        _el(od, "ServiceID", order.service_id)
        _el(od, "Status", state.status)
        if state.total_due is not None:
            _el(od, "TotalAmountDue", _amount(state.total_due))


def quirky(response: etree._Element) -> None:
    """Make a rendered reply look like a sloppy provider's: undeclared members (singular flag,
    a foreign-namespace element), shuffled member order, IsVisible removed."""
    for od in response.iter(f"{{{TNS}}}OrderDetails"):
        _el(od, "AllowPartialPayment", "true")  # singular: not ours, must be ignored
        foreign = etree.SubElement(od, "{urn:example:extension}Tracking")
        foreign.text = "X-1"
        status = od.find(f"{{{TNS}}}Status")
        if status is not None:
            od.remove(status)
            od.insert(0, status)
        for vis in list(od.iter(f"{{{TNS}}}IsVisible")):
            vis.getparent().remove(vis)


# --------------------------------------------------------------------------- confirmations


class RequestInvalid(ValueError):
    """A request the sandbox refuses with InvalidParameter (message says why)."""


@dataclass(frozen=True, slots=True)
class ParsedConfirmation:
    payment_id: str
    service_id: str
    order_key: str
    currency: str
    total_bani: int
    paid_at: str
    lines: tuple[tuple[str, int], ...]
    properties: dict[str, str]  # order- and line-level, by name
    content_sha256: str


def _child_text(el: etree._Element, name: str) -> str | None:
    child = el.find(f"{{{TNS}}}{name}")
    return None if child is None else (child.text or "").strip()


def _money(text: str | None, what: str) -> int:
    try:
        return from_decimal(Decimal(text or ""))
    except (InvalidOperation, ValueError) as exc:
        raise RequestInvalid(
            f"{what} is not an amount with at most two decimals: {text!r}"
        ) from exc


def _props(el: etree._Element | None) -> list[tuple[str, str]]:
    if el is None:
        return []
    return [
        (_child_text(p, "Name") or "", _child_text(p, "Value") or "")
        for p in el.findall(f"{{{TNS}}}PaymentProperty")
    ]


def parse_confirmation(confirm: etree._Element) -> ParsedConfirmation:
    """Read ``ConfirmOrderPayment`` (the wrapper element). Raises RequestInvalid."""
    conf = confirm.find(f"{{{TNS}}}confirmation")
    if conf is None:
        raise RequestInvalid("confirmation is missing")
    payment_id = _child_text(conf, "PaymentID") or ""
    if not payment_id or len(payment_id) > 36:
        raise RequestInvalid("PaymentID must be 1-36 characters")
    paid_at = _child_text(conf, "PaidAt") or ""
    try:
        parse_xs_datetime(paid_at)
    except ValueError as exc:
        raise RequestInvalid(f"PaidAt is not a date-time: {paid_at!r}") from exc
    lines: list[tuple[str, int]] = []
    props = dict(_props(conf.find(f"{{{TNS}}}Properties")))
    content_lines = []
    holder = conf.find(f"{{{TNS}}}Lines")
    for line in [] if holder is None else holder.findall(f"{{{TNS}}}PaymentConfirmationLine"):
        line_id = _child_text(line, "LineID") or ""
        amount = _money(_child_text(line, "Amount"), f"line {line_id} Amount")
        line_props = _props(line.find(f"{{{TNS}}}Properties"))
        props.update(line_props)
        account = line.find(f"{{{TNS}}}DestinationAccount")
        acc = (
            {}
            if account is None
            else {
                etree.QName(c).localname: (c.text or "") for c in account if isinstance(c.tag, str)
            }
        )
        lines.append((line_id, amount))
        content_lines.append([line_id, amount, sorted(acc.items()), line_props])
    if not lines:
        raise RequestInvalid("a confirmation needs at least one line")
    total = _money(_child_text(conf, "TotalAmount"), "TotalAmount")
    content = {
        "service": _child_text(conf, "ServiceID"),
        "order": _child_text(conf, "OrderKey"),
        "currency": _child_text(conf, "Currency"),
        "total": total,
        "paid_at": paid_at,
        "invoice": _child_text(conf, "InvoiceID"),
        "payment": payment_id,
        "lines": content_lines,
        "properties": _props(conf.find(f"{{{TNS}}}Properties")),
    }
    digest = hashlib.sha256(json.dumps(content, ensure_ascii=False, sort_keys=True).encode())
    return ParsedConfirmation(
        payment_id=payment_id,
        service_id=_child_text(conf, "ServiceID") or "",
        order_key=_child_text(conf, "OrderKey") or "",
        currency=(_child_text(conf, "Currency") or "").upper(),
        total_bani=total,
        paid_at=paid_at,
        lines=tuple(lines),
        properties=props,
        content_sha256=digest.hexdigest(),
    )


# --------------------------------------------------------------------------- envelopes


def envelope_bytes(body_xml: bytes) -> bytes:
    """An unsigned SOAP 1.1 envelope (with the wsu prefix declared) around body bytes, which
    are kept exactly as given (the byte-for-byte replay of canned replies relies on it)."""
    return (
        b'<?xml version="1.0" encoding="utf-8"?>'
        b'<s:Envelope xmlns:s="' + SOAP_NS.encode() + b'" xmlns:u="' + WSU_NS.encode() + b'">'
        b"<s:Body>" + body_xml + b"</s:Body></s:Envelope>"
    )


def fault_body(code: str, message: str, *, prefixed: bool = False) -> bytes:
    """A SOAP 1.1 Fault element; ``prefixed`` writes ``a:Code`` with a=https://mpay.gov.md."""
    fault = etree.Element(f"{{{SOAP_NS}}}Fault", nsmap={"s": SOAP_NS})
    faultcode = etree.SubElement(fault, "faultcode", nsmap={"a": TNS} if prefixed else None)
    faultcode.text = f"a:{code}" if prefixed else code
    faultstring = etree.SubElement(fault, "faultstring")
    faultstring.set("{http://www.w3.org/XML/1998/namespace}lang", "ro-MD")
    faultstring.text = message
    return bytes(etree.tostring(fault, encoding="utf-8", xml_declaration=False))


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
]>
<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><x>&lol5;</x></s:Body></s:Envelope>
"""


def huge_reply(size: int = 3_000_000) -> bytes:
    pad = b"<Pad>" + b"x" * 1000 + b"</Pad>"
    body = b'<GetOrderDetailsResponse xmlns="https://mpay.gov.md">' + pad * (size // len(pad))
    return envelope_bytes(body + b"</GetOrderDetailsResponse>")
