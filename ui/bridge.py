"""The only QObject that talks to the runtime: views in (any thread), intents out.

The runtime steps the pure session machine on its own thread and calls our subscriber with each
new ``SessionView``. We never touch widgets from that thread: the callback only stores the view
and posts a queued signal; on the Qt main thread the latest view is re-emitted. Views that
arrive faster than the UI can draw are coalesced (only the newest is shown), which is right for
a view layer: each view is the whole screen state, not a delta.

Intents (taps) go the other way through ``intent(event)``, which calls ``runtime.submit`` on the
main thread; ``submit`` must only enqueue (the runtime's loop does the work).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any, Protocol

from ui.qt import QObject, Qt, Signal, Slot

__all__ = ["Bridge", "SessionPort"]

log = logging.getLogger(__name__)


class SessionPort(Protocol):
    """What the bridge needs from the runtime.

    ``submit(event)`` enqueues an intent for the session machine and returns at once.
    ``subscribe(callback)`` registers ``callback(view)``; it may be called from any thread,
    including immediately from inside ``subscribe`` with the current view.
    """

    def submit(self, event: Any) -> None: ...

    def subscribe(self, callback: Callable[[Any], None]) -> None: ...


class Bridge(QObject):
    """Adapter between the runtime (threads) and the widgets (Qt main thread).

    Signals:
        view_changed(object): a new ``SessionView`` to render; always emitted on the thread
            the bridge lives on (the Qt main thread), newest view only.
        intent_sent(object): an intent event was handed to the runtime (for logs and tests).
    """

    view_changed = Signal(object)
    intent_sent = Signal(object)
    _posted = Signal()

    def __init__(self, runtime: SessionPort, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._runtime = runtime
        self._lock = threading.Lock()
        self._latest: Any = None
        self._fresh = False
        self._closed = False
        self._view: Any = None
        self._posted.connect(self._deliver, Qt.ConnectionType.QueuedConnection)
        runtime.subscribe(self._on_view)

    @property
    def view(self) -> Any:
        """The last view delivered to the UI (None before the first one)."""
        return self._view

    def intent(self, event: Any) -> None:
        """Hand a payer intent to the runtime (main thread; returns at once)."""
        if self._closed:
            return
        self._runtime.submit(event)
        self.intent_sent.emit(event)

    def flush(self) -> None:
        """Deliver a pending view now (main thread only): lets the composition root render the
        first screen before the window is shown, so the first paint is the real screen."""
        self._deliver()

    def close(self) -> None:
        """Stop delivering views (the runtime may keep calling back; calls are ignored)."""
        with self._lock:
            self._closed = True

    def _on_view(self, view: Any) -> None:
        # Runs on the runtime's thread: store, then wake the main thread. No widget access.
        with self._lock:
            if self._closed:
                return
            self._latest = view
            already_posted = self._fresh
            self._fresh = True
        if not already_posted:
            try:
                self._posted.emit()
            except RuntimeError:  # the C++ object is gone during shutdown
                log.debug("view after bridge deletion ignored")

    @Slot()
    def _deliver(self) -> None:
        with self._lock:
            view, self._fresh = self._latest, False
            closed = self._closed
        if closed or view is None or view is self._view:
            return
        self._view = view
        self.view_changed.emit(view)
