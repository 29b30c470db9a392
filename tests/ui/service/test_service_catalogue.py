"""The service-mode text catalogue (kiosk/i18n/service.json): complete and consistent."""

from __future__ import annotations

import json
import re
import string
from pathlib import Path

from drivers.escpos.status import PrinterState
from kiosk.i18n import catalog
from ui.service.window import PAGES

ROOT = Path(__file__).resolve().parents[3]
SERVICE_JSON = ROOT / "kiosk" / "i18n" / "service.json"
_KEY = re.compile(r"""["'](service\.[a-z0-9_.]+)["']""")
#: audit action names in kiosk/service, not text
_ACTIONS = {"service.enter", "service.locked", "service.pin_refused", "service.pin_wrong",
            "service.entry_refused", "service.collection_receipt"}


def _catalogue() -> dict[str, dict[str, str]]:
    return json.loads(SERVICE_JSON.read_text(encoding="utf-8"))


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_key_has_three_languages_with_the_same_fields() -> None:
    for key, texts in _catalogue().items():
        assert key.startswith("service."), key
        assert set(texts) == {"ro", "ru", "en"}, key
        assert all(texts.values()), key
        assert _fields(texts["ro"]) == _fields(texts["ru"]) == _fields(texts["en"]), key
        assert not set(texts["ro"]) & set("şţŞŢ"), f"{key}: cedilla instead of comma below"


def test_every_key_the_service_mode_uses_exists_and_none_is_dead() -> None:
    used: set[str] = set()
    for folder in (ROOT / "ui" / "service", ROOT / "kiosk" / "service"):
        for path in folder.rglob("*.py"):
            used |= set(_KEY.findall(path.read_text(encoding="utf-8")))
    used -= _ACTIONS
    used |= {f"service.tab.{p}" for p in PAGES}
    used |= {f"service.device.{d}" for d in ("bill_validator", "coin_acceptor", "card_terminal")}
    used |= {f"service.state.{s}" for s in ("connected", "disconnected", "fault", "unknown",
                                            "disabled", "unavailable")}
    used |= {f"service.printer.{s.value}" for s in PrinterState}
    used |= {f"service.printer.{s}" for s in ("busy", "unavailable", "unknown")}
    used |= {f"service.cash.{k}" for k in ("bill", "coin")}
    used |= {f"service.cash.discrepancy.{a}" for a in ("counted", "device")}
    used |= {f"service.cassette.{s}" for s in ("in_place", "removed", "reinserted")}
    used |= {f"service.outbox.status.{s}" for s in ("pending", "needs_technician")}
    used |= {f"service.cert.{s}" for s in ("ok", "expiring", "expired", "not_yet_valid", "unreadable")}
    used |= {f"service.cert.name.{n}" for n in ("sign_cert", "mpay_cert", "tls_client_cert")}
    used |= {f"service.devices.test.{t}" for t in ("accept_bill", "accept_coin", "card_status",
                                                    "print_test")}
    missing = sorted(k for k in used if k not in catalog())
    assert not missing, missing
    unused = sorted(set(_catalogue()) - used)
    assert not unused, f"keys nobody uses: {unused}"
