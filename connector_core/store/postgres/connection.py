"""PostgreSQL plumbing: a connection pool, the migration runner, and what a dropped connection means.

- A read is idempotent: a dropped connection is retried once on a fresh one.
- A write is one transaction (all or nothing). If the connection is found dead when the transaction
  begins, nothing was sent: the pool's other dead connections are dropped and it is retried on a fresh one;
  if it drops later, the server rolls the transaction back (or, at the very commit, may have applied it
  whole) and the caller gets `StoreUnavailable`: never a half write, and never a silent retry of something
  that may have been applied. A write that is the same whether it ran once or twice (`idempotent=True`,
  e.g. releasing a lease) is retried on a fresh connection instead. A deadlock or serialization
  failure rolled the transaction back whole, so it is run again (a few times).
- A write that is one statement (`one_statement=True`: a lease taken or released, a cursor, a run record, a
  shop's schedule) is sent without BEGIN/COMMIT: in autocommit one statement is its own transaction, all or
  nothing, in one round trip instead of three. Whether it was sent before a dead connection showed cannot be
  told, so such a write is retried after a drop only when it is also idempotent.
- A pool must not cross a fork: a child process that inherited the store opens a pool of its own.
Every message names the database as host:port, never the URL (it may hold a password).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from importlib import resources
from typing import Any, TypeVar

import psycopg
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool, PoolTimeout

from ...clock import Clock, SystemClock
from ..errors import StoreUnavailable
from ..locations import safe_location

T = TypeVar("T")
Row = dict[str, Any]
MIGRATION_LOCK = 7_406_431_121  # any constant: one process migrates a database at a time
MIGRATION_FILE = re.compile(r"^(\d{4})_(\w+)\.sql$")
CONNECT_TIMEOUT_SECONDS = 10
WRITE_ATTEMPTS = 5
IDEMPOTENT_ATTEMPTS = 3
"""Runs of an idempotent write whose connection dropped mid-transaction (each on a fresh connection)."""
"""Runs of a transaction that PostgreSQL rolled back for a deadlock or serialization failure."""
RETRYABLE = (psycopg.errors.DeadlockDetected, psycopg.errors.SerializationFailure)


class _NotBegun(Exception):
    """The connection was dead before the transaction began: nothing was sent."""


def migration_files() -> list[tuple[int, str, str]]:
    """(version, name, sql) of every migration shipped in connector_core/store/postgres/migrations."""
    found = []
    for entry in resources.files(__package__ + ".migrations").iterdir():
        match = MIGRATION_FILE.match(entry.name)
        if match:
            found.append((int(match.group(1)), match.group(2), entry.read_text(encoding="utf-8")))
    return sorted(found)


def _reason(exc: BaseException, url: str) -> str:
    """The first line of a driver error, with the URL's password (if any) blotted out."""
    text = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    password = psycopg.conninfo.conninfo_to_dict(url).get("password")
    return text.replace(str(password), "***") if password else text


