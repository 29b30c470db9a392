"""Credits: durable, idempotent by ref, validated, never holding a card number; sessions."""

from __future__ import annotations

import threading

import pytest

from kiosk.ledger import CreditConflict, InsufficientCredit, Ledger, LedgerError


def test_credit_is_journalled_and_returned(ledger: Ledger) -> None:
    c = ledger.record_credit(
        "S1", source="bill", amount=10000, device="ccnet", ref="ccnet:1", detail={"serial": "X"}
    )
    assert c.fresh and c.id == 1 and c.amount == 10000 and c.session_id == "S1"
    assert c.at == "2025-07-10T08:00:00.000Z"
    assert ledger.credit("ccnet:1") == c
    assert ledger.balance("S1") == 10000


def test_redelivered_credit_is_a_no_op_returning_the_stored_row(ledger: Ledger) -> None:
    first = ledger.record_credit("S1", source="coin", amount=500, device="cctalk", ref="e-7")
    again = ledger.record_credit("S1", source="coin", amount=500, device="cctalk", ref="e-7")
    assert again == first and not again.fresh
    assert len(ledger.credits("S1")) == 1
    assert ledger.balance("S1") == 500


def test_redelivered_credit_with_other_content_is_refused(ledger: Ledger) -> None:
    ledger.record_credit("S1", source="bill", amount=10000, device="ccnet", ref="e-1")
    with pytest.raises(CreditConflict, match="e-1"):
        ledger.record_credit("S1", source="bill", amount=20000, device="ccnet", ref="e-1")
    assert [c.amount for c in ledger.credits("S1")] == [10000]


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"amount": 0}, "positive"),
        ({"amount": -100}, "positive"),
        ({"amount": 1.5}, "int"),
        ({"amount": True}, "int"),
        ({"source": "cheque"}, "source"),
        ({"source": "voucher"}, "redeem_voucher"),
        ({"ref": ""}, "ref"),
        ({"device": ""}, "device"),
        ({"detail": {"nested": {"a": 1}}}, "detail"),
    ],
)
def test_bad_credit_is_refused_and_nothing_written(
    ledger: Ledger, kwargs: dict[str, object], match: str
) -> None:
    args: dict[str, object] = {"source": "bill", "amount": 100, "device": "d", "ref": "r"}
    args.update(kwargs)
    with pytest.raises(ValueError, match=match):
        ledger.record_credit("S1", **args)  # type: ignore[arg-type]
    assert ledger.credits("S1") == []


def test_full_card_number_in_detail_is_stored_masked(ledger: Ledger) -> None:
    c = ledger.record_credit(
        "S1",
        source="card",
        amount=15000,
        device="zvt",
        ref="zvt:1",
        detail={"pan": "4111 1111 1111 1111", "rrn": "123456789012", "masked": "411111******1111"},
    )
    assert c.detail["pan"] == "************1111"
    assert c.detail["rrn"] == "123456789012"  # 12 digits: not a card number
    raw = ledger.store.conn.execute("SELECT detail FROM credits").fetchone()[0]
    assert "4111111111111111" not in raw and "4111 1111 1111 1111" not in raw


def test_credits_from_many_threads_are_all_kept_once(ledger: Ledger) -> None:
    errors: list[BaseException] = []

    def device(n: int) -> None:
        try:
            for i in range(40):
                ledger.record_credit(
                    f"S{n}", source="coin", amount=100, device=f"dev{n}", ref=f"{n}:{i}"
                )
                # a re-delivery of an earlier event, racing with new ones
                ledger.record_credit(
                    f"S{n}", source="coin", amount=100, device=f"dev{n}", ref=f"{n}:{i // 2}"
                )
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=device, args=(n,), name=f"dev{n}") for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert not errors
    assert all(ledger.balance(f"S{n}") == 4000 for n in range(6))
    assert ledger.verify().ok


