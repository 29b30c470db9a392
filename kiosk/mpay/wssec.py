"""WS-Security 1.0 (X.509 token profile) signing and verification of SOAP 1.1 envelopes.

Theory of operation (specs/mpay.md section 3, specs/stack.md 3b):

* **Signing** (``Signer.sign``) writes, in this order, into ``soap:Header/wsse:Security``: a
  ``wsu:Timestamp`` (Created/Expires, UTC with milliseconds and ``Z``), a ``BinarySecurityToken``
  (our certificate, Base64 DER) and a ``ds:Signature`` over the Body and the Timestamp:
  exc-c14n, rsa-sha1, sha1 digests, one exc-c14n transform per Reference, KeyInfo =
  ``SecurityTokenReference/Reference`` to the token (the form MPay itself uses). No
  ``mustUnderstand``, as in MPay's own ConfirmOrderPayment. The Body's ``wsu:Id`` is derived from
  the Body's bytes, so the same business content gives a byte-identical Body on every retry.
* **Verifying** (``Verifier.verify``) accepts any KeyInfo form (token reference, key identifier,
  embedded certificate, issuer/serial) but never trusts it: the signature must verify with the
  **pinned** certificate. It also requires exactly one Envelope/Body/Security/Signature/Timestamp,
  unique ``wsu:Id`` values (no signature wrapping), References that cover this Body and this
  Timestamp, only exc-c14n transforms (``InclusiveNamespaces`` honoured by libxmlsec), rsa-sha1 or
  rsa-sha256, and a Timestamp fresh within ``clock_skew_s``.

Both classes load their keys once and are safe to share between threads (each call makes its
own xmlsec context). Errors: ``MpaySignatureError`` (bad or missing signature, stale timestamp),
``MpayConfigError`` (unreadable key or certificate).
"""

from __future__ import annotations

import base64
import hashlib
import re
import ssl
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import xmlsec
from lxml import etree
from xmlsec import constants as _C

from kiosk.mpay.errors import MpayConfigError, MpaySignatureError

__all__ = [
    "SOAP_NS",
    "WSSE_NS",
    "WSU_NS",
    "DS_NS",
    "Signer",
    "Verifier",
    "VerifiedReply",
    "load_pem",
    "format_utc",
    "parse_xs_datetime",
]

SOAP_NS = "http://schemas.xmlsoap.org/soap/envelope/"
WSSE_NS = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"
WSU_NS = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd"
DS_NS = "http://www.w3.org/2000/09/xmldsig#"
EXC_C14N = "http://www.w3.org/2001/10/xml-exc-c14n#"
X509V3 = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-x509-token-profile-1.0#X509v3"
BASE64_BINARY = (
    "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary"
)
_SIGNATURE_METHODS = {
    "http://www.w3.org/2000/09/xmldsig#rsa-sha1",
    "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
}
_DIGEST_METHODS = {
    "http://www.w3.org/2000/09/xmldsig#sha1",
    "http://www.w3.org/2001/04/xmlenc#sha256",
}
_WSU_ID = f"{{{WSU_NS}}}Id"
_DS = {"ds": DS_NS}
_XP_C14N = etree.XPath("ds:SignedInfo/ds:CanonicalizationMethod/@Algorithm", namespaces=_DS)
_XP_METHOD = etree.XPath("ds:SignedInfo/ds:SignatureMethod/@Algorithm", namespaces=_DS)
_XP_REFS = etree.XPath("ds:SignedInfo/ds:Reference", namespaces=_DS)
_XP_TRANSFORMS = etree.XPath("ds:Transforms/ds:Transform/@Algorithm", namespaces=_DS)
_XP_DIGEST = etree.XPath("ds:DigestMethod/@Algorithm", namespaces=_DS)
_XP_IDS = etree.XPath("//*[@wsu:Id]", namespaces={"wsu": WSU_NS})
_NSMAP_SEC = {"wsse": WSSE_NS, "wsu": WSU_NS}


