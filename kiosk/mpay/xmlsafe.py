"""Hardened XML parsing for untrusted SOAP messages (replies at the kiosk, requests at the sandbox).

Rules: no DTD at all (``<!DOCTYPE`` is refused before parsing, and checked again after), no entity
expansion, no network, no recovery from broken XML (a truncated reply must fail, not parse into
an order with missing fields), libxml2's default depth/size limits (``huge_tree`` off), and a
byte limit checked before parsing. Comments and processing instructions are dropped.
"""

from __future__ import annotations

from lxml import etree

from kiosk.mpay.errors import MpayProtocolError

__all__ = ["parse_untrusted", "XmlRejected"]


class XmlRejected(MpayProtocolError):
    """The bytes are not acceptable XML (malformed, hostile or too large)."""


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        recover=False,
        remove_comments=True,
        remove_pis=True,
        collect_ids=False,
    )


def parse_untrusted(data: bytes, *, max_bytes: int, what: str = "reply") -> etree._Element:
    """Parse ``data`` into its root element or raise ``XmlRejected`` with a specific reason."""
    if len(data) > max_bytes:
        raise XmlRejected(f"the {what} is {len(data)} bytes, over the limit of {max_bytes}")
    if not data.strip():
        raise XmlRejected(f"the {what} is empty")
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise XmlRejected(f"the {what} contains a DTD or entity declaration (refused)")
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        raise XmlRejected(f"the {what} is not well-formed XML: {exc}") from exc
    except ValueError as exc:  # e.g. unsupported encoding declaration
        raise XmlRejected(f"the {what} cannot be read as XML: {exc}") from exc
    tree = root.getroottree()
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise XmlRejected(f"the {what} contains a DTD (refused)")
    for node in root.iter(etree.Entity):  # unexpanded entity references
        raise XmlRejected(f"the {what} references an entity &{node.name}; (refused)")
    return root
