"""An ESC/POS receipt printer on a pseudo-terminal, for demos and tests.

What it does, like a real printer (devices.md section 4.1):

* ``DLE EOT n`` is answered at once from the current state, wherever it appears in the byte
  stream (a real printer also reacts to it inside image data; ``kiosk.receipts`` keeps raster
  bytes free of it). ``GS r 1`` is answered only when processing reaches it, so its reply means
  "everything before me was printed".
* Print data is kept (``printed``; ``jobs`` splits it at ``ESC @``). While the printer is offline
  (paper out, cover open, cutter error) print data is discarded, not kept: the job is lost, as on
  a printer whose buffer was cleared; ``GS r`` is then never answered.
* ``run_out_of_paper_after(n)`` makes the paper end after ``n`` more bytes of print data: the
  printer stops mid-job and reports paper end with "printing stopped by paper end".
* ``silent = True`` answers nothing at all (an unplugged or dead printer).

Control from ``kiosk emulate printer``: one command per line on stdin (``help`` lists them).
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from drivers.emulation import ServedInThread
from drivers.errors import LinkError
from drivers.escpos.commands import Command, CommandTokenizer, RealTime, Token
from drivers.escpos.status import (
    ErrorCauseByte,
    OfflineCauseByte,
    PaperByte,
    PrinterByte,
    StatusKind,
    StatusReply,
    encode_job_end,
    encode_reply,
)
from drivers.link import Link, PtyLink

__all__ = ["PrinterEmulator", "main", "COMMANDS"]

COMMANDS = {
    "paper out": "the paper roll has run out",
    "paper near end": "the paper roll is nearly finished (still prints)",
    "paper ok": "a full roll is loaded",
    "paper out after N": "the paper runs out after N more bytes of print data",
    "cover open": "the cover is open",
    "cover close": "the cover is closed",
    "cutter error": "the auto-cutter is jammed",
    "cutter ok": "the auto-cutter is cleared",
    "silent": "answer nothing (unplugged printer)",
    "answer": "answer again",
    "status": "print the emulated state",
    "help": "list these commands",
}


class PrinterEmulator(ServedInThread):
    """Plays the printer on ``link`` (a fresh PtyLink unless one is given) in its own thread.

    Callbacks: ``on_job(number, data)`` is called from the emulator thread when a ``GS r`` end
    marker has been processed (``data`` is the job's print data up to that marker).
    """

    thread_name = "escpos-emulator"

    def __init__(
        self,
        link: Link | None = None,
        *,
        link_path: str | None = None,
        on_job: Callable[[int, bytes], None] | None = None,
    ) -> None:
        self._own_link = link is None
        self.link: Link = link if link is not None else PtyLink(link_path)
        self.port: str = getattr(self.link, "port", "")
        self.on_job = on_job
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._tokenizer = CommandTokenizer()
        self._rt_tail = b""  # last bytes of the previous chunk, to find DLE EOT across chunks
        # emulated state
        self.paper_out = False
        self.paper_near_end = False
        self.cover_open = False
        self.cutter_error = False
        self.silent = False
        self.answer_job_end = True  # False: firmware without GS r
        self.stopped_by_paper_end = False
        self._paper_budget: int | None = None
        # what was received
        self.received = bytearray()  # every byte, queries included
        self.printed = bytearray()  # processed print data
        self.discarded = 0  # print bytes dropped while offline
        self.status_queries = 0
        self.jobs_done = 0
        self._job_start = 0
        self._job_offsets: list[int] = []  # where each ESC @ (in command position) begins

    # ---------------------------------------------------------------- lifecycle

    def _close_link(self) -> None:
        if self._own_link:
            self.link.close()

    # ---------------------------------------------------------------- control

    def set_paper(self, *, out: bool | None = None, near_end: bool | None = None) -> None:
        with self._lock:
            if out is not None:
                self.paper_out = out
                if not out:
                    self.stopped_by_paper_end = False
                    self._paper_budget = None
            if near_end is not None:
                self.paper_near_end = near_end

    def run_out_of_paper_after(self, n_bytes: int) -> None:
        """The paper ends after ``n_bytes`` more bytes of print data have been processed."""
        with self._lock:
            self._paper_budget = max(0, n_bytes)

    def set_cover(self, *, open_: bool) -> None:
        with self._lock:
            self.cover_open = open_

    def set_cutter_error(self, error: bool) -> None:
        with self._lock:
            self.cutter_error = error

    def set_silent(self, silent: bool) -> None:
        with self._lock:
            self.silent = silent

    @property
    def offline(self) -> bool:
        return self.paper_out or self.cover_open or self.cutter_error

    @property
    def jobs(self) -> list[bytes]:
        """Print data split at each ``ESC @`` command (every job starts with one)."""
        with self._lock:
            data = bytes(self.printed)
            offsets = list(self._job_offsets)
        ends = [*offsets[1:], len(data)]
        return [data[start:end] for start, end in zip(offsets, ends, strict=True)]

    def describe(self) -> str:
        with self._lock:
            flags = [
                name
                for name, on in (
                    ("paper out", self.paper_out),
                    ("paper near end", self.paper_near_end),
                    ("cover open", self.cover_open),
                    ("cutter error", self.cutter_error),
                    ("silent", self.silent),
                    ("stopped by paper end", self.stopped_by_paper_end),
                )
                if on
            ]
            return (
                f"state: {', '.join(flags) or 'ready'}; printed {len(self.printed)} bytes, "
                f"{self.jobs_done} jobs; {self.status_queries} status queries"
            )

    # ---------------------------------------------------------------- device behaviour

    def reply_for(self, kind: StatusKind) -> StatusReply:
        """The current answer to ``DLE EOT kind`` (caller holds no lock; reads are atomic)."""
        if kind is StatusKind.PRINTER:
            return PrinterByte(raw=0, drawer_high=False, offline=self.offline)
        if kind is StatusKind.OFFLINE_CAUSE:
            return OfflineCauseByte(
                raw=0,
                cover_open=self.cover_open,
                feed_button=False,
                paper_end_stop=self.stopped_by_paper_end,
                error=self.cutter_error,
            )
        if kind is StatusKind.ERROR_CAUSE:
            return ErrorCauseByte(
                raw=0,
                mechanical=False,
                cutter=self.cutter_error,
                unrecoverable=False,
                auto_recoverable=False,
            )
        return PaperByte(raw=0, near_end=self.paper_near_end, paper_end=self.paper_out)

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                data = self.link.read_some(4096, 0.05)
            except LinkError:
                if self._stop.wait(0.05):
                    return
                continue
            if data:
                try:
                    self._handle(data)
                except LinkError:
                    continue  # the host closed the port while we answered

    def _handle(self, data: bytes) -> None:
        with self._lock:
            self.received.extend(data)
            if self.silent:
                return
            replies = self._realtime(data)
        if replies:
            self.link.write(replies)
        for token in self._tokenizer.feed(data):
            self._process(token)

    def _realtime(self, data: bytes) -> bytes:
        """Answer every DLE EOT n in the raw stream, like the printer's receive interrupt."""
        stream = self._rt_tail + data
        out = bytearray()
        i = stream.find(b"\x10\x04")
        while i >= 0 and i + 2 < len(stream):
            n = stream[i + 2]
            if i + 2 >= len(self._rt_tail) and 1 <= n <= 4:
                self.status_queries += 1
                out.append(encode_reply(self.reply_for(StatusKind(n))))
            i = stream.find(b"\x10\x04", i + 1)
        self._rt_tail = stream[-2:]
        return bytes(out)

    def _process(self, token: Token) -> None:
        if isinstance(token, RealTime):
            return  # already answered on arrival
        reply: bytes | None = None
        finished: tuple[int, bytes] | None = None
        with self._lock:
            if self.silent or self.offline:
                self.discarded += len(token.raw)
                return
            if isinstance(token, Command) and token.name == "GS r":
                if token.args in (b"\x01", b"1") and self.answer_job_end:
                    reply = bytes((encode_job_end(near_end=self.paper_near_end, paper_end=False),))
                self.jobs_done += 1
                finished = (self.jobs_done, bytes(self.printed[self._job_start :]))
                self._job_start = len(self.printed)
            else:
                if isinstance(token, Command) and token.name == "ESC @":
                    self._job_start = len(self.printed)
                    self._job_offsets.append(len(self.printed))
                self.printed.extend(token.raw)
                if self._paper_budget is not None:
                    self._paper_budget -= len(token.raw)
                    if self._paper_budget <= 0:
                        self._paper_budget = None
                        self.paper_out = True
                        self.stopped_by_paper_end = True
        if reply:
            self.link.write(reply)
        if finished and self.on_job:
            self.on_job(*finished)


# -------------------------------------------------------------------- command line


def _apply(emulator: PrinterEmulator, line: str) -> str:
    words = line.strip().lower().split()
    cmd = " ".join(words)
    if not cmd:
        return ""
    if cmd == "help":
        return "\n".join(f"  {k:<20} {v}" for k, v in COMMANDS.items())
    if cmd == "paper out":
        emulator.set_paper(out=True)
    elif cmd == "paper near end":
        emulator.set_paper(near_end=True)
    elif cmd == "paper ok":
        emulator.set_paper(out=False, near_end=False)
    elif cmd.startswith("paper out after ") and words[-1].isdigit():
        emulator.run_out_of_paper_after(int(words[-1]))
    elif cmd == "cover open":
        emulator.set_cover(open_=True)
    elif cmd in ("cover close", "cover closed"):
        emulator.set_cover(open_=False)
    elif cmd == "cutter error":
        emulator.set_cutter_error(True)
    elif cmd == "cutter ok":
        emulator.set_cutter_error(False)
    elif cmd == "silent":
        emulator.set_silent(True)
    elif cmd == "answer":
        emulator.set_silent(False)
    elif cmd != "status":
        return f"unknown command {line.strip()!r}; try 'help'"
    return emulator.describe()


def main(link_path: str | None = None) -> int:
    """``kiosk emulate printer``: print the port, then obey stdin until EOF or SIGTERM."""

    out = threading.Lock()  # job lines come from the emulator thread

    def say(text: str) -> None:
        with out:
            print(text, flush=True)

    def on_job(number: int, data: bytes) -> None:
        say(f"job {number}: {len(data)} bytes printed")

    from drivers.console import serve_console

    return serve_console(PrinterEmulator(link_path=link_path, on_job=on_job), _apply, say=say)
