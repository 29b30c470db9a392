"""The printer service: real-time status and print jobs over a ``Link``.

``Printer(link)`` owns one port (serial ``SerialLink``, network ``TcpLink``, USB ``UsbLink``).
All methods block, and are serialised by a lock, so a health check from another thread never
interleaves with a job; the runtime should still call them from its printer worker thread.

Status (``status()``): ``DLE EOT 1, 2, 3, 4`` one after the other, each answered within
``reply_timeout``; the four bytes become one ``PrinterState`` (``drivers.escpos.status``). No
reply at all is ``NOT_ANSWERING`` (a silent printer is never "paper adequate"). Costs four
one-byte round trips: a few milliseconds on a healthy printer.

Jobs (``print_job(data)``):

1. status before: if the printer cannot print, nothing is sent (``PrintOutcome.NOT_READY``);
2. the job goes out in chunks of about ``chunk_size`` bytes, cut only between commands: a
   ``DLE EOT`` inside a command's data (an image) would be answered *and* taken as image data
   by the printer. After each chunk a status check catches paper out, cover open or a dead
   printer early and stops sending (``INTERRUPTED``);
3. ``GS r 1`` follows the job: the printer answers it only after processing everything before
   it. While waiting for it, status is polled; paper out (or any state that cannot print)
   means ``INTERRUPTED``. The answer means ``PRINTED``. If no answer comes within
   ``job_timeout`` but the printer is still fine (firmware without ``GS r``), the job counts as
   printed with ``completion_confirmed=False``.

A job reported as not printed may have been partly printed: the kiosk reprints it whole.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol, TypeVar

from drivers.errors import LinkError
from drivers.escpos.commands import tokenize
from drivers.escpos.status import (
    ErrorCauseByte,
    JobEndByte,
    OfflineCauseByte,
    PaperByte,
    PrinterByte,
    PrinterState,
    PrinterStatus,
    StatusKind,
    StatusProtocol,
    UnknownByte,
    Unsolicited,
    summarize,
)
from drivers.link import Link

__all__ = [
    "PrinterState",
    "PrinterStatus",
    "PrintOutcome",
    "PrintResult",
    "PrinterService",
    "Printer",
    "open_printer",
    "print_receipt",
    "job_name",
    "command_chunks",
]

log = logging.getLogger(__name__)


class PrintOutcome(StrEnum):
    PRINTED = "printed"
    NOT_READY = "not_ready"  # nothing was sent: the printer could not print
    INTERRUPTED = "interrupted"  # sending or printing stopped part way: reprint


@dataclass(frozen=True, slots=True, kw_only=True)
class PrintResult:
    outcome: PrintOutcome
    before: PrinterStatus
    after: PrinterStatus
    bytes_sent: int
    completion_confirmed: bool = False
    error: str | None = None  # a link error's message, if that is what stopped the job
    files: tuple[str, ...] = ()  # what a virtual printer wrote

    @property
    def ok(self) -> bool:
        return self.outcome is PrintOutcome.PRINTED

    def to_dict(self) -> dict[str, Any]:
        return {
            "outcome": self.outcome.value,
            "ok": self.ok,
            "bytes_sent": self.bytes_sent,
            "completion_confirmed": self.completion_confirmed,
            "before": self.before.to_dict(),
            "after": self.after.to_dict(),
            "error": self.error,
            "files": list(self.files),
        }


class PrinterService(Protocol):
    """What the runtime uses: a real ``Printer`` or a ``VirtualPrinter``."""

    def status(self) -> PrinterStatus: ...

    def print_job(self, data: bytes, *, name: str = "receipt") -> PrintResult: ...

    def close(self) -> None: ...


_SILENT = PrinterStatus(state=PrinterState.NOT_ANSWERING)


class Printer:
    """An ESC/POS printer on ``link`` (see the module docstring for the protocol)."""

    def __init__(
        self,
        link: Link,
        *,
        reply_timeout: float = 0.5,
        job_timeout: float = 20.0,
        poll_interval: float = 0.25,
        chunk_size: int = 1024,
        wait_for_completion: bool = True,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.link = link
        self.reply_timeout = reply_timeout
        self.job_timeout = job_timeout
        self.poll_interval = poll_interval
        self.chunk_size = chunk_size
        self.wait_for_completion = wait_for_completion
        self._clock = clock
        self._protocol = StatusProtocol()
        self._lock = threading.Lock()
        self._job_end: JobEndByte | None = None

    # ---------------------------------------------------------------- status

    def status(self) -> PrinterStatus:
        """The printer's state now. Never raises for a dead link: that is NOT_ANSWERING."""
        with self._lock:
            self._flush()
            return self._status()

    def _flush(self) -> None:
        try:
            self.link.reset_input()
        except LinkError:
            pass
        self._protocol.reset()

    def _status(self) -> PrinterStatus:
        replies: dict[StatusKind, Any] = {}
        for kind in StatusKind:
            reply = self._ask(kind)
            if reply is None and kind is StatusKind.PRINTER:
                reply = self._ask(kind)  # one retry: a byte lost on the line is not a dead printer
            if reply is None:
                break
            replies[kind] = reply
        return summarize(
            _typed(replies.get(StatusKind.PRINTER), PrinterByte),
            _typed(replies.get(StatusKind.OFFLINE_CAUSE), OfflineCauseByte),
            _typed(replies.get(StatusKind.ERROR_CAUSE), ErrorCauseByte),
            _typed(replies.get(StatusKind.PAPER), PaperByte),
        )

    def _ask(self, kind: StatusKind) -> object | None:
        try:
            self.link.write(self._protocol.send(kind))
        except LinkError as exc:
            log.debug("printer status request failed: %s", exc)
            self._protocol.reset()
            return None
        deadline = self._clock() + self.reply_timeout
        while True:
            event = self._protocol.next_event()
            while event is not None:
                if isinstance(event, JobEndByte):
                    self._job_end = event
                elif isinstance(event, UnknownByte | Unsolicited):
                    log.debug("printer sent stray byte 0x%02X", event.raw)
                else:
                    return event
                event = self._protocol.next_event()
            left = deadline - self._clock()
            if left <= 0:
                self._protocol.on_timeout()
                return None
            try:
                data = self.link.read_some(16, left)
            except LinkError as exc:
                log.debug("printer status read failed: %s", exc)
                self._protocol.reset()
                return None
            self._protocol.receive_data(data)

    # ---------------------------------------------------------------- jobs

    def print_job(self, data: bytes, *, name: str = "receipt") -> PrintResult:
        """Print one job (see the module docstring). Never raises for printer trouble."""
        with self._lock:
            self._flush()
            self._job_end = None
            before = self._status()
            if not before.can_print:
                log.warning("printer not ready for %s: %s", name, before.state.value)
                return PrintResult(
                    outcome=PrintOutcome.NOT_READY, before=before, after=before, bytes_sent=0
                )
            sent = 0
            try:
                for chunk in command_chunks(data, self.chunk_size):
                    self.link.write(chunk)
                    sent += len(chunk)
                    if sent < len(data):
                        now = self._status()
                        if not now.can_print:
                            return self._interrupted(before, now, sent, name)
                if self.wait_for_completion:
                    self.link.write(self._protocol.send_job_end())
            except LinkError as exc:
                return PrintResult(
                    outcome=PrintOutcome.INTERRUPTED,
                    before=before,
                    after=_SILENT,
                    bytes_sent=sent,
                    error=str(exc),
                )
            return self._finish(before, sent, name)

    def _finish(self, before: PrinterStatus, sent: int, name: str) -> PrintResult:
        if not self.wait_for_completion:
            after = self._status()
            outcome = PrintOutcome.PRINTED if after.can_print else PrintOutcome.INTERRUPTED
            return PrintResult(outcome=outcome, before=before, after=after, bytes_sent=sent)
        deadline = self._clock() + self.job_timeout
        after = before
        while True:
            self._drain(min(self.poll_interval, max(0.0, deadline - self._clock())))
            if self._job_end is not None:
                after = self._status()
                return PrintResult(
                    outcome=PrintOutcome.PRINTED,
                    before=before,
                    after=after,
                    bytes_sent=sent,
                    completion_confirmed=True,
                )
            after = self._status()
            if self._job_end is not None:
                continue  # the marker's answer came in while we asked for status
            if not after.can_print:
                return self._interrupted(before, after, sent, name)
            if self._clock() >= deadline:
                log.info("printer did not answer GS r for %s; assuming printed", name)
                self._protocol.on_job_end_timeout()
                return PrintResult(
                    outcome=PrintOutcome.PRINTED, before=before, after=after, bytes_sent=sent
                )

    def _drain(self, timeout: float) -> None:
        """Read for up to ``timeout`` seconds, or until the end-of-job answer arrives."""
        deadline = self._clock() + timeout
        while self._job_end is None:
            left = deadline - self._clock()
            if left <= 0:
                return
            try:
                data = self.link.read_some(16, left)
            except LinkError:
                return
            self._protocol.receive_data(data)
            while (event := self._protocol.next_event()) is not None:
                if isinstance(event, JobEndByte):
                    self._job_end = event

    def _interrupted(
        self, before: PrinterStatus, after: PrinterStatus, sent: int, name: str
    ) -> PrintResult:
        log.warning("print job %s interrupted: printer %s", name, after.state.value)
        return PrintResult(
            outcome=PrintOutcome.INTERRUPTED, before=before, after=after, bytes_sent=sent
        )

    def close(self) -> None:
        with self._lock:
            self.link.close()


