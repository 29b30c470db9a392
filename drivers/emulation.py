"""What every device emulator shares: it serves its link from one daemon thread.

Subclasses set ``thread_name``, create ``_stop`` (an Event) and ``_thread = None`` in their
``__init__``, implement ``_serve()`` (the loop, until ``_stop`` is set) and ``_close_link()``
(close the link if the emulator opened it itself).
"""

from __future__ import annotations

import threading
from typing import Self

__all__ = ["ServedInThread"]


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
