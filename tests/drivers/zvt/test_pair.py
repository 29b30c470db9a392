"""Driver <-> emulator over an in-memory link (fast); the pty runs are in tests/card."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from drivers.link import FaultyLink, PairedLink
from drivers.zvt import messages as m
from drivers.zvt.driver import ZvtDriver
from drivers.zvt.emulator import PtEmulator, apply_command
from drivers.zvt.protocol import ZvtTimeouts
from drivers.zvt.transport import TransportTimeouts

TIMEOUTS = ZvtTimeouts(t1=0.2, t2=0.4, retries=2, t3=2.0, t4=3.0)


@pytest.fixture
def pair() -> Iterator[tuple[PtEmulator, ZvtDriver, PairedLink]]:
    ecr_end, pt_end = PairedLink.pair()
    emu = PtEmulator(pt_end, timeouts=TransportTimeouts(t1=0.2, t2=0.4))
    emu.verdict_timeout = 1.6
    emu.card_timeout = 0.2
    emu.start()
    driver = ZvtDriver(ecr_end, timeouts=TIMEOUTS)
    try:
        tx = driver.transact(m.Registration())
        assert tx.completion is not None and tx.completion.terminal_id == "12345678"
        yield emu, driver, ecr_end
    finally:
        emu.stop()
        ecr_end.close()


def test_approve_commit_then_receipt_and_completion(pair):
    emu, driver, _ = pair
    seen = []

    def decide(_info: m.StatusInformation) -> bool:
        seen.append(emu.transactions[-1].state)  # what the PT thinks before our answer
        return True

    tx = driver.transact(m.Authorisation(amount=1000), decide=decide)
    assert seen == ["pending"]
    assert tx.committed and tx.completion is not None
    assert emu.transactions[-1].state == "booked"
    assert any("411111******1111" in line for line in tx.receipt_lines)


def test_without_decide_nothing_is_committed(pair):
    emu, driver, _ = pair
    tx = driver.transact(m.Authorisation(amount=500))
    assert tx.verdict is False and tx.pt_aborted
    assert emu.transactions[-1].state == "refused"
    assert emu.store == []


@pytest.mark.parametrize(
    ("outcome", "code", "with_info"), [("decline:05", 5, True), ("decline:64", 0x64, False)]
)
def test_decline(pair, outcome, code, with_info):
    emu, driver, _ = pair
    emu.next_outcome = outcome
    tx = driver.transact(m.Authorisation(amount=1000), decide=lambda _info: True)
    assert tx.pt_aborted and tx.pt_abort_code == code
    assert bool(tx.status_infos) is with_info
    assert tx.verdict is None
    assert emu.next_outcome is None  # one-shot


def test_reversal_then_already_reversed(pair):
    emu, driver, _ = pair
    driver.transact(m.Authorisation(amount=700), decide=lambda _info: True)
    receipt = emu.store[-1].receipt_no
    tx = driver.transact(m.Reversal(receipt_no=receipt))
    assert tx.completion is not None and tx.last_status_info is not None
    assert tx.last_status_info.original_trace == f"{emu.store[0].trace:06d}"
    tx = driver.transact(m.Reversal(receipt_no=receipt))
    assert tx.pt_abort_code == 0xB4
    tx = driver.transact(m.Reversal(receipt_no=9999))
    assert tx.pt_abort_code == 0xB5


def test_end_of_day_totals_and_status_enquiry(pair):
    emu, driver, _ = pair
    for amount in (1000, 2550):
        driver.transact(m.Authorisation(amount=amount), decide=lambda _info: True)
    tx = driver.transact(m.EndOfDay())
    assert tx.last_status_info is not None and tx.last_status_info.totals == (2, 3550)
    assert "TRANSACTIONS 2" in tx.receipt_lines
    assert emu.store == []
    emu.terminal_status = 0xDC
    tx = driver.transact(m.StatusEnquiry())
    assert tx.completion is not None and tx.completion.terminal_status == 0xDC


def test_repeat_receipt_replays_last_stored(pair):
    emu, driver, _ = pair
    tx = driver.transact(m.RepeatReceipt(service_byte=0x03))
    assert tx.completion is not None and tx.status_infos == []  # empty store
    driver.transact(m.Authorisation(amount=1000), decide=lambda _info: True)
    tx = driver.transact(m.RepeatReceipt(service_byte=0x03))
    assert tx.last_status_info is not None and tx.last_status_info.amount == 1000
    assert tx.receipt_lines == []  # bit 1: no print
    assert tx.verdict is None  # a replay is never a new payment


def test_corrupted_bytes_are_nakked_and_repeated(pair):
    emu, driver, ecr_end = pair
    hits = []

    def corrupt_first_block(data: bytes) -> bytes:
        if not hits and b"\x10\x02\x04\x0f" in data:  # the Status-Information
            hits.append(1)
            i = data.index(b"\x10\x02\x04\x0f") + 6
            return data[:i] + bytes([data[i] ^ 0x20]) + data[i + 1 :]
        return data

    written: list[bytes] = []

    def record(data: bytes) -> bytes:
        written.append(data)
        return data

    driver.link = FaultyLink(ecr_end, on_read=corrupt_first_block, on_write=record)
    tx = driver.transact(m.Authorisation(amount=1000), decide=lambda _info: True)
    assert hits and tx.committed
    assert any(chunk.startswith(b"\x15") for chunk in written)  # NAK, then the PT repeated
    assert emu.transactions[-1].state == "booked"


def test_silent_terminal_is_a_link_error(pair):
    emu, driver, _ = pair
    emu.silent = True
    tx = driver.transact(m.StatusEnquiry())
    assert tx.link_error and "no ACK" in tx.link_error
    assert not tx.accepted


def test_control_commands():
    ecr_end, pt_end = PairedLink.pair()
    emu = PtEmulator(pt_end)
    assert apply_command(emu, "decline 33") == "next payment: declined with 33"
    assert emu.next_outcome == "decline:33"
    assert apply_command(emu, "pin") == "next payment: pin"
    assert (
        apply_command(emu, "keep on") == "keep unconfirmed approvals: on" and emu.keep_unconfirmed
    )
    assert apply_command(emu, "status f0") == "terminal status F0"
    assert apply_command(emu, "silent") == "silent" and emu.silent
    assert apply_command(emu, "answer") == "answering" and not emu.silent
    assert "lose-ack" in apply_command(emu, "help")
    assert apply_command(emu, "decline zz").startswith("unknown command")
    assert apply_command(emu, "status 1ff").startswith("unknown command")
    assert "next outcome pin" in apply_command(emu, "state")
