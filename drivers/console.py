"""The stdin console every ``kiosk emulate ...`` shares: print the emulator's port (first line,
flushed, so a test or a technician can open it), serve, and obey one command per stdin line
until end of input, Ctrl-C or SIGTERM."""

from __future__ import annotations

import signal
import sys
from collections.abc import Callable
from types import FrameType
from typing import Any

__all__ = ["serve_console"]


def serve_console(
    emulator: Any,
    apply: Callable[[Any, str], str | None],
    *,
    say: Callable[[str], None] | None = None,
) -> int:
    """Run ``emulator`` (``port``, ``start()``, ``stop()``) with ``apply(emulator, line)``
    answering each stdin line; ``say`` prints answers (default: print, flushed)."""

    def on_signal(_signum: int, _frame: FrameType | None) -> None:
        raise SystemExit(0)

    out = say or (lambda text: print(text, flush=True))
    print(emulator.port, flush=True)
    previous = signal.signal(signal.SIGTERM, on_signal)
    emulator.start()
    try:
        for line in sys.stdin:
            answer = apply(emulator, line)
            if answer:
                out(answer)
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        emulator.stop()
        signal.signal(signal.SIGTERM, previous)
    return 0
