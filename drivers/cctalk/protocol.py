"""The host side of one ccTalk exchange, sans-I/O: request out, local echo off, reply in, retries.

Theory of operation (ccTalk Part 1 §7, §10-§12; devices.md 2.1-2.2)
-----------------------------------------------------------------
ccTalk runs on one open-collector data line: a UART host hears its own transmission. After a
request goes out, the bytes that come back first are that request (the "local echo"); they are
stripped before the reply is parsed:

* ``echo=None`` (default) or ``True``: strip it byte for byte if it comes; if the very first
  byte differs, there is no echo on this line and the bytes are the reply; if a later byte
  differs, the echo was garbled on the wire and the rest of its length is skipped (counted in
  ``echo_missing``, as is a missing echo when ``echo=True``);
* ``echo=False``: no echo expected (RS-232 adapters without loop-back).

Whatever the mode, a packet not addressed to the host (e.g. an echo garbled into the decoder,
or another device's traffic on a multi-drop bus) is ignored; only a packet from the addressed
device to the host is a reply. The slave never answers a bad checksum or an unknown header, so
a missing reply is retried ``retries`` times and then reported as ``NoAnswer``. NAK (header 5)
is an answer; BUSY (header 6) is retried.

Time is passed in: the owner writes ``data_to_send(now)``, feeds reads to ``receive_data`` and
sleeps at most until ``wakeup_time()``.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass

from drivers.cctalk.frames import COIN_ACCEPTOR, HOST, Packet, PacketDecoder, encode_packet
from drivers.cctalk.messages import Header
from drivers.errors import LocalProtocolError, RemoteProtocolError

__all__ = ["HostProtocol", "ProtocolState", "Answered", "NoAnswer", "Event"]


class ProtocolState(enum.Enum):
    IDLE = "idle"
    AWAIT_REPLY = "await_reply"


@dataclass(frozen=True, slots=True, kw_only=True)
class Answered:
    header: int  # the request's header
    reply: Packet

    @property
    def ack(self) -> bool:
        return self.reply.header == Header.REPLY

    @property
    def nak(self) -> bool:
        return self.reply.header == Header.NAK


@dataclass(frozen=True, slots=True, kw_only=True)
class NoAnswer:
    header: int
    reason: str


Event = Answered | NoAnswer


class HostProtocol:
    def __init__(
        self,
        *,
        address: int = COIN_ACCEPTOR,
        host: int = HOST,
        retries: int = 3,
        gap: float = 0.01,
        echo: bool | None = None,
        trace: Callable[[str, bytes], None] | None = None,
    ) -> None:
        self.address = address
        self.host = host
        self.retries = retries
        self.gap = gap
        self.echo = echo
        self._trace = trace
        self.state = ProtocolState.IDLE
        self._decoder = PacketDecoder()
        self._packet = b""
        self._header = 0
        self._timeout = 0.0
        self._attempt = 0
        self._send_at: float | None = None
        self._deadline: float | None = None
        self._echo_left = b""  # echo bytes still expected
        self._echo_garbled = False
        self._ready_at = 0.0
        self.echoes_seen = 0
        self.echo_missing = 0
        self.checksum_errors = 0
        self.timeouts = 0

    def send(self, header: int, data: bytes = b"", *, now: float, timeout: float = 0.2) -> None:
        if self.state is not ProtocolState.IDLE:
            raise LocalProtocolError("ccTalk: request sent while waiting for a reply")
        self._header = header
        self._packet = encode_packet(self.address, self.host, header, data)
        self._timeout = timeout
        self._attempt = 0
        self.state = ProtocolState.AWAIT_REPLY
        self._send_at = max(now, self._ready_at)
        self._deadline = None

    def data_to_send(self, now: float) -> bytes:
        if self._send_at is None or now < self._send_at:
            return b""
        self._send_at = None
        self._decoder.clear()
        self._echo_left = self._packet if self.echo is not False else b""
        self._echo_garbled = False
        # The reply window starts after our own bytes are on the wire (~1 ms/byte at 9600).
        self._deadline = now + self._timeout + len(self._packet) * 10 / 9600
        if self._trace:
            self._trace("TX", self._packet)
        return self._packet

    def receive_data(self, data: bytes) -> None:
        if self.state is not ProtocolState.AWAIT_REPLY:
            return  # stray bytes between exchanges are dropped
        if self._echo_left and self._echo_garbled:
            data = self._skip_echo(data)
        elif self._echo_left:
            n = 0
            while n < len(data) and n < len(self._echo_left) and data[n] == self._echo_left[n]:
                n += 1
            if n == len(data) or n == len(self._echo_left):
                self._echo_left = self._echo_left[n:]
                if not self._echo_left:
                    self.echoes_seen += 1
                data = data[n:]
            elif n == 0 and len(self._echo_left) == len(self._packet):
                # Not an echo at all: the reply came straight (no loop-back on this line).
                self._echo_left = b""
                if self.echo is True:
                    self.echo_missing += 1
            else:
                # An echo garbled on the wire still occupies len(request) bytes: skip them.
                self.echo_missing += 1
                self._echo_garbled = True
                data = self._skip_echo(data)
        self._decoder.feed(data)

    def _skip_echo(self, data: bytes) -> bytes:
        k = min(len(data), len(self._echo_left))
        self._echo_left = self._echo_left[k:]
        return data[k:]

    def wakeup_time(self) -> float | None:
        if self._send_at is not None:
            return self._send_at
        return self._deadline if self.state is ProtocolState.AWAIT_REPLY else None

    def next_event(self, now: float) -> Event | None:
        if self.state is not ProtocolState.AWAIT_REPLY or self._deadline is None:
            return None
        while True:
            try:
                packet = self._decoder.next_packet()
            except RemoteProtocolError:
                self.checksum_errors += 1
                continue
            if packet is None:
                break
            if self._trace:
                self._trace("RX", packet.raw)
            if packet.destination != self.host or packet.source != self.address:
                continue  # an echo we could not strip, or someone else's traffic
            if packet.header == Header.BUSY:
                return self._retry(now, "device busy")
            self._finish(now)
            return Answered(header=self._header, reply=packet)
        if now >= self._deadline:
            self.timeouts += 1
            return self._retry(now, "no reply")
        return None

    def reset_link(self) -> None:
        self._decoder.clear()
        self.state = ProtocolState.IDLE
        self._send_at = self._deadline = None

    def _finish(self, now: float) -> None:
        self.state = ProtocolState.IDLE
        self._deadline = None
        self._ready_at = now + self.gap

    def _retry(self, now: float, reason: str) -> Event | None:
        self._decoder.clear()
        self._attempt += 1
        if self._attempt > self.retries:
            self._finish(now)
            return NoAnswer(header=self._header, reason=reason)
        self._deadline = None
        self._send_at = now + self.gap
        return None