_T = TypeVar("_T")


def command_chunks(data: bytes, size: int) -> list[bytes]:
    """``data`` cut into pieces of about ``size`` bytes, only at command boundaries."""
    chunks: list[bytes] = []
    current = bytearray()
    for token in tokenize(data):
        if current and len(current) + len(token.raw) > size:
            chunks.append(bytes(current))
            current.clear()
        current.extend(token.raw)
    if current:
        chunks.append(bytes(current))
    return chunks


def _typed(value: object, cls: type[_T]) -> _T | None:
    return value if isinstance(value, cls) else None


def open_printer(config: Any, *, receipts_dir: Any = None, profile: Any = None) -> PrinterService:
    """The printer a ``kiosk.config.PrinterConfig`` describes (serial, network, usb, virtual).

    Raises ``drivers.errors.LinkError`` when the port cannot be opened (clear message), and
    ``kiosk.receipts.profiles.ProfileError`` for a bad profile (virtual printer only).
    """
    connection = config.connection
    if connection == "serial":
        from drivers.link import SerialLink

        return Printer(SerialLink(config.port, config.baud))
    if connection == "network":
        from drivers.escpos.transport import TcpLink

        return Printer(TcpLink(config.host, config.tcp_port))
    if connection == "usb":
        from drivers.escpos.transport import UsbLink
        from kiosk.receipts._escpos import escpos_printer

        escpos_printer()  # import python-escpos our way before UsbLink does
        if config.usb_vendor is None or config.usb_product is None:
            raise LinkError("printer.usb_vendor and printer.usb_product are required for usb")
        return Printer(UsbLink(config.usb_vendor, config.usb_product))
    from kiosk.receipts.profiles import profile_from_config
    from kiosk.receipts.virtual import VirtualPrinter

    directory = receipts_dir or config.receipts_dir
    if directory is None:
        raise LinkError("printer.receipts_dir is required for the virtual printer")
    return VirtualPrinter(directory, profile=profile or profile_from_config(config))


def job_name(receipt: Any) -> str:
    """A file-friendly job name: ``payment-000123``."""
    return f"{receipt.kind.value}-{receipt.number}"


def print_receipt(printer: PrinterService, receipt: Any, profile: Any) -> PrintResult:
    """Render ``receipt`` for ``profile`` and print it (the same bytes on every reprint)."""
    from kiosk.receipts.render import render

    return printer.print_job(render(receipt, profile), name=job_name(receipt))
