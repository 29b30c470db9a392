"""The printer emulator, talked to with raw bytes (no kiosk code), and `kiosk emulate printer`."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from drivers.escpos.emulator import PrinterEmulator, _apply
from drivers.link import PairedLink, SerialLink

STATUS_ALL = b"\x10\x04\x01\x10\x04\x02\x10\x04\x03\x10\x04\x04"


@pytest.fixture
def pair() -> Iterator[tuple[PairedLink, PrinterEmulator]]:
    host, device = PairedLink.pair()
    emulator = PrinterEmulator(device).start()
    yield host, emulator
    emulator.stop()


def ask(host: PairedLink, request: bytes, n: int, timeout: float = 1.0) -> bytes:
    host.write(request)
    got = b""
    deadline = time.monotonic() + timeout
    while len(got) < n and time.monotonic() < deadline:
        got += host.read_some(n - len(got), deadline - time.monotonic())
    return got


# (what happens, replies to DLE EOT 1..4)
CASES = [
    (lambda _e: None, bytes([0x12, 0x12, 0x12, 0x12])),
    (lambda e: e.set_paper(near_end=True), bytes([0x12, 0x12, 0x12, 0x1E])),
    (lambda e: e.set_paper(out=True), bytes([0x1A, 0x12, 0x12, 0x72])),
    (lambda e: e.set_cover(open_=True), bytes([0x1A, 0x16, 0x12, 0x12])),
    (lambda e: e.set_cutter_error(True), bytes([0x1A, 0x52, 0x1A, 0x12])),
]


@pytest.mark.parametrize(("arrange", "replies"), CASES)
def test_status_bytes_per_state(pair, arrange, replies: bytes) -> None:  # type: ignore[no-untyped-def]
    host, emulator = pair
    arrange(emulator)
    assert ask(host, STATUS_ALL, 4) == replies


def test_silent_printer_answers_nothing(pair) -> None:  # type: ignore[no-untyped-def]
    host, emulator = pair
    emulator.set_silent(True)
    assert ask(host, STATUS_ALL, 4, timeout=0.2) == b""
    emulator.set_silent(False)
    assert ask(host, b"\x10\x04\x01", 1) == b"\x12"


def test_end_marker_is_answered_after_the_data(pair) -> None:  # type: ignore[no-untyped-def]
    host, emulator = pair
    job = b"\x1b@Hello\n\x1dV\x00"
    assert ask(host, job + b"\x1dr\x01", 1) == b"\x00"
    assert emulator.jobs == [job]
    assert emulator.jobs_done == 1


def test_status_inside_image_data_is_answered_like_a_real_printer(pair) -> None:  # type: ignore[no-untyped-def]
    host, emulator = pair
    image = b"\x1dv0\x00\x02\x00\x02\x00" + b"\x10\x04\x01\xff"  # 2 bytes x 2 rows
    assert ask(host, b"\x1b@" + image + b"\n", 1) == b"\x12"  # an answer nobody asked for
    assert emulator.printed.endswith(image + b"\n")  # and the bytes were image data too


def test_paper_runs_out_mid_job(pair) -> None:  # type: ignore[no-untyped-def]
    host, emulator = pair
    emulator.run_out_of_paper_after(10)
    job = b"\x1b@" + b"0123456789\n" * 5
    assert ask(host, job + b"\x1dr\x01", 1, timeout=0.2) == b""  # never finishes
    assert ask(host, b"\x10\x04\x02\x10\x04\x04", 2) == bytes([0x32, 0x72])
    assert len(emulator.printed) < len(job) and emulator.discarded > 0
    emulator.set_paper(out=False)
    assert ask(host, b"\x10\x04\x02", 1) == b"\x12"


@pytest.mark.parametrize("cut", [1, 2])
def test_status_request_split_across_reads(cut: int) -> None:
    host, device = PairedLink.pair()
    emulator = PrinterEmulator(device)  # not started: we hand it the reads ourselves
    request = b"\x10\x04\x04"
    emulator._handle(request[:cut])
    emulator._handle(request[cut:])
    emulator._handle(b"\x04")  # a lone EOT after a request is not another request
    assert host.read_some(8, 0.05) == b"\x12"
    assert emulator.status_queries == 1


def test_control_commands() -> None:
    host, device = PairedLink.pair()
    emulator = PrinterEmulator(device)
    assert "paper out" in _apply(emulator, "help")
    assert "paper out" in _apply(emulator, "paper out") and emulator.paper_out
    _apply(emulator, "paper ok")
    assert not emulator.paper_out
    _apply(emulator, "PAPER NEAR END")
    assert emulator.paper_near_end
    _apply(emulator, "cover open")
    assert emulator.cover_open
    _apply(emulator, "cover close")
    assert not emulator.cover_open
    _apply(emulator, "cutter error")
    assert emulator.cutter_error
    _apply(emulator, "silent")
    assert emulator.silent
    _apply(emulator, "answer")
    assert not emulator.silent
    _apply(emulator, "paper out after 100")
    assert emulator._paper_budget == 100
    assert _apply(emulator, "") == ""
    assert "unknown command" in _apply(emulator, "jam")
    assert "state:" in _apply(emulator, "status")
    emulator.stop()


@pytest.mark.slow
def test_kiosk_emulate_printer_command(tmp_path: Path) -> None:
    link = tmp_path / "printer"
    with subprocess.Popen(
        [sys.executable, "-m", "kiosk.cli", "emulate", "printer", "--link", str(link)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    ) as proc:
        try:
            _drive(proc, link)
        finally:
            if proc.poll() is None:
                proc.kill()


def _drive(proc: subprocess.Popen[str], link: Path) -> None:
    assert proc.stdout is not None and proc.stdin is not None
    port = proc.stdout.readline().strip()
    assert port.startswith("/dev/") and os.path.realpath(link) == port
    serial = SerialLink(str(link), 19200)
    try:
        serial.write(b"\x10\x04\x04")
        assert serial.read_some(1, 2.0) == b"\x12"
        proc.stdin.write("paper out\n")
        proc.stdin.flush()
        assert "paper out" in proc.stdout.readline()
        serial.write(b"\x10\x04\x04")
        assert serial.read_some(1, 2.0) == b"\x72"
        serial.write(b"\x1b@x\n\x1dr\x01")  # refused: no paper
        for _ in range(2):  # the second answer comes after the job bytes were handled
            serial.write(b"\x10\x04\x04")
            assert serial.read_some(1, 2.0) == b"\x72"
        proc.stdin.write("paper ok\n")
        proc.stdin.flush()
        proc.stdout.readline()
        serial.write(b"\x1b@x\n\x1dr\x01")
        assert serial.read_some(1, 2.0) == b"\x00"
        assert proc.stdout.readline().startswith("job 1:")
    finally:
        serial.close()
    proc.stdin.close()
    assert proc.wait(timeout=5) == 0
