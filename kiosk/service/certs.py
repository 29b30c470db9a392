"""Certificate validity dates from PEM files, without OpenSSL bindings (pure DER walking).

The kiosk has no ``cryptography`` package; ``ssl`` can only decode certificates through a
private CPython helper. What health needs is tiny: the subject's common name and the two
validity dates, which sit at fixed positions of ``tbsCertificate`` (RFC 5280 section 4.1)::

    Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue }
    tbsCertificate ::= SEQUENCE {
        [0] EXPLICIT version OPTIONAL, serialNumber INTEGER, signature AlgorithmIdentifier,
        issuer Name, validity SEQUENCE { notBefore Time, notAfter Time }, subject Name, ... }
    Time ::= UTCTime (YYMMDDHHMMSSZ, 1950-2049) | GeneralizedTime (YYYYMMDDHHMMSSZ)

Anything that does not fit raises ``CertificateError``; this module never raises anything else
for bad input (a corrupt file must show up as "unreadable" on the health page, not crash it).
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

__all__ = ["CertificateError", "CertificateInfo", "read_certificate", "parse_certificate"]

_PEM = re.compile(
    rb"-----BEGIN CERTIFICATE-----\s*(.+?)\s*-----END CERTIFICATE-----", re.DOTALL
)
_SEQUENCE, _SET, _INTEGER, _OID = 0x30, 0x31, 0x02, 0x06
_UTC_TIME, _GENERALIZED_TIME = 0x17, 0x18
_COMMON_NAME = bytes((0x55, 0x04, 0x03))  # 2.5.4.3
_TEXT_TAGS = {0x0C: "utf-8", 0x13: "ascii", 0x16: "ascii", 0x14: "latin-1", 0x1E: "utf-16-be"}


class CertificateError(ValueError):
    """The file is missing, not PEM, or not a certificate this reader understands."""


@dataclass(frozen=True, slots=True, kw_only=True)
class CertificateInfo:
    subject: str  # the common name ("" if the subject has none)
    not_before: datetime  # timezone-aware UTC
    not_after: datetime

    def days_left(self, now: datetime) -> int:
        """Whole days from ``now`` to expiry (negative once expired)."""
        return (self.not_after - now).days


def read_certificate(path: Path) -> CertificateInfo:
    """The first certificate in a PEM file. Raises CertificateError."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise CertificateError(f"{path}: {exc.strerror or exc}") from None
    match = _PEM.search(data)
    if match is None:
        raise CertificateError(f"{path}: no PEM certificate in the file")
    try:
        der = base64.b64decode(b"".join(match.group(1).split()), validate=True)
    except (binascii.Error, ValueError):
        raise CertificateError(f"{path}: the PEM body is not base64") from None
    return parse_certificate(der)


def parse_certificate(der: bytes) -> CertificateInfo:
    """Subject CN and validity of a DER certificate. Raises CertificateError."""
    tag, cert, _ = _element(der, 0)
    _expect(tag, _SEQUENCE, "certificate")
    tag, tbs, _ = _element(cert, 0)
    _expect(tag, _SEQUENCE, "tbsCertificate")
    pos = 0
    tag, _, after = _element(tbs, pos)
    if tag == 0xA0:  # [0] EXPLICIT version
        pos = after
    for what, want in (("serial", _INTEGER), ("signature", _SEQUENCE), ("issuer", _SEQUENCE)):
        tag, _, pos = _element(tbs, pos)
        _expect(tag, want, what)
    tag, validity, pos = _element(tbs, pos)
    _expect(tag, _SEQUENCE, "validity")
    tag, raw_before, after = _element(validity, 0)
    not_before = _time(tag, raw_before)
    tag, raw_after, _ = _element(validity, after)
    not_after = _time(tag, raw_after)
    tag, subject, _ = _element(tbs, pos)
    _expect(tag, _SEQUENCE, "subject")
    return CertificateInfo(subject=_common_name(subject), not_before=not_before, not_after=not_after)


def _element(data: bytes, pos: int) -> tuple[int, bytes, int]:
    """(tag, contents, position after) of the DER element at ``pos``."""
    if pos + 2 > len(data):
        raise CertificateError("truncated DER")
    tag, first = data[pos], data[pos + 1]
    pos += 2
    if first & 0x80:
        count = first & 0x7F
        if count == 0 or count > 4 or pos + count > len(data):
            raise CertificateError("bad DER length")
        length = int.from_bytes(data[pos : pos + count], "big")
        pos += count
    else:
        length = first
    end = pos + length
    if end > len(data):
        raise CertificateError("truncated DER")
    return tag, data[pos:end], end


def _expect(tag: int, want: int, what: str) -> None:
    if tag != want:
        raise CertificateError(f"unexpected DER tag 0x{tag:02X} for {what}")


def _time(tag: int, raw: bytes) -> datetime:
    try:
        text = raw.decode("ascii")
    except UnicodeDecodeError:
        raise CertificateError("validity time is not ASCII") from None
    if tag == _UTC_TIME and re.fullmatch(r"\d{12}Z", text):
        year = int(text[:2])
        text = f"{1900 + year if year >= 50 else 2000 + year}{text[2:]}"
    elif not (tag == _GENERALIZED_TIME and re.fullmatch(r"\d{14}Z", text)):
        raise CertificateError(f"unsupported validity time {text!r}")
    try:
        return datetime.strptime(text, "%Y%m%d%H%M%SZ").replace(tzinfo=UTC)
    except ValueError:
        raise CertificateError(f"impossible validity time {text!r}") from None


def _common_name(name: bytes) -> str:
    pos = 0
    while pos < len(name):
        tag, rdn, pos = _element(name, pos)
        if tag != _SET:
            continue
        inner = 0
        while inner < len(rdn):
            tag, pair, inner = _element(rdn, inner)
            if tag != _SEQUENCE:
                continue
            oid_tag, oid, value_at = _element(pair, 0)
            if oid_tag == _OID and oid == _COMMON_NAME:
                value_tag, value, _ = _element(pair, value_at)
                encoding = _TEXT_TAGS.get(value_tag, "latin-1")
                return value.decode(encoding, "replace")
    return ""
