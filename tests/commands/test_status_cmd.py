"""`kiosk status` through the real console script: the health facts and the exit codes."""

from __future__ import annotations

import json
import socket
from pathlib import Path

from kiosk.ledger import Ledger
from tests.ledger.cli_helpers import as_json, kiosk
from tests.service.helpers import DEMO, fill_cash, parked_payment, write_config


def test_status_json_carries_the_facts(tmp_path: Path) -> None:
    config = write_config(tmp_path)
    with Ledger.open(tmp_path / "state", terminal_id="DEMO-01") as ledger:
        fill_cash(ledger)
        parked_payment(ledger)
    r = kiosk("status", "--config", str(config), "--offline", "--json")
    assert r.returncode == 0, r.stderr
    facts = as_json(r)
    assert facts["mpay"] == {"endpoint": "http://127.0.0.1:8088/ServiceProvider", "reachable": None}
    assert facts["outbox"]["needs_technician"] == 1 and facts["outbox"]["oldest_age_s"] >= 0
    assert facts["vouchers"]["outstanding_amount"] == "907.00"
    assert facts["cash_box"]["total"] == "1057.00"
    assert facts["printer"]["state"] == "online"
    assert [p["code"] for p in facts["problems"]] == ["outbox.needs_technician"]
    assert facts["ok"] is False  # a parked payment needs a technician, but nothing stops the kiosk
    text = kiosk("status", "--config", str(config), "--offline")
    assert text.returncode == 0 and "PROBLEM (other): outbox.needs_technician" in text.stdout


def test_status_checks_that_mpay_answers_and_exits_4_when_it_does_not(tmp_path: Path) -> None:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(4)
        port = server.getsockname()[1]
        text = DEMO.read_text(encoding="utf-8").replace("127.0.0.1:8088", f"127.0.0.1:{port}")
        config = write_config(tmp_path, text=text)
        up = kiosk("status", "--config", str(config), "--json")
    down = kiosk("status", "--config", str(config), "--json")
    assert up.returncode == 0 and as_json(up)["mpay"]["reachable"] is True and as_json(up)["ok"]
    assert down.returncode == 4 and as_json(down)["problems"][0]["code"] == "mpay.unreachable"


def test_status_exits_5_when_the_printer_cannot_print(tmp_path: Path) -> None:
    text = DEMO.read_text(encoding="utf-8").replace(
        'connection = "virtual"', f'connection = "serial"\nport = "{tmp_path / "ttyUSB9"}"')
    r = kiosk("status", "--config", str(write_config(tmp_path, text=text)), "--offline", "--json")
    assert r.returncode == 5
    assert as_json(r)["problems"] == [{"code": "printer.unavailable", "kind": "device",
                                       "detail": json.loads(r.stdout)["printer"]["error"]}]


def test_status_names_a_bad_configuration_and_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "kiosk.toml"
    bad.write_text("[terminal]\nid = 'x y'\n")
    r = kiosk("status", "--config", str(bad), "--json")
    assert r.returncode == 2 and "config error" in r.stderr and r.stdout == ""


def test_cashbox_collect_reports_device_counter_disagreements(tmp_path: Path) -> None:
    state = tmp_path / "state"
    with Ledger.open(state) as ledger:
        fill_cash(ledger)
    r = kiosk("cashbox", "collect", "--actor", "ion", "--state-dir", str(state), "--json",
              "--device-counters", '{"bill": {"100.00": 2, "200.00": 1, "500.00": 1}}')
    assert r.returncode == 0, r.stderr
    report = as_json(r)
    assert report["balanced"] is True and report["device_counters"]["bill"]["500.00"] == 1
    r = kiosk("cashbox", "show", "--state-dir", str(state), "--json")
    assert as_json(r)["total"] == "0.00"
