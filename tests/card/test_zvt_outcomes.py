"""The money rules of the ZVT adapter on synthetic driver records (no I/O)."""

from __future__ import annotations

from datetime import datetime

import pytest

from drivers.zvt import messages as m
from drivers.zvt.driver import Transaction
from kiosk.card.terminal import CardApproval, OutcomeKind
from kiosk.card.zvt import ZvtCardTerminal
from kiosk.card.zvt_outcomes import Attempt, payment_outcome
from tests.drivers.zvt.vectors import STATUS_INFO


def info() -> m.StatusInformation:
    decoded = m.decode(STATUS_INFO)
    assert isinstance(decoded, m.StatusInformation)
    return decoded


def terminal() -> ZvtCardTerminal:
    def no_link():
        raise AssertionError("no I/O here")

    return ZvtCardTerminal(no_link, now=lambda: datetime(2025, 11, 1))


def attempt(amount: int = 1000, on_approved=None) -> tuple[Attempt, list[CardApproval]]:
    got: list[CardApproval] = []
    return (
        Attempt(
            amount=amount,
            currency=498,
            on_approved=on_approved or got.append,
            build=terminal()._approval,
        ),
        got,
    )


def test_decide_hands_the_approval_once():
    a, got = attempt()
    assert a.decide(info()) is True
    assert len(got) == 1 and got[0].receipt_no == "0042" and got[0].at == "2025-11-22T14:30:05"
    assert a.decide(info()) is False  # a second approval in one payment is refused
    assert len(got) == 1


@pytest.mark.parametrize("amount", [999, 1001])
def test_decide_refuses_another_amount(amount):
    a, got = attempt(amount)
    assert a.decide(info()) is False
    assert got == [] and not a.handed and a.refused


def test_decide_refuses_when_the_journal_fails():
    def fail(_approval: CardApproval) -> None:
        raise RuntimeError("database is locked")

    a, _ = attempt(on_approved=fail)
    assert a.decide(info()) is False
    assert a.handed and a.journal_failed


def test_base_exception_propagates_like_a_crash():
    def die(_approval: CardApproval) -> None:
        raise KeyboardInterrupt

    a, _ = attempt(on_approved=die)
    with pytest.raises(KeyboardInterrupt):
        a.decide(info())


def _tx(**kwargs: object) -> Transaction:
    tx = Transaction(command=m.Authorisation(amount=1000), accepted=True)
    for key, value in kwargs.items():
        setattr(tx, key, value)
    return tx


def _handed() -> Attempt:
    a, _ = attempt()
    a.decide(info())
    return a


def test_commit_acknowledged_is_approved_even_if_the_line_dies_later():
    tx = _tx(verdict=True, verdict_delivered=True, link_error="gone", receipt_lines=["R"])
    outcome = payment_outcome(tx, _handed())
    assert outcome.kind is OutcomeKind.APPROVED and not outcome.needs_recovery
    assert outcome.approval is not None and outcome.approval.receipt_lines == ("R",)


def test_commit_not_acknowledged_needs_recovery():
    tx = _tx(verdict=True, verdict_delivered=False, link_error="verdict not acknowledged")
    outcome = payment_outcome(tx, _handed())
    assert outcome.kind is OutcomeKind.ERROR and outcome.needs_recovery
    assert outcome.approval is not None and outcome.approval.amount == 1000


def test_refusal_acknowledged_is_reversed_refusal_lost_needs_recovery():
    def fail(_approval: CardApproval) -> None:
        raise OSError("disk full")

    a, _ = attempt(on_approved=fail)
    a.decide(info())
    reversed_ = payment_outcome(_tx(verdict=False, verdict_delivered=True), a)
    assert reversed_.kind is OutcomeKind.REVERSED and not reversed_.needs_recovery
    lost = payment_outcome(_tx(verdict=False, verdict_delivered=False), a)
    assert lost.kind is OutcomeKind.ERROR and lost.needs_recovery


@pytest.mark.parametrize(
    ("fields", "kind", "reason"),
    [
        ({"refused_code": 0x83}, OutcomeKind.DECLINED, "card.reason.terminal_error"),
        ({"pt_aborted": True, "pt_abort_code": 0x6C}, OutcomeKind.ABORTED, "card.reason.cancelled"),
        (
            {"pt_aborted": True, "pt_abort_code": 0x6C, "abort_requested": "deadline"},
            OutcomeKind.TIMEOUT,
            "card.reason.timeout",
        ),
        (
            {"pt_aborted": True, "pt_abort_code": 0x33},
            OutcomeKind.DECLINED,
            "card.reason.insufficient_funds",
        ),
        ({"timed_out": "T4"}, OutcomeKind.TIMEOUT, "card.reason.no_answer"),
        ({"link_error": "gone", "accepted": False}, OutcomeKind.ERROR, "card.reason.no_answer"),
        ({"unreadable_status_info": True}, OutcomeKind.ERROR, "card.reason.terminal_error"),
    ],
)
def test_outcomes_without_an_approval(fields, kind, reason):
    a, _ = attempt()
    outcome = payment_outcome(_tx(**fields), a)
    assert (outcome.kind, outcome.reason_key) == (kind, reason)
    assert outcome.approval is None and not outcome.needs_recovery


def test_timestamp_without_year_uses_the_wall_clock():
    only_mmdd = m.StatusInformation(
        items=((0x27, b"\x00"), (0x0C, b"\x23\x59\x00"), (0x0D, b"\x02\x28"))
    )
    assert terminal()._timestamp(only_mmdd) == "2025-02-28T23:59:00"
    bad = m.StatusInformation(items=((0x0C, b"\x25\x00\x00"), (0x0D, b"\x02\x30")))
    assert terminal()._timestamp(bad) is None
