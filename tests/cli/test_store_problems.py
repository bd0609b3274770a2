"""A store SQLite cannot use is one line naming the file and what to do; a damaged file is refused before
SQLite opens it (SQLite would write a fresh schema into a truncated or foreign file)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from connector_core.cli.session import StoreUnreadable, check_store_file, store_problem


def test_a_read_only_store_says_so_and_what_to_do() -> None:
    text = store_problem(
        "/srv/cc/store.sqlite3", sqlite3.OperationalError("attempt to write a readonly database")
    )

    assert text.startswith("the store /srv/cc/store.sqlite3 is read-only: make it")


def test_a_locked_store_says_wait() -> None:
    text = store_problem("s.sqlite3", sqlite3.OperationalError("database is locked"))

    assert "locked by another process" in text


def test_any_other_database_error_names_the_file_and_a_way_out() -> None:
    text = store_problem("s.sqlite3", sqlite3.DatabaseError("database disk image is malformed"))

    assert "s.sqlite3 is not a usable" in text and "restore it from a backup" in text


def _real_store(tmp_path: Path) -> Path:
    path = tmp_path / "store.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE t (x)")
        conn.executemany("INSERT INTO t VALUES (?)", [("x" * 500,)] * 50)
    return path


def test_an_intact_or_empty_store_passes(tmp_path: Path) -> None:
    check_store_file(_real_store(tmp_path))
    (tmp_path / "empty.sqlite3").write_bytes(b"")
    check_store_file(tmp_path / "empty.sqlite3")


@pytest.mark.parametrize(
    ("damage", "says"),
    [
        (lambda data: data[:3000], "is truncated"),
        (lambda data: data[:50], "is not a SQLite database"),
        (lambda data: b"PK\x03\x04" + data[4:], "is not a SQLite database"),
        (lambda data: data[:18] + b"\x09\x09" + data[20:], "is damaged"),
    ],
    ids=["truncated", "shorter than a header", "another format", "bad header"],
)
def test_a_damaged_store_is_refused_untouched(tmp_path: Path, damage, says) -> None:
    path = _real_store(tmp_path)
    path.write_bytes(damage(path.read_bytes()))
    before = path.read_bytes()

    with pytest.raises(StoreUnreadable, match=says):
        check_store_file(path)

    assert path.read_bytes() == before
