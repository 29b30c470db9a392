"""Whole payer sessions through the real runtime: drivers over pseudo-terminals, real SOAP to
the loopback sandbox, the SQLite journal, the virtual printer."""

from __future__ import annotations

import pytest

from kiosk.ledger import VoucherRefused
from kiosk.mpay.sandbox_data import sim_order_key
from kiosk.receipts.interpreter import interpret
from kiosk.session import events as ev
from kiosk.session.view import Screen
from tests.runtime.conftest import wait_until

pytestmark = pytest.mark.slow


def _wait_confirmed(ledger, payment_id: str, timeout: float = 10.0) -> str:
    wait_until(lambda: ledger.outbox_entry(payment_id).status != "pending", timeout,
               f"{payment_id} to settle")
    return ledger.outbox_entry(payment_id).status


def test_cash_payment_is_journalled_confirmed_once_and_printed(terminal):
    result = terminal.payer.pay("IGP01", sim_order_key("IGP01", 1), method="cash")
    assert result.outcome == "paid"
    assert result.inserted == 15350  # 150.00 + fee 2.00 + 1% = 3.50
    payment = terminal.ledger.payment(result.payment_id)
    assert payment.amount == 15000 and payment.fee == 350
    assert _wait_confirmed(terminal.ledger, result.payment_id) == "confirmed"
    sandbox = terminal.world.sandbox.confirmations()
    assert [c.payment_id for c in sandbox] == [result.payment_id]
    credits = terminal.ledger.export()["credits"]
    assert sum(int(c["amount"].replace(".", "")) for c in credits) == 15350
    assert {c["source"] for c in credits} == {"bill", "coin"}  # 50 bani only comes as a coin
    # the receipt was kept for reprints and printed
    assert terminal.ledger.receipt(result.payment_id) is not None
    jobs = sorted((terminal.state_dir / "receipts").glob("*.bin"))
    assert jobs, "no receipt printed"
    text = interpret(jobs[-1].read_bytes(), terminal.world.printer.profile).text
    assert result.payment_id in text
    assert terminal.ledger.verify().ok


def test_card_payment_journals_the_approval_and_prints_the_card_data(terminal):
    result = terminal.payer.pay("MDS02", sim_order_key("MDS02", 2), method="card")
    assert result.outcome == "paid"
    credits = terminal.ledger.export()["credits"]
    assert [c["source"] for c in credits] == ["card"]
    assert terminal.ledger.pending_card_approvals() == []
    stored = terminal.ledger.receipt(result.payment_id)
    assert "411111******1111" in str(stored) or "1111" in str(stored)
    assert "4111111111111111" not in str(terminal.ledger.export())  # never a full PAN


def test_coins_only(terminal):
    result = terminal.payer.pay("MDS02", sim_order_key("MDS02", 3), method="coins")
    assert result.outcome == "paid"
    credits = terminal.ledger.export()["credits"]
    assert {c["source"] for c in credits} == {"coin"}
    assert sum(int(c["amount"].replace(".", "")) for c in credits) == 15000


def test_giving_up_with_money_in_makes_a_voucher_that_pays_later(terminal):
    p = terminal.payer
    p.to_method("MDS02", sim_order_key("MDS02", 4), "en")
    p.start_cash()
    terminal.world.insert_bill(10000)
    p.wait(lambda v: v.cash is not None and v.cash.inserted == 10000, "100 lei in")
    p.send(ev.TakeVoucher())
    v = p.wait_screen(Screen.RESULT)
    assert v.result is not None and v.result.voucher is not None
    code, amount = v.result.voucher.code, v.result.voucher.amount
    assert amount == 10000
    assert terminal.ledger.payments() == []
    p.send(ev.Done())
    # the voucher pays the next order; the rest in cash
    p.to_method("MDS02", sim_order_key("MDS02", 5), "en")
    p.send(ev.MethodChosen(method="voucher"))
    p.wait_screen(Screen.VOUCHER_CODE)
    p.send(ev.VoucherCodeEntered(code=code))
    p.wait(lambda v: v.payment is not None and v.payment.inserted == 10000, "voucher credited")
    # a second redemption of the same code is refused by the journal
    with pytest.raises(VoucherRefused):
        terminal.ledger.redeem_voucher(code, "someone-else")
    p.wait_screen(Screen.METHOD, Screen.CASH)
    if p.view.screen is Screen.METHOD:
        p.start_cash()
    terminal.world.insert_bill(5000)
    v = p.wait_screen(Screen.RESULT)
    assert v.result is not None and v.result.outcome.value == "paid"
    payments = terminal.ledger.payments()
    assert len(payments) == 1 and payments[0].amount == 15000
    assert terminal.ledger.verify().ok


