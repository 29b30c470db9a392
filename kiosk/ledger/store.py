"""The journal file: one SQLite database, WAL, ``synchronous=FULL``, versioned and migrated.

Durability (specs/stack.md section 6): WAL + FULL costs one fdatasync per commit, so a call
that returned has its rows on disk. ``synchronous`` is per connection and is set (and read
back) on every open. Migrations run at open, each in its own transaction, after a consistent
backup of the file (``journal.sqlite3.v<N>-<time>.bak``, made with SQLite's online backup).

Threads: one connection (``check_same_thread=False``) guarded by one re-entrant lock. Every
read or write runs inside ``read()`` / ``write()``, which hold the lock for the whole
transaction, so device worker threads, the outbox worker and the UI thread take turns; none of
them holds it across network or device I/O. ``write()`` uses ``BEGIN IMMEDIATE`` so that another
process on the same file (a ``kiosk`` command run by a technician) waits for the write lock
(``busy_timeout``) instead of failing half-way; nested ``write()`` calls join the outer
transaction.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType

from sqlite_utils import Database

from kiosk.ledger.errors import SchemaError
from kiosk.ledger.schema import MIGRATIONS

__all__ = ["Store", "DB_NAME", "utc_iso", "ensure_private_dir"]

DB_NAME = "journal.sqlite3"


def utc_iso(ts: float) -> str:
    """POSIX seconds to ``2025-07-10T07:51:23.123Z``."""
    return datetime.fromtimestamp(ts, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def ensure_private_dir(path: Path) -> Path:
    """Create ``path`` with mode 0700 if missing (an existing directory is left as it is)."""
    if not path.exists():
        path.mkdir(parents=True, mode=0o700)
        with contextlib.suppress(OSError):
            _fsync_dir(path.parent)
    elif not path.is_dir():
        raise SchemaError(f"state path {path} exists and is not a directory")
    return path


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class Store:
    """The open journal. ``db`` is the sqlite-utils Database over the one connection."""

    def __init__(self, db: Database, path: Path, backup: Path | None) -> None:
        self.db = db
        self.path = path
        #: The backup taken before this open migrated the file, if any.
        self.backup = backup
        self._lock = threading.RLock()
        self._depth = 0

    @classmethod
    def open(
        cls,
        path: Path,
        *,
        migrations: tuple[tuple[int, str], ...] = MIGRATIONS,
        busy_timeout_s: float = 10.0,
    ) -> Store:
        """Open (creating if needed) and migrate the journal at ``path``.

        Raises SchemaError if the file is from a newer build or a migration fails (the file is
        then unchanged: each migration is one transaction).
        """
        fresh = not path.exists()
        conn = sqlite3.connect(
            str(path), check_same_thread=False, isolation_level=None, timeout=busy_timeout_s
        )
        try:
            conn.row_factory = sqlite3.Row
            db = Database(conn, execute_plugins=False)
            db.enable_wal()
            db.execute("PRAGMA synchronous=FULL")
            db.execute("PRAGMA foreign_keys=ON")
            if db.execute("PRAGMA synchronous").fetchone()[0] != 2:
                raise SchemaError("SQLite refused synchronous=FULL")
            if fresh:
                with contextlib.suppress(OSError):
                    os.chmod(path, 0o600)
                    _fsync_dir(path.parent)
            backup = _migrate(db, path, migrations)
        except BaseException:
            conn.close()
            raise
        return cls(db, path, backup)

    @property
    def conn(self) -> sqlite3.Connection:
        return self.db.conn

    @property
    def version(self) -> int:
        with self.read() as db:
            return int(db.execute("PRAGMA user_version").fetchone()[0])

    def write(self) -> _Transaction:
        """One write transaction (BEGIN IMMEDIATE ... COMMIT); rolled back on any exception.
        Nested ``write()``/``read()`` blocks join the outer transaction."""
        return _Transaction(self, "BEGIN IMMEDIATE")

    def read(self) -> _Transaction:
        """A consistent snapshot for several SELECTs (joins an outer transaction)."""
        return _Transaction(self, "BEGIN")

    def close(self) -> None:
        with self._lock:
            self.db.close()


class _Transaction:
    """The context manager behind ``Store.write()`` / ``read()`` (a class: this is the hot
    path of every credit, and a generator-based one costs measurably more)."""

    __slots__ = ("_store", "_begin")

    def __init__(self, store: Store, begin: str) -> None:
        self._store = store
        self._begin = begin

    def __enter__(self) -> Database:
        store = self._store
        store._lock.acquire()
        if store._depth:
            store._depth += 1
            return store.db
        try:
            store.db.conn.execute(self._begin)
        except BaseException:
            store._lock.release()
            raise
        store._depth = 1
        return store.db

    def __exit__(
        self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None
    ) -> None:
        store = self._store
        conn = store.db.conn
        try:
            store._depth -= 1
            if store._depth:
                return
            if et is None:
                try:
                    conn.execute("COMMIT")
                except BaseException:
                    if conn.in_transaction:
                        conn.execute("ROLLBACK")
                    raise
            elif conn.in_transaction:
                conn.execute("ROLLBACK")
        finally:
            store._lock.release()


def _migrate(db: Database, path: Path, migrations: tuple[tuple[int, str], ...]) -> Path | None:
    latest = migrations[-1][0] if migrations else 0
    current = int(db.execute("PRAGMA user_version").fetchone()[0])
    if current > latest:
        raise SchemaError(
            f"{path} has schema version {current}, newer than this build's {latest}: "
            "refusing to touch it (install the newer build, or restore a matching backup)"
        )
    if current == latest:
        return None
    backup = None
    if current > 0:
        stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
        backup = path.with_name(f"{path.name}.v{current}-{stamp}.bak")
        target = sqlite3.connect(str(backup))
        try:
            db.conn.backup(target)
        finally:
            target.close()
        with open(backup, "rb+") as fh:
            os.fsync(fh.fileno())
    for version, sql in migrations:
        db.conn.execute("BEGIN IMMEDIATE")
        try:
            # Re-read inside the write lock: another process may have migrated meanwhile.
            now_at = int(db.execute("PRAGMA user_version").fetchone()[0])
            if version > now_at:
                db.executescript(sql)
                db.execute(f"PRAGMA user_version = {int(version)}")
            db.conn.execute("COMMIT")
        except sqlite3.Error as exc:
            db.conn.execute("ROLLBACK")
            raise SchemaError(f"migration to schema version {version} failed: {exc}") from exc
    return backup
