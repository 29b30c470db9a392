"""Barcode/QR scanner input: a USB scanner is a keyboard that types a whole code, then Enter.

The kiosk has no keyboard for payers, so every key burst is treated as a scan: printable
characters are collected while they keep coming faster than ``max_gap_ms`` apart (a scanner
types a character every few milliseconds; a person is far slower), and Enter ends the code. A
pause longer than the gap starts a new code, so stray keys never leak into the next scan. Key
events are consumed here and never reach widgets.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from ui.qt import QEvent, QKeyEvent, QObject, Qt, Signal

__all__ = ["ScannerInput"]

_ENTER = frozenset({Qt.Key.Key_Return, Qt.Key.Key_Enter})


def _monotonic_ms() -> float:
    return time.monotonic() * 1000.0


class ScannerInput(QObject):
    """Application event filter that turns key bursts ending in Enter into scanned codes.

    Signals:
        scanned(str): a complete code (spaces trimmed, never empty).
    """

    scanned = Signal(str)

    def __init__(
        self,
        *,
        max_gap_ms: float = 120.0,
        max_length: int = 128,
        clock_ms: Callable[[], float] = _monotonic_ms,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._max_gap = max_gap_ms
        self._max_length = max_length
        self._clock = clock_ms
        self._buffer: list[str] = []
        self._last = float("-inf")

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: ARG002 - Qt API
        kind = event.type()
        if kind == QEvent.Type.KeyRelease and isinstance(event, QKeyEvent):
            return True
        if kind != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
            return False
        now = self._clock()
        if now - self._last > self._max_gap:
            self._buffer.clear()
        self._last = now
        if Qt.Key(event.key()) in _ENTER:
            code = "".join(self._buffer).strip()
            self._buffer.clear()
            if code:
                self.scanned.emit(code)
            return True
        text = event.text()
        if text and text.isprintable() and len(self._buffer) < self._max_length:
            self._buffer.append(text)
        return True
