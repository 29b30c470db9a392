"""The bundled fonts carry Romanian and Russian even on a machine with no fonts at all."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

_CHILD = """
from ui.qt import QApplication, QFont, QFontDatabase, QFontMetrics
from ui.fonts import load_fonts
app = QApplication([])
before = "DejaVu Sans" in QFontDatabase.families()
family = load_fonts()
load_fonts()  # a second call adds nothing
metrics = QFontMetrics(QFont(family, 24))
text = "șțăâîȘȚĂÂÎ ЖЩЪЫЮЯжщъыюяЁё"
covered = all(metrics.inFontUcs4(ord(c)) for c in text if c != " ")
print(before, family in QFontDatabase.families(), covered, metrics.inFontUcs4(0x4E2D))
"""


@pytest.mark.slow
def test_glyphs_do_not_depend_on_system_fonts(tmp_path):
    empty = tmp_path / "fonts.conf"  # a fontconfig that knows no font directory
    empty.write_text(
        '<?xml version="1.0"?><fontconfig><cachedir>' + str(tmp_path) + "</cachedir></fontconfig>"
    )
    env = dict(
        os.environ, PYTHONPATH=str(ROOT), QT_QPA_PLATFORM="offscreen", FONTCONFIG_FILE=str(empty)
    )
    proc = subprocess.run(
        [sys.executable, "-c", _CHILD],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    # not there before; there after; RO and RU covered; and the check can fail (no CJK).
    assert proc.stdout.split() == ["False", "True", "True", "False"]
