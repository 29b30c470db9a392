"""A ZVT payment terminal (PT) on a pseudo-terminal, for demos and tests.

It shares ``frames``/``transport``/``messages`` with the driver and plays the PT's side
(card.md 1.11): registration, authorisation with intermediate statuses, approval or
decline, abort by the ECR (accepted before the host is contacted, ``84 83`` after), the
payer's cancel key, time-outs, print lines, reversal by receipt number (``B4`` the second
time), repeat receipt of the last stored transaction, end of day with totals and status
enquiry.

What happens to an approved Status-Information the ECR never acknowledges (its verdict
does not arrive within ``verdict_timeout``): the PT reverses it by itself and does not
store it, unless ``keep_unconfirmed`` is set (the newer synchronisation behaviour), in
which case it stays booked in the turnover store.

Scripting: ``next_outcome`` is used by the next authorisation, then reset to
``default_outcome``. Outcomes: ``approve``, ``pin`` (approve after PIN-entry statuses),
``decline:XX`` (hex result code: 01-63 come from the host with a Status-Information
first, others straight as ``06 1E``), ``timeout`` (no card comes; the PT gives up after
``card_timeout`` with 6C), ``cancel`` (the payer presses the PT's cancel key), ``lose-ack``
(approve, then the PT hears nothing for ``verdict_timeout``: the ECR's commit never
arrives). ``silent = True`` makes the PT answer nothing at all.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from drivers.emulation import ServedInThread
from drivers.errors import LinkError, RemoteProtocolError
from drivers.link import Link, PtyLink
from drivers.zvt import bmp
from drivers.zvt import messages as m
from drivers.zvt.codes import (
    CURRENCY_EUR,
    CURRENCY_MDL,
    ConfigByte,
    IntermediateCode,
    ResultCode,
)
from drivers.zvt.frames import ACK
from drivers.zvt.transport import (
    ApduReceived,
    BlockTransport,
    Delivered,
    DeliveryFailed,
    TransportTimeouts,
)

__all__ = ["PtEmulator", "EmulatedTransaction", "main", "COMMANDS"]

log = logging.getLogger(__name__)

COMMANDS = {
    "approve": "the next payment is approved (the default)",
    "decline XX": "the next payment is declined with result code XX (hex, e.g. 05, 33, 64)",
    "pin": "the next payment asks for the PIN, then is approved",
    "timeout": "the next payment: no card comes, the terminal gives up (6C)",
    "cancel": "the next payment: the payer presses cancel on the terminal (6C)",
    "lose-ack": "the next payment: approved, then the ECR's acknowledgement never arrives",
    "keep on|off": "keep (on) or auto-reverse (off) approvals the ECR never acknowledged",
    "silent": "answer nothing at all (unplugged terminal)",
    "answer": "answer again",
    "status XX": "terminal status reported to a status enquiry (hex, 00 = ready)",
    "state": "print the emulated state",
    "help": "list these commands",
}


@dataclass(slots=True)
class EmulatedTransaction:
    """One payment or reversal the PT handled. ``state``: booked, reversed (by 06 30),
    refused (the ECR said "not issued"), auto-reversed (no verdict came), declined,
    aborted."""

    kind: str  # "payment" | "reversal"
    amount: int
    trace: int
    receipt_no: int
    state: str
    info: m.StatusInformation | None = field(default=None, repr=False)
    original_trace: int | None = None


class _Aborted(Exception):
    """The ECR's 06 B0 was accepted: end the running command with 06 1E 6C."""


