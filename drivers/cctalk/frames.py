"""ccTalk packets with the simple checksum: encoding and a hunting decoder. Pure, no I/O.

Packet layout, the same both ways (ccTalk Part 1 §7; devices.md 2.2)::

    [destination] [n = data length] [source] [header] [data 1 .. data n] [checksum]

The checksum makes the sum of ALL bytes, itself included, 0 mod 256. A reply swaps destination
and source and uses header 0. Packets are 5..260 bytes. (CRC-16 checksum mode and encryption
are not supported.)

Hunting: ccTalk has no sync byte, so a packet start is recognised by its checksum only.

* a complete candidate packet whose checksum is wrong: drop its first byte and hunt on from the
  next byte, after reporting the error;
* an incomplete packet waits for more bytes: the owner calls ``clear()`` when its 50 ms
  inter-byte timeout (Part 1 §11) or its reply timeout expires; the decoder reads no clock.

``next_packet()`` returns a ``Packet`` or ``None`` (need more bytes) and raises only
``RemoteProtocolError``, after consuming the bad byte, so the caller can simply call it again.
"""

from __future__ import annotations

from dataclasses import dataclass

from drivers.errors import RemoteProtocolError

__all__ = ["HOST", "COIN_ACCEPTOR", "checksum", "encode_packet", "Packet", "PacketDecoder"]

HOST = 1
COIN_ACCEPTOR = 2
MAX_DATA = 255


def checksum(data: bytes) -> int:
    """The simple checksum byte that makes the packet's byte sum 0 mod 256."""
    return -sum(data) & 0xFF


@dataclass(frozen=True, slots=True)
class Packet:
    destination: int
    source: int
    header: int
    data: bytes
    raw: bytes


def encode_packet(destination: int, source: int, header: int, data: bytes = b"") -> bytes:
    if len(data) > MAX_DATA:
        raise ValueError(f"ccTalk data too long: {len(data)} bytes")
    for name, value in (("destination", destination), ("source", source), ("header", header)):
        if not 0 <= value <= 0xFF:
            raise ValueError(f"ccTalk {name} out of range: {value}")
    body = bytes((destination, len(data), source, header)) + data
    return body + bytes((checksum(body),))


class PacketDecoder:
    """Feed bytes with ``feed``; take packets with ``next_packet`` (see module docstring)."""

    def __init__(self, max_buffer: int = 2048) -> None:
        self._buf = bytearray()
        self._max = max_buffer

    def feed(self, data: bytes) -> None:
        self._buf += data
        if len(self._buf) > self._max:
            del self._buf[: len(self._buf) - self._max]

    def clear(self) -> None:
        self._buf.clear()

    @property
    def pending(self) -> int:
        return len(self._buf)

    def next_packet(self) -> Packet | None:
        buf = self._buf
        if len(buf) < 2:
            return None
        size = buf[1] + 5
        if len(buf) < size:
            return None
        raw = bytes(buf[:size])
        if sum(raw) & 0xFF:
            del buf[:1]
            raise RemoteProtocolError(f"ccTalk: bad checksum in {raw.hex(' ')}")
        del buf[:size]
        return Packet(destination=raw[0], source=raw[2], header=raw[3], data=raw[4:-1], raw=raw)
