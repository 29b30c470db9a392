"""The Qt front end as a plug-in of the core: ``kiosk run`` / ``kiosk demo`` find this function
through the ``kiosk.frontends`` entry point (pyproject.toml), so ``kiosk/`` never imports Qt.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import ui.qt  # noqa: F401  (first: pins the PySide6 6.12 / Python 3.11 workaround)
from ui.app import Kiosk, prepare_application, run_kiosk
from ui.qt import QApplication, Qt, QTimer
from ui.simulator_panel import SimulatorControls

__all__ = ["run", "attach_service_mode"]


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
    service: Any = None,
    service_sequence: str | None = None,
    on_service: Callable[[bool], None] | None = None,
) -> int:
    """Show the payer UI over ``runtime`` until quit (or ``seconds`` have passed).

    ``heartbeat()`` is called from the Qt loop every second: the systemd watchdog withholds
    its ping when it stops (a frozen screen gets the kiosk restarted). ``service``: a
    ``kiosk.service.backend.ServiceBackend``; the technician reaches it by tapping the corners
    in ``service_sequence`` and entering the PIN; ``on_service(True/False)`` is told when a
    technician is in (the runtime stops taking payers meanwhile)."""
    app = prepare_application()
    if heartbeat is not None:
        beat = QTimer(app)
        beat.setInterval(1000)
        beat.timeout.connect(heartbeat)
        beat.start()
    if seconds is not None:
        QTimer.singleShot(int(seconds * 1000), app.quit)
    controls = SimulatorControls(**simulator) if simulator else None
    extras = None
    if service is not None:

        def extras(kiosk: Kiosk) -> Callable[[], None]:
            return attach_service_mode(app, kiosk, service, service_sequence, fullscreen,
                                       on_service)

    return run_kiosk(runtime, fullscreen=fullscreen, simulator=controls, hide_cursor=hide_cursor,
                     scanner=scanner, on_stop=on_stop, may_quit=may_quit, extras=extras)


def attach_service_mode(
    app: QApplication,
    kiosk: Kiosk,
    backend: Any,
    sequence: str | None,
    fullscreen: bool,
    on_service: Callable[[bool], None] | None,
) -> Callable[[], None]:
    """Corner taps open the technician's window over the payer UI; closing it hides it."""
    from ui.service.entry import CornerSequence
    from ui.service.window import ServiceWindow

    gesture = CornerSequence(kiosk.window, sequence) if sequence else CornerSequence(kiosk.window)
    gesture.attach(app)
    window = ServiceWindow(backend, lang=kiosk.presenter.view.language
                           if kiosk.presenter.view is not None else "ro")

    def show() -> None:
        if window.isVisible():
            return
        if fullscreen:
            window.setWindowFlags(window.windowFlags() | Qt.WindowType.FramelessWindowHint
                                  | Qt.WindowType.WindowStaysOnTopHint)
            window.setGeometry(kiosk.window.geometry())  # no window manager may size it for us
            window.showFullScreen()
        else:
            window.resize(kiosk.window.size())
            window.show()
        window.open()  # a new top-level window comes up on top (fullscreen: stays on top)

    def entered() -> None:
        if on_service is not None:
            on_service(True)

    def closed() -> None:
        window.hide()
        if on_service is not None:
            on_service(False)

    gesture.triggered.connect(show)
    window.entered.connect(entered)
    window.closed.connect(closed)

    def teardown() -> None:
        gesture.detach()
        window.leave("shutdown")
        window.shutdown()
        window.hide()
        window.deleteLater()

    return teardown
