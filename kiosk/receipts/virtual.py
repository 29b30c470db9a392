"""A printer that writes files: ``<n>-<name>.bin`` (the job's ESC/POS bytes) and ``<n>-<name>.png``.

Used by ``kiosk demo``, by headless simulations and by tests. It answers ``status()`` like a real
printer (through the same status codec) and can be told it is out of paper, near the end of the
roll, or has its cover open; then jobs are refused exactly as ``Printer`` refuses them. The PNG
is drawn from the *bytes* (``interpreter`` + ``picture``), not from the receipt model, so it
shows what paper would show. Numbers continue from the files already in the folder.
"""

from __future__ import annotations

import logging
import os
import re
import threading
from pathlib import Path

from drivers.escpos.status import (
    ErrorCauseByte,
    OfflineCauseByte,
    PaperByte,
    PrinterByte,
    PrinterStatus,
    encode_reply,
    status_from_bytes,
)
from kiosk.receipts.interpreter import interpret
from kiosk.receipts.picture import write_png
from kiosk.receipts.printer import PrintOutcome, PrintResult
from kiosk.receipts.profiles import PrinterProfile, make_profile

__all__ = ["VirtualPrinter"]

log = logging.getLogger(__name__)
_NUMBERED = re.compile(r"^(\d+)-")


def _safe_name(name: str) -> str:
    cleaned = re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-.")
    return cleaned[:60] or "job"


class VirtualPrinter:
    """Same API as ``Printer``: ``status()``, ``print_job(data, name=)``, ``close()``."""

    def __init__(
        self,
        receipts_dir: str | os.PathLike[str],
        *,
        paper: bool = True,
        profile: PrinterProfile | None = None,
        png: bool = True,
    ) -> None:
        self.directory = Path(receipts_dir)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.profile = profile or make_profile()
        self.png = png
        self.paper = paper
        self.paper_near_end = False
        self.cover_open = False
        self._lock = threading.Lock()

    def set_paper(self, present: bool = True, *, near_end: bool = False) -> None:
        with self._lock:
            self.paper = present
            self.paper_near_end = near_end

    def set_cover(self, *, open_: bool) -> None:
        with self._lock:
            self.cover_open = open_

    def status(self) -> PrinterStatus:
        with self._lock:
            offline = not self.paper or self.cover_open
            printer = PrinterByte(raw=0, drawer_high=False, offline=offline)
            cause = OfflineCauseByte(
                raw=0,
                cover_open=self.cover_open,
                feed_button=False,
                paper_end_stop=False,
                error=False,
            )
            error = ErrorCauseByte(
                raw=0, mechanical=False, cutter=False, unrecoverable=False, auto_recoverable=False
            )
            paper = PaperByte(raw=0, near_end=self.paper_near_end, paper_end=not self.paper)
        # through the wire codec, so the raw bytes in the status are what a printer would send
        return status_from_bytes(
            encode_reply(printer), encode_reply(cause), encode_reply(error), encode_reply(paper)
        )

    def _claim(self, name: str) -> tuple[Path, int]:
        numbers = [
            int(m.group(1))
            for p in self.directory.iterdir()
            if (m := _NUMBERED.match(p.name)) is not None
        ]
        n = max(numbers, default=0) + 1
        while True:
            path = self.directory / f"{n}-{name}.bin"
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                n += 1
                continue
            os.close(fd)
            return path, n

    def print_job(self, data: bytes, *, name: str = "receipt") -> PrintResult:
        before = self.status()
        if not before.can_print:
            return PrintResult(
                outcome=PrintOutcome.NOT_READY, before=before, after=before, bytes_sent=0
            )
        with self._lock:
            bin_path, _ = self._claim(_safe_name(name))
            tmp = bin_path.with_suffix(".bin.tmp")
            tmp.write_bytes(data)
            os.replace(tmp, bin_path)
        files = [str(bin_path)]
        if self.png:
            png_path = bin_path.with_suffix(".png")
            try:
                document = interpret(data, self.profile)
                write_png(document, self.profile, png_path)
                files.append(str(png_path))
                for problem in document.problems:
                    log.warning("virtual printer: %s: %s", bin_path.name, problem)
            except Exception:  # a preview must never lose the job: the .bin is written
                log.exception("virtual printer could not draw %s", png_path.name)
        return PrintResult(
            outcome=PrintOutcome.PRINTED,
            before=before,
            after=self.status(),
            bytes_sent=len(data),
            completion_confirmed=True,
            files=tuple(files),
        )

    def close(self) -> None:
        pass
