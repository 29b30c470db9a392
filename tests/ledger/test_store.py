"""The journal file: WAL + synchronous=FULL on every open, 0700 state dir, migrations, triggers."""

from __future__ import annotations

import sqlite3
import stat
from pathlib import Path

import pytest

from kiosk.ledger import DB_NAME, Ledger, SchemaError
from kiosk.ledger.schema import MIGRATIONS
from kiosk.ledger.store import Store

from .helpers import insert_bills


def test_fresh_state_dir_is_private_and_journal_is_wal_full(tmp_path: Path) -> None:
    state = tmp_path / "a" / "state"
    with Ledger.open(state) as led:
        conn = led.store.conn
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        assert conn.execute("PRAGMA user_version").fetchone()[0] == MIGRATIONS[-1][0]
    assert stat.S_IMODE(state.stat().st_mode) == 0o700
    assert (state / DB_NAME).exists()


def test_synchronous_full_is_set_again_on_reopen(state_dir: Path) -> None:
    Ledger.open(state_dir).close()
    with Ledger.open(state_dir) as led:
        assert led.store.conn.execute("PRAGMA synchronous").fetchone()[0] == 2
        assert led.store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_state_path_that_is_a_file_is_refused(tmp_path: Path) -> None:
    bogus = tmp_path / "state"
    bogus.write_text("not a directory")
    with pytest.raises(SchemaError, match="not a directory"):
        Ledger.open(bogus)


def test_rows_survive_close_and_reopen(state_dir: Path) -> None:
    with Ledger.open(state_dir) as led:
        insert_bills(led, "S1", 10000, 20000)
    with Ledger.open(state_dir) as led:
        assert [c.amount for c in led.credits("S1")] == [10000, 20000]


def test_migration_backs_up_first_and_applies_in_order(state_dir: Path) -> None:
    with Ledger.open(state_dir) as led:
        insert_bills(led, "S1", 10000)
    v2 = (2, "CREATE TABLE extra_v2 (id INTEGER PRIMARY KEY);")
    with Ledger.open(state_dir, migrations=(*MIGRATIONS, v2)) as led:
        assert led.store.version == 2
        assert led.store.backup is not None and led.store.backup.exists()
        backup = led.store.backup
    # The backup is the v1 file, complete and readable on its own.
    conn = sqlite3.connect(backup)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
        assert conn.execute("SELECT amount FROM credits").fetchall() == [(10000,)]
    finally:
        conn.close()
    # Already migrated: opening again does nothing more.
    with Ledger.open(state_dir, migrations=(*MIGRATIONS, v2)) as led:
        assert led.store.backup is None


def test_failed_migration_leaves_the_journal_as_it_was(state_dir: Path) -> None:
    with Ledger.open(state_dir) as led:
        insert_bills(led, "S1", 10000)
    broken = (2, "CREATE TABLE ok_part (id INTEGER); THIS IS NOT SQL;")
    with pytest.raises(SchemaError, match="version 2"):
        Ledger.open(state_dir, migrations=(*MIGRATIONS, broken))
    with Ledger.open(state_dir) as led:
        assert led.store.version == 1
        tables = {r[0] for r in led.store.conn.execute("SELECT name FROM sqlite_master")}
        assert "ok_part" not in tables
        assert led.balance("S1") == 10000


def test_newer_schema_is_refused_untouched(state_dir: Path) -> None:
    Ledger.open(state_dir).close()
    conn = sqlite3.connect(state_dir / DB_NAME)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    with pytest.raises(SchemaError, match="newer"):
        Ledger.open(state_dir)
    conn = sqlite3.connect(state_dir / DB_NAME)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 99
    conn.close()


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE credits SET amount = 1",
        "DELETE FROM credits",
        "UPDATE payments SET amount = 1",
        "DELETE FROM allocations",
        "UPDATE vouchers SET amount = 1",
        "DELETE FROM outbox",
        "UPDATE outbox SET status = 'pending'",
    ],
)
def test_money_rows_cannot_be_rewritten_through_sql(ledger: Ledger, sql: str) -> None:
    from .helpers import paid_session

    payment = paid_session(ledger, "SIM-T1")
    ledger.record_attempt(payment.payment_id, outcome="confirmed", started_at=0.0, evidence=None)
    sid = ledger.begin_session()
    insert_bills(ledger, sid, 5000)
    ledger.issue_voucher(sid, 5000, "test")
    refused = pytest.raises(
        sqlite3.IntegrityError, match="append-only|never deleted|stays confirmed"
    )
    with refused, ledger.store.write() as db:
        db.execute(sql)


def test_nested_write_joins_and_rolls_back_together(ledger: Ledger) -> None:
    with pytest.raises(RuntimeError), ledger.store.write():
        insert_bills(ledger, "S1", 10000)  # a nested write() inside
        raise RuntimeError("abort the outer transaction")
    assert ledger.credits("S1") == []


def test_store_open_on_unreadable_file_raises(tmp_path: Path) -> None:
    path = tmp_path / DB_NAME
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(sqlite3.DatabaseError):
        Store.open(path)
