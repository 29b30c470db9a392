"""The stdin console every ``kiosk emulate ...`` shares: print the emulator's port (first line,
flushed, so a test or a technician can open it), serve, and obey one command per stdin line
until end of input, Ctrl-C or SIGTERM."""

from __future__ import annotations

import signal
import sys
from collections.abc import Callable
from types import FrameType
from typing import Any

__all__ = ["serve_console", "LINE_COMMANDS", "apply_line_command"]

#: console words for the line's troubles (``drivers.emulation.LineFaults``)
LINE_COMMANDS = frozenset({"corrupt", "silent", "answer", "unplug", "replug"})


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


def apply_line_command(emulator: Any, cmd: str, args: list[str]) -> str:
    """``corrupt [N]``, ``silent``, ``answer``, ``unplug``, ``replug`` on a LineFaults emulator;
    the console's answer ("ok", or the new port after a replug)."""
    if cmd == "corrupt":
        emulator.corrupt_next_frame(int(args[0]) if args else 1)
    elif cmd in ("silent", "answer"):
        emulator.set_silent(cmd == "silent")
    elif cmd == "unplug":
        emulator.unplug()
    elif cmd == "replug":
        emulator.replug()
        return f"port {emulator.port}"
    return "ok"
