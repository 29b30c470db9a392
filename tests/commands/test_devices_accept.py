"""`kiosk devices accept` end to end: the real command in a process, emulators on ptys here."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from drivers.ccnet.emulator import BillValidatorEmulator, EmulatorTiming
from drivers.cctalk.emulator import CoinAcceptorEmulator, CoinTiming
from tests.drivers.ccnet.helpers import wait_until

REPO = Path(__file__).resolve().parents[2]
LEI = 100


def _start(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "kiosk.cli", "devices", "accept", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO,
    )


def _run(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kiosk.cli", "devices", "accept", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=REPO,
    )


def _finish(proc: subprocess.Popen[str], *, terminate: bool) -> tuple[int, list[Any], str]:
    if terminate:
        proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=30)
    lines = [json.loads(line) for line in out.splitlines() if line.strip()]
    return proc.returncode, lines, err


def test_usage_errors_exit_2() -> None:
    assert _run("--port", "/dev/null").returncode == 2  # no --protocol
    r = _run("--protocol", "ccnet", "--port", "/dev/null", "--limit", "ten lei")
    assert r.returncode == 2 and "--limit" in r.stderr
    r = _run("--protocol", "ccnet", "--port", "/dev/null", "--seconds", "-1")
    assert r.returncode == 2
    r = subprocess.run(
        [sys.executable, "-m", "kiosk.cli", "devices"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=REPO,
    )
    assert r.returncode == 2


def test_missing_port_exits_5_with_a_clear_message(tmp_path: Path) -> None:
    port = str(tmp_path / "ttyUSB9")
    r = _run("--protocol", "ccnet", "--port", port, "--json")
    assert r.returncode == 5
    assert f"cannot open {port}" in r.stderr
    assert r.stdout == ""


@pytest.mark.slow
def test_bills_within_the_limit_are_stacked_the_rest_returned() -> None:
    with BillValidatorEmulator(timing=EmulatorTiming.fast()) as emu:
        proc = _start(
            "--protocol",
            "ccnet",
            "--port",
            emu.port,
            "--limit",
            "150",
            "--poll-ms",
            "100",
            "--json",
        )
        wait_until(lambda: emu.enabled_mask != 0, timeout=20, what="validator enabled")
        for amount in (100 * LEI, 100 * LEI, 50 * LEI):
            emu.insert_bill(amount)
        wait_until(lambda: len(emu.stacked) == 2 and emu.returned == 1, timeout=15)
        wait_until(lambda: emu.pending_event is None, timeout=5)
        code, lines, err = _finish(proc, terminate=True)
    assert code == 0, err
    events = [(line["event"], line["amount"]) for line in lines]
    assert events == [
        ("escrow", "100.00"),
        ("stacked", "100.00"),
        ("escrow", "100.00"),
        ("returned", "100.00"),
        ("escrow", "50.00"),
        ("stacked", "50.00"),
        ("summary", "150.00"),
    ]
    assert all(line["currency"] == "MDL" for line in lines)
    summary = lines[-1]
    assert summary["total"] == "150.00" and summary["limit"] == "150.00"
    assert summary["device"]["serial"] == "41K000123456"
    assert "Device ready" in err


@pytest.mark.slow
def test_coins_over_the_limit_are_refused_and_seconds_ends_the_run() -> None:
    with CoinAcceptorEmulator(timing=CoinTiming(watchdog=None)) as emu:
        proc = _start(
            "--protocol",
            "cctalk",
            "--port",
            emu.port,
            "--limit",
            "1.50",
            "--poll-ms",
            "100",
            "--seconds",
            "3",
            "--json",
        )
        wait_until(lambda: emu.master_enabled, timeout=20, what="acceptor enabled")
        assert emu.insert_coin(100)
        wait_until(lambda: not emu.accepting(5), timeout=5, what="1 leu inhibited")
        assert not emu.insert_coin(100)  # would exceed 1.50
        assert emu.insert_coin(50)
        code, lines, err = _finish(proc, terminate=False)
    assert code == 0, err
    kinds = [(line["event"], line["amount"]) for line in lines]
    assert kinds == [
        ("stacked", "1.00"),
        ("rejected", "0.00"),
        ("stacked", "0.50"),
        ("summary", "1.50"),
    ]
    assert lines[1]["reason"] == "coin inhibited"
    assert lines[-1]["stacked_count"] == 2


@pytest.mark.slow
def test_readable_lines_without_json() -> None:
    with BillValidatorEmulator(timing=EmulatorTiming.fast()) as emu:
        proc = _start("--protocol", "ccnet", "--port", emu.port, "--poll-ms", "100")
        wait_until(lambda: emu.enabled_mask != 0, timeout=20)
        emu.insert_bill(10 * LEI)
        wait_until(lambda: emu.stacked and emu.pending_event is None, timeout=10)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert "Credited: 10.00 MDL" in out
    assert "Total credited: 10.00 MDL (1 items)" in out


@pytest.mark.slow
def test_silent_device_exits_5() -> None:
    with BillValidatorEmulator(timing=EmulatorTiming.fast()) as emu:
        emu.set_silent(True)
        r = _run("--protocol", "ccnet", "--port", emu.port, "--json", timeout=60)
    assert r.returncode == 5
    assert "does not answer" in r.stderr
    assert r.stdout == ""
