"""`kiosk devices probe` through the real console script, emulators on pseudo-terminals here."""

from __future__ import annotations

import pytest

from drivers.ccnet.emulator import BillValidatorEmulator, EmulatorTiming
from drivers.cctalk.emulator import CoinAcceptorEmulator
from drivers.link import PtyLink
from kiosk.config import load_config
from tests.ledger.cli_helpers import as_json, kiosk
from tests.service.helpers import write_config


@pytest.mark.slow
def test_probe_finds_the_devices_and_saves_their_ports(tmp_path) -> None:
    config = write_config(tmp_path)
    silent = PtyLink()
    try:
        with BillValidatorEmulator(timing=EmulatorTiming.fast()) as bills, CoinAcceptorEmulator() as coins:
            r = kiosk("devices", "probe", "--ports", bills.port, coins.port, silent.port,
                      "--protocols", "ccnet,cctalk", "--config", str(config), "--save", "--json")
    finally:
        silent.close()
    assert r.returncode == 0, r.stderr
    out = as_json(r)
    assert out["found"] == {"ccnet": bills.port, "cctalk": coins.port}
    assert [p["protocol"] for p in out["ports"]] == ["ccnet", "cctalk", None]
    assert out["ports"][2]["tried"] == ["cctalk", "ccnet"]
    assert {c["key"]: (c["old"], c["new"]) for c in out["saved"]} == {
        "devices.bill_validator.port": ("emulated", bills.port),
        "devices.coin_acceptor.port": ("emulated", coins.port),
    }
    saved = load_config(config)
    assert saved.devices.bill_validator is not None and saved.devices.bill_validator.port == bills.port
    assert (tmp_path / "kiosk.toml.bak").exists()


@pytest.mark.slow
def test_nothing_answering_exits_5() -> None:
    silent = PtyLink()
    try:
        r = kiosk("devices", "probe", "--ports", silent.port, "--protocols", "escpos", "--json")
    finally:
        silent.close()
    assert r.returncode == 5
    assert as_json(r) == {"ports": [{"port": silent.port, "protocol": None, "identity": {},
                                     "error": None, "busy": False, "tried": ["escpos"]}],
                          "found": {}, "saved": None}


def test_probe_usage_errors_exit_2(tmp_path) -> None:
    r = kiosk("devices", "probe", "--ports", "/dev/null", "--protocols", "ccnet,modbus")
    assert r.returncode == 2 and "modbus" in r.stderr
    bad = tmp_path / "bad.toml"
    bad.write_text("nonsense = [")
    r = kiosk("devices", "probe", "--ports", "/dev/null", "--config", str(bad))
    assert r.returncode == 2 and "config error" in r.stderr
