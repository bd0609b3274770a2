"""SQLite plumbing: one connection per thread and process, write transactions, owner-only files."""

from __future__ import annotations

import os
import sqlite3
import stat
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

from ...clock import Clock, SystemClock
from .problems import as_store_error
from .schema import MIGRATIONS, migrate


def ts(moment: datetime | None) -> float | None:
    return None if moment is None else moment.timestamp()


def dt(value: float | None) -> datetime | None:
    return None if value is None else datetime.fromtimestamp(value, tz=timezone.utc)


def utc(value: float) -> datetime:
    return datetime.fromtimestamp(value, tz=timezone.utc)


def make_private(path: Path) -> None:
    """Create the database's folder 0700 (if we create it) and the file itself 0600, before SQLite opens it."""
    if not path.parent.exists():
        path.parent.mkdir(parents=True, mode=0o700, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    os.close(fd)
    # SQLite gives its -wal and -shm files the database file's mode, so this covers them too.
    if stat.S_IMODE(os.stat(path).st_mode) & 0o077:
        os.chmod(path, 0o600)


class SQLiteConnection:
    """The connection handling every SQLite role shares."""

    def __init__(self, path: Path, clock: Clock | None = None, *, migrate_to: int | None = None) -> None:
        self.path = path
        make_private(path)
        self.clock = clock or SystemClock()
        self._local = threading.local()
        with as_store_error(path), self._write() as conn:
            migrate(conn, migrate_to)

    def _connection(self) -> sqlite3.Connection:
        # A connection must not cross a fork: a child re-opens its own.
        owner = getattr(self._local, "pid", None)
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None or owner != os.getpid():
            with as_store_error(self.path):  # a locked, read-only or foreign file shows here first
                conn = sqlite3.connect(self.path, timeout=30.0, isolation_level=None)
                conn.row_factory = sqlite3.Row
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute("PRAGMA synchronous=NORMAL")
                conn.execute("PRAGMA foreign_keys=ON")
                conn.execute("PRAGMA busy_timeout=30000")
            self._local.conn = conn
            self._local.pid = os.getpid()
        return conn

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """A write transaction that takes the database's write lock up front (no upgrade deadlocks)."""
        conn = self._connection()
        with as_store_error(self.path):
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    def _now(self) -> float:
        return self.clock.now().timestamp()

    @property
    def schema_version(self) -> int:
        return int(self._connection().execute("PRAGMA user_version").fetchone()[0])

    @property
    def latest_schema_version(self) -> int:
        return len(MIGRATIONS)

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None and getattr(self._local, "pid", None) == os.getpid():
            conn.close()
        self._local = threading.local()

    def raw_dump(self) -> bytes:
        """Every row as SQL text (blobs in hex), plus the file bytes themselves: what an intruder would read."""
        conn = self._connection()
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        text = "\n".join(conn.iterdump()).encode("utf-8")
        return text + b"\n" + self.path.read_bytes()