def test_lookup_of_an_unknown_order_is_an_error_screen_with_nothing_journalled(terminal):
    result = terminal.payer.pay("MDS02", "NO-SUCH-ORDER-1", method="cash")
    assert result.outcome in ("not_found", "error")
    assert terminal.ledger.export()["credits"] == []


def test_network_down_payment_is_pending_then_confirmed_when_back(terminal):
    # the lookup needs MPay: look the order up first, then cut the network before paying
    p = terminal.payer
    p.to_method("MDS02", sim_order_key("MDS02", 7), "ro")
    terminal.world.network(False)
    p.send(ev.MethodChosen(method="card"))
    v = p.wait_screen(Screen.RESULT, timeout=40)
    assert v.result is not None
    assert v.result.confirmation.value == "pending"
    pid = v.result.payment_id
    assert terminal.ledger.outbox_entry(pid).status == "pending"
    terminal.world.network(True)
    terminal.runtime.outbox.wake()
    assert _wait_confirmed(terminal.ledger, pid, timeout=30) == "confirmed"


def test_a_declined_card_says_why_and_the_payer_pays_cash_instead(terminal):
    p = terminal.payer
    terminal.world.card.next_outcome = "decline:51"  # insufficient funds
    p.to_method("MDS02", sim_order_key("MDS02", 8), "en")
    p.send(ev.MethodChosen(method="card"))
    v = p.wait(lambda v: v.screen is Screen.METHOD and v.notice_key is not None, "decline notice")
    assert v.notice_key.startswith("card.reason.")
    assert terminal.ledger.export()["credits"] == []  # nothing charged, nothing journalled
    p.start_cash()
    terminal.world.insert_bill(20000)
    v = p.wait_screen(Screen.RESULT)
    assert v.result.outcome.value == "paid" and v.result.voucher is not None
    assert v.result.voucher.amount == 5000  # 200.00 in for 150.00: the change is a voucher
    assert [pm.amount for pm in terminal.ledger.payments()] == [15000]
    assert [vc.amount for vc in terminal.ledger.vouchers()] == [5000]


def test_paper_out_is_told_up_front_and_the_receipt_is_kept_for_a_reprint(terminal):
    p = terminal.payer
    terminal.world.paper(False)
    p.wait(lambda v: not v.printer_ok, "the printer to be known out of paper", timeout=10)
    result = p.pay("MDS02", sim_order_key("MDS02", 9), method="card")
    assert result.outcome == "paid"
    assert not list((terminal.state_dir / "receipts").glob("*.bin"))  # nothing printed
    # what the screen offered instead (QR of the PaymentID) is what a reprint prints later
    from kiosk.receipts import render
    from kiosk.receipts.from_ledger import receipt_for

    receipt = receipt_for(terminal.ledger, terminal.world.config, result.payment_id)
    text = interpret(render(receipt, terminal.world.printer.profile),
                     terminal.world.printer.profile).text
    assert result.payment_id in text and "MDS02" in text
    terminal.world.paper(True)
    p.wait(lambda v: v.printer_ok, "paper back", timeout=10)