class PtEmulator(ServedInThread):
    """Plays the PT on ``link`` (a fresh PtyLink unless one is given) in its own thread.

    Tunables (plain attributes, safe to set from another thread between payments):
    ``next_outcome``, ``default_outcome``, ``keep_unconfirmed``, ``silent``,
    ``verdict_timeout`` (s the PT waits for the ECR's answer to a Status-Information),
    ``card_timeout``, ``step_delay`` (pause between intermediate statuses),
    ``terminal_status``, ``send_full_pan`` / ``send_track2`` (a careless PT: the ECR must
    not keep them), ``pan``.
    """

    thread_name = "zvt-emulator"

    def __init__(
        self,
        link: Link | None = None,
        *,
        link_path: str | None = None,
        timeouts: TransportTimeouts | None = None,
        password: str = "000000",
        terminal_id: str = "12345678",
        now: Callable[[], datetime] = datetime.now,
    ) -> None:
        self._own_link = link is None
        self.link: Link = link if link is not None else PtyLink(link_path)
        self.port: str = getattr(self.link, "port", "")
        self.password = password
        self.terminal_id = terminal_id
        self.vu_number = "000000000123456"
        self._now = now
        self._transport = BlockTransport(timeouts or TransportTimeouts(), describe=m.describe)
        self._inbox: deque[m.Message] = deque()
        self._delivered: dict[int, bool] = {}
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._deaf_until = 0.0
        self._lose_after_ack = False
        # behaviour
        self.default_outcome = "approve"
        self.next_outcome: str | None = None
        self.keep_unconfirmed = False
        self.silent = False
        self.verdict_timeout = 5.0
        self.card_timeout = 30.0
        self.step_delay = 0.0
        self.terminal_status = 0x00
        self.send_full_pan = False
        self.send_track2 = False
        self.pan = "4111111111111111"
        # state
        self.config = 0
        self.registered_currency: int | None = None
        self.trace = 0
        self.receipt_no = 0
        self.transactions: list[EmulatedTransaction] = []
        self.store: list[EmulatedTransaction] = []  # turnover store since the last EOD
        self.commands: list[str] = []  # names of the ECR commands received
        self.busy = False
        self.on_note: Callable[[str], None] | None = None

    # ---------------------------------------------------------------- lifecycle

    def _close_link(self) -> None:
        if self._own_link:
            self.link.close()

    def wait_idle(self, timeout: float = 5.0) -> bool:
        """Block until no command is being served (for tests)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.busy and not self._inbox and self._transport.idle:
                return True
            time.sleep(0.01)
        return False

    def describe(self) -> str:
        with self._lock:
            booked = [t for t in self.store if t.kind == "payment" and t.state == "booked"]
            return (
                f"state: {'silent' if self.silent else 'answering'}; next outcome "
                f"{self.next_outcome or self.default_outcome}; keep unconfirmed "
                f"{'on' if self.keep_unconfirmed else 'off'}; terminal status "
                f"{self.terminal_status:02X}; {len(booked)} booked payment(s), total "
                f"{sum(t.amount for t in booked)} since end of day"
            )

    # ---------------------------------------------------------------- the line

    def _note(self, text: str) -> None:
        log.debug("zvt emulator: %s", text)
        if self.on_note is not None:
            self.on_note(text)

    def _pump(self, timeout: float) -> None:
        """Read the line once (up to ``timeout``), feed the transport, write its output."""
        try:
            data = self.link.read_some(1024, timeout)
        except LinkError:
            if self._stop.wait(timeout):
                return
            data = b""
        now = time.monotonic()
        if self._lose_after_ack and data:
            # "lose-ack": the line dies right after the ECR's ACK of our Status-Information
            ack = data.find(bytes([ACK]))
            if ack >= 0:
                data = data[: ack + 1]
                self._lose_after_ack = False
                self._deaf_until = now + self.verdict_timeout
        elif self.silent or now < self._deaf_until:
            return  # bytes vanish: no ACK, no answer
        if data:
            self._transport.receive_data(data, now)
        self._transport.on_timeout(now)
        while (event := self._transport.next_event()) is not None:
            if isinstance(event, ApduReceived):
                try:
                    self._inbox.append(m.decode(event.apdu))
                except RemoteProtocolError as exc:
                    self._note(f"malformed APDU from the ECR: {exc}")
                    self._transport.send(m.encode(m.Nack(code=ResultCode.PROTOCOL_ERROR)), now)
            elif isinstance(event, Delivered):
                self._delivered[event.ref] = True
            elif isinstance(event, DeliveryFailed):
                self._delivered[event.ref] = False
        self._flush()

    def _flush(self) -> None:
        out = self._transport.data_to_send()
        if out:
            try:
                self.link.write(out)
            except LinkError:
                pass  # nobody listens: the ECR has gone

    def _send(self, msg: m.Message) -> bool:
        """Send ``msg`` and wait for the ECR's ACK/NAK (with repeats). True: delivered."""
        ref = self._transport.send(m.encode(msg), time.monotonic())
        self._flush()
        while ref not in self._delivered:
            if self._stop.is_set():
                return False
            self._pump(0.02)
        return self._delivered.pop(ref)

    def _request(self, msg: m.Message, timeout: float) -> m.Ack | m.Nack | None:
        """Send a PT command and wait for the ECR's ``80 00`` / ``84 xx`` answer."""
        if not self._send(msg):
            return None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and not self._stop.is_set():
            answer = self._take_answer()
            if answer is not None:
                return answer
            self._pump(0.02)
        return self._take_answer()

    def _take_answer(self) -> m.Ack | m.Nack | None:
        for msg in list(self._inbox):
            if isinstance(msg, m.Ack | m.Nack):
                self._inbox.remove(msg)
                return msg
        return None

    def _abort_requested(self, host_contacted: bool) -> bool:
        """Answer any 06 B0 waiting in the inbox. True: accepted (caller ends with 6C)."""
        for msg in list(self._inbox):
            if isinstance(msg, m.AbortRequest):
                self._inbox.remove(msg)
                self.commands.append("AbortRequest")
                if host_contacted:
                    self._send(m.Nack(code=ResultCode.FUNCTION_NOT_POSSIBLE))
                    continue
                self._send(m.Ack())
                return True
        return False

    def _wait(self, seconds: float, host_contacted: bool = False) -> None:
        """Let time pass while serving the line; raises ``_Aborted`` on an accepted 06 B0."""
        deadline = time.monotonic() + seconds
        while True:
            if self._abort_requested(host_contacted):
                raise _Aborted
            left = deadline - time.monotonic()
            if left <= 0 or self._stop.is_set():
                return
            self._pump(min(left, 0.02))

    def _status(self, code: int, host_contacted: bool = False) -> None:
        if self.config & ConfigByte.INTERMEDIATE_STATUS:
            self._request(m.IntermediateStatus(status=code), self.verdict_timeout)
        self._wait(self.step_delay, host_contacted)

    # ---------------------------------------------------------------- serving

    def _serve(self) -> None:
        while not self._stop.is_set():
            self._pump(0.02)
            while self._inbox and not self._stop.is_set():
                msg = self._inbox.popleft()
                self.busy = True
                try:
                    self._handle(msg)
                except LinkError:
                    pass
                finally:
                    self.busy = False

    def _handle(self, msg: m.Message) -> None:
        name = type(msg).__name__
        if isinstance(msg, m.Ack | m.Nack):
            return  # a late answer; nothing waits for it
        self.commands.append(name)
        self._note(f"ECR sent {name}")
        if isinstance(msg, m.Registration):
            self._registration(msg)
        elif isinstance(msg, m.Authorisation):
            self._authorisation(msg)
        elif isinstance(msg, m.Reversal):
            self._reversal(msg)
        elif isinstance(msg, m.RepeatReceipt):
            self._repeat_receipt(msg)
        elif isinstance(msg, m.EndOfDay):
            self._end_of_day(msg)
        elif isinstance(msg, m.StatusEnquiry):
            self._send(m.Ack())
            self._send(m.Completion(sw_version="EMU-ZVT 1.0", terminal_status=self.terminal_status))
        elif isinstance(msg, m.AbortRequest | m.LogOff):
            self._send(m.Ack())
        else:
            self._send(m.Nack(code=ResultCode.FUNCTION_NOT_POSSIBLE))

    def _registration(self, msg: m.Registration) -> None:
        self._send(m.Ack())
        if msg.currency not in (None, CURRENCY_MDL, CURRENCY_EUR):
            self._send(m.Abort(result_code=ResultCode.WRONG_CURRENCY))
            return
        with self._lock:
            self.config = msg.config
            self.registered_currency = msg.currency
        self._send(
            m.Completion(status_byte=0x00, terminal_id=self.terminal_id, currency=msg.currency)
        )

    # ---------------------------------------------------------------- payments

    def _next_numbers(self) -> tuple[int, int]:
        with self._lock:
            self.trace += 1
            self.receipt_no = self.receipt_no % 9999 + 1
            return self.trace, self.receipt_no

    def _info_items(
        self, result: int, amount: int, trace: int, receipt: int | None
    ) -> list[tuple[int, bytes]]:
        now = self._now()
        items = [
            (0x27, bytes([result])),
            (0x04, bmp.bcd_encode(amount, 6)),
            (0x0B, bmp.bcd_encode(trace % 1_000_000, 3)),
            (0x0C, bytes.fromhex(now.strftime("%H%M%S"))),
            (0x0D, bytes.fromhex(now.strftime("%m%d"))),
            (0xAA, bytes.fromhex(now.strftime("%y%m%d"))),
            (0x29, bytes.fromhex(self.terminal_id)),
        ]
        if result == 0:
            pan = self.pan if self.send_full_pan else bmp.mask_pan(self.pan)
            items += [
                (0x0E, bytes.fromhex("2812")),
                (0x17, bytes.fromhex("0001")),
                (0x19, bytes([0x70])),
                (0x22, bmp.encode_pan(pan)),
                (0x2A, self.vu_number.encode("ascii")),
                (0x3B, f"A{trace % 100000:05d}".encode("ascii") + b"\0\0"),
                (0x49, bmp.bcd_encode(self.registered_currency or CURRENCY_MDL, 2)),
                (0x88, bmp.bcd_encode(trace % 1_000_000, 3)),
                (0x8A, bytes([0x0A])),
                (0x8B, b"VISA\0"),
            ]
            if receipt is not None:
                items.append((0x87, bmp.bcd_encode(receipt, 2)))
            if self.send_track2:
                items.append((0x23, bytes.fromhex(self.pan + "D2812101")))
        return items

    def _receipt(self, lines: list[str]) -> None:
        if not self.config & ConfigByte.ECR_PRINTS_PAYMENT_RECEIPT:
            return
        for i, text in enumerate(lines):
            attribute = 0x81 if i == len(lines) - 1 else 0x00
            answer = self._request(
                m.PrintLine(attribute=attribute, text=text), self.verdict_timeout
            )
            if isinstance(answer, m.Nack):
                self._note(f"ECR printer not ready ({answer.code:02X})")
                return

    def _authorisation(self, msg: m.Authorisation) -> None:
        self._send(m.Ack())
        outcome = self.next_outcome or self.default_outcome
        self.next_outcome = None
        if msg.currency not in (None, CURRENCY_MDL, CURRENCY_EUR):
            self._send(m.Abort(result_code=ResultCode.WRONG_CURRENCY))
            return
        try:
            self._status(IntermediateCode.INSERT_CARD)
            if outcome == "timeout":
                self._wait(self.card_timeout)
                self._end_payment(msg.amount, "aborted", ResultCode.ABORTED)
                return
            if outcome == "cancel":
                self._end_payment(msg.amount, "aborted", ResultCode.ABORTED)
                return
            if outcome == "pin":
                self._status(IntermediateCode.WATCH_PIN_PAD)
            self._status(IntermediateCode.WAIT_HOST, host_contacted=True)
        except _Aborted:
            self._end_payment(msg.amount, "aborted", ResultCode.ABORTED)
            return
        if outcome.startswith("decline"):
            self._decline(msg.amount, int(outcome.partition(":")[2] or "05", 16))
        else:
            self._approve(msg.amount, lose_ack=outcome == "lose-ack")

    def _end_payment(self, amount: int, state: str, code: int, trace: int = 0) -> None:
        with self._lock:
            self.transactions.append(EmulatedTransaction("payment", amount, trace, 0, state))
        self._send(m.Abort(result_code=code))

    def _decline(self, amount: int, code: int) -> None:
        trace = 0
        if 0x01 <= code <= 0x63:  # the host's answer comes with a Status-Information
            trace, _ = self._next_numbers()
            items = self._info_items(code, amount, trace, None)
            self._request(m.StatusInformation(items=tuple(items)), self.verdict_timeout)
        self._status(IntermediateCode.DECLINED, host_contacted=True)
        self._end_payment(amount, "declined", code, trace)

    def _approve(self, amount: int, *, lose_ack: bool) -> None:
        trace, receipt = self._next_numbers()
        info = m.StatusInformation(items=tuple(self._info_items(0, amount, trace, receipt)))
        record = EmulatedTransaction("payment", amount, trace, receipt, "pending", info)
        with self._lock:
            self.transactions.append(record)
        if lose_ack:
            self._lose_after_ack = True
            self._send(info)
            self._lose_after_ack = False
            self._wait_deaf()
            answer = None
        else:
            answer = self._request(info, self.verdict_timeout)
        if answer is None:
            with self._lock:
                if self.keep_unconfirmed:
                    record.state = "booked"
                    self.store.append(record)
                else:
                    record.state = "auto-reversed"
            self._note(f"no verdict from the ECR: payment {receipt:04d} {record.state}")
            self._transport.reset()
            self.link.reset_input()
            return
        if isinstance(answer, m.Nack):
            with self._lock:
                record.state = "refused"
            self._note(f"ECR refused the goods ({answer.code:02X}): payment reversed")
            self._send(m.Abort(result_code=answer.code))
            return
        with self._lock:
            record.state = "booked"
            self.store.append(record)
        self._receipt(self._receipt_lines("PAYMENT", amount, trace, receipt, info))
        self._status(IntermediateCode.REMOVE_CARD, host_contacted=True)
        self._send(m.Completion())

    def _wait_deaf(self) -> None:
        while time.monotonic() < self._deaf_until and not self._stop.is_set():
            self._pump(0.02)
        self._inbox.clear()

    def _receipt_lines(
        self, title: str, amount: int, trace: int, receipt: int, info: m.StatusInformation
    ) -> list[str]:
        currency = "MDL" if (self.registered_currency or CURRENCY_MDL) == CURRENCY_MDL else "EUR"
        return [
            f"        {title}",
            f"TID {self.terminal_id}  VU {self.vu_number}",
            f"VISA  {self.pan if self.send_full_pan else bmp.mask_pan(self.pan)}",
            f"AMOUNT {currency} {amount // 100}.{amount % 100:02d}",
            f"TRACE {trace:06d}  RECEIPT {receipt:04d}",
            f"APPROVAL {info.approval_code or ''}",
        ]

    # ---------------------------------------------------------------- administration

    def _reversal(self, msg: m.Reversal) -> None:
        self._send(m.Ack())
        with self._lock:
            found = next(
                (t for t in self.store if t.kind == "payment" and t.receipt_no == msg.receipt_no),
                None,
            )
        if found is None:
            self._send(m.Abort(result_code=ResultCode.REVERSAL_NOT_POSSIBLE))
            return
        if found.state == "reversed":
            self._send(m.Abort(result_code=ResultCode.ALREADY_REVERSED))
            return
        trace, receipt = self._next_numbers()
        items = self._info_items(0, found.amount, trace, receipt)
        items.append((0x37, bmp.bcd_encode(found.trace % 1_000_000, 3)))
        info = m.StatusInformation(items=tuple(items))
        self._request(info, self.verdict_timeout)
        with self._lock:
            found.state = "reversed"
            record = EmulatedTransaction(
                "reversal", found.amount, trace, receipt, "booked", info, found.trace
            )
            self.transactions.append(record)
            self.store.append(record)
        self._receipt(self._receipt_lines("REVERSAL", found.amount, trace, receipt, info))
        self._send(m.Completion())

    def _repeat_receipt(self, msg: m.RepeatReceipt) -> None:
        self._send(m.Ack())
        with self._lock:
            last = self.store[-1] if self.store else None
        if last is not None and last.info is not None:
            service = msg.service_byte if msg.service_byte is not None else 0x01
            if service & 0x01:
                self._request(last.info, self.verdict_timeout)
            if not service & 0x02:
                self._receipt(
                    self._receipt_lines("COPY", last.amount, last.trace, last.receipt_no, last.info)
                )
        self._send(m.Completion())

    def _end_of_day(self, msg: m.EndOfDay) -> None:
        del msg
        self._send(m.Ack())
        try:
            self._status(IntermediateCode.PLEASE_WAIT)
        except _Aborted:
            self._send(m.Abort(result_code=ResultCode.ABORTED))
            return
        with self._lock:
            booked = [t for t in self.store if t.kind == "payment" and t.state == "booked"]
            count, total = len(booked), sum(t.amount for t in booked)
            first = self.store[0].receipt_no if self.store else 0
            last = self.store[-1].receipt_no if self.store else 0
        # BMP 60: receipt range, then (count, amount) for 7 card groups; Visa is the 5th
        groups = [(0, 0)] * 4 + [(count, total)] + [(0, 0)] * 2
        totals = bmp.bcd_encode(first, 2) + bmp.bcd_encode(last, 2)
        for n, amount in groups:
            totals += bytes([min(n, 255)]) + bmp.bcd_encode(amount, 6)
        trace, _ = self._next_numbers()
        items = self._info_items(0, total, trace, None)[:7] + [(0x60, totals)]
        self._request(m.StatusInformation(items=tuple(items)), self.verdict_timeout)
        if self.config & ConfigByte.ECR_PRINTS_ADMIN_RECEIPT:
            for text in ("     END OF DAY", f"TRANSACTIONS {count}", f"TOTAL {total}"):
                self._request(m.PrintLine(text=text), self.verdict_timeout)
        with self._lock:
            self.store.clear()
        self._send(m.Completion())