def load_pem(path: Path, what: str) -> bytes:
    """Read a PEM file, with a message that names the file and its role when it fails."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise MpayConfigError(f"cannot read the {what} {path}: {exc.strerror or exc}") from exc
    if b"-----BEGIN" not in data:
        raise MpayConfigError(f"the {what} {path} is not a PEM file")
    return data


def _cert_der(cert_pem: bytes, path: Path | str) -> bytes:
    m = re.search(rb"-----BEGIN CERTIFICATE-----(.+?)-----END CERTIFICATE-----", cert_pem, re.S)
    if not m:
        raise MpayConfigError(f"{path} holds no PEM certificate")
    return ssl.PEM_cert_to_DER_cert(m.group(0).decode("ascii"))


def format_utc(moment: datetime) -> str:
    """WS-Security time: UTC, milliseconds, ``Z`` (e.g. ``2025-07-10T07:51:23.123Z``)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


_XS_DATETIME = re.compile(
    r"^(\d{4})-(\d\d)-(\d\d)"
    r"(?:T(\d\d):(\d\d):(\d\d)(?:\.(\d+))?)?"
    r"(Z|[+-]\d\d:\d\d)?$"
)


def parse_xs_datetime(text: str) -> datetime:
    """Parse an xs:dateTime (or a bare date); naive when the text carries no offset.

    Raises ValueError with the offending text. Fractions beyond microseconds are truncated.
    """
    m = _XS_DATETIME.match(text.strip())
    if not m:
        raise ValueError(f"not a date-time: {text!r}")
    year, month, day, hh, mm, ss, frac, tz = m.groups()
    micro = int((frac or "0")[:6].ljust(6, "0"))
    value = datetime(
        int(year), int(month), int(day), int(hh or 0), int(mm or 0), int(ss or 0), micro
    )
    if tz == "Z":
        return value.replace(tzinfo=UTC)
    if tz:
        sign = 1 if tz[0] == "+" else -1
        offset = timedelta(hours=int(tz[1:3]), minutes=int(tz[4:6])) * sign
        return value.replace(tzinfo=timezone(offset))
    return value


def _new_id(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex}"


def _soap_child(envelope: etree._Element, local: str) -> list[etree._Element]:
    return [c for c in envelope if c.tag == f"{{{SOAP_NS}}}{local}"]


