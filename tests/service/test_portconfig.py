"""Saving probed ports into the TOML file: edited in place, validated, atomic, with a backup."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kiosk.config import load_config
from kiosk.service.portconfig import (
    PortChange,
    PortConfigError,
    save_port_assignment,
    set_table_values,
    stable_name,
)
from kiosk.service.probe import Finding

from .helpers import REPO

EXAMPLE = REPO / "config" / "kiosk.example.toml"


def _example(tmp_path: Path) -> Path:
    path = tmp_path / "kiosk.toml"
    path.write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    path.chmod(0o640)
    return path


def _found(port: str, protocol: str | None) -> Finding:
    return Finding(port=port, protocol=protocol, identity={})


def test_ports_are_written_comments_kept_backup_made(tmp_path: Path) -> None:
    path = _example(tmp_path)
    before = path.read_text(encoding="utf-8")
    changes = save_port_assignment(path, [
        _found("/dev/ttyUSB1", "ccnet"), _found("/dev/ttyUSB0", "cctalk"),
        _found("/dev/ttyACM0", "zvt"), _found("/dev/ttyS0", None)], by_id=tmp_path / "none")
    assert changes == [
        PortChange(key="devices.bill_validator.port", old="/dev/serial/by-id/usb-CashCode-if00",
                   new="/dev/ttyUSB1"),
        PortChange(key="devices.coin_acceptor.port", old="/dev/serial/by-id/usb-ccTalk-if00",
                   new="/dev/ttyUSB0"),
        PortChange(key="devices.card_terminal.port", old="/dev/serial/by-id/usb-PinPad-if00",
                   new="/dev/ttyACM0"),
    ]
    config = load_config(path)
    assert config.devices.bill_validator is not None and config.devices.bill_validator.port == "/dev/ttyUSB1"
    assert config.devices.coin_acceptor is not None and config.devices.coin_acceptor.address == 2
    text = path.read_text(encoding="utf-8")
    assert 'port = "/dev/ttyUSB1"   # prefer stable by-id names' in text
    assert text.count("\n") == before.count("\n")  # nothing else moved
    assert (tmp_path / "kiosk.toml.bak").read_text(encoding="utf-8") == before
    assert path.stat().st_mode & 0o777 == 0o640
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_a_printer_found_on_a_serial_port_switches_the_printer_to_serial(tmp_path: Path) -> None:
    demo = (REPO / "config" / "demo.toml").read_text(encoding="utf-8")
    path = tmp_path / "demo.toml"
    path.write_text(demo.replace('receipts_dir = "../state/demo/receipts"', 'receipts_dir = "r"'),
                    encoding="utf-8")
    [change] = save_port_assignment(path, [_found("/dev/ttyUSB3", "escpos")], by_id=tmp_path)
    assert change == PortChange(key="printer.port", old=None, new="/dev/ttyUSB3")
    printer = load_config(path).printer
    assert (printer.connection, printer.port, printer.profile) == ("serial", "/dev/ttyUSB3", "TM-T20II")


def test_a_missing_table_is_added(tmp_path: Path) -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    start = text.index("[devices.card_terminal]")
    path = tmp_path / "kiosk.toml"
    path.write_text(text[:start] + text[text.index("[printer]"):], encoding="utf-8")
    assert load_config(path).devices.card_terminal is None
    [change] = save_port_assignment(path, [_found("/dev/ttyACM0", "zvt")], by_id=tmp_path)
    assert change.old is None
    terminal = load_config(path).devices.card_terminal
    assert terminal is not None and (terminal.protocol, terminal.port) == ("zvt", "/dev/ttyACM0")


def test_stable_by_id_names_are_preferred(tmp_path: Path) -> None:
    by_id = tmp_path / "by-id"
    by_id.mkdir()
    device = tmp_path / "ttyUSB0"
    device.touch()
    os.symlink(device, by_id / "usb-CashCode_SM-if00-port0")
    assert stable_name(str(device), by_id) == str(by_id / "usb-CashCode_SM-if00-port0")
    assert stable_name(str(tmp_path / "ttyUSB9"), by_id) == str(tmp_path / "ttyUSB9")
    path = _example(tmp_path)
    [change] = save_port_assignment(path, [_found(str(device), "ccnet")], by_id=by_id)
    assert change.new == str(by_id / "usb-CashCode_SM-if00-port0")


def test_nothing_is_written_when_unchanged_or_dry_run(tmp_path: Path) -> None:
    path = _example(tmp_path)
    same = save_port_assignment(path, [_found("/dev/serial/by-id/usb-CashCode-if00", "ccnet")],
                                by_id=tmp_path)
    assert same == [] and not (tmp_path / "kiosk.toml.bak").exists()
    before = path.read_bytes()
    dry = save_port_assignment(path, [_found("/dev/ttyUSB5", "ccnet")], dry_run=True, by_id=tmp_path)
    assert [c.new for c in dry] == ["/dev/ttyUSB5"] and path.read_bytes() == before


def test_a_protocol_on_two_ports_is_refused(tmp_path: Path) -> None:
    path = _example(tmp_path)
    before = path.read_bytes()
    with pytest.raises(PortConfigError, match="two ports"):
        save_port_assignment(path, [_found("/dev/ttyUSB0", "ccnet"), _found("/dev/ttyUSB1", "ccnet")],
                             by_id=tmp_path)
    assert path.read_bytes() == before


def test_an_edit_that_does_not_validate_leaves_the_file_alone(tmp_path: Path) -> None:
    path = tmp_path / "kiosk.toml"
    text = EXAMPLE.read_text(encoding="utf-8")
    start, end = text.index("[devices.bill_validator]"), text.index("[devices.coin_acceptor]")
    inline = '[devices]\nbill_validator = { protocol = "ccnet", port = "/dev/ttyUSB9" }\n\n'
    path.write_text(text[:start] + inline + text[end:], encoding="utf-8")
    before = path.read_bytes()
    with pytest.raises(PortConfigError, match="does not validate"):
        save_port_assignment(path, [_found("/dev/ttyUSB0", "ccnet")], by_id=tmp_path)
    assert path.read_bytes() == before and not (tmp_path / "kiosk.toml.bak").exists()


def test_a_broken_file_is_not_touched(tmp_path: Path) -> None:
    path = tmp_path / "kiosk.toml"
    path.write_text("[terminal\n", encoding="utf-8")
    with pytest.raises(PortConfigError, match="not valid now"):
        save_port_assignment(path, [_found("/dev/ttyUSB0", "ccnet")])


def test_set_table_values_replaces_quoted_values_only_in_its_table() -> None:
    text = '[a]\nport = "x" # keep\n\n[b]\nport = \'y\'\n[[c]]\nport = "z"\n'
    out, existed = set_table_values(text, "b", {"port": 'C:\\new "one"', "protocol": "p"})
    assert existed
    assert out == ('[a]\nport = "x" # keep\n\n[b]\nprotocol = "p"\nport = "C:\\\\new \\"one\\""\n'
                   '[[c]]\nport = "z"\n')
    added, existed = set_table_values("x = 1", "d.e", {"port": "q"})
    assert not existed and added == 'x = 1\n\n[d.e]\nport = "q"\n'
