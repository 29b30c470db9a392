"""Bill validator driver (SerialLink) against the emulator (PtyLink) over real pseudo-terminals."""

from __future__ import annotations

import contextlib
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from drivers.ccnet.driver import BillValidator
from drivers.ccnet.emulator import BillValidatorEmulator, EmulatorTiming
from drivers.link import SerialLink
from tests.drivers.ccnet.helpers import Recorder, wait_until

pytestmark = pytest.mark.slow

LEI = 100
# Realistic reply timing (reply delay + 9600 baud wire time, 10 ms ACK deadline), short
# mechanical times; poll at the spec's minimum period.
TIMING = EmulatorTiming.fast(ack_timeout=0.010, escrow_timeout=0.6)


@contextlib.contextmanager
def over_pty(
    tmp_path: Path, *, limit: int | None = 1000 * LEI, **driver_kw: Any
) -> Iterator[tuple[BillValidator, BillValidatorEmulator, Recorder]]:
    link_path = str(tmp_path / "ttyBV")
    emu = BillValidatorEmulator(link_path=link_path, timing=TIMING).start()
    rec = Recorder()
    kw: dict[str, Any] = dict(poll_interval=0.1, reconnect_delay=0.05, reconnect_max_delay=0.2)
    kw.update(driver_kw)
    driver = BillValidator(lambda: SerialLink(link_path, 9600), on_event=rec, **kw)
    driver.set_accepting(limit)
    try:
        driver.start()
        rec.wait("connected")
        yield driver, emu, rec
    finally:
        driver.stop()
        emu.stop()


def test_escrow_stack_and_return_over_a_pty(tmp_path: Path) -> None:
    with over_pty(tmp_path, escrow_policy=lambda amount: amount <= 100 * LEI) as (_, emu, rec):
        emu.insert_bill(100 * LEI)
        emu.insert_bill(200 * LEI)
        stacked = rec.wait("stacked")
        returned = rec.wait("returned")
        assert [e.amount for e in stacked] == [100 * LEI]
        assert [e.amount for e in returned] == [200 * LEI]
        assert emu.stacked == [100 * LEI]


def test_power_loss_with_bill_in_stacker_over_a_pty(tmp_path: Path) -> None:
    with over_pty(tmp_path) as (_, emu, rec):
        emu.timing = EmulatorTiming.fast(ack_timeout=0.010, stack_time=0.4)
        emu.insert_bill(50 * LEI)
        rec.wait("escrow")
        wait_until(lambda: emu.mode == "stacking")
        emu.power_cycle(off_for=0.3)
        stacked = rec.wait("stacked")
        assert stacked[0].amount == 50 * LEI and stacked[0].recovered
        assert stacked[0].ref == rec.of("escrow")[0].ref
        assert len(rec.of("stacked")) == 1


def test_unplugged_mid_escrow_then_replugged(tmp_path: Path) -> None:
    # The policy keeps the bill on hold; the cable is pulled: the port vanishes, the driver
    # reports it and retries; the validator returns the bill on its escrow timeout; the cable
    # comes back: the driver reopens the port and reports the return.
    with over_pty(tmp_path, escrow_policy=lambda _a: None, hold_every=10.0) as (_, emu, rec):
        emu.insert_bill(20 * LEI)
        rec.wait("escrow")
        emu.unplug()
        rec.wait("disconnected")
        wait_until(lambda: emu.returned == 1, timeout=5)
        emu.replug()
        rec.wait("connected", 2, timeout=10)
        returned = rec.wait("returned")
        assert returned[0].amount == 20 * LEI
        assert returned[0].ref == rec.of("escrow")[0].ref
        assert rec.of("stacked") == []


def test_kiosk_emulate_ccnet_prints_the_port_then_obeys_stdin(tmp_path: Path) -> None:
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from kiosk.cli import main; sys.exit(main())",
            "emulate",
            "ccnet",
            "--link",
            str(tmp_path / "bv"),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None and proc.stdin is not None
        port = proc.stdout.readline().strip()
        assert port.startswith("/dev/")
        rec = Recorder()
        driver = BillValidator(lambda: SerialLink(port), on_event=rec, poll_interval=0.1)
        driver.set_accepting(1000 * LEI)
        driver.start()
        try:
            rec.wait("connected", timeout=10)
            proc.stdin.write("insert 100\n")
            proc.stdin.flush()
            assert proc.stdout.readline().strip() == "ok"
            assert rec.wait("stacked", timeout=10)[0].amount == 100 * LEI
            proc.stdin.write("help\n")
            proc.stdin.flush()
            assert "insert AMOUNT" in proc.stdout.readline()
        finally:
            driver.stop()
        proc.stdin.close()
        assert proc.wait(timeout=10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        for pipe in (proc.stdin, proc.stdout):
            if pipe is not None and not pipe.closed:
                pipe.close()
