"""CCNET frames: CRC-16/KERMIT, encoding and a hunting decoder. Pure, no I/O.

Frame layout (CCNET Doc 1 §2.2; devices.md 1.2)::

    SYNC(0x02) ADR LNG [CMD] [DATA...] CRC_L CRC_H

LNG is the total frame length including SYNC and both CRC bytes (6..255). Commands carry a CMD
byte, replies do not; this module does not care: a frame's ``payload`` is everything between LNG
and the CRC. The CRC (poly 0x1021 reflected = 0x8408, init 0, no final xor) covers SYNC through
the last payload byte and goes on the wire low byte first. Long frames (LNG = 0, firmware
download only) are refused.

Hunting (resync after garbage), in the manner of pymodbus's RTU framer:

* bytes before a SYNC are dropped (reported once as a ``RemoteProtocolError``);
* a SYNC followed by an impossible LNG (0 = long frame, or < 6) is not a frame start: drop that
  SYNC, hunt on;
* a complete candidate frame whose CRC does not match: drop only its SYNC byte and hunt on from
  the next byte (a real frame may start inside the garbage), after reporting the error;
* an incomplete frame waits for more bytes; the owner calls ``clear()`` when its inter-byte or
  reply timeout expires (the decoder never reads a clock).

``next_frame()`` returns a ``Frame`` or ``None`` (need more bytes) and raises only
``RemoteProtocolError``, after consuming the bad bytes, so the caller can simply call it again.
"""

from __future__ import annotations

from dataclasses import dataclass

from drivers.errors import RemoteProtocolError

__all__ = [
    "SYNC",
    "MIN_LENGTH",
    "MAX_LENGTH",
    "crc16",
    "encode_frame",
    "Frame",
    "FrameDecoder",
    "CrcError",
]

SYNC = 0x02
MIN_LENGTH = 6  # SYNC ADR LNG + at least one CMD/DATA byte + 2 CRC bytes
MAX_LENGTH = 255
_POLY = 0x8408


def _table() -> tuple[int, ...]:
    out = []
    for byte in range(256):
        crc = byte
        for _ in range(8):
            crc = (crc >> 1) ^ _POLY if crc & 1 else crc >> 1
        out.append(crc)
    return tuple(out)


_TABLE = _table()


def crc16(data: bytes) -> int:
    """CRC-16/KERMIT as CCNET uses it (check value for b"123456789" is 0x2189)."""
    crc = 0
    for byte in data:
        crc = (crc >> 8) ^ _TABLE[(crc ^ byte) & 0xFF]
    return crc


class CrcError(RemoteProtocolError):
    """A complete frame arrived whose CRC is wrong (answer it with NAK)."""


@dataclass(frozen=True, slots=True)
class Frame:
    """One decoded frame: the address and the bytes between LNG and the CRC."""

    address: int
    payload: bytes
    raw: bytes


def encode_frame(address: int, payload: bytes) -> bytes:
    """Frame ``payload`` (CMD+DATA for a command, DATA for a reply) for ``address``."""
    length = len(payload) + 5
    if not 0 <= address <= 0xFF:
        raise ValueError(f"address out of range: {address}")
    if not payload:
        raise ValueError("a CCNET frame carries at least one byte (CMD or DATA)")
    if length > MAX_LENGTH:
        raise ValueError(f"payload too long for a short frame: {len(payload)} bytes")
    head = bytes((SYNC, address, length)) + payload
    crc = crc16(head)
    return head + bytes((crc & 0xFF, crc >> 8))


class FrameDecoder:
    """Feed bytes with ``feed``; take frames with ``next_frame`` (see module docstring)."""

    def __init__(self, max_buffer: int = 4096) -> None:
        self._buf = bytearray()
        self._max = max_buffer

    def feed(self, data: bytes) -> None:
        self._buf += data
        if len(self._buf) > self._max:  # never grow without bound on a babbling line
            del self._buf[: len(self._buf) - self._max]

    def clear(self) -> None:
        """Forget a partial frame (the owner's timeout expired)."""
        self._buf.clear()

    @property
    def pending(self) -> int:
        return len(self._buf)

    def next_frame(self) -> Frame | None:
        buf = self._buf
        if buf and buf[0] != SYNC:
            start = buf.find(SYNC)
            skipped = len(buf) if start < 0 else start
            garbage = bytes(buf[:skipped])
            del buf[:skipped]
            raise RemoteProtocolError(f"CCNET: {skipped} byte(s) of garbage: {garbage.hex(' ')}")
        if len(buf) < 3:
            return None
        length = buf[2]
        if length < MIN_LENGTH:
            del buf[:1]
            raise RemoteProtocolError(f"CCNET: impossible frame length {length}")
        if len(buf) < length:
            return None
        raw = bytes(buf[:length])
        got = raw[-2] | (raw[-1] << 8)
        want = crc16(raw[:-2])
        if got != want:
            del buf[:1]
            raise CrcError(
                f"CCNET: CRC mismatch (got {got:04X}, want {want:04X}) in {raw.hex(' ')}"
            )
        del buf[:length]
        return Frame(address=raw[1], payload=raw[3:-2], raw=raw)
