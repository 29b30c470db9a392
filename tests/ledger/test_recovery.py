"""Restart work (interrupted sessions, card approvals), export format, receipts and audit."""

from __future__ import annotations

from pathlib import Path

from kiosk.ledger import Ledger

from .conftest import Clock
from .helpers import SIM_AMOUNT, builder, insert_bills, paid_session, sim_order


def test_interrupted_sessions_are_the_ones_holding_unallocated_credit(
    state_dir: Path, clock: Clock
) -> None:
    with Ledger.open(state_dir, terminal_id="TEST-01", clock=clock) as led:
        paid_session(led, "SIM-I1")  # finished: not interrupted
        done = led.begin_session()
        insert_bills(led, done, 5000)
        led.issue_voucher(done, 5000, "cancelled")  # finished with a voucher
        half = led.begin_session("half")
        led.note_intent(
            half, service_id="MDS02", order_key="SIM-I2", amount=SIM_AMOUNT, data={"lang": "ro"}
        )
        insert_bills(led, half, 10000)  # then the power went
        change = led.begin_session("change")
        insert_bills(led, change, 20000)
        led.mint_payment(change, builder(sim_order("SIM-I3"), SIM_AMOUNT))  # change not issued
    with Ledger.open(state_dir, terminal_id="TEST-01", clock=clock) as led:
        found = {s.session_id: s for s in led.interrupted_sessions()}
        assert set(found) == {"half", "change"}
        assert found["half"].balance == 10000 and found["half"].payments == ()
        intent = found["half"].intent
        assert intent is not None
        assert (intent.order_key, intent.amount, intent.data) == (
            "SIM-I2",
            SIM_AMOUNT,
            {"lang": "ro"},
        )
        assert found["change"].balance == 5000 and len(found["change"].payments) == 1
        # The runtime finishes them: the half-paid one as a voucher, the change as a voucher.
        for s in found.values():
            led.issue_voucher(s.session_id, s.balance, "recovered after restart")
        assert led.interrupted_sessions() == []
        assert led.verify().ok


def test_export_has_the_contract_keys_and_formats(ledger: Ledger) -> None:
    p = paid_session(ledger, "SIM-X1", fee=250)
    sid = ledger.begin_session()
    ledger.record_credit(sid, source="coin", amount=50, device="cctalk", ref="c1")
    v = ledger.issue_voucher(sid, 50, "change")
    ledger.record_attempt(p.payment_id, outcome="confirmed", started_at=ledger.now(), evidence=None)
    data = ledger.export()
    assert {"sessions", "credits", "payments", "vouchers", "cash_box"} <= set(data)
    credit = data["credits"][0]
    assert {"id", "session_id", "source", "amount", "at"} <= set(credit)
    assert credit["source"] == "bill" and credit["amount"] == "100.00"
    pay = data["payments"][0]
    assert pay["payment_id"] == p.payment_id
    assert (pay["service_id"], pay["order_key"], pay["amount"], pay["fee"], pay["status"]) == (
        "MDS02",
        "SIM-X1",
        "150.00",
        "2.50",
        "confirmed",
    )
    assert data["vouchers"][0]["code"] == v.code and data["vouchers"][0]["amount"] == "0.50"
    assert data["cash_box"] == {"0.50": 1, "2.50": 1, "50.00": 1, "100.00": 1}
    assert data["cash_box_detail"]["total"] == "153.00"


def test_parked_payment_exports_as_rejected(ledger: Ledger) -> None:
    p = paid_session(ledger, "SIM-X2")
    ledger.record_attempt(
        p.payment_id,
        outcome="parked",
        started_at=ledger.now(),
        evidence=None,
        error=ValueError("InvalidParameter: nope"),
    )
    pay = ledger.export()["payments"][0]
    assert (pay["status"], pay["delivery"]) == ("rejected", "needs_technician")


def test_receipts_are_kept_by_key_newest_wins(ledger: Ledger) -> None:
    ledger.store_receipt("PID-1", "payment", {"lines": ["a"], "total": "150.00"})
    ledger.store_receipt("PID-1", "payment", {"lines": ["b"], "total": "150.00"})
    assert ledger.receipt("PID-1") == {"lines": ["b"], "total": "150.00"}
    assert ledger.receipt("nothing") is None


def test_audit_log_keeps_actor_action_detail(ledger: Ledger, clock: Clock) -> None:
    ledger.audit("tech", "service_mode.enter")
    clock.advance(5)
    ledger.audit("tech", "printer.paper_refilled", {"rolls": 1})
    log = ledger.audit_log()
    assert [(r.actor, r.action, r.detail) for r in log] == [
        ("tech", "service_mode.enter", {}),
        ("tech", "printer.paper_refilled", {"rolls": 1}),
    ]
    assert log[1].at == "2025-07-10T08:00:05.000Z"
