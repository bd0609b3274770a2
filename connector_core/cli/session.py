"""The one place a command opens the store and the integrations in it (`open_integrations`), and the
options that choose the store (`--home`). Every store command takes its options from `store_options()`."""

from __future__ import annotations

import argparse
import os
import sqlite3
from pathlib import Path
from urllib.parse import urlsplit

from .. import home as home_folder
from ..host_plugins import load_host
from ..integration import Integrations
from ..store import DATABASE_URL_ENV, open_store, safe_location
from ..store.errors import StoreFileUnusable
from ..store.locations import sqlite_path
from ..store.sqlite.problems import file_problem


class StoreUnreadable(home_folder.HomeNotFound):
    """The store file exists but is not a database this program can use."""


def store_options() -> argparse.ArgumentParser:
    """A parent parser with the store options; `default=SUPPRESS` so a value given before the command name
    (`channel-connectors --home H integrations list`) is not overwritten by the command's own default."""
    options = argparse.ArgumentParser(add_help=False)
    options.add_argument(
        "--home",
        default=argparse.SUPPRESS,
        help="the folder that holds the store (default: $CHANNEL_CONNECTORS_HOME, else the platform's "
        "user data folder, e.g. ~/.local/share/channel-connectors)",
    )
    options.add_argument(
        "--database-url",
        default=argparse.SUPPRESS,
        help=f"the store: sqlite:///path or postgresql://user@host:port/db (default ${DATABASE_URL_ENV}, "
        "else SQLite in the home folder)",
    )
    return options


def describe_store(url: str | None, home: Path) -> str:
    """Where the store is, for people: never the URL itself, which may hold a password."""
    chosen = url or os.environ.get(DATABASE_URL_ENV)
    return safe_location(chosen) if chosen else f"sqlite file {home / home_folder.STORE_FILE}"


SQLITE_MAGIC = b"SQLite format 3\x00"


def check_store_file(path: Path) -> None:
    """Refuse a store file that is not an intact SQLite database BEFORE SQLite opens it: SQLite would take a
    truncated or foreign file as a fresh database and write its schema into it, destroying what is left."""
    size = path.stat().st_size
    if size == 0:
        return  # created empty a moment ago by `private_store_file`
    with path.open("rb") as handle:
        header = handle.read(100)
    if len(header) < 100 or not header.startswith(SQLITE_MAGIC):
        raise StoreUnreadable(
            f"the store {path} is not a SQLite database: restore it from a backup, or pass --home with "
            "another folder"
        )
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    page_count = int.from_bytes(header[28:32], "big")
    count_is_valid = header[24:28] == header[92:96]  # SQLite's "version-valid-for" rule
    well_formed = header[18] in (1, 2) and header[19] in (1, 2) and header[21:24] == b"\x40\x20\x20"
    if not well_formed or page_size < 512 or page_size & (page_size - 1):
        raise StoreUnreadable(
            f"the store {path} is damaged (its header is not valid): restore it from a backup, or pass "
            "--home with another folder"
        )
    # A checkpoint cut short by a crash may leave the file shorter than its header says while the WAL still
    # holds the pages; SQLite recovers that, so a file with a non-empty WAL beside it is left to SQLite.
    wal = path.with_name(path.name + "-wal")
    recovering = wal.exists() and wal.stat().st_size > 0
    if count_is_valid and not recovering and size < page_size * page_count:
        raise StoreUnreadable(
            f"the store {path} is truncated ({size} of {page_size * page_count} bytes): restore it from a "
            "backup, or pass --home with another folder"
        )


def open_integrations(args: argparse.Namespace, *, create: bool = False) -> Integrations:
    """The one place a command opens the store: `--database-url`, else `$CHANNEL_CONNECTORS_DATABASE_URL`,
    else SQLite in the home folder. `create`: the command may create the home folder."""
    url = (getattr(args, "database_url", None) or os.environ.get(DATABASE_URL_ENV) or "").strip()
    host = load_host()  # the host's plugins, as the workers load them; one that cannot load stops here
    named_home = getattr(args, "home", None)
    try:
        folder: Path | None = home_folder.resolve_home(named_home, create=create)
    except home_folder.HomeNotFound:
        # With a database URL the data lives behind the URL: only a home named with --home must exist.
        if not url or named_home:
            raise
        folder = None
    if not url:
        assert folder is not None  # without a URL a missing home was raised above
        path: Path | None = home_folder.private_store_file(folder)
    elif urlsplit(url).scheme.lower() == "sqlite":
        path = sqlite_path(url)
    else:
        path = None
    args.store_location = str(path) if path is not None else safe_location(url)  # for messages
    if path is not None and path.exists():
        check_store_file(path)
    try:
        store = open_store(url or None, home=folder)
    except StoreFileUnusable as exc:  # reworded to name the file as the operator gave it
        raise StoreUnreadable(store_problem(args.store_location, exc.cause)) from None
    except sqlite3.Error as exc:
        raise StoreUnreadable(store_problem(args.store_location, exc)) from None
    return Integrations(host, store)


def store_problem(location: str, exc: BaseException) -> str:
    """One line about a store SQLite refuses, naming the file and what to do (the store's own wording)."""
    return file_problem(location, exc)
