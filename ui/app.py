"""Composition root of the payer UI: builds the window, bridge, presenter, scanner and lockdown,
wires them in one block, and runs the Qt loop.

    runtime ──views──▶ Bridge.view_changed ──▶ Presenter.render ──▶ KioskWindow / screens
    screens ──taps──▶ Presenter (signal → session event) ──▶ Bridge.intent ──▶ runtime.submit
    ScannerInput.scanned ──▶ Presenter.scanned (KeyScanned)

The runtime (``kiosk.runtime``) owns every thread; the UI only needs an object with
``submit(event)`` and ``subscribe(callback)`` (see ``ui.bridge.SessionPort``).
"""

from __future__ import annotations

import signal
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from ui.bridge import Bridge, SessionPort
from ui.fonts import load_fonts
from ui.lockdown import Lockdown
from ui.presenter import SCREEN_FACTORIES, Presenter
from ui.qt import QApplication, QFont, QSize, QTimer, QWidget, pin_singletons
from ui.scanner import ScannerInput
from ui.theme import STANDARD, Theme
from ui.window import KioskWindow

if TYPE_CHECKING:
    from ui.simulator_panel import SimulatorControls

__all__ = ["Kiosk", "build_kiosk", "prepare_application", "run_kiosk"]


class Kiosk:
    """The assembled payer UI (the caller shows ``window`` and owns the objects' lifetime)."""

    __slots__ = ("window", "bridge", "presenter", "scanner")

    def __init__(
        self, *, window: KioskWindow, bridge: Bridge, presenter: Presenter, scanner: ScannerInput
    ) -> None:
        self.window = window
        self.bridge = bridge
        self.presenter = presenter
        self.scanner = scanner

    def close(self) -> None:
        """Stop taking views and listening to the scanner (idempotent); the window stays."""
        self.bridge.close()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self.scanner)


def build_kiosk(port: SessionPort, *, theme: Theme = STANDARD, scanner: bool = True) -> Kiosk:
    """Build and wire the payer UI for ``port``; needs a QApplication with the fonts loaded.

    The scanner (a USB keyboard-like barcode reader) is listened to application-wide when
    ``scanner`` is true; call ``Kiosk.close()`` to detach it.
    """
    presenter_box: list[Presenter] = []

    def built(name: str, screen: QWidget) -> None:
        presenter_box[0].connect_screen(name, screen)

    window = KioskWindow(theme=theme, factories=dict(SCREEN_FACTORIES), on_built=built)
    bridge = Bridge(port, parent=window)
    presenter = Presenter(window, bridge.intent)
    presenter_box.append(presenter)
    scanner_input = ScannerInput(parent=window)
    # -- wiring ----------------------------------------------------------------------------------
    bridge.view_changed.connect(presenter.render)
    scanner_input.scanned.connect(presenter.scanned)
    if scanner:
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(scanner_input)
    # After the first paint, not before: it imports ctypes (see ui.qt).
    QTimer.singleShot(500, pin_singletons)
    return Kiosk(window=window, bridge=bridge, presenter=presenter, scanner=scanner_input)


def prepare_application(argv: list[str] | None = None) -> QApplication:
    """The QApplication (created if needed) with the bundled fonts as the default family."""
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(argv or sys.argv[:1])
    family = load_fonts()
    app.setFont(QFont(family, STANDARD.sizes.body_pt))
    return app


def run_kiosk(
    runtime: SessionPort,
    *,
    fullscreen: bool,
    simulator: SimulatorControls | None = None,
    hide_cursor: bool | None = None,
    scanner: bool = True,
    on_stop: Callable[[], None] | None = None,
    may_quit: Callable[[], bool] | None = None,
    extras: Callable[[Kiosk], Callable[[], None]] | None = None,
) -> int:
    """Show the payer UI (and the demo's simulator panel) and run the Qt loop until quit.

    ``fullscreen`` engages the kiosk lockdown (frameless, covers the screen, shortcuts and
    context menus swallowed, close refused); ``hide_cursor`` defaults to ``fullscreen``. SIGINT
    and SIGTERM quit the loop cleanly: ``on_stop()`` is called first (the runtime stops taking
    new payers) and the loop ends once ``may_quit()`` is true (no money in flight), so a payer
    who is paying can finish. ``extras(kiosk)`` adds to the built UI (service mode) and returns
    its teardown. Returns the loop's exit code.
    """
    app = prepare_application()
    kiosk = build_kiosk(runtime, scanner=scanner)
    kiosk.bridge.flush()  # the current view (subscribe delivered it) is rendered before showing
    window = kiosk.window
    lockdown = Lockdown(app, hide_cursor=fullscreen if hide_cursor is None else hide_cursor)
    if fullscreen:
        lockdown.engage(window, fullscreen=True)
        window.showFullScreen()
    else:
        window.resize(_windowed_size(app))
        window.show()
    panel: QWidget | None = None
    if simulator is not None:
        from ui.simulator_panel import SimulatorPanel

        panel = SimulatorPanel(simulator)
        panel.setStyleSheet(STANDARD.stylesheet())
        panel.resize(520, 900)
        panel.show()
    teardown = extras(kiosk) if extras is not None else None
    # Build the other screens while the payer looks at the attract screen.
    QTimer.singleShot(0, window, window.prebuild)
    restore = _quit_on_signals(app, lockdown, on_stop=on_stop, may_quit=may_quit)
    try:
        return app.exec()
    finally:
        restore()
        if teardown is not None:
            teardown()
        lockdown.release()
        kiosk.close()
        for widget in (panel, window):
            if widget is not None:
                widget.close()
                widget.deleteLater()


def _windowed_size(app: QApplication) -> QSize:
    """The designed sizes (1080x1920 portrait, else 1280x1024 landscape), cut to the desktop."""
    screen = app.primaryScreen()
    free = screen.availableGeometry().size() if screen is not None else QSize(1280, 1024)
    if free.width() >= 1080 and free.height() >= 1920:
        return QSize(1080, 1920)
    return QSize(min(1280, free.width()), min(1024, free.height()))


def _quit_on_signals(
    app: QApplication,
    lockdown: Lockdown,
    *,
    on_stop: Callable[[], None] | None = None,
    may_quit: Callable[[], bool] | None = None,
) -> Callable[[], None]:
    """SIGINT/SIGTERM end the loop; returns a function that puts the old handlers back.

    Python runs signal handlers only when the interpreter gets control, so a cheap timer hands
    it control a few times a second. Qt 6 quits only if every window accepts its close event,
    and the lockdown refuses them, so it is released first.
    """

    stopping: list[QTimer] = []

    def quit_when_free() -> None:
        if may_quit is None or may_quit():
            lockdown.release()
            app.quit()

    def stop(*_: object) -> None:
        if stopping:  # a second signal: quit now (the journal keeps any money in flight)
            lockdown.release()
            app.quit()
            return
        if on_stop is not None:
            on_stop()
        waiter = QTimer(app)
        waiter.setInterval(250)
        waiter.timeout.connect(quit_when_free)
        waiter.start()
        stopping.append(waiter)
        quit_when_free()

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    timer = QTimer(app)
    timer.setInterval(250)
    timer.timeout.connect(lambda: None)
    timer.start()

    def restore() -> None:
        for waiter in stopping:
            waiter.stop()
        timer.stop()
        timer.deleteLater()
        for sig, handler in previous.items():
            signal.signal(sig, handler)

    return restore
