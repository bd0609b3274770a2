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
from pathlib import Path
from urllib.parse import urlsplit

from ..clock import Clock, SystemClock
from ..vault import Vault
from .errors import StoreConfigurationError
from .locations import (
    DATABASE_URL_ENV,
    HOME_ENV,
    POSTGRES_SCHEMES,
    default_home,
    lease_owner,
    safe_location,
    sqlite_path,
)
from .roles import Store

__all__ = [
    "DATABASE_URL_ENV",
    "HOME_ENV",
    "POSTGRES_SCHEMES",
    "default_home",
    "lease_owner",
    "open_store",
    "safe_location",
    "sqlite_path",
]


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