# -------------------------------------------------------------------- command line


def apply_command(emulator: PtEmulator, line: str) -> str:
    """Apply one control command; returns the text to print."""
    words = line.strip().lower().split()
    if not words:
        return ""
    cmd, args = words[0], words[1:]
    try:
        if cmd in ("approve", "pin", "timeout", "cancel", "lose-ack") and not args:
            emulator.next_outcome = cmd
            return f"next payment: {cmd}"
        if cmd == "decline" and len(args) <= 1:
            code = int(args[0], 16) if args else 0x05
            if not 0 < code <= 0xFF:
                raise ValueError
            emulator.next_outcome = f"decline:{code:02X}"
            return f"next payment: declined with {code:02X}"
        if cmd == "keep" and args in (["on"], ["off"]):
            emulator.keep_unconfirmed = args == ["on"]
            return f"keep unconfirmed approvals: {args[0]}"
        if cmd == "silent" and not args:
            emulator.silent = True
            return "silent"
        if cmd == "answer" and not args:
            emulator.silent = False
            return "answering"
        if cmd == "status" and len(args) == 1:
            code = int(args[0], 16)
            if not 0 <= code <= 0xFF:
                raise ValueError
            emulator.terminal_status = code
            return f"terminal status {code:02X}"
        if cmd == "state" and not args:
            return emulator.describe()
        if cmd == "help":
            return "\n".join(f"  {k:<14} {v}" for k, v in COMMANDS.items())
    except ValueError:
        pass
    return f"unknown command {line.strip()!r}; 'help' lists the commands"


def main(link_path: str | None = None) -> int:
    """``kiosk emulate zvt``: print the port, then obey stdin until EOF or SIGTERM."""

    from drivers.console import serve_console

    emulator = PtEmulator(link_path=link_path)
    emulator.on_note = lambda text: print(text, flush=True)
    return serve_console(emulator, apply_command)
