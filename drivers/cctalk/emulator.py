"""A ccTalk coin acceptor (address 2), for tests, the demo and ``kiosk emulate cctalk``.

Follows devices.md 2.9 with the same ``frames`` and ``messages`` as the driver:

* every byte from the host is echoed back at once (the shared data line's loop-back; turn off
  with ``echo=False``);
* packets for other addresses, with a bad checksum, or cut by a 50 ms gap are dropped silently;
  unknown headers get no reply at all;
* a 5-pair event FIFO with a counter that is 0 after power-up/reset and wraps 255 -> 1;
* inhibited at power-up (all coins and master inhibit) and self-inhibited while header 229 is not
  polled for ``watchdog`` seconds (the credit poll watchdog);
* a pty has no baud rate: replies are delayed by ``reply_delay`` plus their wire time.

Scripted by method calls (``insert_coin``, ``reject_next``, ``error_event``, ``fault``,
``power_cycle``, ``burst``, ``corrupt_next_frame``, ``set_silent``, ``unplug``...) and by stdin
lines from ``kiosk emulate cctalk`` (``help`` lists them).
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from drivers.cctalk.frames import COIN_ACCEPTOR, PacketDecoder, encode_packet
from drivers.cctalk.messages import (
    ErrorCode,
    Header,
    coin_value,
    decode_inhibits,
    encode_buffered_credit,
    encode_inhibits,
    encode_serial,
    parse_coin_id,
)
from drivers.console import LINE_COMMANDS, apply_line_command
from drivers.emulation import LineFaults, ServedInThread
from drivers.errors import LinkError, RemoteProtocolError
from drivers.link import Link, PtyLink

__all__ = ["CoinTiming", "CoinAcceptorEmulator", "MDL_COINS", "main"]

log = logging.getLogger(__name__)

# Moldovan coins by coin position (ids in bani, as the spec's EU200A is in euro cents).
MDL_COINS: dict[int, str] = {
    1: "MD005A",
    2: "MD010A",
    3: "MD025A",
    4: "MD050A",
    5: "MD100A",
    6: "MD200A",
    7: "MD500A",
    8: "MD1K0A",
}


@dataclass(frozen=True, slots=True, kw_only=True)
class CoinTiming:
    reply_delay: float = 0.005  # simple poll answers "immediately" (~10 ms)
    baud: int | None = 9600
    frame_timeout: float = 0.05  # Part 1 §11: reset the receiver after a 50 ms gap
    watchdog: float | None = 2.0  # self-inhibit when 229 is not polled this long; None = never

    def wire_time(self, nbytes: int) -> float:
        return 0.0 if not self.baud else nbytes * 10 / self.baud


class CoinAcceptorEmulator(LineFaults, ServedInThread):
    """The device. ``start()`` serves it in a thread; scripted methods are thread-safe."""

    thread_name = "cctalk-emulator"

    def __init__(
        self,
        link: Link | None = None,
        *,
        link_path: str | None = None,
        coins: dict[int, str] | None = None,
        address: int = COIN_ACCEPTOR,
        echo: bool = True,
        timing: CoinTiming | None = None,
        manufacturer: str = "MCI",
        product: str = "SR5i",
        serial: int = 12345678,
        software: str = "SR5i-MD-2.1",
        build: str = "MD0",
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._own_link = link is None
        self._link_path = link_path
        self._link: Link | None = link if link is not None else PtyLink(link_path)
        self.port: str = getattr(self._link, "port", "")
        self.coins = dict(MDL_COINS if coins is None else coins)
        self.address = address
        self.echo = echo
        self.timing = timing or CoinTiming()
        self.manufacturer = manufacturer
        self.product = product
        self.serial = serial
        self.software = software
        self.build = build
        self._clock = clock
        self._lock = threading.RLock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._decoder = PacketDecoder()
        self._last_rx = 0.0
        self.silent = False
        self._unplugged = False
        self._corrupt_next = 0
        self._next_reject: int | None = None
        self.fault_code = 0
        self.accepted: list[int] = []  # values credited by the device, in bani
        self.headers: list[int] = []
        self._power_up()

    def _power_up(self) -> None:
        self.counter = 0
        self.buffer: deque[tuple[int, int]] = deque(maxlen=5)  # newest first
        self.inhibits = 0
        self.master_enabled = False
        self.last_credit_poll = float("-inf")
        self.insertions = 0
        self.accept_count = 0

    # ------------------------------------------------------------------ lifecycle

    def _close_link(self) -> None:
        if self._own_link and self._link is not None:
            self._link.close()

    # ------------------------------------------------------------------ scripting

    def value_of(self, position: int) -> int | None:
        coin_id = self.coins.get(position)
        return None if coin_id is None else coin_value(parse_coin_id(coin_id.encode("ascii")))

    def position_of(self, amount: int) -> int | None:
        for position in sorted(self.coins):
            if self.value_of(position) == amount:
                return position
        return None

    def accepting(self, position: int) -> bool:
        with self._lock:
            watchdog = self.timing.watchdog
            fed = watchdog is None or self._clock() - self.last_credit_poll <= watchdog
            return bool(self.master_enabled and fed and self.inhibits >> (position - 1) & 1)

    def insert_coin(self, amount: int, path: int = 1) -> bool:
        """A coin worth ``amount`` bani; True if the device credited it."""
        position = self.position_of(amount)
        if position is None:
            self.error_event(ErrorCode.REJECT_COIN)
            return False
        return self.insert_position(position, path)

    def insert_position(self, position: int, path: int = 1) -> bool:
        with self._lock:
            self.insertions += 1
            if self._next_reject is not None:
                code, self._next_reject = self._next_reject, None
                self._push((0, code))
                return False
            if not self.accepting(position):
                self._push((0, ErrorCode.INHIBITED_COIN))
                return False
            self._push((position, path))
            self.accepted.append(self.value_of(position) or 0)
            self.accept_count += 1
            return True

    def burst(self, amounts: list[int]) -> int:
        """Several coins between two polls (more than 5 loses events); returns how many credited."""
        with self._lock:
            return sum(self.insert_coin(a) for a in amounts)

    def reject_next(self, code: int = ErrorCode.REJECT_COIN) -> None:
        with self._lock:
            self._next_reject = int(code)

    def error_event(self, code: int) -> None:
        with self._lock:
            self._push((0, int(code)))

    def fault(self, code: int) -> None:
        """Self-check (232) reports ``code`` until ``clear_fault``; a 255 alarm is buffered."""
        with self._lock:
            self.fault_code = code
            self._push((0, ErrorCode.UNSPECIFIED_ALARM))

    def clear_fault(self) -> None:
        with self._lock:
            self.fault_code = 0

    def power_cycle(self) -> None:
        with self._lock:
            self._power_up()

    def _push(self, event: tuple[int, int]) -> None:
        self.counter = self.counter % 255 + 1  # 1..255, never back to 0
        self.buffer.appendleft(event)

    # ------------------------------------------------------------------ device logic

    def _handle(self, header: int, data: bytes, now: float) -> bytes | None:
        """Reply data for a request, or None for no reply (unknown header / bad request)."""
        self.headers.append(header)
        texts = {
            Header.REQUEST_MANUFACTURER_ID: self.manufacturer,
            Header.REQUEST_EQUIPMENT_CATEGORY: "Coin Acceptor",
            Header.REQUEST_PRODUCT_CODE: self.product,
            Header.REQUEST_SOFTWARE_REVISION: self.software,
            Header.REQUEST_BUILD_CODE: self.build,
        }
        if header in texts:
            return texts[Header(header)].encode("ascii")
        if header == Header.SIMPLE_POLL:
            return b""
        if header == Header.REQUEST_SERIAL_NUMBER:
            return encode_serial(self.serial)
        if header == Header.REQUEST_DATABASE_VERSION:
            return b"\x00"
        if header == Header.REQUEST_COMMS_REVISION:
            return bytes((1, 4, 7))
        if header == Header.REQUEST_POLLING_PRIORITY:
            return bytes((2, 20))  # 20 x 10 ms
        if header == Header.REQUEST_STATUS:
            return b"\x00"
        if header == Header.REQUEST_COIN_ID:
            if len(data) != 1 or not 1 <= data[0] <= 16:
                return None
            return self.coins.get(data[0], "......").encode("ascii")[:6].ljust(6, b".")
        if header == Header.MODIFY_INHIBIT_STATUS:
            if not 1 <= len(data) <= 2:
                return None
            self.inhibits = decode_inhibits(data)
            return b""
        if header == Header.REQUEST_INHIBIT_STATUS:
            return encode_inhibits(self.inhibits)
        if header == Header.MODIFY_MASTER_INHIBIT_STATUS:
            if len(data) != 1:
                return None
            self.master_enabled = bool(data[0] & 1)
            return b""
        if header == Header.REQUEST_MASTER_INHIBIT_STATUS:
            return bytes((int(self.master_enabled),))
        if header == Header.READ_BUFFERED_CREDIT:
            self.last_credit_poll = now
            return encode_buffered_credit(self.counter, list(self.buffer))
        if header == Header.PERFORM_SELF_CHECK:
            return bytes((self.fault_code,))
        if header == Header.REQUEST_INSERTION_COUNTER:
            return self.insertions.to_bytes(3, "little")
        if header == Header.REQUEST_ACCEPT_COUNTER:
            return self.accept_count.to_bytes(3, "little")
        if header == Header.RESET_DEVICE:
            self._power_up()  # the ACK still goes out (Part 2: ACK sent before the reset)
            return b""
        return None

    # ------------------------------------------------------------------ I/O thread

    def _serve(self) -> None:
        while not self._stop.is_set():
            with self._lock:
                link = None if self._unplugged else self._link
            if link is None:
                self._stop.wait(0.005)
                continue
            try:
                data = link.read_some(512, 0.005)
            except LinkError:
                self._stop.wait(0.005)
                continue
            now = self._clock()
            if not data:
                if self._decoder.pending and now - self._last_rx > self.timing.frame_timeout:
                    self._decoder.clear()
                continue
            if self._decoder.pending and now - self._last_rx > self.timing.frame_timeout:
                self._decoder.clear()
            self._last_rx = now
            if self.echo and not self._unplugged:
                try:
                    link.write(data)  # the host hears itself on the shared line
                except LinkError:
                    continue
            self._decoder.feed(data)
            while True:
                try:
                    packet = self._decoder.next_packet()
                except RemoteProtocolError as exc:
                    log.debug("cctalk emulator: %s", exc)
                    continue
                if packet is None:
                    break
                if packet.destination not in (self.address, 0):
                    continue
                with self._lock:
                    if self.silent or self._unplugged:
                        continue
                    reply = self._handle(packet.header, packet.data, now)
                    if reply is None:
                        continue
                    frame = encode_packet(packet.source, self.address, Header.REPLY, reply)
                    if self._corrupt_next:
                        self._corrupt_next -= 1
                        frame = frame[:-1] + bytes((frame[-1] ^ 0x5A,))
                time.sleep(self.timing.reply_delay + self.timing.wire_time(len(frame)))
                try:
                    link.write(frame)
                except LinkError:
                    pass


COMMANDS = {
    "insert AMOUNT": "insert a coin of AMOUNT lei (e.g. insert 0.50, insert 10)",
    "insert position N": "insert the coin of position N",
    "burst AMOUNT N": "insert N coins between two polls (N > 5 loses events)",
    "reject [CODE]": "reject the next coin with event CODE (default 1)",
    "error CODE": "buffer error event CODE (e.g. 20 coin on string)",
    "fault CODE": "self-check reports fault CODE (e.g. 1) until clear",
    "clear": "clear the self-check fault",
    "power cycle": "power off and on (counter back to 0, inhibited)",
    "corrupt [N]": "corrupt the checksum of the next N replies",
    "silent": "answer nothing",
    "answer": "answer again",
    "unplug": "pull the cable (the port disappears)",
    "replug": "put the cable back",
    "status": "print the emulated state",
    "help": "list these commands",
}


def _lei(text: str) -> int:
    whole, _, frac = text.replace(",", ".").partition(".")
    return int(whole or "0") * 100 + int((frac or "0").ljust(2, "0")[:2])


def _apply(emulator: CoinAcceptorEmulator, line: str) -> str:
    words = line.split()
    if not words:
        return ""
    cmd, args = words[0].lower(), words[1:]
    try:
        if cmd == "insert" and args[:1] == ["position"]:
            return "credited" if emulator.insert_position(int(args[1])) else "not credited"
        if cmd == "insert":
            return "credited" if emulator.insert_coin(_lei(args[0])) else "not credited"
        if cmd == "burst":
            n = emulator.burst([_lei(args[0])] * int(args[1]))
            return f"{n} credited"
        if cmd == "reject":
            emulator.reject_next(int(args[0]) if args else ErrorCode.REJECT_COIN)
        elif cmd == "error":
            emulator.error_event(int(args[0]))
        elif cmd == "fault":
            emulator.fault(int(args[0]))
        elif cmd == "clear":
            emulator.clear_fault()
        elif cmd == "power":
            emulator.power_cycle()
        elif cmd in LINE_COMMANDS:
            return apply_line_command(emulator, cmd, args)
        elif cmd == "status":
            return (
                f"counter={emulator.counter} master_enabled={emulator.master_enabled}"
                f" inhibits={emulator.inhibits:04x} accepted={len(emulator.accepted)}"
                f" total_bani={sum(emulator.accepted)} fault={emulator.fault_code}"
            )
        elif cmd == "help":
            return "\n".join(f"{k:24} {v}" for k, v in COMMANDS.items())
        else:
            return f"unknown command {cmd!r} (try help)"
    except (IndexError, ValueError):
        return f"bad arguments for {cmd!r} (try help)"
    return "ok"


def main(link_path: str | None = None) -> int:
    """``kiosk emulate cctalk``: print the port, then obey stdin until EOF or SIGTERM."""
    from drivers.console import serve_console

    return serve_console(CoinAcceptorEmulator(link_path=link_path), _apply)
