"""The printer service against the printer emulator: status in every state, jobs, paper out."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from drivers.escpos.emulator import PrinterEmulator
from drivers.link import FaultyLink, PairedLink, SerialLink
from kiosk.receipts.interpreter import interpret
from kiosk.receipts.printer import Printer, PrinterState, PrintOutcome
from kiosk.receipts.profiles import make_profile
from kiosk.receipts.render import render
from tests.receipts import samples

PROFILE = make_profile("POS-5890", 58)  # raster QR: a job of ~9 KB, several chunks


@pytest.fixture
def job() -> bytes:
    return render(samples.payment("ro"), PROFILE)


@pytest.fixture
def rig() -> Iterator[tuple[Printer, PrinterEmulator]]:
    host, device = PairedLink.pair()
    emulator = PrinterEmulator(device).start()
    printer = Printer(host, reply_timeout=0.2, job_timeout=2.0, poll_interval=0.02)
    yield printer, emulator
    emulator.stop()


STATES = [
    (lambda _e: None, PrinterState.ONLINE),
    (lambda e: e.set_paper(near_end=True), PrinterState.PAPER_NEAR_END),
    (lambda e: e.set_paper(out=True), PrinterState.PAPER_OUT),
    (lambda e: e.set_cover(open_=True), PrinterState.COVER_OPEN),
    (lambda e: e.set_cutter_error(True), PrinterState.CUTTER_ERROR),
    (lambda e: e.set_silent(True), PrinterState.NOT_ANSWERING),
]


@pytest.mark.parametrize(("arrange", "state"), STATES)
def test_status_in_every_state(rig, arrange, state: PrinterState) -> None:  # type: ignore[no-untyped-def]
    printer, emulator = rig
    arrange(emulator)
    start = time.monotonic()
    status = printer.status()
    assert status.state is state
    assert time.monotonic() - start < 1.0  # cheap: bounded by the reply timeout
    if state is PrinterState.NOT_ANSWERING:
        assert status.paper is None  # never "paper adequate" for a silent printer


def test_healthy_status_is_a_few_round_trips(rig) -> None:  # type: ignore[no-untyped-def]
    printer, emulator = rig
    start = time.monotonic()
    for _ in range(10):
        assert printer.status().state is PrinterState.ONLINE
    assert (time.monotonic() - start) / 10 < 0.1
    assert emulator.status_queries == 40


def test_print_job_is_confirmed_by_the_end_marker(rig, job: bytes) -> None:  # type: ignore[no-untyped-def]
    printer, emulator = rig
    result = printer.print_job(job, name="receipt")
    assert result.outcome is PrintOutcome.PRINTED and result.ok
    assert result.completion_confirmed
    assert result.bytes_sent == len(job)
    assert emulator.jobs == [job]
    assert result.after.state is PrinterState.ONLINE
    assert "Destinaţia plăţii" in interpret(emulator.jobs[0], PROFILE).text


def test_job_refused_when_printer_cannot_print(rig, job: bytes) -> None:  # type: ignore[no-untyped-def]
    printer, emulator = rig
    emulator.set_cover(open_=True)
    result = printer.print_job(job)
    assert result.outcome is PrintOutcome.NOT_READY
    assert result.bytes_sent == 0 and not emulator.printed
    assert result.before.state is PrinterState.COVER_OPEN


def test_paper_out_in_the_middle_of_a_job_is_a_failure_and_reprint_works(rig, job: bytes) -> None:  # type: ignore[no-untyped-def]
    printer, emulator = rig
    emulator.run_out_of_paper_after(len(job) // 3)
    result = printer.print_job(job)
    assert result.outcome is PrintOutcome.INTERRUPTED and not result.ok
    assert result.after.state is PrinterState.PAPER_OUT
    assert result.after.offline_cause is not None and result.after.offline_cause.paper_end_stop
    assert len(emulator.printed) < len(job)
    assert printer.status().state is PrinterState.PAPER_OUT

    emulator.set_paper(out=False)  # the technician loads a roll; the kiosk reprints
    again = printer.print_job(job)
    assert again.ok and emulator.jobs[-1] == job


def test_paper_out_while_printing_the_last_chunk(rig, job: bytes) -> None:  # type: ignore[no-untyped-def]
    printer, emulator = rig
    emulator.run_out_of_paper_after(len(job) - 10)
    result = printer.print_job(job)
    assert result.outcome is PrintOutcome.INTERRUPTED
    assert result.after.state is PrinterState.PAPER_OUT


def test_printer_without_gs_r_counts_as_printed_unconfirmed(job: bytes) -> None:
    host, device = PairedLink.pair()
    with PrinterEmulator(device) as emulator:
        emulator.answer_job_end = False
        printer = Printer(host, reply_timeout=0.2, job_timeout=0.3, poll_interval=0.05)
        result = printer.print_job(job)
    assert result.ok and not result.completion_confirmed
    assert emulator.jobs == [job]


def test_without_waiting_for_completion(job: bytes) -> None:
    host, device = PairedLink.pair()
    with PrinterEmulator(device) as emulator:
        printer = Printer(host, reply_timeout=0.2, wait_for_completion=False)
        result = printer.print_job(job)
        assert result.ok and not result.completion_confirmed
    assert emulator.printed.startswith(b"\x1b@")


def test_stray_bytes_on_the_line_do_not_confuse_status() -> None:
    host, device = PairedLink.pair()
    noisy = FaultyLink(host, on_read=lambda data: b"\x13" + data)  # an XOFF before every chunk
    with PrinterEmulator(device) as emulator:
        emulator.set_paper(near_end=True)
        printer = Printer(noisy, reply_timeout=0.2)
        assert printer.status().state is PrinterState.PAPER_NEAR_END


def test_printer_going_silent_mid_job_is_a_failure(job: bytes) -> None:
    host, device = PairedLink.pair()
    sent = 0

    def count(data: bytes) -> bytes:
        nonlocal sent
        sent += len(data)
        if sent > 3000:
            emulator.set_silent(True)  # unplugged after the first chunks
        return data

    with PrinterEmulator(device) as emulator:
        printer = Printer(
            FaultyLink(host, on_write=count), reply_timeout=0.1, job_timeout=1, poll_interval=0.02
        )
        result = printer.print_job(job)
    assert result.outcome is PrintOutcome.INTERRUPTED
    assert result.after.state is PrinterState.NOT_ANSWERING


@pytest.mark.parametrize(
    "name", sorted(p.stem for p in (Path(__file__).parent / "golden").glob("*.bin"))
)
def test_jobs_never_contain_real_time_sequences(name: str) -> None:
    """A DLE EOT/ENQ/DC4 inside image data would be executed by the printer (raster.py)."""
    data = (Path(__file__).parent / "golden" / f"{name}.bin").read_bytes()
    assert re.search(rb"\x10[\x04\x05\x14]", data) is None


@pytest.mark.slow
def test_through_a_pseudo_terminal(job: bytes) -> None:
    emulator = PrinterEmulator().start()
    try:
        link = SerialLink(emulator.port, 19200)
        printer = Printer(link, reply_timeout=0.2, job_timeout=3.0, poll_interval=0.05)
        try:
            assert printer.status().state is PrinterState.ONLINE
            assert printer.print_job(job).ok
            assert emulator.jobs == [job]
            emulator.run_out_of_paper_after(len(job) // 2)
            failed = printer.print_job(job)
            assert failed.outcome is PrintOutcome.INTERRUPTED
            assert failed.after.state is PrinterState.PAPER_OUT
            emulator.set_silent(True)
            assert printer.status().state is PrinterState.NOT_ANSWERING
        finally:
            printer.close()
    finally:
        emulator.stop()
