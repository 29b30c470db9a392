"""The Qt front end as a plug-in of the core: ``kiosk run`` / ``kiosk demo`` find this function
through the ``kiosk.frontends`` entry point (pyproject.toml), so ``kiosk/`` never imports Qt.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import ui.qt  # noqa: F401  (first: pins the PySide6 6.12 / Python 3.11 workaround)
from ui.app import prepare_application, run_kiosk
from ui.qt import QTimer
from ui.simulator_panel import SimulatorControls

__all__ = ["run"]


def run(
    runtime: Any,
    *,
    fullscreen: bool,
    hide_cursor: bool | None = None,
    scanner: bool = True,
    simulator: Mapping[str, Callable[..., Any]] | None = None,
    on_stop: Callable[[], None] | None = None,
    may_quit: Callable[[], bool] | None = None,
    seconds: float | None = None,
    heartbeat: Callable[[], None] | None = None,
) -> int:
    """Show the payer UI over ``runtime`` until quit (or ``seconds`` have passed).

    ``heartbeat()`` is called from the Qt loop every second: the systemd watchdog withholds
    its ping when it stops (a frozen screen gets the kiosk restarted)."""
    app = prepare_application()
    if heartbeat is not None:
        beat = QTimer(app)
        beat.setInterval(1000)
        beat.timeout.connect(heartbeat)
        beat.start()
    if seconds is not None:
        QTimer.singleShot(int(seconds * 1000), app.quit)
    controls = SimulatorControls(**simulator) if simulator else None
    return run_kiosk(runtime, fullscreen=fullscreen, simulator=controls, hide_cursor=hide_cursor,
                     scanner=scanner, on_stop=on_stop, may_quit=may_quit)