class Signer:
    """Signs envelopes with one X.509 key pair, loaded once."""

    def __init__(self, cert_path: Path, key_path: Path, *, ttl_s: int = 300) -> None:
        cert_pem = load_pem(cert_path, "signing certificate")
        key_pem = load_pem(key_path, "signing key")
        try:
            self._key = xmlsec.Key.from_memory(key_pem, _C.KeyDataFormatPem, None)
            self._key.load_cert_from_memory(cert_pem, _C.KeyDataFormatPem)
        except xmlsec.Error as exc:
            raise MpayConfigError(
                f"cannot load the signing key {key_path} with certificate {cert_path}: {exc}"
            ) from exc
        self._token = base64.b64encode(_cert_der(cert_pem, cert_path)).decode("ascii")
        self._ttl = timedelta(seconds=ttl_s)

    def sign(self, envelope: etree._Element, *, now: datetime) -> etree._Element:
        """Return ``envelope`` with Timestamp, token and Signature added (see module docstring).

        The returned root declares the wsu namespace once (adding a ``wsu`` prefix if needed); it
        may be a new element holding the original children.
        """
        if WSU_NS not in envelope.nsmap.values():
            nsmap = {k: v for k, v in envelope.nsmap.items() if k != "wsu"}
            nsmap["wsu"] = WSU_NS
            rebuilt = etree.Element(envelope.tag, attrib=dict(envelope.attrib), nsmap=nsmap)
            rebuilt.extend(list(envelope))
            envelope = rebuilt
        bodies = _soap_child(envelope, "Body")
        if len(bodies) != 1:
            raise ValueError("envelope must have exactly one soap:Body")
        body = bodies[0]
        headers = _soap_child(envelope, "Header")
        header = headers[0] if headers else etree.Element(f"{{{SOAP_NS}}}Header")
        if not headers:
            envelope.insert(0, header)
        security = etree.SubElement(header, f"{{{WSSE_NS}}}Security", nsmap=_NSMAP_SEC)

        timestamp = etree.SubElement(security, f"{{{WSU_NS}}}Timestamp")
        timestamp.set(_WSU_ID, _new_id("TS"))
        etree.SubElement(timestamp, f"{{{WSU_NS}}}Created").text = format_utc(now)
        etree.SubElement(timestamp, f"{{{WSU_NS}}}Expires").text = format_utc(now + self._ttl)

        token = etree.SubElement(security, f"{{{WSSE_NS}}}BinarySecurityToken")
        token.set("EncodingType", BASE64_BINARY)
        token.set("ValueType", X509V3)
        token_id = _new_id("X509")
        token.set(_WSU_ID, token_id)
        token.text = self._token

        # Deterministic Body id: same content, same bytes (ConfirmOrderPayment retries).
        digest = hashlib.sha1(etree.tostring(body)).hexdigest()
        body.set(_WSU_ID, f"BD-{digest[:32]}")

        signature = xmlsec.template.create(
            envelope, _C.TransformExclC14N, _C.TransformRsaSha1, ns="ds"
        )
        signature.set("Id", _new_id("SIG"))
        security.append(signature)
        ctx = xmlsec.SignatureContext()
        ctx.key = self._key
        for node in (body, timestamp):
            ctx.register_id(node, "Id", WSU_NS)
            ref = xmlsec.template.add_reference(
                signature, _C.TransformSha1, uri="#" + node.get(_WSU_ID, "")
            )
            xmlsec.template.add_transform(ref, _C.TransformExclC14N)
        try:
            ctx.sign(signature)
        except xmlsec.Error as exc:  # pragma: no cover - a loaded key always signs
            raise MpayConfigError(f"signing failed: {exc}") from exc
        key_info = etree.SubElement(signature, f"{{{DS_NS}}}KeyInfo")
        str_el = etree.SubElement(key_info, f"{{{WSSE_NS}}}SecurityTokenReference")
        ref_el = etree.SubElement(str_el, f"{{{WSSE_NS}}}Reference")
        ref_el.set("URI", "#" + token_id)
        ref_el.set("ValueType", X509V3)
        return envelope


@dataclass(frozen=True, slots=True)
class VerifiedReply:
    """What a successful verification established."""

    created: datetime
    expires: datetime | None


