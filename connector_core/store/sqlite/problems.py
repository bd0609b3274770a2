"""What SQLite's own errors about the store's file mean to an operator, as the store's error.

A raw `sqlite3.OperationalError` ("database is locked", "attempt to write a readonly database", "unable to
open database file") or `sqlite3.DatabaseError` ("file is not a database", "database disk image is
malformed") says neither which file nor what to do; `StoreFileUnusable` says both, in one line.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import StoreFileUnusable


def file_problem(location: str, exc: BaseException) -> str:
    """One line about a store SQLite refuses, naming the file and what to do."""
    text = str(exc).lower()
    if "readonly" in text or "read-only" in text:
        return (
            f"the store {location} is read-only: make it (and its folder) writable by you, "
            "or copy it somewhere writable and pass --home"
        )
    if "locked" in text or "busy" in text:
        return f"the store {location} is locked by another process: wait for it to finish and run again"
    if "unable to open" in text:
        return f"cannot open the store {location}: check that its folder exists and is writable by you"
    return (
        f"the store {location} is not a usable channel-connectors database ({exc}): it is damaged or not "
        "SQLite; restore it from a backup, or pass --home with another folder"
    )


def is_file_problem(exc: sqlite3.Error) -> bool:
    """The file's fault (locked, read-only, damaged, foreign), not a statement's (a constraint, a bad query)."""
    if isinstance(exc, sqlite3.OperationalError):
        return "syntax error" not in str(exc) and "no such" not in str(exc)
    return type(exc) is sqlite3.DatabaseError


@contextmanager
def as_store_error(path: Path) -> Iterator[None]:
    try:
        yield
    except sqlite3.Error as exc:
        if not is_file_problem(exc):
            raise
        raise StoreFileUnusable(str(path), file_problem(str(path), exc), exc) from exc
