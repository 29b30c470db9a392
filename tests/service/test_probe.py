"""Port auto-detection against the real emulators on pseudo-terminals, and its safety."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from drivers.ccnet.emulator import BillValidatorEmulator, EmulatorTiming
from drivers.ccnet.frames import encode_frame
from drivers.ccnet.messages import Command
from drivers.cctalk.emulator import CoinAcceptorEmulator
from drivers.cctalk.messages import Header
from drivers.escpos.emulator import PrinterEmulator
from drivers.link import PairedLink, PtyLink, SerialLink
from drivers.zvt.emulator import PtEmulator
from kiosk.service.probe import (
    Finding,
    ProbeSettings,
    _EchoFilter,
    default_candidates,
    probe_port,
    probe_ports,
    probe_settings_from_config,
)

from .helpers import make_config

IDENTIFY_ONLY = {Header.SIMPLE_POLL, Header.REQUEST_MANUFACTURER_ID, Header.REQUEST_EQUIPMENT_CATEGORY,
                 Header.REQUEST_PRODUCT_CODE, Header.REQUEST_SOFTWARE_REVISION,
                 Header.REQUEST_SERIAL_NUMBER}


@pytest.fixture
def bench() -> Iterator[dict[str, object]]:
    """One of each device on its own pseudo-terminal, plus a pty nobody answers on."""
    devices = {
        "ccnet": BillValidatorEmulator(timing=EmulatorTiming.fast()),
        "cctalk": CoinAcceptorEmulator(),
        "zvt": PtEmulator(),
        "escpos": PrinterEmulator(),
    }
    for emulator in devices.values():
        emulator.start()  # type: ignore[attr-defined]
    silent = PtyLink()
    try:
        yield {**devices, "silent": silent}
    finally:
        silent.close()
        for emulator in devices.values():
            emulator.stop()  # type: ignore[attr-defined]


@pytest.mark.slow
def test_each_device_is_found_on_its_port_and_only_asked_who_it_is(bench: dict) -> None:
    order = ["zvt", "silent", "escpos", "ccnet", "cctalk"]
    ports = [bench[name].port for name in order]
    findings = probe_ports(ports)
    assert [f.port for f in findings] == ports
    got = {name: f for name, f in zip(order, findings, strict=True)}
    assert got["ccnet"].protocol == "ccnet"
    assert got["ccnet"].identity["part"] == "SM-MD1701" and got["ccnet"].identity["serial"] == "41K000123456"
    assert got["cctalk"].protocol == "cctalk"
    assert got["cctalk"].identity == {"protocol": "cctalk", "address": "2", "manufacturer": "MCI",
                                      "category": "Coin Acceptor", "part": "SR5i",
                                      "firmware": "SR5i-MD-2.1", "serial": "12345678"}
    assert got["zvt"].protocol == "zvt" and got["zvt"].identity["firmware"] == "EMU-ZVT 1.0"
    assert got["zvt"].identity["terminal_status"] == "00"
    assert got["escpos"].protocol == "escpos" and got["escpos"].identity["state"] == "online"
    assert got["silent"].protocol is None and got["silent"].error is None
    assert got["silent"].tried == ("escpos", "cctalk", "ccnet", "zvt")
    assert got["escpos"].tried == ("escpos",)  # a printer hears nothing it could print
    # Safety: only identification and status requests reached the devices.
    assert bench["ccnet"].commands == [Command.IDENTIFICATION]
    assert bench["ccnet"].enabled_mask == 0 and bench["ccnet"].mode == "power_up"
    assert set(bench["cctalk"].headers) <= IDENTIFY_ONLY
    assert bench["zvt"].commands == ["StatusEnquiry"] and not bench["zvt"].transactions
    assert bytes(bench["escpos"].printed) == b"" and bench["escpos"].status_queries == 4
    assert [f.to_dict()["protocol"] for f in findings] == ["zvt", None, "escpos", "ccnet", "cctalk"]


@pytest.mark.slow
def test_an_enabled_validator_refuses_identification_and_is_still_found(bench: dict) -> None:
    emulator = bench["ccnet"]
    with emulator._lock:  # the validator is accepting, as under a running kiosk
        emulator.mode, emulator.enabled_mask = "ready", 0x1FF
    finding = probe_port(emulator.port, ("ccnet",))
    assert finding.protocol == "ccnet" and "refused" in finding.identity["note"]
    assert emulator.commands == [Command.IDENTIFICATION] and emulator.enabled_mask == 0x1FF


@pytest.mark.slow
def test_the_coin_acceptors_echo_is_not_taken_for_another_protocol(bench: dict) -> None:
    finding = probe_port(bench["cctalk"].port, ("ccnet", "zvt", "escpos"))
    assert finding.protocol is None and finding.tried == ("escpos", "ccnet", "zvt")
    assert bench["cctalk"].headers == []


@pytest.mark.slow
def test_a_port_held_by_the_running_kiosk_is_reported_busy_and_left_alone(bench: dict) -> None:
    emulator = bench["ccnet"]
    held = SerialLink(emulator.port)  # what the runtime's driver does: an exclusive open
    try:
        [finding] = probe_ports([emulator.port])
    finally:
        held.close()
    assert finding.protocol is None and finding.busy and finding.tried == ()
    assert emulator.commands == []


def test_a_missing_port_is_an_error_not_a_crash(tmp_path: Path) -> None:
    [finding] = probe_ports([str(tmp_path / "ttyUSB7")])
    assert finding.protocol is None and finding.error and not finding.busy


def test_unknown_protocols_and_no_ports() -> None:
    with pytest.raises(ValueError, match="modbus"):
        probe_ports(["/dev/null"], ("ccnet", "modbus"))
    assert probe_ports([]) == []


def test_default_candidates_are_the_serial_ports_that_exist(tmp_path: Path) -> None:
    for name in ("ttyUSB10", "ttyUSB2", "ttyACM0", "ttyS1", "ttyS7", "tty0", "ttyUSB0"):
        (tmp_path / name).touch()
    assert default_candidates(tmp_path) == [
        str(tmp_path / n) for n in ("ttyUSB0", "ttyUSB2", "ttyUSB10", "ttyACM0", "ttyS1")]


def test_settings_come_from_the_configuration(tmp_path: Path) -> None:
    config, _ = make_config(tmp_path)
    settings = probe_settings_from_config(config)
    assert settings.cctalk_address == 2 and settings.zvt_password == "000000"
    assert settings.bauds["ccnet"] == 9600 and settings.bauds["escpos"] == ProbeSettings().bauds["escpos"]


# --------------------------------------------------------------------------- the echo filter


def _filtered() -> tuple[_EchoFilter, PairedLink]:
    ours, theirs = PairedLink.pair()
    return _EchoFilter(ours), theirs


def test_echo_filter_drops_a_whole_echo() -> None:
    line, device = _filtered()
    request = encode_frame(3, bytes((Command.IDENTIFICATION,)))
    line.write(request)
    device.write(request + b"\x06")  # the loop-back, then a real byte
    got = b""
    while len(got) < 1:
        got += line.read_some(64, 0.05)
    assert got == b"\x06"


def test_echo_filter_keeps_a_reply_that_starts_like_the_request() -> None:
    line, device = _filtered()
    request = encode_frame(3, bytes((Command.IDENTIFICATION,)))
    reply = encode_frame(3, b"\x00")  # 02 03 06 ...: the same first bytes as the request
    line.write(request)
    for byte in reply:  # byte by byte, as a slow line delivers it
        device.write(bytes((byte,)))
    got = b""
    for _ in range(20):
        got += line.read_some(64, 0.02)
    assert got == reply


def test_echo_filter_releases_held_bytes_when_the_line_goes_quiet() -> None:
    line, device = _filtered()
    line.write(b"\x10\x04\x01")
    device.write(b"\x10\x04")  # looks like the start of an echo, and then nothing
    assert line.read_some(64, 0.05) == b""
    assert line.read_some(64, 0.05) == b"\x10\x04"


def test_findings_serialise() -> None:
    finding = Finding(port="/dev/ttyUSB0", protocol="zvt", identity={"firmware": "1"}, tried=("zvt",))
    assert finding.to_dict() == {"port": "/dev/ttyUSB0", "protocol": "zvt", "identity": {"firmware": "1"},
                                 "error": None, "busy": False, "tried": ["zvt"]}
