"""`kiosk ledger export|verify` through the real console script on a real journal."""

from __future__ import annotations

import sqlite3
import stat
from pathlib import Path

from kiosk.ledger import DB_NAME, Ledger
from tests.ledger.cli_helpers import as_json, kiosk, pay


def _filled(state: Path) -> str:
    with Ledger.open(state, terminal_id="CMD-01") as ledger:
        p = pay(ledger, "SIM-L1", bills=(10000, 10000))
        ledger.issue_voucher(p.session_id, 5000, "change")
        ledger.record_credit("S2", source="coin", amount=100, device="cctalk", ref="c1")
        return p.payment_id


def test_export_json_carries_the_contract(tmp_path: Path) -> None:
    state = tmp_path / "state"
    pid = _filled(state)
    r = kiosk("ledger", "export", "--state-dir", str(state), "--json")
    assert r.returncode == 0, r.stderr
    data = as_json(r)
    assert [c["amount"] for c in data["credits"]] == ["100.00", "100.00", "1.00"]
    assert {c["source"] for c in data["credits"]} == {"bill", "coin"}
    assert all({"id", "session_id", "source", "amount", "at"} <= set(c) for c in data["credits"])
    [p] = data["payments"]
    assert (p["payment_id"], p["service_id"], p["order_key"], p["amount"], p["status"]) == (
        pid,
        "MDS02",
        "SIM-L1",
        "150.00",
        "pending",
    )
    assert data["vouchers"][0]["amount"] == "50.00"
    assert data["cash_box"] == {"1.00": 1, "100.00": 2}


def test_export_text_summary(tmp_path: Path) -> None:
    state = tmp_path / "state"
    _filled(state)
    r = kiosk("ledger", "export", "--state-dir", str(state))
    assert r.returncode == 0 and "payments: 1 pending" in r.stdout and "201.00" in r.stdout


def test_verify_ok_then_tampered_names_the_row(tmp_path: Path) -> None:
    state = tmp_path / "state"
    _filled(state)
    ok = kiosk("ledger", "verify", "--state-dir", str(state))
    assert ok.returncode == 0 and ok.stdout.startswith("OK:")
    conn = sqlite3.connect(state / DB_NAME)
    conn.execute("DROP TRIGGER credits_no_update")
    conn.execute("UPDATE credits SET amount = 50000 WHERE id = 2")
    conn.commit()
    conn.close()
    bad = kiosk("ledger", "verify", "--state-dir", str(state))
    assert bad.returncode == 1
    assert bad.stdout.startswith("BROKEN: credits row id=2: content does not match")
    report = as_json(kiosk("ledger", "verify", "--state-dir", str(state), "--json"))
    assert report["ok"] is False
    assert report["first_problem"].startswith("credits row id=2")
    assert report["problems"][0] == {
        "table": "credits",
        "key": "id=2",
        "problem": "content does not match its hash (the row was edited)",
    }


def test_command_creates_a_private_state_dir(tmp_path: Path) -> None:
    state = tmp_path / "new" / "state"
    r = kiosk("ledger", "verify", "--state-dir", str(state), "--json")
    assert r.returncode == 0 and as_json(r)["ok"] is True
    assert stat.S_IMODE(state.stat().st_mode) == 0o700


def test_journal_from_a_newer_build_exits_1_untouched(tmp_path: Path) -> None:
    state = tmp_path / "state"
    _filled(state)
    conn = sqlite3.connect(state / DB_NAME)
    conn.execute("PRAGMA user_version = 42")
    conn.close()
    r = kiosk("ledger", "export", "--state-dir", str(state), "--json")
    assert r.returncode == 1 and r.stdout == ""
    assert "newer than this build" in r.stderr


def test_without_state_dir_or_config_is_a_config_error(tmp_path: Path) -> None:
    r = kiosk("ledger", "export", "--json", env={"KIOSK_CONFIG": str(tmp_path / "none.toml")})
    assert r.returncode == 2 and "config error" in r.stderr and "none.toml" in r.stderr
