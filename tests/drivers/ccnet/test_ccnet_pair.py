"""Bill validator driver against the CCNET emulator over an in-memory link: every flow."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from drivers.ccnet.driver import BillValidator
from drivers.ccnet.emulator import BillValidatorEmulator, EmulatorTiming
from drivers.ccnet.messages import Command, RejectReason
from drivers.link import FaultyLink, Link, PairedLink
from tests.drivers.ccnet.helpers import Recorder, Reopenable, wait_until

LEI = 100


@contextlib.contextmanager
def running(
    *,
    limit: int | None = 100_000 * LEI,
    emulator: dict[str, Any] | None = None,
    timing: EmulatorTiming | None = None,
    wrap: Any = None,
    start: bool = True,
    **driver_kw: Any,
) -> Iterator[tuple[BillValidator, BillValidatorEmulator, Recorder]]:
    host, device = PairedLink.pair()
    emu = BillValidatorEmulator(
        device, timing=timing or EmulatorTiming.fast(baud=None), **(emulator or {})
    ).start()
    rec = Recorder()
    link: Link = wrap(host) if wrap else host
    kw: dict[str, Any] = dict(poll_interval=0.05, reconnect_delay=0.05, stop_grace=2.0)
    kw.update(driver_kw)
    driver = BillValidator(lambda: Reopenable(link), on_event=rec, **kw)
    driver.set_accepting(limit)
    try:
        if start:
            driver.start()
            rec.wait("connected")
        yield driver, emu, rec
    finally:
        driver.stop()
        emu.stop()


def test_startup_polls_before_reset_and_reads_the_table_from_the_device() -> None:
    # Only 10 and 100 lei notes, as types 3 and 9: nothing is hard-coded on the host side.
    bills = {3: (1, "MDL", 1), 9: (1, "MDL", 2)}
    with running(emulator={"bills": bills}) as (driver, emu, rec):
        assert emu.commands[0] == Command.POLL
        assert emu.commands.index(Command.RESET) > 0
        for needed in (Command.GET_BILL_TABLE, Command.IDENTIFICATION, Command.SET_SECURITY):
            assert needed in emu.commands
        assert driver.identity["part"] == "SM-MD1701"
        assert driver.identity["serial"] == "41K000123456"
        assert driver.table is not None
        assert [(b.index, b.value) for b in driver.table.types] == [(3, 1000), (9, 10000)]
        wait_until(lambda: emu.enabled_mask == (1 << 3) | (1 << 9))
        assert emu.escrow_mask == emu.enabled_mask  # always escrow
        assert rec.kinds() == ["connected"]
        assert any(line.startswith("TX 02 03 06 33") for line in driver.last_frames())


def test_escrow_then_stack_credits_once_with_the_escrow_ref() -> None:
    with running() as (_, emu, rec):
        emu.insert_bill(100 * LEI)
        stacked = rec.wait("stacked")
        escrow = rec.of("escrow")
        assert [e.amount for e in escrow] == [100 * LEI]
        assert stacked[0].amount == 100 * LEI and stacked[0].currency == "MDL"
        assert stacked[0].ref == escrow[0].ref and stacked[0].ref
        assert not stacked[0].recovered
        wait_until(lambda: emu.pending_event is None)  # the 81 was ACKed
        emu.insert_bill(5 * LEI)
        rec.wait("stacked", 2)
        refs = [e.ref for e in rec.of("stacked")]
        assert len(set(refs)) == 2
        assert emu.stacked == [100 * LEI, 5 * LEI]


def test_only_denominations_within_the_limit_are_enabled() -> None:
    with running(limit=50 * LEI) as (driver, emu, rec):
        wait_until(lambda: emu.enabled_mask == 0b11111)  # 1, 5, 10, 20, 50 lei
        emu.insert_bill(100 * LEI)  # inhibited: the validator itself rejects it
        rejected = rec.wait("rejected")
        assert rejected[0].code == RejectReason.INHIBIT
        assert rejected[0].reason == "denomination inhibited"
        driver.set_accepting(None)
        wait_until(lambda: emu.enabled_mask == 0)
        driver.set_accepting(1000 * LEI)
        wait_until(lambda: emu.enabled_mask == 0x1FF)
        assert emu.stacked == []


def test_policy_false_returns_the_bill() -> None:
    with running(escrow_policy=lambda amount: amount <= 20 * LEI) as (_, emu, rec):
        emu.insert_bill(50 * LEI)
        returned = rec.wait("returned")
        assert returned[0].amount == 50 * LEI and returned[0].reason == "returned by host"
        assert returned[0].ref == rec.of("escrow")[0].ref
        emu.insert_bill(20 * LEI)
        assert rec.wait("stacked")[0].amount == 20 * LEI
        assert emu.stacked == [20 * LEI] and emu.returned == 1


def test_policy_undecided_holds_the_bill() -> None:
    answers = iter([None, None, None, True])

    def policy(_amount: int) -> bool | None:
        return next(answers, True)

    with running(escrow_policy=policy, hold_every=0.0) as (_, emu, rec):
        emu.insert_bill(10 * LEI)
        rec.wait("stacked")
        assert Command.HOLD in emu.commands


def test_failing_journal_is_not_acked_and_the_same_credit_comes_again() -> None:
    with running() as (_, emu, rec):
        rec.fail_credits = 3
        emu.insert_bill(200 * LEI)
        stacked = rec.wait("stacked")
        assert rec.credit_attempts == 4
        assert len(stacked) == 1 and stacked[0].ref == rec.of("escrow")[0].ref
        # while the credit was refused, the 81 was never ACKed (the device kept reporting it)
        wait_until(lambda: emu.pending_event is None)
        assert emu.stacked == [200 * LEI]


def test_acceptance_is_inhibited_while_a_credit_is_undelivered() -> None:
    with running() as (_, emu, rec):
        rec.fail_credits = 10**6
        emu.insert_bill(10 * LEI)
        wait_until(lambda: rec.credit_attempts >= 2)
        wait_until(lambda: emu.enabled_mask == 0)
        rec.fail_credits = 0
        rec.wait("stacked")
        wait_until(lambda: emu.enabled_mask != 0)
        assert len(rec.of("stacked")) == 1


def test_late_acks_make_the_device_repeat_but_credit_once() -> None:
    # Every ACK arrives "late" for the device: it keeps reporting 81, the host dedupes.
    timing = EmulatorTiming.fast(baud=None, ack_timeout=-1.0)
    with running(timing=timing) as (_, emu, rec):
        emu.insert_bill(50 * LEI)
        rec.wait("stacked")
        polls = emu.commands.count(Command.POLL)
        wait_until(lambda: emu.commands.count(Command.POLL) >= polls + 5)
        assert len(rec.of("stacked")) == 1


def test_power_loss_while_stacking_is_recovered_with_the_escrow_ref() -> None:
    timing = EmulatorTiming.fast(baud=None, stack_time=0.3)
    with running(timing=timing) as (_, emu, rec):
        emu.insert_bill(500 * LEI)
        rec.wait("escrow")
        wait_until(lambda: emu.mode == "stacking")
        emu.power_cycle()  # "auto": the bill is past the point of no return
        stacked = rec.wait("stacked")
        assert stacked[0].amount == 500 * LEI
        assert stacked[0].recovered
        assert stacked[0].ref == rec.of("escrow")[0].ref
        assert any(e.reason == "device restarted" for e in rec.of("fault"))
        rec.wait("connected", 2)
        assert emu.stacked == [500 * LEI]


def test_fresh_driver_recovers_bill_in_stacker_after_power_up() -> None:
    with running(start=False) as (driver, emu, rec):
        emu.power_cycle("stacker", bill_type=6)  # 200 lei were on their way to the cassette
        driver.start()
        stacked = rec.wait("stacked")
        assert stacked[0].amount == 200 * LEI and stacked[0].recovered and stacked[0].ref
        rec.wait("connected")


def test_host_restart_after_stack_credits_before_any_reset() -> None:
    # Driver 1 sends STACK and stops before seeing 81; driver 2 must credit that 81.
    timing = EmulatorTiming.fast(baud=None, stack_time=0.4)
    with running(timing=timing, stop_grace=0.0) as (driver, emu, rec):
        emu.insert_bill(100 * LEI)
        wait_until(lambda: emu.mode == "stacking")
        driver.stop()
        wait_until(lambda: emu.pending_event is not None)
        resets_before = emu.commands.count(Command.RESET)
        rec2 = Recorder()
        driver2 = BillValidator(driver._link_factory, on_event=rec2, poll_interval=0.05)
        try:
            driver2.start()
            stacked = rec2.wait("stacked")
            assert stacked[0].amount == 100 * LEI and stacked[0].recovered
            rec2.wait("connected")
            # the credit was taken while the device still held it: RESET came only after
            assert emu.commands.count(Command.RESET) == resets_before + 1
            assert rec.of("stacked") == []
        finally:
            driver2.stop()


def test_bill_in_validator_at_power_up_is_returned_not_credited() -> None:
    with running(escrow_policy=lambda _a: None) as (_, emu, rec):
        emu.insert_bill(10 * LEI)
        rec.wait("escrow")
        emu.power_cycle("validator")
        returned = rec.wait("returned")
        assert returned[0].code == 0x11
        rec.wait("connected", 2)
        assert rec.of("stacked") == [] and emu.stacked == []


def test_faults_and_their_clearing() -> None:
    with running() as (_, emu, rec):
        emu.jam()
        fault = rec.wait("fault")[0]
        assert (fault.code, fault.reason) == (0x43, "bill jammed in validator")
        emu.clear_fault()
        assert rec.wait("fault_cleared")[0].code == 0x43
        emu.fail(0x50)
        fault = rec.wait("fault", 2)[1]
        assert (fault.code, fault.reason) == (0x50, "stack motor failure")
        emu.clear_fault()
        rec.wait("fault_cleared", 2)
        emu.set_cassette_full()
        assert rec.wait("fault", 3)[2].reason == "cassette full"
        emu.cassette_remove()
        rec.wait("cassette_removed")
        emu.cassette_insert()  # emptied by the collector: no longer full
        rec.wait("cassette_inserted")
        rec.wait("fault_cleared", 3)
        emu.cheat()
        rec.wait("fault", 4)
        polls = emu.commands.count(Command.POLL)
        wait_until(lambda: emu.commands.count(Command.POLL) > polls + 3)
        assert [e.reason for e in rec.of("fault")].count("cheating attempt") == 1


def test_reject_with_reason() -> None:
    with running() as (_, emu, rec):
        emu.reject_next(RejectReason.VERIFICATION)
        emu.insert_bill(50 * LEI)
        rejected = rec.wait("rejected")[0]
        assert (rejected.code, rejected.reason) == (0x66, "verification failed")
        assert rec.of("escrow") == []


def test_corrupted_replies_are_nakked_and_retried() -> None:
    with running() as (_, emu, rec):
        emu.corrupt_next_frame(2)
        emu.insert_bill(10 * LEI)
        rec.wait("stacked")
        assert emu.host_naks >= 2
        assert rec.of("disconnected") == []


def test_corrupted_commands_get_a_nak_and_are_resent() -> None:
    state = {"corrupt": 0}

    def corrupt(data: bytes) -> bytes:
        if state["corrupt"] and len(data) > 6:
            state["corrupt"] -= 1
            return data[:-1] + bytes((data[-1] ^ 0xFF,))
        return data

    with running(wrap=lambda link: FaultyLink(link, on_write=corrupt)) as (driver, emu, rec):
        state["corrupt"] = 2
        driver.set_accepting(5 * LEI)  # an ENABLE BILL TYPES (12 bytes) is corrupted twice
        wait_until(lambda: emu.enabled_mask == 0b11)
        assert emu.naks_sent >= 2


def test_garbage_on_the_line_is_survived() -> None:
    def noisy(data: bytes) -> bytes:
        return b"\xff\x13\x00" + data

    with running(wrap=lambda link: FaultyLink(link, on_read=noisy)) as (_, emu, rec):
        emu.insert_bill(20 * LEI)
        assert rec.wait("stacked")[0].amount == 20 * LEI


def test_silent_device_is_reported_and_found_again() -> None:
    with running(absent_after=0.4) as (_, emu, rec):
        emu.set_silent(True)
        rec.wait("disconnected", timeout=5)
        emu.set_silent(False)
        rec.wait("connected", 2, timeout=10)
        emu.insert_bill(1 * LEI)
        assert rec.wait("stacked")[0].amount == 1 * LEI


def test_stop_returns_a_bill_in_escrow_and_disables() -> None:
    with running(escrow_policy=lambda _a: None) as (driver, emu, rec):
        emu.insert_bill(10 * LEI)
        rec.wait("escrow")
        wait_until(lambda: emu.mode in ("escrow", "holding"))
        driver.stop()
        assert emu.enabled_mask == 0
        wait_until(lambda: emu.mode in ("returning", "ready"))
        assert emu.stacked == []


def test_unknown_currency_is_never_enabled() -> None:
    bills = {0: (1, "MDL", 2), 1: (5, "EUR", 0)}
    with running(emulator={"bills": bills}) as (_, emu, _rec):
        wait_until(lambda: emu.enabled_mask == 0b01)
