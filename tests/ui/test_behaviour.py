"""Behaviour that spans the UI: scanner into the key field, fast typing, accessibility, no dead
ends, the simulator panel, and the real Qt loop of ``run_kiosk``."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.session import effects as fx
from tests.ui.driver import MachineDriver, Outcomes, order
from tests.ui.journey import current, screen_name, start, synced, tap
from tests.ui.scenarios import SCENARIOS
from ui.qt import QApplication, QEvent, QKeyEvent, Qt
from ui.screens.entry import EditBuffer
from ui.simulator_panel import SimulatorControls, SimulatorPanel
from ui.theme import STANDARD
from ui.widgets.buttons import Button

KEY = "MDS02250710092629689"


def _scan(widget, text: str) -> None:
    for ch in text:
        key = Qt.Key.Key_Return if ch == "\n" else Qt.Key.Key_unknown
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, key, Qt.KeyboardModifier.NoModifier, ch))


@pytest.mark.parametrize("lang", ["ro", "ru", "en"])
def test_scanning_the_invoice_fills_the_key_and_looks_it_up(make_kiosk, qtbot, lang):
    kiosk, driver = make_kiosk(MachineDriver(outcomes=Outcomes(lookups={KEY: (order(),)})))
    start(qtbot, kiosk, driver, lang)
    tap(qtbot, kiosk, driver, "service:MDS02")
    _scan(kiosk.window, KEY + "\n")
    synced(qtbot, kiosk, driver)
    (lookup,) = driver.effects_of(fx.LookupOrder)
    assert lookup.order_key == KEY and lookup.service_id == "MDS02"
    assert screen_name(kiosk) == "invoice"


def test_fast_typing_never_loses_a_key_while_views_lag():
    buffer = EditBuffer()
    buffer.reset("")
    for text in ("M", "MD", "MDS"):  # three taps before any view comes back
        buffer.edit(text)
    buffer.from_view("M")  # stale views arrive in order
    assert buffer.text == "MDS"
    buffer.from_view("MD")
    assert buffer.text == "MDS"
    buffer.from_view("MDS")
    assert buffer.text == "MDS"
    buffer.from_view("mds-normalised")  # the session changed it: the session wins
    assert buffer.text == "mds-normalised"


def test_typed_keys_reach_the_session_in_order(make_kiosk, qtbot):
    kiosk, driver = make_kiosk()
    start(qtbot, kiosk, driver, "ro")
    tap(qtbot, kiosk, driver, "service:MDS02")
    keyboard = current(kiosk).keyboard
    for ch in "AB12":  # clicks without waiting for views in between
        qtbot.mouseClick(keyboard.key(ch), Qt.MouseButton.LeftButton)
    qtbot.mouseClick(keyboard.key("@back"), Qt.MouseButton.LeftButton)
    synced(qtbot, kiosk, driver)
    assert driver.view.key_entry is not None and driver.view.key_entry.text == "AB1"
    assert current(kiosk).field.text().startswith("AB1")


def test_accessibility_toggles_change_the_whole_window(make_kiosk, qtbot):
    kiosk, driver = make_kiosk()
    tap(qtbot, kiosk, driver, "a11y:high_contrast")
    assert driver.view.high_contrast and kiosk.window.theme.name == "high-contrast"
    tap(qtbot, kiosk, driver, "a11y:large_text")
    assert kiosk.window.theme.name == "high-contrast-large-text"
    assert kiosk.window.theme.sizes.body_pt > STANDARD.sizes.body_pt
    tap(qtbot, kiosk, driver, "lang:ru")
    assert kiosk.window.theme.name == "high-contrast-large-text"  # it follows the payer


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_no_screen_is_a_dead_end(make_kiosk, qtbot, name):
    """Every screen offers an enabled action, or is a bounded wait that shows progress."""
    kiosk, driver = make_kiosk(SCENARIOS[name]("ro"))
    synced(qtbot, kiosk, driver)
    window = kiosk.window
    actions = [b for b in window.findChildren(Button) if b.isVisibleTo(window) and b.isEnabled()]
    if screen_name(kiosk) in ("lookup", "finishing"):
        assert current(kiosk).spinner.isVisibleTo(window)
    elif screen_name(kiosk) == "out_of_service":
        assert not actions  # nothing to press: the terminal waits for a technician
    else:
        assert actions, f"{name}: nothing to tap"


@pytest.mark.usefixtures("kiosk_fonts")
def test_simulator_panel_calls_the_controls_with_bani(qtbot, screenshot_dir):
    calls: list[tuple[str, object]] = []
    controls = SimulatorControls(
        insert_bill=lambda bani: calls.append(("bill", bani)),
        insert_coin=lambda bani: calls.append(("coin", bani)),
        jam_validator=lambda: calls.append(("jam", None)),
        paper_out=lambda: calls.append(("paper_out", None)),
        network_down=lambda: calls.append(("network_down", None)),
    )
    panel = SimulatorPanel(controls, lang="ro")
    qtbot.addWidget(panel)
    panel.setStyleSheet(STANDARD.stylesheet())
    panel.resize(520, 900)
    panel.show()
    for name in ("bill:10000", "coin:50", "jam", "paper_out", "network_down"):
        qtbot.mouseClick(panel.buttons[name], Qt.MouseButton.LeftButton)
    assert calls == [
        ("bill", 10000),
        ("coin", 50),
        ("jam", None),
        ("paper_out", None),
        ("network_down", None),
    ]
    assert "clear_jam" not in panel.buttons  # not offered: no callable for it
    assert panel.grab().save(str(screenshot_dir / "simulator-panel-ro.png"))


_CHILD = """
import sys
from ui.app import prepare_application, run_kiosk
from ui.qt import QApplication, QTimer
from ui.simulator_panel import SimulatorControls
from tests.ui.driver import MachineDriver

def report():
    names = [getattr(w, "current_name", "panel") for w in QApplication.topLevelWidgets()
             if w.isVisible()]
    print("shown", " ".join(sorted(names)), flush=True)

prepare_application()
QTimer.singleShot(300, report)
controls = SimulatorControls(insert_bill=lambda _bani: None)
sys.exit(run_kiosk(MachineDriver(), fullscreen=sys.argv[1] == "full", simulator=controls))
"""


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["full", "windowed"])
def test_run_kiosk_shows_the_attract_screen_and_quits_on_sigterm(mode):
    """The real Qt loop in its own process (quitting a loop poisons later loops in this one)."""
    root = Path(__file__).resolve().parents[2]
    env = dict(os.environ, PYTHONPATH=str(root))
    env["QT_QPA_PLATFORM"] = f"offscreen:configfile={root / 'tests/ui/screens_1080x1920.json'}"
    proc = subprocess.Popen(
        [sys.executable, "-c", _CHILD, mode],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=root,
    )
    try:
        assert proc.stdout is not None
        ready, _, _ = select.select([proc.stdout], [], [], 30)
        assert ready, "the kiosk did not report its window within 30 s"
        line = proc.stdout.readline()  # the window has been up for 300 ms
        assert line.split() == ["shown", "attract", "panel"], line + proc.stderr.read()
        proc.send_signal(signal.SIGTERM)  # what systemd sends
        assert proc.wait(timeout=10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=5)
        if proc.stdout is not None:
            proc.stdout.close()
        if proc.stderr is not None:
            proc.stderr.close()