class PostgresConnection:
    """The pool and transactions every PostgreSQL role shares."""

    def __init__(
        self, url: str, clock: Clock | None = None, *, max_connections: int = 16, wait_seconds: float = 10.0
    ) -> None:
        self.url = url
        self.where = safe_location(url)
        self.clock = clock or SystemClock()
        self._max_connections = max_connections
        self._wait_seconds = wait_seconds
        self._migrate()
        self._inherited: list[ConnectionPool[Any]] = []
        self._pool = self._open_pool()
        self._pid = os.getpid()

    def _open_pool(self) -> ConnectionPool[Any]:
        pool: ConnectionPool[Any] = ConnectionPool(
            self.url,
            min_size=1,
            max_size=self._max_connections,
            timeout=self._wait_seconds,
            kwargs={"autocommit": True, "row_factory": dict_row, "connect_timeout": CONNECT_TIMEOUT_SECONDS},
            configure=_configure,
            open=False,
            name=f"channel-connectors {self.where}",
        )
        try:
            pool.open(wait=True, timeout=self._wait_seconds)
        except PoolTimeout:
            pool.close()
            raise StoreUnavailable(self.where, "no connection could be opened in time") from None
        return pool

    def _pool_here(self) -> ConnectionPool[Any]:
        if self._pid != os.getpid():
            # Forked: the inherited connections are the parent's. Closing them would end the parent's
            # sessions, so they are set aside untouched and this process opens its own.
            self._inherited.append(self._pool)
            self._pool = self._open_pool()
            self._pid = os.getpid()
        return self._pool

    def _unavailable(self, exc: BaseException, what: str) -> StoreUnavailable:
        return StoreUnavailable(self.where, f"{what} ({_reason(exc, self.url)})")

    def _migrate(self) -> None:
        try:
            conn = psycopg.connect(self.url, autocommit=True, connect_timeout=CONNECT_TIMEOUT_SECONDS)
        except psycopg.OperationalError as exc:
            raise self._unavailable(exc, "cannot connect") from None
        try:
            with conn, conn.transaction():
                self._apply_migrations(conn)
        except psycopg.Error as exc:
            # One transaction: whatever failed (a dropped connection, a server restart, a statement the
            # server refused) rolled back whole. Workers retry `StoreUnavailable`, never a driver error.
            raise self._unavailable(exc, "the schema migration check failed; nothing was applied") from None

    @staticmethod
    def _apply_migrations(conn: psycopg.Connection[Any]) -> None:
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))
        conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, "
            "name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())"
        )
        applied = {row[0] for row in conn.execute("SELECT version FROM schema_migrations")}
        for version, name, sql in migration_files():
            if version not in applied:
                conn.execute(sql.encode("utf-8"))
                conn.execute("INSERT INTO schema_migrations (version, name) VALUES (%s, %s)", (version, name))

    @property
    def schema_version(self) -> int:
        row = self._read(lambda c: c.execute("SELECT max(version) AS v FROM schema_migrations").fetchone())
        return int(row["v"] or 0) if row else 0

    @property
    def latest_schema_version(self) -> int:
        return max(version for version, _, _ in migration_files())

    def close(self) -> None:
        if self._pid == os.getpid():
            self._pool.close()

    def _now(self) -> datetime:
        return self.clock.now()

    # --- running work --------------------------------------------------------------------------------

    def _read(self, work: Callable[[psycopg.Connection[Row]], T]) -> T:
        """Run an idempotent read; a dropped connection is retried once."""
        for attempt in (1, 2):
            try:
                with self._pool_here().connection() as conn:
                    return work(conn)
            except psycopg.OperationalError as exc:
                if attempt == 2:
                    raise self._unavailable(exc, "the connection dropped twice while reading") from None
            except PoolTimeout as exc:
                raise self._unavailable(exc, "no connection could be had") from None
        raise AssertionError("unreachable")

    def _write(
        self,
        work: Callable[[psycopg.Connection[Row]], T],
        *,
        idempotent: bool = False,
        one_statement: bool = False,
    ) -> T:
        """Run `work` in one transaction: again if it was rolled back whole (a dead connection before it
        began, a deadlock), never if it may have been applied, unless running it twice is harmless.
        `one_statement`: `work` sends a single statement, which autocommit makes its own transaction."""
        dead_before_begin = conflicts = dropped = 0
        while True:
            try:
                with self._pool_here().connection() as conn:
                    try:
                        if one_statement:
                            return work(conn)
                        with self._transaction(conn):
                            return work(conn)
                    except RETRYABLE as exc:
                        conflicts += 1
                        if conflicts >= WRITE_ATTEMPTS:
                            raise self._unavailable(
                                exc, "the write kept conflicting; nothing was applied"
                            ) from None
                        continue
                    except psycopg.OperationalError as exc:
                        if conn.broken and idempotent and dropped + 1 < IDEMPOTENT_ATTEMPTS:
                            dropped += 1
                            continue  # the pool discards the broken connection; the next one is fresh
                        if conn.broken:
                            raise self._unavailable(
                                exc,
                                "the connection dropped during a write, which was not confirmed: check and retry",
                            ) from None
                        raise self._unavailable(
                            exc, "the database refused the write; nothing was applied"
                        ) from None
            except _NotBegun as exc:
                dead_before_begin += 1
                if dead_before_begin >= 2:
                    raise self._unavailable(exc.__cause__ or exc, "cannot begin a transaction") from None
                # The server dropped one connection: it likely dropped its idle siblings too (a restart, a
                # failover). Drop every dead idle one now, so the retry gets a live connection.
                self._pool_here().check()
            except PoolTimeout as exc:
                raise self._unavailable(exc, "no connection could be had") from None

    @contextmanager
    def _transaction(self, conn: psycopg.Connection[Row]) -> Iterator[None]:
        transaction = conn.transaction()
        try:
            transaction.__enter__()  # sends BEGIN: fails here if the server already dropped us
        except psycopg.OperationalError as exc:
            raise _NotBegun() from exc
        try:
            yield
        except BaseException as exc:
            transaction.__exit__(type(exc), exc, exc.__traceback__)
            raise
        transaction.__exit__(None, None, None)

    def raw_dump(self) -> bytes:
        """Every row of every table of the store's schema, as PostgreSQL prints it (bytea in hex)."""

        def dump(conn: psycopg.Connection[Row]) -> bytes:
            tables = conn.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() "
                "ORDER BY table_name"
            ).fetchall()
            lines: list[str] = []
            for table in tables:
                name = psycopg.sql.Identifier(table["table_name"])
                query = psycopg.sql.SQL("SELECT t::text AS row FROM {} t").format(name)
                lines.extend(f"{table['table_name']}: {r['row']}" for r in conn.execute(query).fetchall())
            return "\n".join(lines).encode("utf-8")

        return self._read(dump)


def _configure(conn: psycopg.Connection[Any]) -> None:
    conn.execute("SET TIME ZONE 'UTC'")


def returned(row: Row | None) -> Row:
    """The row a RETURNING clause always yields (a statement that returned nothing is a bug, said loudly)."""
    if row is None:
        raise AssertionError("the statement returned no row")
    return row


def utc(value: datetime | None) -> datetime | None:
    return None if value is None else value.astimezone(timezone.utc)