class Verifier:
    """Verifies envelopes against one pinned certificate, loaded once."""

    def __init__(
        self, cert_path: Path, *, clock_skew_s: int = 300, default_ttl_s: int = 300
    ) -> None:
        cert_pem = load_pem(cert_path, "pinned certificate")
        _cert_der(cert_pem, cert_path)
        try:
            self._key = xmlsec.Key.from_memory(cert_pem, _C.KeyDataFormatCertPem, None)
        except xmlsec.Error as exc:
            raise MpayConfigError(f"cannot load the certificate {cert_path}: {exc}") from exc
        self._skew = timedelta(seconds=clock_skew_s)
        self._ttl = timedelta(seconds=default_ttl_s)

    def verify(self, envelope: etree._Element, *, now: datetime) -> VerifiedReply:
        """Check the envelope's signature and Timestamp; MpaySignatureError if anything fails."""
        if envelope.tag != f"{{{SOAP_NS}}}Envelope":
            raise MpaySignatureError("not a SOAP 1.1 envelope")
        bodies = _soap_child(envelope, "Body")
        headers = _soap_child(envelope, "Header")
        if len(bodies) != 1 or len(headers) > 1:
            raise MpaySignatureError("the envelope must have one Body and at most one Header")
        body = bodies[0]
        securities = headers[0].findall(f"{{{WSSE_NS}}}Security") if headers else []
        if not securities:
            raise MpaySignatureError("the message is not signed (no wsse:Security header)")
        if len(securities) > 1:
            raise MpaySignatureError("more than one wsse:Security header")
        security = securities[0]
        signatures = security.findall(f"{{{DS_NS}}}Signature")
        timestamps = security.findall(f"{{{WSU_NS}}}Timestamp")
        if len(signatures) != 1:
            raise MpaySignatureError(f"expected one ds:Signature, found {len(signatures)}")
        if len(timestamps) != 1:
            raise MpaySignatureError(f"expected one wsu:Timestamp, found {len(timestamps)}")
        signature, timestamp = signatures[0], timestamps[0]

        ids: dict[str, list[etree._Element]] = {}
        for el in _XP_IDS(envelope):
            ids.setdefault(el.get(_WSU_ID), []).append(el)
        if any(len(v) > 1 for v in ids.values()):
            raise MpaySignatureError("duplicate wsu:Id values (possible signature wrapping)")

        referenced = self._check_signed_info(signature)
        for needed, what in ((body, "Body"), (timestamp, "Timestamp")):
            node_id = needed.get(_WSU_ID)
            if node_id is None or node_id not in referenced:
                raise MpaySignatureError(f"the signature does not cover the {what}")
        ctx = xmlsec.SignatureContext()
        ctx.set_enabled_key_data([])  # never take a key from KeyInfo: only the pinned one
        for transform in (_C.TransformExclC14N, _C.TransformRsaSha1, _C.TransformRsaSha256):
            ctx.enable_signature_transform(transform)
        for transform in (_C.TransformExclC14N, _C.TransformSha1, _C.TransformSha256):
            ctx.enable_reference_transform(transform)
        for ref_id in referenced:
            nodes = ids.get(ref_id)
            if not nodes:
                raise MpaySignatureError(f"signed reference #{ref_id} points at nothing")
            ctx.register_id(nodes[0], "Id", WSU_NS)
        ctx.key = self._key
        try:
            ctx.verify(signature)
        except xmlsec.Error as exc:
            raise MpaySignatureError(
                "the signature does not verify with the pinned certificate "
                "(tampered message or a different signer)"
            ) from exc
        return self._check_timestamp(timestamp, now)

    @staticmethod
    def _check_signed_info(signature: etree._Element) -> set[str]:
        c14n = _XP_C14N(signature)
        method = _XP_METHOD(signature)
        if c14n != [EXC_C14N]:
            raise MpaySignatureError(f"unsupported canonicalization {c14n}")
        if len(method) != 1 or method[0] not in _SIGNATURE_METHODS:
            raise MpaySignatureError(f"unsupported signature method {method}")
        refs = _XP_REFS(signature)
        if not refs:
            raise MpaySignatureError("the signature has no references")
        referenced: set[str] = set()
        for ref in refs:
            uri = ref.get("URI") or ""
            if not uri.startswith("#") or len(uri) < 2:
                raise MpaySignatureError(f"unsupported reference URI {uri!r}")
            for transform in _XP_TRANSFORMS(ref):
                if transform != EXC_C14N:
                    raise MpaySignatureError(f"unsupported transform {transform}")
            digest = _XP_DIGEST(ref)
            if len(digest) != 1 or digest[0] not in _DIGEST_METHODS:
                raise MpaySignatureError(f"unsupported digest method {digest}")
            referenced.add(uri[1:])
        return referenced

    def _check_timestamp(self, timestamp: etree._Element, now: datetime) -> VerifiedReply:
        def read(local: str) -> datetime | None:
            el = timestamp.find(f"{{{WSU_NS}}}{local}")
            if el is None:
                return None
            try:
                value = parse_xs_datetime(el.text or "")
            except ValueError as exc:
                raise MpaySignatureError(f"bad Timestamp {local}: {exc}") from exc
            return value if value.tzinfo else value.replace(tzinfo=UTC)

        created, expires = read("Created"), read("Expires")
        if created is None:
            raise MpaySignatureError("the Timestamp has no Created")
        if created > now + self._skew:
            raise MpaySignatureError(
                f"the Timestamp is in the future (Created {format_utc(created)}, "
                f"now {format_utc(now)}): check the clocks"
            )
        if expires is not None and expires < created:
            raise MpaySignatureError("the Timestamp expires before it was created")
        limit = expires if expires is not None else created + self._ttl
        if limit < now - self._skew:
            raise MpaySignatureError(
                f"the Timestamp has expired (Expires {format_utc(limit)}, now {format_utc(now)})"
            )
        return VerifiedReply(created=created, expires=expires)
