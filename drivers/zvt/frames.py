"""ZVT serial blocks: CRC, DLE stuffing and a byte-fed decoder (pure, no I/O).

Block layout (ZVT-T section 3.1, card.md 1.4)::

    DLE STX  <APDU, every 10 sent as 10 10>  DLE ETX  CRC-low CRC-high

The CRC is CRC-16/KERMIT (the "x^16+x^15+x^10+x^3" of ZVT-T 3.3 is the bit-reversed
form 0x8408 of CCITT 0x1021; init 0, reflected, no final xor) over the un-stuffed APDU
plus the ETX byte. The two CRC bytes follow raw, little-endian, never stuffed.

Outside a block, a bare ``06`` is ACK and ``15`` is NAK; the receiver answers every
block with one of them (the transport layer does that, not this module).

Hunting (resynchronisation) rules of ``FrameDecoder``:

* outside a block every byte other than ACK, NAK and ``DLE STX`` is skipped (counted
  in ``discarded``);
* ``DLE STX`` inside a block means the sender restarted: the partial block is rejected
  and a new one begins;
* ``DLE`` followed by anything but ``DLE``, ``ETX`` or ``STX`` inside a block rejects it;
* a block longer than ``max_apdu`` bytes, or one whose bytes stop for longer than T1
  (``expire``), is rejected; a CRC mismatch is rejected. Every rejection is reported as
  ``FrameRejected`` so the receiver can answer NAK, and hunting starts again.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

__all__ = [
    "DLE",
    "STX",
    "ETX",
    "ACK",
    "NAK",
    "crc16",
    "encode_frame",
    "AckReceived",
    "NakReceived",
    "FrameReceived",
    "FrameRejected",
    "FrameEvent",
    "FrameDecoder",
]

DLE = 0x10
STX = 0x02
ETX = 0x03
ACK = 0x06
NAK = 0x15

# Largest APDU: class, instr, FF + 2-byte length, 65535 data bytes.
MAX_APDU = 5 + 0xFFFF


def _make_table() -> tuple[int, ...]:
    table = []
    for byte in range(256):
        crc = byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0x8408 if crc & 1 else crc >> 1
        table.append(crc)
    return tuple(table)


_TABLE = _make_table()


def crc16(data: bytes) -> int:
    """CRC-16/KERMIT of ``data`` (ZVT-T 3.3); ``crc16(b"123456789") == 0x2189``."""
    crc = 0
    for byte in data:
        crc = (crc >> 8) ^ _TABLE[(crc ^ byte) & 0xFF]
    return crc


def encode_frame(apdu: bytes) -> bytes:
    """The wire bytes of one block carrying ``apdu``."""
    crc = crc16(apdu + bytes([ETX]))
    body = apdu.replace(bytes([DLE]), bytes([DLE, DLE]))
    return bytes([DLE, STX]) + body + bytes([DLE, ETX, crc & 0xFF, crc >> 8])


@dataclass(frozen=True, slots=True)
class AckReceived:
    pass


@dataclass(frozen=True, slots=True)
class NakReceived:
    pass


@dataclass(frozen=True, slots=True)
class FrameReceived:
    apdu: bytes


@dataclass(frozen=True, slots=True)
class FrameRejected:
    """A block that must be answered with NAK. ``size`` only: its bytes may hold card data."""

    reason: str
    size: int


FrameEvent = AckReceived | NakReceived | FrameReceived | FrameRejected


class _S(Enum):
    HUNT = 0
    HUNT_DLE = 1
    BODY = 2
    BODY_DLE = 3
    CRC_LOW = 4
    CRC_HIGH = 5


class FrameDecoder:
    """Bytes in, ``FrameEvent`` list out. Never raises on any input."""

    def __init__(self, *, max_apdu: int = MAX_APDU) -> None:
        self.max_apdu = max_apdu
        self.discarded = 0
        self._state = _S.HUNT
        self._body = bytearray()
        self._crc_low = 0
        self._last_byte_at = 0.0

    @property
    def in_block(self) -> bool:
        return self._state not in (_S.HUNT, _S.HUNT_DLE)

    def reset(self) -> None:
        self._state = _S.HUNT
        self._body.clear()

    def feed(self, data: bytes, now: float = 0.0) -> list[FrameEvent]:
        events: list[FrameEvent] = []
        for byte in data:
            self._byte(byte, events)
        if data:
            self._last_byte_at = now
        return events

    def expire(self, now: float, t1: float) -> list[FrameEvent]:
        """Reject a partial block whose bytes stopped for longer than ``t1`` (ZVT-T 3.4.1)."""
        if self._state is _S.HUNT_DLE and now - self._last_byte_at > t1:
            self._state = _S.HUNT
            self.discarded += 1
        if self.in_block and now - self._last_byte_at > t1:
            size = len(self._body)
            self.reset()
            return [FrameRejected("T1: gap between bytes too long", size)]
        return []

    def deadline(self, t1: float) -> float | None:
        """When ``expire`` would next reject something, or None."""
        return self._last_byte_at + t1 if self._state is not _S.HUNT else None

    def _byte(self, byte: int, events: list[FrameEvent]) -> None:
        state = self._state
        if state is _S.HUNT:
            if byte == ACK:
                events.append(AckReceived())
            elif byte == NAK:
                events.append(NakReceived())
            elif byte == DLE:
                self._state = _S.HUNT_DLE
            else:
                self.discarded += 1
        elif state is _S.HUNT_DLE:
            if byte == STX:
                self._body.clear()
                self._state = _S.BODY
            elif byte == DLE:
                self.discarded += 1
            else:
                self.discarded += 1
                self._state = _S.HUNT
                self._byte(byte, events)  # a lone DLE was noise; the byte may be ACK/NAK
        elif state is _S.BODY:
            if byte == DLE:
                self._state = _S.BODY_DLE
            elif len(self._body) >= self.max_apdu:
                events.append(FrameRejected("block too long", len(self._body)))
                self.reset()
            else:
                self._body.append(byte)
        elif state is _S.BODY_DLE:
            if byte == DLE:
                self._body.append(DLE)
                self._state = _S.BODY
            elif byte == ETX:
                self._state = _S.CRC_LOW
            elif byte == STX:
                events.append(FrameRejected("block restarted", len(self._body)))
                self._body.clear()
                self._state = _S.BODY
            else:
                events.append(FrameRejected(f"DLE {byte:02X} inside a block", len(self._body)))
                self.reset()
        elif state is _S.CRC_LOW:
            self._crc_low = byte
            self._state = _S.CRC_HIGH
        else:  # CRC_HIGH
            apdu = bytes(self._body)
            self.reset()
            got = self._crc_low | (byte << 8)
            if got != crc16(apdu + bytes([ETX])):
                events.append(FrameRejected("CRC mismatch", len(apdu)))
            elif len(apdu) < 2:
                events.append(FrameRejected("block shorter than an APDU header", len(apdu)))
            else:
                events.append(FrameReceived(apdu))
