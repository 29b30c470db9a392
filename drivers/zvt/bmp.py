"""ZVT data fields: BCD numbers, LLVAR/LLLVAR, bitmaps (BMPs), the TLV container, PAN masking.

A BMP is ``<id><value>``; the value's length comes from the id (ZVT-C chapter 13):
fixed, LLVAR (``Fx Fy`` = 10x+y bytes follow), LLLVAR (``Fx Fy Fz``) or, for BMP 06,
a BER-TLV length. An id missing from ``BMP_FORMATS`` cannot be skipped (its length is
unknown), so ``parse_bmps`` stops there and hands back the rest.

Card data rule (kept here, at the codec boundary): a PAN leaves this module masked, first
six and last four digits at most (``mask_pan``); track data, CVV and PIN blocks are never
returned as values (``SENSITIVE_BMPS``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from drivers.errors import RemoteProtocolError

__all__ = [
    "Kind",
    "BMP_FORMATS",
    "SENSITIVE_BMPS",
    "SENSITIVE_TAGS",
    "bcd_encode",
    "bcd_decode",
    "bcd_digits",
    "llvar",
    "encode_bmp",
    "parse_bmps",
    "Tlv",
    "parse_tlv",
    "encode_tlv",
    "tlv_container",
    "parse_tlv_container",
    "strip_sensitive_tlv",
    "decode_pan",
    "encode_pan",
    "mask_pan",
    "mask_pans_in_text",
    "find_tags",
    "decode_text",
    "TEXT_ENCODING",
]

TEXT_ENCODING = "cp437"  # ZVT default character set (TLV tag 14 may change it)


class Kind(Enum):
    FIXED = 0
    LLVAR = 2
    LLLVAR = 3
    TLV = 9


# id -> (kind, fixed length). ZVT-C chapter 13, as read by the references in card.md 1.12.
BMP_FORMATS: dict[int, tuple[Kind, int]] = {
    0x01: (Kind.FIXED, 1),  # timeout
    0x02: (Kind.FIXED, 1),  # max. number of status informations
    0x03: (Kind.FIXED, 1),  # service byte
    0x04: (Kind.FIXED, 6),  # amount, BCD minor units
    0x05: (Kind.FIXED, 1),  # pump number
    0x06: (Kind.TLV, 0),  # TLV container
    0x0B: (Kind.FIXED, 3),  # trace number
    0x0C: (Kind.FIXED, 3),  # time HHMMSS
    0x0D: (Kind.FIXED, 2),  # date MMDD
    0x0E: (Kind.FIXED, 2),  # expiry YYMM
    0x17: (Kind.FIXED, 2),  # card sequence number
    0x19: (Kind.FIXED, 1),  # status byte / payment type
    0x22: (Kind.LLVAR, 0),  # PAN, E = masked digit
    0x23: (Kind.LLVAR, 0),  # track 2
    0x24: (Kind.LLLVAR, 0),  # track 3
    0x27: (Kind.FIXED, 1),  # result code
    0x29: (Kind.FIXED, 4),  # terminal id
    0x2A: (Kind.FIXED, 15),  # VU number (merchant)
    0x2D: (Kind.LLVAR, 0),  # track 1
    0x2E: (Kind.LLLVAR, 0),  # synchronous chip data
    0x37: (Kind.FIXED, 3),  # original trace (reversal)
    0x3A: (Kind.FIXED, 2),  # CVV/CVC
    0x3B: (Kind.FIXED, 8),  # AID authorisation attribute (approval code)
    0x3C: (Kind.LLLVAR, 0),  # additional text
    0x3D: (Kind.FIXED, 3),  # password
    0x49: (Kind.FIXED, 2),  # currency code
    0x60: (Kind.LLLVAR, 0),  # individual totals
    0x87: (Kind.FIXED, 2),  # receipt number
    0x88: (Kind.FIXED, 3),  # turnover record number
    0x8A: (Kind.FIXED, 1),  # card type (ZVT id)
    0x8B: (Kind.LLVAR, 0),  # card name
    0x8C: (Kind.FIXED, 1),  # card type id of the network operator
    0x9A: (Kind.LLLVAR, 0),  # Geldkarte records
    0xA0: (Kind.FIXED, 1),  # result code AS
    0xA7: (Kind.LLVAR, 0),  # chip data
    0xAA: (Kind.FIXED, 3),  # date YYMMDD
    0xAF: (Kind.LLLVAR, 0),  # EF_Info
    0xBA: (Kind.FIXED, 5),  # AID parameter
    0xD0: (Kind.FIXED, 1),  # algorithm key
    0xD1: (Kind.LLVAR, 0),  # card offset / PIN data
    0xD2: (Kind.FIXED, 1),  # card output direction
    0xD3: (Kind.FIXED, 1),  # DUKPT key id
    0xE0: (Kind.FIXED, 1),
    **{tag: (Kind.LLVAR, 0) for tag in range(0xE1, 0xE9)},  # text2 lines
    0xE9: (Kind.FIXED, 1),
    0xEA: (Kind.FIXED, 1),
    0xEB: (Kind.FIXED, 8),
    0xF0: (Kind.FIXED, 1),  # display duration
    **{tag: (Kind.LLVAR, 0) for tag in range(0xF1, 0xF9)},  # text1 lines
    0xF9: (Kind.FIXED, 1),
    0xFA: (Kind.FIXED, 1),
    0xFB: (Kind.FIXED, 1),
    0xFC: (Kind.FIXED, 1),
    0xFD: (Kind.FIXED, 1),
}

# Never kept as values: track data, chip data, CVV, PIN data.
SENSITIVE_BMPS = frozenset({0x23, 0x24, 0x2D, 0x2E, 0x3A, 0xA7, 0xD1})
# EMV tags inside BMP 06 that carry a PAN, track data or the cardholder's name.
SENSITIVE_TAGS = frozenset({0x5A, 0x57, 0x56, 0x9F6B, 0x5F20, 0x9F1F, 0x9F20})


# ------------------------------------------------------------------------------- numbers


def bcd_encode(value: int, nbytes: int) -> bytes:
    digits = f"{value:0{nbytes * 2}d}"
    if value < 0 or len(digits) > nbytes * 2:
        raise ValueError(f"{value} does not fit in {nbytes} BCD bytes")
    return bytes.fromhex(digits)


def bcd_digits(data: bytes) -> str:
    """The decimal digits of packed BCD ``data``; any nibble above 9 is a peer fault."""
    text = data.hex()
    if not text.isdigit():
        raise RemoteProtocolError(f"not BCD: {text.upper()}")
    return text


def bcd_decode(data: bytes) -> int:
    return int(bcd_digits(data)) if data else 0


def _var_length(prefix: bytes) -> int:
    n = 0
    for byte in prefix:
        if byte >> 4 != 0xF or byte & 0x0F > 9:
            raise RemoteProtocolError(f"bad LLVAR length byte {byte:02X}")
        n = n * 10 + (byte & 0x0F)
    return n


def llvar(value: bytes, digits: int = 2) -> bytes:
    """``value`` prefixed with its LLVAR (2) or LLLVAR (3) length."""
    text = f"{len(value):0{digits}d}"
    if len(text) > digits:
        raise ValueError(f"{len(value)} bytes do not fit an L{'L' * digits}VAR")
    return bytes(0xF0 | int(c) for c in text) + value


def _ber_length(data: bytes, pos: int) -> tuple[int, int]:
    """(length, position after the length bytes)."""
    if pos >= len(data):
        raise RemoteProtocolError("TLV length missing")
    first = data[pos]
    if first < 0x80:
        return first, pos + 1
    count = first & 0x7F
    if count == 0 or count > 2 or pos + 1 + count > len(data):
        raise RemoteProtocolError(f"bad TLV length byte {first:02X}")
    return int.from_bytes(data[pos + 1 : pos + 1 + count], "big"), pos + 1 + count


def _encode_ber_length(n: int) -> bytes:
    if n < 0x80:
        return bytes([n])
    if n <= 0xFF:
        return bytes([0x81, n])
    if n <= 0xFFFF:
        return bytes([0x82]) + n.to_bytes(2, "big")
    raise ValueError("TLV value too long")


# ------------------------------------------------------------------------------- BMPs


def encode_bmp(bmp_id: int, value: bytes) -> bytes:
    """``value`` must be the raw field (without LLVAR prefix) for variable-length BMPs."""
    kind, size = BMP_FORMATS[bmp_id]
    if kind is Kind.FIXED:
        if len(value) != size:
            raise ValueError(f"BMP {bmp_id:02X} takes {size} bytes, got {len(value)}")
        return bytes([bmp_id]) + value
    if kind is Kind.TLV:
        return bytes([bmp_id]) + _encode_ber_length(len(value)) + value
    return bytes([bmp_id]) + llvar(value, kind.value)


def parse_bmps(data: bytes) -> tuple[tuple[tuple[int, bytes], ...], bytes]:
    """Split ``data`` into (id, value) pairs; variable-length values come without prefix.

    Returns the pairs and the unparsed rest (from the first unknown id on).
    Raises ``RemoteProtocolError`` when a field runs past the end or a length is malformed.
    """
    items: list[tuple[int, bytes]] = []
    pos = 0
    while pos < len(data):
        bmp_id = data[pos]
        fmt = BMP_FORMATS.get(bmp_id)
        if fmt is None:
            return tuple(items), data[pos:]
        kind, size = fmt
        pos += 1
        if kind is Kind.FIXED:
            length = size
        elif kind is Kind.TLV:
            length, pos = _ber_length(data, pos)
        else:
            prefix = data[pos : pos + kind.value]
            if len(prefix) < kind.value:
                raise RemoteProtocolError(f"BMP {bmp_id:02X}: length cut short")
            length = _var_length(prefix)
            pos += kind.value
        if pos + length > len(data):
            raise RemoteProtocolError(f"BMP {bmp_id:02X}: {length} bytes announced, data ends")
        items.append((bmp_id, data[pos : pos + length]))
        pos += length
    return tuple(items), b""


# ------------------------------------------------------------------------------- TLV


@dataclass(frozen=True, slots=True)
class Tlv:
    tag: int
    value: bytes

    @property
    def constructed(self) -> bool:
        first = self.tag
        while first > 0xFF:
            first >>= 8
        return bool(first & 0x20)

    def children(self) -> tuple[Tlv, ...]:
        return parse_tlv(self.value) if self.constructed else ()


def parse_tlv(data: bytes) -> tuple[Tlv, ...]:
    """BER-TLV objects of ``data`` (one level). Raises ``RemoteProtocolError`` if malformed."""
    items: list[Tlv] = []
    pos = 0
    while pos < len(data):
        tag = data[pos]
        pos += 1
        if tag & 0x1F == 0x1F:
            while True:
                if pos >= len(data):
                    raise RemoteProtocolError("TLV tag cut short")
                tag = (tag << 8) | data[pos]
                pos += 1
                if not data[pos - 1] & 0x80:
                    break
                if tag > 0xFFFFFF:
                    raise RemoteProtocolError("TLV tag too long")
        length, pos = _ber_length(data, pos)
        if pos + length > len(data):
            raise RemoteProtocolError(f"TLV {tag:X}: {length} bytes announced, data ends")
        items.append(Tlv(tag, data[pos : pos + length]))
        pos += length
    return tuple(items)


def encode_tlv(tag: int, value: bytes) -> bytes:
    return tag.to_bytes(max(1, (tag.bit_length() + 7) // 8), "big") + (
        _encode_ber_length(len(value)) + value
    )


def tlv_container(*objects: Tlv) -> bytes:
    """The value of BMP 06 for ``objects`` (use with ``encode_bmp(0x06, ...)``)."""
    return b"".join(encode_tlv(o.tag, o.value) for o in objects)


def parse_tlv_container(value: bytes) -> tuple[Tlv, ...]:
    return parse_tlv(value)


def find_tags(objects: tuple[Tlv, ...], tag: int) -> list[Tlv]:
    """Every object with ``tag`` among ``objects`` and inside their constructed children."""
    found: list[Tlv] = []
    for obj in objects:
        if obj.tag == tag:
            found.append(obj)
        elif obj.constructed:
            try:
                found += find_tags(obj.children(), tag)
            except RemoteProtocolError:
                continue
    return found


def strip_sensitive_tlv(value: bytes) -> bytes:
    """The TLV container ``value`` without the card-data tags (recursively)."""
    out = bytearray()
    for obj in parse_tlv(value):
        if obj.tag in SENSITIVE_TAGS:
            continue
        inner = strip_sensitive_tlv(obj.value) if obj.constructed else obj.value
        out += encode_tlv(obj.tag, inner)
    return bytes(out)


# ------------------------------------------------------------------------------- PAN


def mask_pan(pan: str) -> str:
    """Keep at most the first six and the last four digits; mask the rest with ``*``.

    ``pan`` holds digits and ``*`` (already masked digits); separators are not expected.
    Short numbers (< 13 digits) keep only the last four.
    """
    n = len(pan)
    keep_head = 6 if n >= 13 else 0
    keep_tail = 4 if n > 4 else 0
    return "".join(c if (i < keep_head or i >= n - keep_tail) else "*" for i, c in enumerate(pan))


def decode_pan(value: bytes) -> str:
    """BMP 22 (without its LLVAR prefix) -> masked PAN text, ``E`` nibbles become ``*``."""
    out = []
    for nibble in value.hex().upper():
        if nibble == "F":
            continue  # padding for odd lengths
        out.append(nibble if nibble.isdigit() else "*")
    return mask_pan("".join(out))


def encode_pan(pan: str) -> bytes:
    """``pan`` digits and ``*`` -> BCD with ``E`` for masked digits, ``F`` padded."""
    text = pan.replace("*", "E")
    if len(text) % 2:
        text += "F"
    return bytes.fromhex(text)


_DIGIT_RUN = re.compile(r"(?<![\d*])(?:[\d*][ -]?){12,18}[\d*](?![\d*])")


def _luhn_ok(digits: str) -> bool:
    total = 0
    for i, c in enumerate(reversed(digits)):
        d = int(c)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def mask_pans_in_text(text: str) -> str:
    """Mask anything in free text (receipt lines, display texts) that could be a full PAN.

    A run of 13-19 digits (spaces or dashes allowed between them) that passes the Luhn
    check keeps its first six and last four digits only.
    """

    def repl(match: re.Match[str]) -> str:
        run = match.group(0)
        chars = [c for c in run if c.isdigit() or c == "*"]
        if "*" not in chars and not _luhn_ok("".join(chars)):
            return run
        masked = iter(mask_pan("".join(chars)))
        return "".join(next(masked) if (c.isdigit() or c == "*") else c for c in run)

    return _DIGIT_RUN.sub(repl, text)


def decode_text(data: bytes) -> str:
    """Text from the PT (print lines, display lines, card name), PANs masked."""
    return mask_pans_in_text(data.decode(TEXT_ENCODING).rstrip("\x00 "))
