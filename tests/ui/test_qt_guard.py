"""The PySide6 6.12 reference-count defect on CPython 3.11 (see ``ui.qt.pin_singletons``)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

_LOOP = """
import sys
{prelude}
from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QApplication, QLabel

class Source(QObject):
    changed = Signal(object)

app = QApplication([])
label, source = QLabel(), Source()
source.changed.connect(lambda _v: None)
for _ in range(150_000):  # more than the start-up bank of ui.qt covers
    label.setText("x")   # a void C++ call
    source.changed.emit(1)  # returns True
print("done", flush=True)
"""


def _run(prelude: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT), QT_QPA_PLATFORM="offscreen")
    return subprocess.run(
        [sys.executable, "-c", _LOOP.format(prelude=prelude)],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=False,
    )


@pytest.mark.slow
@pytest.mark.skipif(sys.version_info >= (3, 12), reason="None/True are immortal from 3.12")
def test_without_the_guard_a_plain_loop_aborts():
    # If this starts passing, the wheels are fixed and ui.qt.pin_singletons can go.
    proc = _run("")
    assert proc.returncode != 0 and "dealloc" in proc.stderr


@pytest.mark.slow
def test_with_the_ui_imported_the_same_loop_survives():
    proc = _run("import ui.qt; ui.qt.pin_singletons()")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.strip() == "done"
