"""The hidden way into service mode: a sequence of taps on the window's corners.

``CornerSequence`` is an application-wide event filter that watches presses (mouse or touch)
inside one window. Each press in a corner region (``corner-tl``, ``corner-tr``, ``corner-br``,
``corner-bl``: a square of ``corner_fraction`` of the shorter side, at least 60 px) advances
the configured sequence; a press anywhere else, a wrong corner or a pause longer than
``window_s`` between the first and the last tap starts it over. When the whole sequence is
tapped, ``triggered`` is emitted. The presses are never swallowed: the payer screens get them
as usual (the service backend refuses entry while money is in flight, whatever the screens do).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from ui.qt import QEvent, QObject, QPoint, QWidget, Signal

__all__ = ["CORNERS", "CornerSequence", "parse_sequence"]

CORNERS = ("corner-tl", "corner-tr", "corner-br", "corner-bl")
_PRESSES = (QEvent.Type.MouseButtonPress, QEvent.Type.TouchBegin)


def parse_sequence(text: str) -> tuple[str, ...]:
    """``"corner-tl,corner-tr,..."`` as a tuple; raises ValueError on an unknown step."""
    steps = tuple(s.strip() for s in text.split(",") if s.strip())
    bad = [s for s in steps if s not in CORNERS]
    if bad or not steps:
        raise ValueError(
            f"service_mode.key_sequence: unknown step(s) {', '.join(bad) or '(empty)'}; "
            f"use {', '.join(CORNERS)}"
        )
    return steps


class CornerSequence(QObject):
    """Recognises the corner-tap sequence on ``window`` (install with ``attach()``).

    Signals:
        triggered(): the whole sequence was tapped within ``window_s`` seconds.
        progressed(int): a correct step was tapped; the argument is how many steps are done.
    """

    triggered = Signal()
    progressed = Signal(int)

    def __init__(
        self,
        window: QWidget,
        sequence: str | tuple[str, ...] = CORNERS,
        *,
        window_s: float = 4.0,
        corner_fraction: float = 0.12,
        clock: Callable[[], float] = time.monotonic,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent if parent is not None else window)
        self.window = window
        self.sequence = parse_sequence(sequence) if isinstance(sequence, str) else tuple(sequence)
        parse_sequence(",".join(self.sequence))
        self.window_s = window_s
        self.corner_fraction = corner_fraction
        self._clock = clock
        self._done = 0
        self._started = 0.0
        self._app: QObject | None = None
        self._last_press: tuple[int, int, int] | None = None

    def attach(self, app: QObject) -> None:
        """Listen to every press in the application (the window's children included)."""
        self.detach()
        app.installEventFilter(self)
        self._app = app

    def detach(self) -> None:
        if self._app is not None:
            self._app.removeEventFilter(self)
            self._app = None

    def corner_at(self, pos: QPoint) -> str | None:
        """Which corner (if any) a point in window coordinates lies in."""
        w, h = self.window.width(), self.window.height()
        size = max(60, int(min(w, h) * self.corner_fraction))
        left, right = pos.x() < size, pos.x() >= w - size
        top, bottom = pos.y() < size, pos.y() >= h - size
        if top and left:
            return "corner-tl"
        if top and right:
            return "corner-tr"
        if bottom and right:
            return "corner-br"
        if bottom and left:
            return "corner-bl"
        return None

    def tap(self, corner: str | None) -> bool:
        """Feed one press (its corner, or None for elsewhere); True when the sequence completes."""
        now = self._clock()
        if self._done and now - self._started > self.window_s:
            self._done = 0
        if corner is not None and corner == self.sequence[self._done]:
            if self._done == 0:
                self._started = now
            self._done += 1
        elif corner is not None and corner == self.sequence[0]:
            self._done, self._started = 1, now  # a wrong corner that can start a new try
        else:
            self._done = 0
            return False
        if self._done == len(self.sequence):
            self._done = 0
            self.triggered.emit()
            return True
        self.progressed.emit(self._done)
        return False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _PRESSES and isinstance(watched, QWidget) and watched.window() is self.window:
            global_pos = _global_position(event)
            if global_pos is not None:
                # One press reaches the widget under the finger, then (unaccepted) its parents,
                # and a touch may come again as a synthesised mouse press: the same time stamp
                # and place. Count it once.
                key = (getattr(event, "timestamp", lambda: 0)(), global_pos.x(), global_pos.y())
                if key != self._last_press:
                    self._last_press = key
                    self.tap(self.corner_at(self.window.mapFromGlobal(global_pos)))
        return False


def _global_position(event: QEvent) -> QPoint | None:
    if hasattr(event, "globalPosition"):
        return event.globalPosition().toPoint()
    points = getattr(event, "points", None)
    if callable(points):
        found = points()
        if found:
            return found[0].globalPosition().toPoint()
    return None
