"""PaymentID minting: fixed content, atomic with the allocation and the outbox, never reused."""

from __future__ import annotations

import dataclasses
import re
import shutil
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from kiosk.ledger import DB_NAME, InsufficientCredit, Ledger, MintError
from kiosk.ledger.payments import confirmation_from_json, confirmation_to_json
from kiosk.mpay.confirmation import ConfirmationError
from kiosk.mpay.models import (
    ConfirmationLine,
    PaymentAccount,
    PaymentConfirmation,
    PaymentProperty,
)

from .conftest import Clock
from .helpers import SIM_AMOUNT, builder, insert_bills, paid_session, sim_order

_ID = re.compile(r"^TEST-01-[0-9A-HJKMNP-TV-Z]{8}-\d{6}$")


def test_mint_fixes_id_content_allocation_and_outbox_together(ledger: Ledger) -> None:
    p = paid_session(ledger, "SIM-P1", fee=500)
    assert _ID.match(p.payment_id) and len(p.payment_id) <= 36
    assert p.payment_id.endswith("-000001")
    assert (p.amount, p.fee, p.service_id, p.order_key) == (SIM_AMOUNT, 500, "MDS02", "SIM-P1")
    conf = p.confirmation
    assert conf.payment_id == p.payment_id
    assert conf.paid_at == datetime(2025, 7, 10, 8, 0, tzinfo=UTC)
    assert conf.total_amount == Decimal("150.00")
    assert ledger.payment(p.payment_id) == p
    assert ledger.balance(p.session_id) == 0  # 150.00 + 5.00 fee, all allocated
    entry = ledger.outbox_entry(p.payment_id)
    assert (entry.status, entry.attempts, entry.confirmation) == ("pending", 0, conf)


def test_sequence_counts_up_and_ids_are_unique(ledger: Ledger) -> None:
    ids = [paid_session(ledger, f"SIM-P{i}").payment_id for i in range(5)]
    assert len(set(ids)) == 5
    assert [i[-6:] for i in ids] == ["000001", "000002", "000003", "000004", "000005"]
    assert len({i.rsplit("-", 2)[1] for i in ids}) == 1  # one epoch per open


def test_stored_content_is_canonical_and_round_trips(ledger: Ledger) -> None:
    p = paid_session(ledger, "SIM-P2")
    text = ledger.store.conn.execute("SELECT content FROM payments").fetchone()[0]
    assert confirmation_to_json(confirmation_from_json(text)) == text
    assert confirmation_from_json(text) == p.confirmation


def test_round_trip_keeps_every_field() -> None:
    conf = PaymentConfirmation(
        payment_id="X-1",
        service_id="IGP01",
        order_key="K",
        paid_at=datetime(2025, 7, 10, 10, 51, 23, tzinfo=UTC),
        total_amount=Decimal("9267.00"),
        lines=(
            ConfirmationLine(
                line_id="L:1|a",
                amount=Decimal("9000.00"),
                destination_account=PaymentAccount(bank_code="B", beneficiary_name="Agenția"),
                properties=(PaymentProperty(name="Cont beneficiar", value="MD00"),),
            ),
            ConfirmationLine(line_id="L2", amount=Decimal("267.00")),
        ),
        invoice_id="INV-9",
        properties=(
            PaymentProperty(name="HO:Telephone", value="+373 ţ"),
            PaymentProperty(name="n"),
        ),
    )
    assert confirmation_from_json(confirmation_to_json(conf)) == conf


def test_not_enough_credit_mints_nothing(ledger: Ledger) -> None:
    sid = ledger.begin_session()
    insert_bills(ledger, sid, 10000)
    with pytest.raises(InsufficientCredit):
        ledger.mint_payment(sid, builder(sim_order("SIM-P3"), SIM_AMOUNT))
    assert ledger.payments() == [] and ledger.outbox_entries() == []
    assert ledger.balance(sid) == 10000
    insert_bills(ledger, sid, 5000, prefix="more")
    assert ledger.mint_payment(sid, builder(sim_order("SIM-P3"), SIM_AMOUNT)).amount == SIM_AMOUNT


def test_builder_failure_mints_nothing(ledger: Ledger) -> None:
    sid = ledger.begin_session()
    insert_bills(ledger, sid, 20000)
    with pytest.raises(ConfirmationError):  # the real builder refuses 2.00 over a 150.00 order
        ledger.mint_payment(sid, builder(sim_order("SIM-P4"), 20000))
    assert ledger.payments() == [] and ledger.balance(sid) == 20000


@pytest.mark.parametrize(
    ("change", "match"),
    [
        ({"payment_id": "OTHER"}, "PaymentID"),
        ({"paid_at": datetime(2020, 1, 1, tzinfo=UTC)}, "paid_at"),
        ({"total_amount": Decimal("140.00")}, "add up"),
        ({"total_amount": Decimal("150.001")}, "amount"),
        ({"lines": ()}, "no lines"),
    ],
)
def test_builder_content_that_does_not_match_is_refused(
    ledger: Ledger, change: dict[str, object], match: str
) -> None:
    sid = ledger.begin_session()
    insert_bills(ledger, sid, 15000)
    real = builder(sim_order("SIM-P5"), SIM_AMOUNT)

    def bad(pid: str, at: datetime) -> PaymentConfirmation:
        return dataclasses.replace(real(pid, at), **change)  # type: ignore[arg-type]

    with pytest.raises(MintError, match=match):
        ledger.mint_payment(sid, bad)
    assert ledger.payments() == []


def test_ledger_without_terminal_id_cannot_mint(state_dir: Path) -> None:
    with Ledger.open(state_dir) as led:
        insert_bills(led, "S1", 15000)
        with pytest.raises(MintError, match="terminal id"):
            led.mint_payment("S1", builder(sim_order("SIM-P6"), SIM_AMOUNT))


def test_bad_terminal_id_is_refused(state_dir: Path) -> None:
    with pytest.raises(ValueError, match="terminal id"):
        Ledger.open(state_dir, terminal_id="WAY-TOO-LONG-TERMINAL-ID")


def test_restoring_an_old_backup_never_reuses_a_payment_id(tmp_path: Path, clock: Clock) -> None:
    state = tmp_path / "state"
    with Ledger.open(state, terminal_id="TEST-01", clock=clock) as led:
        first = paid_session(led, "SIM-R1").payment_id
        led.store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        shutil.copy(state / DB_NAME, tmp_path / "backup.sqlite3")
        later = [paid_session(led, f"SIM-R{i}").payment_id for i in range(2, 5)]
    # Disaster: the journal is replaced by the old backup (the three later ids are lost).
    for f in state.iterdir():
        f.unlink()
    shutil.copy(tmp_path / "backup.sqlite3", state / DB_NAME)
    with Ledger.open(state, terminal_id="TEST-01", clock=clock) as led:
        assert [p.payment_id for p in led.payments()] == [first]
        fresh = [paid_session(led, f"SIM-N{i}").payment_id for i in range(3)]
    assert not set(fresh) & set(later + [first])
    assert fresh[0].endswith("-000001")  # a new epoch, so its own sequence


def test_each_open_gets_its_own_epoch(state_dir: Path, clock: Clock) -> None:
    epochs = set()
    for i in range(3):
        with Ledger.open(state_dir, terminal_id="TEST-01", clock=clock) as led:
            epochs.add(paid_session(led, f"SIM-E{i}").payment_id.split("-")[2])
    assert len(epochs) == 3
