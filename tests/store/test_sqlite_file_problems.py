"""SQLite's own errors about the store's file reach callers as the store's error: one line naming the file
and what to do, a `StoreUnavailable` like PostgreSQL's, never a bare sqlite3 error."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from connector_core.store import SQLiteStore, StoreFileUnusable, StoreUnavailable
from connector_core.store.sqlite.problems import as_store_error


def test_a_file_that_is_not_a_database_is_the_stores_error_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite3"
    path.write_bytes(b"these are somebody's notes, not a database\n" * 200)
    before = path.read_bytes()

    with pytest.raises(StoreFileUnusable) as raised:
        SQLiteStore(path)

    assert isinstance(raised.value, StoreUnavailable)
    assert not isinstance(raised.value, sqlite3.Error)
    assert str(path) in str(raised.value) and "restore it from a backup" in str(raised.value)
    assert "\n" not in str(raised.value)
    assert raised.value.where == f"sqlite file {path}"
    assert path.read_bytes() == before


@pytest.mark.parametrize(
    ("driver_error", "says"),
    [
        (sqlite3.OperationalError("database is locked"), "locked by another process"),
        (sqlite3.OperationalError("attempt to write a readonly database"), "is read-only"),
        (sqlite3.OperationalError("unable to open database file"), "cannot open the store"),
        (sqlite3.DatabaseError("database disk image is malformed"), "not a usable"),
    ],
)
def test_each_file_problem_is_worded_for_an_operator(driver_error: sqlite3.Error, says: str) -> None:
    with (
        pytest.raises(StoreFileUnusable, match=says) as raised,
        as_store_error(Path("/srv/cc/store.sqlite3")),
    ):
        raise driver_error

    assert "/srv/cc/store.sqlite3" in str(raised.value)
    assert raised.value.cause is driver_error


def test_a_statement_error_is_not_blamed_on_the_file() -> None:
    with pytest.raises(sqlite3.IntegrityError), as_store_error(Path("s.sqlite3")):
        raise sqlite3.IntegrityError("UNIQUE constraint failed: cache.key")


def test_a_write_to_a_store_another_process_holds_is_the_stores_error(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "store.sqlite3")
    holder = sqlite3.connect(tmp_path / "store.sqlite3", isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        conn = store.sqlite._connection()
        conn.execute("PRAGMA busy_timeout=50")  # not the 30 s a real write waits
        with pytest.raises(StoreFileUnusable, match="locked by another process"):
            store.cache_put("nobody", "ns", {"k": 1})
    finally:
        holder.execute("ROLLBACK")
        holder.close()
        store.close()
