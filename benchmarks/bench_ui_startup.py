"""Start-up time of the payer UI: process start until the attract screen is first painted.

Compared, in the same run and on the same (offscreen, 1080x1920) screen, with a bare PySide6
window: a QApplication and one QLabel, shown and painted. Both are measured as separate
processes from just before ``Popen`` to the child's first paint of its top-level window, read on
the shared CLOCK_MONOTONIC; runs alternate so machine load hits all alike, and bytecode is
compiled once beforehand (into a temporary PYTHONPYCACHEPREFIX) as on an installed kiosk.
Target: the kiosk UI's start is at most twice the bare window's. A third figure adds the import
of the session machine (``kiosk.session``), which the runtime pays before it starts the UI.

    .venv/bin/python benchmarks/bench_ui_startup.py [--runs N] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCREEN = ROOT / "tests" / "ui" / "screens_1080x1920.json"


def _child(kind: str) -> int:
    """Runs in the child process: build the UI, print the monotonic time of the first paint."""
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication, QLabel, QWidget

    app = QApplication(sys.argv[:1])

    class FirstPaint(QObject):
        def __init__(self) -> None:
            super().__init__()
            self.done = False

        def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
            if (
                not self.done
                and event.type() == QEvent.Type.Paint
                and isinstance(watched, QWidget)
                and watched.isWindow()
            ):
                # The window and all its children paint in this one pass; the zero timer
                # fires once the pass (and the flush to the screen) is over.
                self.done = True
                QTimer.singleShot(0, lambda: self.report(watched))
            return False

        def report(self, window: QWidget) -> None:
            print(f"painted {time.monotonic():.6f}", flush=True)
            shot = os.environ.get("KIOSK_BENCH_SHOT")
            if shot:
                window.grab().save(f"{shot}-{kind}.png")
            # The measurement is taken; skip teardown (the kiosk's lockdown refuses to close
            # its window, by design).
            os._exit(0)

    probe = FirstPaint()
    app.installEventFilter(probe)
    if kind == "bare":
        label = QLabel("Plăți publice / Государственные платежи")
        label.setWordWrap(True)
        label.showFullScreen()
        return app.exec()
    from ui.app import run_kiosk

    class StaticPort:
        """The runtime's seam, serving one start-up (attract) view; no devices, no MPay."""

        def __init__(self, view: object) -> None:
            self.view = view

        def submit(self, event: object) -> None:
            pass

        def subscribe(self, callback: Callable[[object], None]) -> None:
            callback(self.view)

    if kind == "session":
        # The real machine's first view: this also pays for importing the session package.
        from datetime import UTC, datetime

        from kiosk.session import ServiceEntry, SessionContext, initial_state, view_of

        names = {"ro": "Amenzi", "ru": "Штрафы", "en": "Fines"}
        ctx = SessionContext(services=(ServiceEntry(service_id="IGP01", names=names),))
        view: object = view_of(initial_state(ctx, datetime.now(UTC)))
    else:
        # The same attract view as plain data: the UI's own start-up cost only.
        from types import SimpleNamespace

        view = SimpleNamespace(
            screen="attract",
            language="ro",
            languages=("ro", "ru", "en"),
            high_contrast=False,
            large_text=False,
            timeout_prompt=False,
            seconds_left=None,
            can_cancel=False,
            can_go_back=False,
            money_in=False,
            printer_ok=True,
            service=None,
        )
    return run_kiosk(StaticPort(view), fullscreen=True, scanner=False)


def _measure(kind: str, pycache: str) -> float:
    env = dict(os.environ)
    env["QT_QPA_PLATFORM"] = f"offscreen:configfile={SCREEN}"
    # An installed kiosk runs from compiled bytecode; keep it out of the source tree.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = pycache
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    start = time.monotonic()
    proc = subprocess.run(
        [sys.executable, __file__, "--child", kind],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        cwd=ROOT,
        check=False,
    )
    for line in proc.stdout.splitlines():
        if line.startswith("painted "):
            return float(line.split()[1]) - start
    raise RuntimeError(f"{kind} child did not paint (rc={proc.returncode}): {proc.stderr[-2000:]}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--child", choices=["bare", "kiosk", "session"])
    args = parser.parse_args()
    if args.child:
        return _child(args.child)
    kinds = ("bare", "kiosk", "session")
    samples: dict[str, list[float]] = {kind: [] for kind in kinds}
    with tempfile.TemporaryDirectory(prefix="kiosk-bench-pyc-") as pycache:
        for kind in kinds:  # warm the page cache and compile bytecode before timing
            _measure(kind, pycache)
        for _ in range(args.runs):
            for kind in kinds:
                samples[kind].append(_measure(kind, pycache))
    medians = {kind: round(statistics.median(samples[kind]) * 1000, 1) for kind in kinds}
    minimums = {kind: round(min(samples[kind]) * 1000, 1) for kind in kinds}
    ratio = round(medians["kiosk"] / medians["bare"], 2)
    result: dict[str, object] = {"runs": args.runs}
    for kind in kinds:
        result[f"{kind}_median_ms"] = medians[kind]
        result[f"{kind}_min_ms"] = minimums[kind]
    result["ratio_median"] = ratio
    result["ratio_with_session_median"] = round(medians["session"] / medians["bare"], 2)
    result["target_ratio"] = 2.0
    result["ok"] = ratio <= 2.0
    if args.json:
        print(json.dumps(result))
    else:
        labels = {
            "bare": "bare PySide6 window",
            "kiosk": "kiosk UI, attract screen",
            "session": "  + session machine import",
        }
        print(f"UI start-up to first paint, {args.runs} runs each (offscreen 1080x1920):")
        for kind in kinds:
            print(
                f"  {labels[kind]:<28} median {result[f'{kind}_median_ms']:7.1f} ms"
                f"  (min {result[f'{kind}_min_ms']})"
            )
        print(
            f"  ratio kiosk/bare {ratio:.2f} (target <= 2.0): {'OK' if result['ok'] else 'OVER'}"
            f"; with the session import {result['ratio_with_session_median']:.2f}"
        )
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