def test_sessions_begin_end_once_and_intent(ledger: Ledger) -> None:
    sid = ledger.begin_session()
    assert sid.startswith("20250710T080000-")
    assert ledger.begin_session("fixed-id") == "fixed-id"
    ledger.note_intent(sid, service_id="MDS02", order_key="K", amount=100, data={"x": 1})
    ledger.note_intent(sid, service_id="MDS02", order_key="K", amount=200, fee=10, data={"x": 2})
    assert ledger.end_session(sid, "paid")
    assert not ledger.end_session(sid, "cancelled")
    sessions = {s["id"]: s for s in ledger.export()["sessions"]}
    assert sessions[sid]["outcome"] == "paid"


def test_voucher_beyond_balance_is_refused(ledger: Ledger) -> None:
    ledger.record_credit("S1", source="bill", amount=5000, device="ccnet", ref="b1")
    with pytest.raises(InsufficientCredit) as info:
        ledger.issue_voucher("S1", 5001, "change")
    assert (info.value.needed, info.value.available) == (5001, 5000)
    assert ledger.vouchers() == [] and ledger.balance("S1") == 5000


def test_card_approval_awaits_ack_then_resolves_once(ledger: Ledger) -> None:
    a = ledger.record_card_approval(
        "S1", ref="zvt:42", amount=15000, device="zvt", detail={"rrn": "000000000042"}
    )
    assert a.status == "awaiting_ack" and ledger.balance("S1") == 15000
    assert ledger.record_card_approval("S1", ref="zvt:42", amount=15000, device="zvt") == a
    assert [p.ref for p in ledger.pending_card_approvals()] == ["zvt:42"]
    ledger.acknowledge_card_approval("zvt:42")
    ledger.acknowledge_card_approval("zvt:42")  # idempotent
    assert ledger.pending_card_approvals() == []
    with pytest.raises(LedgerError, match="already acknowledged"):
        ledger.reverse_card_approval("zvt:42", "late reversal")


def test_reversed_card_approval_leaves_the_session(ledger: Ledger) -> None:
    ledger.record_card_approval("S1", ref="zvt:43", amount=15000, device="zvt")
    ledger.reverse_card_approval("zvt:43", "terminal reversed it")
    assert ledger.balance("S1") == 0
    assert ledger.pending_card_approvals() == []
    assert ledger.interrupted_sessions() == []
    assert ledger.verify().ok


def test_card_approval_already_paid_cannot_be_reversed(ledger: Ledger) -> None:
    from .helpers import builder, sim_order

    ledger.record_card_approval("S1", ref="zvt:44", amount=15000, device="zvt")
    ledger.mint_payment("S1", builder(sim_order("SIM-C44"), 15000))
    with pytest.raises(LedgerError, match="cannot be reversed"):
        ledger.reverse_card_approval("zvt:44", "too late")
    assert [a.ref for a in ledger.pending_card_approvals()] == ["zvt:44"]


def test_two_writers_on_one_journal_keep_one_unbroken_chain(ledger: Ledger, state_dir, clock) -> None:
    """Each ledger remembers the chain's tail it last committed; another writer (a second
    process: `kiosk` commands beside the kiosk) makes that stale. The chain must not fork."""
    other = Ledger.open(state_dir, terminal_id="TEST-01", clock=clock)
    try:
        ledger.record_credit("s1", source="bill", amount=10000, device="bill", ref="a1")
        other.record_credit("s2", source="coin", amount=100, device="coin", ref="b1")
        credit = ledger.record_credit("s1", source="bill", amount=5000, device="bill", ref="a2")
        assert credit.fresh and credit.id == 3
        ledger.record_credit("s1", source="bill", amount=2000, device="bill", ref="a3")
        assert [c.id for c in ledger.credits("s1")] == [1, 3, 4]
        assert ledger.verify().ok
    finally:
        other.close()


def test_a_failed_credit_write_does_not_leave_a_stale_tail(ledger: Ledger) -> None:
    ledger.record_credit("s1", source="bill", amount=10000, device="bill", ref="a1")
    with pytest.raises(CreditConflict):
        ledger.record_credit("s1", source="bill", amount=5000, device="bill", ref="a1")
    ledger.record_credit("s1", source="bill", amount=5000, device="bill", ref="a2")
    assert [c.amount for c in ledger.credits("s1")] == [10000, 5000]
    assert ledger.verify().ok
