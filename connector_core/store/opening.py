"""Choosing the store: `open_store()` reads `CHANNEL_CONNECTORS_DATABASE_URL` (or the URL given).

- unset: the embedded SQLite store in the home folder (`$CHANNEL_CONNECTORS_HOME`, else the platform's
  per-user data folder: see `connector_core.home`);
- `sqlite:///path/store.sqlite3`: that SQLite file;
- `postgresql://user@host:port/db`: PostgreSQL (the `[postgres]` extra).

The encryption key comes from `CHANNEL_CONNECTORS_KEY`, else from `store.key` beside the SQLite file or in
the home folder. Error messages name the host and port of a URL, never its password.
"""

from __future__ import annotations

import os
import secrets
import socket
from pathlib import Path
from urllib.parse import urlsplit

from .. import home
from ..clock import Clock, SystemClock
from ..vault import Vault
from .errors import StoreConfigurationError
from .roles import Store

HOME_ENV = "CHANNEL_CONNECTORS_HOME"
DATABASE_URL_ENV = "CHANNEL_CONNECTORS_DATABASE_URL"
POSTGRES_SCHEMES = ("postgresql", "postgres")


def default_home() -> Path:
    """Where a store opened without a path lives: the same folder the command line uses."""
    return home.default_home()


def lease_owner() -> str:
    """A lease owner name unique to this process and call: host, pid, and randomness for threads."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"


def safe_location(url: str) -> str:
    """What a message may say about a database URL: the scheme and host:port, or the file path."""
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        return f"sqlite file {sqlite_path(url)}"
    try:
        port = parts.port
    except ValueError:
        port = None
    return f"{parts.hostname or 'localhost'}:{port or 5432}"


def sqlite_path(url: str) -> Path:
    """`sqlite:///abs/path.sqlite3` (or SQLAlchemy's `sqlite:////abs/...`) -> /abs/path.sqlite3;
    `sqlite:relative.sqlite3` -> relative.sqlite3."""
    rest = url[len("sqlite:") :]
    if rest.startswith("//"):
        rest = rest[2:]
    if not rest.strip("/"):
        raise StoreConfigurationError(f"{DATABASE_URL_ENV}: the sqlite URL names no file (sqlite:///path)")
    return Path("/" + rest.lstrip("/")) if rest.startswith("/") else Path(rest)


def open_store(
    url: str | None = None, *, home: Path | str | None = None, clock: Clock | None = None
) -> Store:
    """The store the URL (or `CHANNEL_CONNECTORS_DATABASE_URL`) names; unset: SQLite in the home folder."""
    from .sqlite import SQLiteStore

    clock = clock or SystemClock()
    folder = Path(home) if home is not None else default_home()
    url = (url or os.environ.get(DATABASE_URL_ENV) or "").strip()
    if not url:
        return SQLiteStore(folder / "store.sqlite3", clock=clock)
    scheme = urlsplit(url).scheme.lower()
    if scheme == "sqlite":
        return SQLiteStore(sqlite_path(url), clock=clock)
    if scheme in POSTGRES_SCHEMES:
        return _open_postgres(url, folder, clock)
    raise StoreConfigurationError(
        f"{DATABASE_URL_ENV}: unsupported database URL scheme {scheme or '(none)'!r}: "
        "use sqlite:///path/store.sqlite3 or postgresql://user@host:port/db"
    )


def _open_postgres(url: str, folder: Path, clock: Clock) -> Store:
    try:
        from .postgres import PostgresStore
    except ImportError as exc:
        raise StoreConfigurationError(
            f"the PostgreSQL store at {safe_location(url)} needs psycopg: "
            f"pip install 'channel-connectors[postgres]' ({exc.name or exc} is missing)"
        ) from None
    vault = Vault.from_environment(folder / "store.key")
    store: Store = PostgresStore(url, vault=vault, clock=clock)
    return store
