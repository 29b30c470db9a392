"""UI test set-up: a 1080x1920 offscreen screen, the bundled fonts, screenshot directory."""

from __future__ import annotations

import gc
import os
from pathlib import Path

import pytest

_HERE = Path(__file__).parent

# The offscreen platform's default screen is 800x800; the kiosk is 1080x1920 portrait. This must
# happen before the QApplication exists (pytest-qt creates it lazily, at the first qapp use).
if os.environ.get("QT_QPA_PLATFORM") == "offscreen":
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={_HERE / 'screens_1080x1920.json'}"

# The test process makes far more Qt calls than the start-up bank of ui.qt covers.
from ui.qt import pin_singletons  # noqa: E402

pin_singletons()


@pytest.fixture(scope="session")
def kiosk_fonts(qapp):  # noqa: ARG001 - fonts need the QApplication first
    from ui.fonts import load_fonts

    return load_fonts()


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    """Where screenshots go: $KIOSK_SCREENSHOTS, else <repo>/screenshots (gitignored)."""
    env = os.environ.get("KIOSK_SCREENSHOTS")
    path = Path(env) if env else _HERE.parent.parent / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture
def make_kiosk(qtbot, qapp, kiosk_fonts):  # noqa: ARG001 - set-up order
    """Build the real payer UI over a ``MachineDriver``; returns ``(kiosk, driver)``."""
    from tests.ui.driver import MachineDriver
    from ui.app import build_kiosk

    built = []

    def make(driver: MachineDriver | None = None, *, size=(1080, 1920)):
        driver = driver or MachineDriver()
        kiosk = build_kiosk(driver)
        qtbot.addWidget(kiosk.window)
        kiosk.window.resize(*size)
        kiosk.window.show()
        qtbot.waitExposed(kiosk.window)
        qtbot.waitUntil(lambda: kiosk.presenter.view is not None, timeout=2000)
        built.append(kiosk)
        return kiosk, driver

    yield make
    # Tear the windows down while the QApplication is alive (objects left for interpreter exit
    # are freed in an order PySide6 does not always survive).
    from ui.qt import QApplication, QEvent

    for kiosk in built:
        kiosk.close()
        kiosk.window.hide()
        kiosk.window.deleteLater()
    built.clear()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    gc.collect()
