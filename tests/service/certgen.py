"""Hand-built X.509 certificates (DER by hand): only the parts the certificate reader walks."""

from __future__ import annotations

import base64

CN = bytes((0x06, 0x03, 0x55, 0x04, 0x03))


def tlv(tag: int, content: bytes) -> bytes:
    n = len(content)
    if n < 0x80:
        head = bytes((tag, n))
    else:
        raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
        head = bytes((tag, 0x80 | len(raw))) + raw
    return head + content


def name(common: str) -> bytes:
    return tlv(0x30, tlv(0x31, tlv(0x30, CN + tlv(0x0C, common.encode()))))


def certificate(subject: str, not_before: str, not_after: str, *, version: bool = True) -> bytes:
    """DER; the times as UTCTime (``YYMMDDHHMMSSZ``) or GeneralizedTime (``YYYYMMDDHHMMSSZ``)."""

    def time(text: str) -> bytes:
        return tlv(0x17 if len(text) == 13 else 0x18, text.encode())

    alg = tlv(0x30, tlv(0x06, bytes((0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x04, 0x03, 0x02))))
    tbs = (tlv(0xA0, tlv(0x02, b"\x02")) if version else b"") + tlv(0x02, b"\x01\x23") + alg
    tbs += name("Test CA") + tlv(0x30, time(not_before) + time(not_after)) + name(subject)
    tbs += tlv(0x30, alg + tlv(0x03, b"\x00" + bytes(65)))  # a key nobody reads
    return tlv(0x30, tlv(0x30, tbs) + alg + tlv(0x03, b"\x00" + bytes(64)))


def pem(der: bytes) -> bytes:
    body = base64.encodebytes(der).replace(b"\n", b"")
    lines = [body[i : i + 64] for i in range(0, len(body), 64)]
    return b"-----BEGIN CERTIFICATE-----\n" + b"\n".join(lines) + b"\n-----END CERTIFICATE-----\n"
