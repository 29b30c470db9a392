"""A tolerant reader in front of zeep's strict one, driven by our own ``contract/mpay.xsd``.

zeep in strict mode (which we keep: non-strict also turns on lxml recovery and silently loses
data, specs/stack.md 3c) fails on any member the schema does not declare, on members out of
sequence order, and quietly turns a malformed date into ``None`` (= "no expiry"). Real providers
send undeclared members (Q3, Q4, Q17), so before zeep reads a reply body ``Schema.normalize``:

* drops children the schema does not declare (other namespaces included) and reports them;
* puts declared children into the schema's order (stable for repeated members);
* refuses a repeated non-repeating member (which one would be meant?) and a missing required
  one (``minOccurs`` 1: OrderKey, ServiceID, Status, LineID, Name), naming the path;
* checks the text of every decimal, boolean and dateTime leaf, so a bad amount or date is a
  clear ``MpayProtocolError`` naming the path, never a silent ``None``.

The schema file is parsed once per ``Schema`` (a client keeps one for its life).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from lxml import etree

from kiosk.mpay.errors import MpayProtocolError
from kiosk.mpay.wssec import parse_xs_datetime

__all__ = ["TNS", "Schema", "contract_path", "default_schema"]

TNS = "https://mpay.gov.md"
XS = "http://www.w3.org/2001/XMLSchema"
XSI_NIL = "{http://www.w3.org/2001/XMLSchema-instance}nil"

_DECIMAL = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
_BOOLEAN = {"true", "false", "1", "0"}


def contract_path(name: str) -> Path:
    """Path of a file shipped in ``kiosk/mpay/contract/`` (``mpay.wsdl``, ``mpay.xsd``)."""
    return Path(str(resources.files("kiosk.mpay.contract").joinpath(name)))


@dataclass(frozen=True, slots=True)
class _Member:
    name: str
    type: str  # "tns:Foo" for our types, "xs:decimal" etc. for built-ins
    repeated: bool
    position: int
    required: bool


@dataclass(frozen=True, slots=True)
class _Type:
    members: dict[str, _Member]  # by namespaced tag "{tns}Name"


class Schema:
    """Our XSD's complex types as ordered member lists, for normalizing incoming XML."""

    def __init__(self, xsd_path: Path | None = None) -> None:
        doc = etree.parse(str(xsd_path or contract_path("mpay.xsd")))
        root = doc.getroot()
        self._types: dict[str, _Type] = {}
        self._simple: dict[str, str] = {}
        for st in root.findall(f"{{{XS}}}simpleType"):
            restriction = st.find(f"{{{XS}}}restriction")
            base = restriction.get("base", "xs:string") if restriction is not None else "xs:string"
            self._simple[f"tns:{st.get('name')}"] = base
        for ct in root.findall(f"{{{XS}}}complexType"):
            self._types[f"tns:{ct.get('name')}"] = self._members(ct)
        for el in root.findall(f"{{{XS}}}element"):
            ct = el.find(f"{{{XS}}}complexType")
            if ct is not None:
                self._types[f"element:{el.get('name')}"] = self._members(ct)

    @staticmethod
    def _members(ct: etree._Element) -> _Type:
        seq = ct.find(f"{{{XS}}}sequence")
        elements = [] if seq is None else seq.findall(f"{{{XS}}}element")
        members = [
            _Member(
                name=el.get("name", ""),
                type=el.get("type", "xs:string"),
                repeated=el.get("maxOccurs", "1") not in ("1", "0"),
                position=i,
                required=el.get("minOccurs", "1") != "0",
            )
            for i, el in enumerate(elements)
        ]
        return _Type(members={f"{{{TNS}}}{m.name}": m for m in members})

    def normalize(self, element: etree._Element, *, top: str) -> list[str]:
        """Normalize ``element`` (a top-level element of ours, e.g. GetOrderDetailsResponse) in
        place. Returns the paths of the members dropped; raises ``MpayProtocolError``."""
        if element.tag != f"{{{TNS}}}{top}":
            raise MpayProtocolError(
                f"expected {top} in namespace {TNS}, got {etree.QName(element).text}"
            )
        dropped: list[str] = []
        self._walk(element, f"element:{top}", top, dropped)
        return dropped

    def _walk(self, element: etree._Element, type_name: str, path: str, dropped: list[str]) -> None:
        members = self._types[type_name].members
        if element.get(XSI_NIL) in ("true", "1"):
            for child in list(element):
                element.remove(child)
            return
        kept: list[tuple[int, int, etree._Element]] = []
        seen: set[str] = set()
        for position, child in enumerate(list(element)):
            if not isinstance(child.tag, str):  # comment/PI that survived
                element.remove(child)
                continue
            member = members.get(child.tag)
            if member is None:
                dropped.append(f"{path}/{etree.QName(child).localname}")
                element.remove(child)
                continue
            if member.name in seen and not member.repeated:
                raise MpayProtocolError(f"{path}/{member.name} appears more than once")
            child_path = f"{path}/{member.name}"
            if member.type in self._types:
                self._walk(child, member.type, child_path, dropped)
            elif not self._check_leaf(
                child, self._simple.get(member.type, member.type), child_path
            ):
                element.remove(child)  # an empty typed leaf means "absent" (Q10)
                continue
            seen.add(member.name)
            kept.append((member.position, position, child))
        for member in members.values():
            if member.required and member.name not in seen:
                raise MpayProtocolError(f"{path} lacks {member.name}")
        if any(kept[i][0] > kept[i + 1][0] for i in range(len(kept) - 1)):
            kept.sort(key=lambda item: (item[0], item[1]))
            for _, _, child in kept:
                element.append(child)  # append moves: ends in schema order

    @staticmethod
    def _check_leaf(child: etree._Element, base: str, path: str) -> bool:
        """Check a leaf's text; False when it is an empty typed leaf (to be treated as absent)."""
        if len(child):
            raise MpayProtocolError(f"{path} should hold text, not elements")
        if child.get(XSI_NIL) in ("true", "1"):
            return True
        text = (child.text or "").strip()
        if not text and base in ("xs:decimal", "xs:boolean", "xs:dateTime"):
            return False
        if base == "xs:decimal":
            if not _DECIMAL.match(text):
                raise MpayProtocolError(f"{path}: {text!r} is not a decimal number")
        elif base == "xs:boolean":
            if text not in _BOOLEAN:
                raise MpayProtocolError(f"{path}: {text!r} is not a boolean")
        elif base == "xs:dateTime":
            try:
                parse_xs_datetime(text)
            except ValueError as exc:
                raise MpayProtocolError(f"{path}: {text!r} is not a date-time") from exc
        return True


_DEFAULT: Schema | None = None


def default_schema() -> Schema:
    """The shipped schema, parsed on first use and then shared (it is read-only)."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = Schema()
    return _DEFAULT
