"""Coin acceptor driver (SerialLink) against the emulator (PtyLink) over real pseudo-terminals,
with the shared line's local echo and wire timing emulated."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from drivers.cctalk.driver import CoinAcceptor
from drivers.cctalk.emulator import CoinAcceptorEmulator, CoinTiming
from drivers.link import SerialLink
from tests.drivers.ccnet.helpers import Recorder, wait_until

pytestmark = pytest.mark.slow


def test_coins_over_a_pty_with_echo_and_replug(tmp_path: Path) -> None:
    link_path = str(tmp_path / "ttyCA")
    emu = CoinAcceptorEmulator(link_path=link_path, timing=CoinTiming(watchdog=None)).start()
    rec = Recorder()
    driver = CoinAcceptor(
        lambda: SerialLink(link_path, 9600),
        on_event=rec,
        poll_interval=0.1,
        reconnect_delay=0.05,
        reconnect_max_delay=0.2,
    )
    driver.set_accepting(1000)
    try:
        driver.start()
        rec.wait("connected", timeout=10)
        wait_until(lambda: emu.master_enabled)
        assert emu.insert_coin(100) and emu.insert_coin(1000)
        assert [e.amount for e in rec.wait("stacked", 2)] == [100, 1000]
        assert all(line.startswith(("TX", "RX")) for line in driver.last_frames())
        assert driver._proto.echoes_seen > 0  # the loop-back really was there and stripped
        emu.unplug()
        rec.wait("disconnected")
        assert emu.insert_coin(50)  # the acceptor still takes a coin while unplugged
        emu.replug()
        rec.wait("connected", 2, timeout=10)
        assert [e.amount for e in rec.wait("stacked", 3)] == [100, 1000, 50]
    finally:
        driver.stop()
        emu.stop()


def test_kiosk_emulate_cctalk_prints_the_port_then_obeys_stdin() -> None:
    with subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from kiosk.cli import main; sys.exit(main())",
            "emulate",
            "cctalk",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    ) as proc:
        assert proc.stdout is not None and proc.stdin is not None
        try:
            port = proc.stdout.readline().strip()
            assert port.startswith("/dev/")
            rec = Recorder()
            driver = CoinAcceptor(lambda: SerialLink(port), on_event=rec, poll_interval=0.1)
            driver.set_accepting(10_000)
            driver.start()
            try:
                rec.wait("connected", timeout=10)
                proc.stdin.write("status\n")
                proc.stdin.flush()
                assert "master_enabled=" in proc.stdout.readline()
                wait_until(lambda: "master_enabled=True" in _status(proc), timeout=5)
                proc.stdin.write("insert 0.50\n")
                proc.stdin.flush()
                assert proc.stdout.readline().strip() == "credited"
                assert rec.wait("stacked", timeout=10)[0].amount == 50
            finally:
                driver.stop()
            proc.stdin.close()
            assert proc.wait(timeout=10) == 0
        finally:
            if proc.poll() is None:
                proc.kill()


def _status(proc: subprocess.Popen[str]) -> str:
    assert proc.stdin is not None and proc.stdout is not None
    proc.stdin.write("status\n")
    proc.stdin.flush()
    return proc.stdout.readline()
