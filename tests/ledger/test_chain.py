"""Tampering with the journal file is detected by verify, which names the first broken row."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from kiosk.ledger import DB_NAME, Ledger
from kiosk.ledger.chain import GENESIS

from .helpers import insert_bills, paid_session


@pytest.fixture
def filled(ledger: Ledger) -> Ledger:
    for i in range(3):
        paid_session(ledger, f"SIM-H{i}")
    insert_bills(ledger, "S9", 10000, 5000, 2000)
    ledger.issue_voucher("S9", 17000, "change")
    ledger.collect("tech")
    return ledger


def _tamper(state_dir: Path, *sql: str) -> None:
    """Edit the file as an attacker with the sqlite3 shell would: triggers off, then write."""
    conn = sqlite3.connect(state_dir / DB_NAME)
    try:
        for name in [
            r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='trigger'")
        ]:
            conn.execute(f"DROP TRIGGER {name}")
        for statement in sql:
            conn.execute(statement)
        conn.commit()
    finally:
        conn.close()


def test_untouched_journal_verifies(filled: Ledger) -> None:
    report = filled.verify()
    assert report.ok, report.problems
    assert report.rows == {
        "credits": 9,
        "payments": 3,
        "allocations": 9,
        "vouchers": 1,
        "voucher_redemptions": 0,
        "collections": 1,
    }


def test_first_row_links_to_genesis(filled: Ledger) -> None:
    first = filled.store.conn.execute("SELECT prev_hash FROM credits WHERE id = 1").fetchone()[0]
    assert first == GENESIS


@pytest.mark.parametrize(
    ("sql", "table", "key"),
    [
        ("UPDATE credits SET amount = 50000 WHERE id = 4", "credits", "id=4"),
        ("UPDATE credits SET session_id = 'S9' WHERE id = 2", "credits", "id=2"),
        ("DELETE FROM credits WHERE id = 3", "credits", "id=4"),
        ("UPDATE allocations SET amount = 1 WHERE id = 5", "allocations", "id=5"),
        ("UPDATE vouchers SET amount = 99999", "vouchers", None),
        ("UPDATE collections SET actor = 'nobody'", "collections", "id=1"),
    ],
)
def test_tampered_row_is_named(
    filled: Ledger, state_dir: Path, sql: str, table: str, key: str | None
) -> None:
    _tamper(state_dir, sql)
    report = filled.verify()
    assert not report.ok
    first = report.problems[0]
    assert first.table == table
    if key is not None:
        assert first.key == key
    assert table in str(first)


def test_tampered_payment_content_is_named(filled: Ledger, state_dir: Path) -> None:
    pid = filled.payments()[1].payment_id
    _tamper(
        state_dir,
        f"UPDATE payments SET content = replace(content, '150.00', '15.00') "
        f"WHERE payment_id = '{pid}'",
    )
    report = filled.verify()
    assert report.problems[0].table == "payments"
    assert report.problems[0].key == f"payment_id={pid}"


def test_recomputed_row_hash_still_breaks_the_next_link(filled: Ledger, state_dir: Path) -> None:
    """Rewriting a row and its own hash is caught at the next row."""
    from kiosk.ledger.chain import row_hash

    conn = filled.store.conn
    row = dict(conn.execute("SELECT * FROM credits WHERE id = 2").fetchone())
    row["amount"] = 99900
    new_hash = row_hash(row["prev_hash"], "credits", row)
    _tamper(state_dir, f"UPDATE credits SET amount = 99900, hash = '{new_hash}' WHERE id = 2")
    first = filled.verify().problems[0]
    assert (first.table, first.key) == ("credits", "id=3")
    assert "chain broken" in first.problem


def test_money_invariant_break_is_reported(filled: Ledger) -> None:
    """An extra allocation appended with a valid hash still spends a credit twice."""
    from kiosk.ledger.chain import append

    with filled.store.write() as db:
        append(
            db,
            "allocations",
            {
                "id": 99,
                "credit_id": 1,
                "target_kind": "voucher",
                "target": "X",
                "amount": 10000,
                "at": "2025-07-10T08:00:00.000Z",
            },
        )
    problems = {(p.table, p.key) for p in filled.verify().problems}
    assert ("allocations", "credit_id=1") in problems
