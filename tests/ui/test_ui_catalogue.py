"""The UI's text catalogue (kiosk/i18n/ui.json): complete, consistent, correct Romanian."""

from __future__ import annotations

import json
import re
import string
from pathlib import Path

from kiosk.i18n import catalog

ROOT = Path(__file__).resolve().parents[2]
UI_JSON = ROOT / "kiosk" / "i18n" / "ui.json"
_KEY = re.compile(r"""["'](ui\.[a-z0-9_.]+)["']""")


def _ui_catalogue() -> dict[str, dict[str, str]]:
    return json.loads(UI_JSON.read_text(encoding="utf-8"))


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_key_has_three_languages_with_the_same_fields():
    for key, texts in _ui_catalogue().items():
        assert key.startswith("ui."), key
        assert set(texts) == {"ro", "ru", "en"}, key
        assert all(texts.values()), key
        assert _fields(texts["ro"]) == _fields(texts["ru"]) == _fields(texts["en"]), key


def test_romanian_uses_comma_below_letters():
    for key, texts in _ui_catalogue().items():
        assert not set(texts["ro"]) & set("şţŞŢ"), f"{key}: cedilla instead of comma below"


def test_every_key_the_ui_uses_exists():
    used: set[str] = set()
    for path in (ROOT / "ui").rglob("*.py"):
        used |= set(_KEY.findall(path.read_text(encoding="utf-8")))
    used |= {f"ui.method.{m}" for m in ("cash", "card", "voucher")}
    used |= {f"ui.method.{m}.detail" for m in ("cash", "card", "voucher")}
    used |= {f"ui.sim.{a}" for a in ("jam", "clear_jam", "paper_out", "paper_refill")}
    used |= {f"ui.sim.{a}" for a in ("network_down", "network_up")}
    missing = sorted(k for k in used if k not in catalog())
    assert not missing, missing
    unused = sorted(set(_ui_catalogue()) - used)
    assert not unused, f"keys nobody uses: {unused}"
