"""Where a store lives and what a message may say about it: the pieces both backends and `opening` share.

Kept apart from `opening` (which imports the backends) so the arrows run one way:
`opening` -> backends -> `locations`, never back.
"""

from __future__ import annotations

import os
import secrets
import socket
from pathlib import Path
from urllib.parse import urlsplit

from .. import home
from .errors import StoreConfigurationError

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
