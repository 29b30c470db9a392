"""gather_health: the facts and problems a technician checks first, from real sources."""

from __future__ import annotations

import socket
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from kiosk.config import Config, load_config
from kiosk.ledger import Ledger
from kiosk.receipts import VirtualPrinter
from kiosk.service.health import check_mpay_reachable, gather_health, time_sync

from .certgen import certificate, pem
from .helpers import DEMO, fill_cash, parked_payment, write_config


def _codes(facts: dict[str, Any]) -> dict[str, str]:
    return {p["code"]: p["kind"] for p in facts["problems"]}


def test_a_healthy_terminal(config: Config, ledger: Ledger, tmp_path: Path) -> None:
    (tmp_path / "sync").mkdir()
    (tmp_path / "sync" / "synchronized").touch()
    facts = gather_health(config, ledger, mpay_reachable=True, timesync_dir=tmp_path / "sync")
    assert facts["ok"] and facts["problems"] == []
    assert facts["terminal_id"] == "DEMO-01" and facts["state_dir"] == str(config.state_dir)
    assert facts["time_sync"] == {"synchronized": True, "source": "systemd-timesyncd"}
    assert facts["printer"]["state"] == "online" and facts["printer"]["can_print"] is True
    assert [c["name"] for c in facts["certificates"]] == ["sign_cert", "mpay_cert"]
    assert all(c["state"] == "ok" and c["days_left"] > 30 for c in facts["certificates"])
    assert facts["disk"]["free_bytes"] > 0 and facts["disk"]["low"] is False
    assert facts["devices"]["bill_validator"] == {"protocol": "ccnet", "port": "emulated",
                                                   "enabled": True, "state": "unknown"}
    assert facts["outbox"]["pending"] == 0 and facts["outbox"]["oldest_age_s"] is None


def test_money_facts_and_the_outbox_age(config: Config, ledger: Ledger) -> None:
    fill_cash(ledger)
    payment = parked_payment(ledger)
    created = ledger.outbox_entry(payment.payment_id).created_at
    now = datetime.fromtimestamp(created, UTC) + timedelta(hours=2)
    facts = gather_health(config, ledger, now=now)
    assert facts["outbox"]["needs_technician"] == 1
    assert facts["outbox"]["needs_technician_amount"] == "150.00"
    assert facts["outbox"]["oldest_age_s"] == 7200
    assert facts["vouchers"] == {"outstanding": 1, "outstanding_amount": "907.00"}
    assert facts["cash_box"]["total"] == "1057.00" and facts["cash_box"]["bill"]["100.00"] == 2
    assert _codes(facts) == {"outbox.needs_technician": "other"}
    assert facts["mpay"]["reachable"] is None


def test_certificates_expired_expiring_and_unreadable(tmp_path: Path) -> None:
    old = tmp_path / "old.crt"
    old.write_bytes(pem(certificate("MPay", "200101000000Z", "240101000000Z")))
    soon = tmp_path / "soon.crt"
    now = datetime.now(UTC)
    soon.write_bytes(pem(certificate("Terminal", "200101000000Z",
                                     (now + timedelta(days=10)).strftime("%Y%m%d%H%M%SZ"))))
    broken = tmp_path / "broken.crt"
    broken.write_text("not a certificate")
    text = DEMO.read_text(encoding="utf-8")
    text = text.replace('mpay_cert = "pkg:kiosk.mpay/demo_certs/mpay.crt"', f'mpay_cert = "{old}"')
    text = text.replace('sign_cert = "pkg:kiosk.mpay/demo_certs/terminal.crt"', f'sign_cert = "{soon}"')
    text = text.replace("timeout_s = 10", f'timeout_s = 10\ntls_client_cert = "{broken}"\n'
                        'tls_client_key = "pkg:kiosk.mpay/demo_certs/terminal.key"')
    config = load_config(write_config(tmp_path, text=text))
    with Ledger.open(config.state_dir) as ledger:
        facts = gather_health(config, ledger, now=now)
    certs = {c["name"]: c for c in facts["certificates"]}
    assert certs["mpay_cert"]["state"] == "expired"
    assert certs["mpay_cert"]["not_after"] == "2024-01-01T00:00:00Z"
    assert certs["sign_cert"]["state"] == "expiring" and certs["sign_cert"]["days_left"] in (9, 10)
    assert certs["tls_client_cert"]["state"] == "unreadable" and "PEM" in certs["tls_client_cert"]["error"]
    assert _codes(facts) == {"certificate.sign_cert.expiring": "other",
                             "certificate.mpay_cert.expired": "remote",
                             "certificate.tls_client_cert.unreadable": "remote"}


def test_printer_and_device_problems_are_device_problems(
    config: Config, ledger: Ledger, tmp_path: Path
) -> None:
    printer = VirtualPrinter(tmp_path / "paper", paper=False)

    class Coin:
        def to_dict(self) -> dict[str, Any]:
            return {"connected": False, "fault": None, "last_error": "port lost", "identity": {}}

    facts = gather_health(config, ledger, printer_status=printer.status(), device_states={
        "bill": {"connected": True, "fault": "cassette removed", "identity": {"part": "SM"}},
        "coin": Coin(),
    })
    assert _codes(facts) == {"device.bill_validator.fault": "device",
                             "device.coin_acceptor.disconnected": "device",
                             "printer.paper_out": "device"}
    assert facts["devices"]["bill_validator"]["identity"] == {"part": "SM"}
    assert facts["devices"]["card_terminal"]["state"] == "unknown"


def test_a_serial_printer_busy_or_missing(tmp_path: Path) -> None:
    text = DEMO.read_text(encoding="utf-8").replace(
        'connection = "virtual"', f'connection = "serial"\nport = "{tmp_path / "ttyUSB9"}"')
    config = load_config(write_config(tmp_path, text=text))
    with Ledger.open(config.state_dir) as ledger:
        facts = gather_health(config, ledger)
    assert facts["printer"]["state"] == "unavailable" and "ttyUSB9" in facts["printer"]["error"]
    assert _codes(facts)["printer.unavailable"] == "device"


def test_time_sync_without_systemd_is_unknown(tmp_path: Path) -> None:
    assert time_sync(tmp_path, timedatectl="no-such-timedatectl") == {"synchronized": None,
                                                                      "source": "unknown"}


def test_mpay_reachability_is_a_tcp_connect() -> None:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        port = server.getsockname()[1]
        assert check_mpay_reachable(f"http://127.0.0.1:{port}/ServiceProvider", timeout=2)
    assert not check_mpay_reachable(f"http://127.0.0.1:{port}/ServiceProvider", timeout=2)
    assert not check_mpay_reachable("not a url")


def test_a_serial_printer_held_by_the_kiosk_is_busy_not_broken(tmp_path: Path) -> None:
    from drivers.escpos.emulator import PrinterEmulator
    from drivers.link import SerialLink

    with PrinterEmulator() as emulator:
        text = DEMO.read_text(encoding="utf-8").replace(
            'connection = "virtual"', f'connection = "serial"\nport = "{emulator.port}"')
        config = load_config(write_config(tmp_path, text=text))
        with Ledger.open(config.state_dir) as ledger:
            free = gather_health(config, ledger)
            held = SerialLink(emulator.port)  # the running kiosk's printer worker
            try:
                busy = gather_health(config, ledger)
            finally:
                held.close()
    assert free["printer"]["state"] == "online"
    assert busy["printer"]["state"] == "busy" and "printer.busy" not in _codes(busy)
