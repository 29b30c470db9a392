"""Coin acceptor driver against the ccTalk emulator over an in-memory link: every flow."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from drivers.cctalk.driver import CoinAcceptor
from drivers.cctalk.emulator import CoinAcceptorEmulator, CoinTiming
from drivers.cctalk.messages import ErrorCode, Header
from drivers.link import PairedLink
from tests.drivers.ccnet.helpers import Recorder, Reopenable, wait_until

FAST = CoinTiming(baud=None, reply_delay=0.001, watchdog=None)


@contextlib.contextmanager
def running(
    *,
    limit: int | None = 100_000,
    emulator: dict[str, Any] | None = None,
    timing: CoinTiming = FAST,
    before_start: Any = None,
    **driver_kw: Any,
) -> Iterator[tuple[CoinAcceptor, CoinAcceptorEmulator, Recorder]]:
    host, device = PairedLink.pair()
    emu = CoinAcceptorEmulator(device, timing=timing, **(emulator or {})).start()
    if before_start:
        before_start(emu)
    rec = Recorder()
    kw: dict[str, Any] = dict(poll_interval=0.05, reconnect_delay=0.05)
    kw.update(driver_kw)
    driver = CoinAcceptor(lambda: Reopenable(host), on_event=rec, **kw)
    driver.set_accepting(limit)
    try:
        driver.start()
        rec.wait("connected")
        yield driver, emu, rec
    finally:
        driver.stop()
        emu.stop()


def _enabled(emu: CoinAcceptorEmulator, position: int) -> bool:
    return emu.accepting(position)


def test_startup_reads_identity_and_builds_the_coin_table_from_184() -> None:
    coins = {1: "MD050A", 3: "MD1K0A", 4: "TK000A", 5: "EU200A"}
    with running(emulator={"coins": coins}) as (driver, emu, rec):
        identity = driver.identity
        assert identity["manufacturer"] == "MCI" and identity["category"] == "Coin Acceptor"
        assert identity["part"] == "SR5i" and identity["serial"] == "12345678"
        assert identity["firmware"] == "SR5i-MD-2.1"
        assert driver.coins == {
            1: ("MD050A", 50),
            3: ("MD1K0A", 1000),
            4: ("TK000A", None),
            5: ("EU200A", None),
        }
        wait_until(lambda: emu.master_enabled and emu.inhibits == 0b101)
        assert emu.headers.index(Header.READ_BUFFERED_CREDIT) < emu.headers.index(
            Header.MODIFY_MASTER_INHIBIT_STATUS
        )  # baseline read before acceptance is enabled
        assert rec.kinds() == ["connected"]


def test_configured_coin_values_win_over_the_id() -> None:
    with running(coin_values={"MD001A": 100}, emulator={"coins": {1: "MD001A"}}) as (d, _, _):
        assert d.coins == {1: ("MD001A", 100)}


def test_coins_are_credited_once_each_with_distinct_refs() -> None:
    with running() as (_, emu, rec):
        assert emu.insert_coin(100)
        assert emu.insert_coin(50)
        stacked = rec.wait("stacked", 2)
        assert [(e.amount, e.device, e.currency) for e in stacked] == [
            (100, "coin", "MDL"),
            (50, "coin", "MDL"),
        ]
        assert len({e.ref for e in stacked}) == 2
        polls = emu.headers.count(Header.READ_BUFFERED_CREDIT)
        wait_until(lambda: emu.headers.count(Header.READ_BUFFERED_CREDIT) > polls + 3)
        assert len(rec.of("stacked")) == 2  # re-reading the same counter counts nothing


def test_events_buffered_before_start_are_not_credited() -> None:
    def early(emu: CoinAcceptorEmulator) -> None:
        emu.master_enabled = True
        emu.inhibits = 0xFFFF
        assert emu.insert_coin(500) and emu.insert_coin(200)

    with running(before_start=early) as (_, emu, rec):
        assert emu.counter == 2
        assert emu.insert_coin(10)
        stacked = rec.wait("stacked")
        wait_until(lambda: emu.headers.count(Header.READ_BUFFERED_CREDIT) > 4)
        assert [e.amount for e in rec.of("stacked")] == [10]
        assert stacked[0].amount == 10


def test_lost_events_are_reported_and_the_buffered_five_credited() -> None:
    with running(poll_interval=0.3) as (_, emu, rec):
        polls = emu.headers.count(Header.READ_BUFFERED_CREDIT)
        wait_until(lambda: emu.headers.count(Header.READ_BUFFERED_CREDIT) > polls)
        assert emu.burst([100] * 8) == 8  # between two polls
        rec.wait("stacked", 5)
        lost = [e for e in rec.of("fault") if "lost" in e.reason]
        assert len(lost) == 1 and lost[0].code == 3
        assert len(rec.of("stacked")) == 5


def test_counter_wraps_255_to_1() -> None:
    def near_wrap(emu: CoinAcceptorEmulator) -> None:
        emu.counter = 253

    with running(before_start=near_wrap) as (_, emu, rec):
        for _ in range(4):
            assert emu.insert_coin(25)
        rec.wait("stacked", 4)
        assert emu.counter == 2
        assert rec.of("fault") == []


def test_device_reset_is_reported_and_inhibits_reapplied() -> None:
    with running() as (_, emu, rec):
        emu.insert_coin(100)
        rec.wait("stacked")
        emu.power_cycle()  # counter 0, everything inhibited
        fault = rec.wait("fault")[0]
        assert "reset" in fault.reason
        wait_until(lambda: emu.master_enabled and emu.inhibits != 0)
        assert emu.insert_coin(200)
        assert [e.amount for e in rec.wait("stacked", 2)] == [100, 200]


def test_limit_inhibits_coins_above_it_and_none_inhibits_all() -> None:
    with running(limit=100) as (driver, emu, rec):
        wait_until(lambda: _enabled(emu, 5) and not _enabled(emu, 6))  # 1 leu yes, 2 lei no
        assert not emu.insert_coin(200)
        assert rec.wait("rejected")[0].code == ErrorCode.INHIBITED_COIN
        driver.set_accepting(None)
        wait_until(lambda: not emu.master_enabled and emu.inhibits == 0)
        assert not emu.insert_coin(50)
        driver.set_accepting(1000)
        wait_until(lambda: emu.master_enabled and _enabled(emu, 8))
        assert emu.insert_coin(1000)
        assert [e.amount for e in rec.wait("stacked")] == [1000]


def test_failing_journal_gets_the_same_credit_again_and_inhibits_meanwhile() -> None:
    with running() as (_, emu, rec):
        rec.fail_credits = 10**6
        assert emu.insert_coin(500)
        wait_until(lambda: rec.credit_attempts >= 3)
        wait_until(lambda: not emu.master_enabled)
        rec.fail_credits = 0
        stacked = rec.wait("stacked")
        assert [e.amount for e in stacked] == [500]
        wait_until(lambda: emu.master_enabled)
        assert len(rec.of("stacked")) == 1


def test_rejects_and_faults() -> None:
    with running() as (_, emu, rec):
        emu.reject_next(ErrorCode.REJECT_SLUG)
        assert not emu.insert_coin(100)
        rejected = rec.wait("rejected")[0]
        assert (rejected.code, rejected.reason) == (25, "slug rejected")
        emu.error_event(ErrorCode.COIN_ON_STRING)
        fault = rec.wait("fault")[0]
        assert (fault.code, fault.reason) == (20, "coin on string")
        emu.fault(3)
        rec.wait("fault", 3)
        assert any(e.reason == "fault on credit sensor" for e in rec.of("fault"))
        emu.clear_fault()
        cleared = rec.wait("fault_cleared")[0]
        assert cleared.code == 3


def test_unknown_coin_accepted_is_visible_not_lost() -> None:
    with running(emulator={"coins": {1: "MD100A", 2: "XX999A"}}) as (_, emu, rec):
        emu.master_enabled = True  # somebody enabled position 2 behind our back
        emu.inhibits = 0b11
        assert emu.insert_position(2)
        fault = rec.wait("fault")[0]
        assert "value unknown" in fault.reason and fault.code == 2


def test_no_echo_line_works_too() -> None:
    with running(emulator={"echo": False}) as (_, emu, rec):
        assert emu.insert_coin(50)
        assert rec.wait("stacked")[0].amount == 50


def test_corrupted_replies_are_retried() -> None:
    with running() as (_, emu, rec):
        emu.corrupt_next_frame(2)
        assert emu.insert_coin(100)
        assert rec.wait("stacked")[0].amount == 100
        assert rec.of("disconnected") == []


def test_silent_device_then_back_keeps_counting_from_the_last_counter() -> None:
    with running(absent_after=0.3) as (_, emu, rec):
        emu.set_silent(True)
        rec.wait("disconnected", timeout=5)
        assert emu.insert_coin(200)  # taken while the host could not hear the device
        emu.set_silent(False)
        rec.wait("connected", 2, timeout=10)
        assert [e.amount for e in rec.wait("stacked")] == [200]


def test_stop_inhibits_the_acceptor() -> None:
    with running() as (driver, emu, _):
        wait_until(lambda: emu.master_enabled)
        driver.stop()
        assert not emu.master_enabled and emu.inhibits == 0


def test_credit_poll_watchdog_of_the_device_is_fed() -> None:
    timing = CoinTiming(baud=None, reply_delay=0.001, watchdog=0.3)
    with running(timing=timing) as (_, emu, rec):
        wait_until(lambda: emu.master_enabled)
        for amount in (10, 50):
            wait_until(lambda: _enabled(emu, 2))
            assert emu.insert_coin(amount)
        assert len(rec.wait("stacked", 2)) == 2


def test_device_that_never_answers_is_reported_disconnected() -> None:
    host, device = PairedLink.pair()
    emu = CoinAcceptorEmulator(device, timing=FAST).start()
    emu.set_silent(True)
    rec = Recorder()
    driver = CoinAcceptor(
        lambda: Reopenable(host), on_event=rec, poll_interval=0.05, absent_after=0.3
    )
    try:
        driver.start()
        assert "does not answer" in rec.wait("disconnected")[0].reason
        assert rec.of("connected") == []
    finally:
        driver.stop()
        emu.stop()
