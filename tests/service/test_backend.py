"""LedgerServiceBackend over a real configuration, a real journal and a virtual printer."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from kiosk.card import TerminalStatus
from kiosk.config import Config
from kiosk.ledger import Ledger
from kiosk.receipts import VirtualPrinter, receipt_from_dict
from kiosk.receipts.interpreter import interpret
from kiosk.receipts.profiles import profile_from_config
from kiosk.service import (
    ACCEPT_BILL,
    CARD_STATUS,
    OUT_OF_SERVICE,
    PRINT_TEST,
    RELOAD_CONFIG,
    RESTART,
    SAVE_PORTS,
    ActionResult,
    LedgerServiceBackend,
    PinOutcome,
    ServiceLocked,
)
from tests.ledger.conftest import Clock

from .helpers import BILLS, COINS, PIN, fill_cash, parked_payment


def _backend(config: Config, ledger: Ledger, clock: Clock, **kwargs: Any) -> LedgerServiceBackend:
    return LedgerServiceBackend(config, ledger, clock=clock, candidates=lambda: [], **kwargs)


def _entered(config: Config, ledger: Ledger, clock: Clock, **kwargs: Any) -> LedgerServiceBackend:
    backend = _backend(config, ledger, clock, **kwargs)
    assert backend.enter(PIN).ok
    return backend


def test_entry_is_refused_while_a_payer_has_money_in_flight(
    config: Config, ledger: Ledger, clock: Clock
) -> None:
    ledger.record_credit("PAYER", source="bill", amount=10000, device="ccnet", ref="b1")
    backend = _backend(config, ledger, clock)
    assert backend.money_in_flight()
    result = backend.enter(PIN)
    assert result.outcome is PinOutcome.BUSY and not backend.entered
    assert backend.pin_state().attempts_left == 3  # nothing was counted
    assert ledger.audit_log()[-1].action == "service.entry_refused"
    ledger.issue_voucher("PAYER", 10000, "cancelled")  # the session ends: the money is settled
    assert not backend.money_in_flight() and backend.enter(PIN).ok


def test_the_runtime_can_say_money_is_in_flight(config: Config, ledger: Ledger, clock: Clock) -> None:
    backend = _backend(config, ledger, clock, money_in_flight=lambda: True)
    assert backend.enter(PIN).outcome is PinOutcome.BUSY


def test_nothing_works_before_a_pin_was_accepted(config: Config, ledger: Ledger, clock: Clock) -> None:
    backend = _backend(config, ledger, clock)
    for call in (backend.cash_box, backend.devices, backend.health, backend.outbox,
                 lambda: backend.collect(None), backend.restart, lambda: backend.retry("X")):
        with pytest.raises(ServiceLocked):
            call()
    assert backend.enter("0000").outcome is PinOutcome.WRONG
    with pytest.raises(ServiceLocked):
        backend.cash_box()


def test_a_collection_that_reconciles_prints_its_receipt(
    config: Config, ledger: Ledger, clock: Clock, tmp_path: Path
) -> None:
    total = fill_cash(ledger)
    printer = VirtualPrinter(tmp_path / "paper")
    backend = _entered(config, ledger, clock, printer=printer)
    box = backend.cash_box()
    assert box.total() == total == 90_700 and box.counts["bill"] == {10000: 2, 20000: 1, 50000: 1}
    counted = {"bill": {10000: 2, 20000: 1, 50000: 1}, "coin": {100: 2, 500: 1}}
    outcome = backend.collect(counted)
    c = outcome.collection
    assert c.balanced and c.expected_total == c.counted_total == total
    assert outcome.printed is True
    assert backend.cash_box().total() == 0  # a new period starts
    stored = ledger.receipt(f"collection-{c.id}")
    assert stored is not None
    receipt = receipt_from_dict(stored)
    assert receipt.expected_total == total and receipt.counted_total == total
    jobs = sorted((tmp_path / "paper").glob("*.bin"))
    assert [p.name for p in jobs] == ["1-collection-1.bin"]
    text = interpret(jobs[0].read_bytes(), profile_from_config(config.printer)).text
    assert "907,00" in text
    actions = [r.action for r in ledger.audit_log()]
    assert actions[-2:] == ["cashbox.collect", "service.collection_receipt"]


def test_a_collection_that_does_not_reconcile_reports_both_disagreements(
    config: Config, ledger: Ledger, clock: Clock, tmp_path: Path
) -> None:
    fill_cash(ledger)
    device = {"bill": {10000: 2, 20000: 1, 50000: 1}, "coin": {100: 1, 500: 1}}  # a coin missed
    printer = VirtualPrinter(tmp_path / "paper")
    backend = _entered(config, ledger, clock, printer=printer, device_counters=lambda: device)
    outcome = backend.collect({"bill": {10000: 1, 20000: 1, 50000: 1}})  # a 100 lei bill missing
    c = outcome.collection
    assert not c.balanced
    found = {(d.against, d.source, d.denomination, d.expected, d.found) for d in c.discrepancies}
    assert found == {("counted", "bill", 10000, 2, 1), ("device", "coin", 100, 2, 1)}
    assert c.counted_total == 80_000 and c.expected_total == sum(BILLS) + sum(COINS)
    receipt = receipt_from_dict(ledger.receipt(f"collection-{c.id}") or {})
    assert receipt.counted_total == 90_600  # the receipt lists what the devices counted
    assert outcome.printed is True


def test_without_a_printer_the_collection_is_still_recorded(
    config: Config, ledger: Ledger, clock: Clock
) -> None:
    fill_cash(ledger)
    outcome = _entered(config, ledger, clock).collect(None)
    assert outcome.printed is None and outcome.collection.balanced
    assert outcome.collection.counted is None


def test_a_paper_out_printer_does_not_lose_the_collection(
    config: Config, ledger: Ledger, clock: Clock, tmp_path: Path
) -> None:
    fill_cash(ledger)
    printer = VirtualPrinter(tmp_path / "paper", paper=False)
    outcome = _entered(config, ledger, clock, printer=printer).collect(None)
    assert outcome.printed is False and outcome.print_detail == "paper_out"
    assert ledger.collections()[-1].id == outcome.collection.id


def test_actions_without_their_runtime_callable_are_unavailable(
    config: Config, ledger: Ledger, clock: Clock
) -> None:
    backend = _entered(config, ledger, clock)
    for action in (ACCEPT_BILL, CARD_STATUS, PRINT_TEST, RESTART, RELOAD_CONFIG, OUT_OF_SERVICE,
                   SAVE_PORTS):
        assert not backend.available(action), action
    result = backend.test_device("bill_validator")
    assert not result.ok and result.key == "service.result.unavailable"
    assert backend.restart().key == "service.result.unavailable"
    assert ledger.audit_log()[-1].action == "service.restart"


def test_runtime_callables_are_normalised_and_audited(
    config: Config, ledger: Ledger, clock: Clock, tmp_path: Path
) -> None:
    calls: list[Any] = []

    def accept_one(device: str) -> ActionResult:
        calls.append(("accept", device))
        return ActionResult(ok=True, key="service.result.done", detail="100.00 MDL stacked")

    def boom() -> None:
        raise RuntimeError("systemctl failed")

    backend = _entered(
        config, ledger, clock,
        accept_one=accept_one,
        card_status=lambda: TerminalStatus(ready=True, key="ready", terminal_id="T1", detail="sw 1"),
        restart=boom,
        reload_config=lambda: None,
        out_of_service=lambda on, message: calls.append(("oos", on, message)),
        printer=VirtualPrinter(tmp_path / "paper"),
        config_path=tmp_path / "kiosk.toml",
    )
    assert backend.test_device("bill_validator").detail == "100.00 MDL stacked"
    card = backend.test_device("card_terminal")
    assert card.ok and card.key == "card.terminal.ready" and "T1" in card.detail
    printed = backend.test_device("printer")
    assert printed.ok and printed.key == "service.result.printed"
    assert (tmp_path / "paper" / "1-test-ticket.bin").exists()
    failed = backend.restart()
    assert not failed.ok and "systemctl failed" in failed.detail
    assert backend.reload_config().ok
    assert backend.set_out_of_service(True, "  Lucrări de întreținere  ").ok
    assert backend.out_of_service() == (True, "Lucrări de întreținere")
    backend.set_out_of_service(False, "")
    assert backend.out_of_service() == (False, "")
    assert calls == [("accept", "bill"), ("oos", True, "Lucrări de întreținere"), ("oos", False, "")]
    actions = [r.action for r in ledger.audit_log()]
    assert actions[1:] == [
        "service.accept_bill", "service.card_status", "service.print_test", "service.restart",
        "service.reload_config", "service.out_of_service", "service.out_of_service"]
    restart = ledger.audit_log()[4]
    assert restart.detail["ok"] is False and "systemctl" in restart.detail["detail"]


def test_devices_merge_the_configuration_with_live_states(
    config: Config, ledger: Ledger, clock: Clock
) -> None:
    class Live:  # the shape of the runtime's DeviceState
        def __init__(self) -> None:
            self.frames = ["TX 02 03 06 33 DA 81", "RX 02 03 06 47 50 1C 6C"]

        def to_dict(self) -> dict[str, Any]:
            return {"name": "bill", "protocol": "ccnet", "port": "/dev/ttyUSB0", "connected": True,
                    "fault": "drop cassette jammed", "last_error": None,
                    "identity": {"part": "SM-MD1701"}}

    backend = _entered(config, ledger, clock, device_states=lambda: {"bill": Live()})
    views = {v.name: v for v in backend.devices()}
    assert set(views) == {"bill_validator", "coin_acceptor", "card_terminal", "printer"}
    bill = views["bill_validator"]
    assert (bill.state, bill.port, bill.last_error) == ("fault", "/dev/ttyUSB0", "drop cassette jammed")
    assert bill.frames[-1].startswith("RX") and bill.identity == {"part": "SM-MD1701"}
    assert views["coin_acceptor"].state == "unknown" and views["coin_acceptor"].port == "emulated"
    assert views["printer"].state == "unknown" and not views["printer"].test_available


def test_retry_requeues_a_parked_confirmation(config: Config, ledger: Ledger, clock: Clock) -> None:
    payment = parked_payment(ledger)
    backend = _entered(config, ledger, clock)
    [entry] = backend.outbox()
    assert entry.status == "needs_technician" and entry.last_error == "signature rejected"
    result = backend.retry(payment.payment_id)
    assert result.ok and result.fields["payment_id"] == payment.payment_id
    assert ledger.outbox_entry(payment.payment_id).status == "pending"
    assert "outbox.requeue" in [r.action for r in ledger.audit_log()]
    missing = backend.retry("NOPE-1")
    assert not missing.ok and missing.key == "service.result.failed"


def test_vouchers_outstanding_and_health(config: Config, ledger: Ledger, clock: Clock) -> None:
    fill_cash(ledger)
    backend = _entered(config, ledger, clock, mpay_reachable=lambda: False)
    [voucher] = backend.vouchers_outstanding()
    assert voucher.amount == 90_700
    facts = backend.health()
    assert facts["vouchers"] == {"outstanding": 1, "outstanding_amount": "907.00"}
    assert facts["mpay"]["reachable"] is False
    assert {"code": "mpay.unreachable", "kind": "remote",
            "detail": config.mpay.endpoint} in facts["problems"]


def test_leaving_is_audited_once(config: Config, ledger: Ledger, clock: Clock) -> None:
    backend = _entered(config, ledger, clock)
    backend.leave("timeout")
    backend.leave("exit")
    assert [(r.action, r.detail) for r in ledger.audit_log()][-1] == ("service.exit", {"reason": "timeout"})
    with pytest.raises(ServiceLocked):
        backend.cash_box()
