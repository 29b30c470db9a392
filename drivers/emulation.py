"""What every device emulator shares: it serves its link from one daemon thread.

Subclasses set ``thread_name``, create ``_stop`` (an Event) and ``_thread = None`` in their
``__init__``, implement ``_serve()`` (the loop, until ``_stop`` is set) and ``_close_link()``
(close the link if the emulator opened it itself).
"""

from __future__ import annotations

import threading
from typing import Any, Self

from drivers.link import PtyLink

__all__ = ["ServedInThread", "LineFaults"]


class ServedInThread:
    thread_name = "emulator"
    _thread: threading.Thread | None
    _stop: threading.Event

    def _serve(self) -> None:
        raise NotImplementedError

    def _close_link(self) -> None:
        raise NotImplementedError

    def start(self) -> Self:
        if self._thread is None:
            self._stop.clear()
            self._thread = threading.Thread(target=self._serve, name=self.thread_name, daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
        self._close_link()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class LineFaults:
    """The line's troubles a test or the console can script on a framed serial emulator: a
    corrupted frame, a device that stops answering, a cable pulled and put back.

    The emulator keeps ``_lock``, ``_corrupt_next``, ``silent``, ``_unplugged``, ``_own_link``,
    ``_link``, ``_link_path``, ``_decoder`` (with ``clear()``) and ``port``."""

    _lock: Any
    _corrupt_next: int
    silent: bool
    _unplugged: bool
    _own_link: bool
    _link: Any
    _link_path: str | None
    _decoder: Any
    port: str

    def corrupt_next_frame(self, count: int = 1) -> None:
        with self._lock:
            self._corrupt_next += count

    def set_silent(self, silent: bool = True) -> None:
        with self._lock:
            self.silent = silent

    def unplug(self) -> None:
        """The cable is pulled: the port disappears (pty) or goes dead (other links)."""
        with self._lock:
            self._unplugged = True
            if self._own_link and self._link is not None:
                self._link.close()
                self._link = None

    def replug(self) -> None:
        """The cable is back: a fresh pty (same ``link_path`` symlink, if one was given)."""
        with self._lock:
            if self._own_link and self._link is None:
                self._link = PtyLink(self._link_path)
                self.port = getattr(self._link, "port", "")
            self._decoder.clear()
            self._unplugged = False
