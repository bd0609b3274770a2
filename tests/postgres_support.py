"""PostgreSQL for the tests: the server CI (or `scripts/postgres-dev.sh start`) provides, one schema per test.

Tests that need PostgreSQL read `CHANNEL_CONNECTORS_TEST_POSTGRES_URL`. Without it they skip and say why,
unless `CHANNEL_CONNECTORS_REQUIRE_POSTGRES=1` (CI sets it): then they fail, so CI never skips them.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

URL_ENV = "CHANNEL_CONNECTORS_TEST_POSTGRES_URL"
REQUIRE_ENV = "CHANNEL_CONNECTORS_REQUIRE_POSTGRES"


def postgres_url() -> str:
    """The test server's URL, or a skip (a failure where PostgreSQL is required) naming the variable."""
    url = os.environ.get(URL_ENV, "").strip()
    if url:
        return url
    reason = (
        f"no PostgreSQL: set {URL_ENV} (scripts/postgres-dev.sh start prints one) to run the PostgreSQL tests"
    )
    if os.environ.get(REQUIRE_ENV) == "1":
        pytest.fail(f"{REQUIRE_ENV}=1 but {reason}", pytrace=False)
    pytest.skip(reason)


def with_search_path(url: str, schema: str) -> str:
    """The URL of the same database, with `schema` first on the search path (libpq's `options`)."""
    return f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{schema}"


@contextmanager
def fresh_schema(url: str) -> Iterator[str]:
    """A URL whose tables live in a new, empty schema, dropped afterwards: an empty database per test."""
    import psycopg

    schema = f"test_{secrets.token_hex(6)}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    try:
        yield with_search_path(url, schema)
    finally:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")


def schema_of(url: str) -> str:
    """The schema a `fresh_schema` URL puts first on the search path."""
    return url.rsplit("search_path%3D", 1)[1].split("&", 1)[0]


def postgres_binary(name: str) -> str:
    """A PostgreSQL client program (pg_dump, psql) from Debian's versioned folder, or the PATH."""
    import glob
    import shutil

    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    path = found[-1] if found else shutil.which(name)
    if path is None:
        pytest.skip(f"{name} is not installed (apt-get install -y postgresql-client)")
    return path


SCHEMA_PLACEHOLDER = "__SCHEMA__"
"""What a committed dump says where its schema's name stood, so it loads into any schema."""


def dump_schema(base: str, url: str) -> str:
    """A pg_dump of the schema a `fresh_schema` URL uses, its name replaced by SCHEMA_PLACEHOLDER.

    Ownership and grants are left out: the dump must load as whichever role the tests connect with."""
    import subprocess

    schema = schema_of(url)
    dump = subprocess.run(
        [postgres_binary("pg_dump"), "--no-owner", "--no-privileges", "--schema", schema, "--dbname", base],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return dump.replace(schema, SCHEMA_PLACEHOLDER)


@contextmanager
def restored_dump(base: str, dump: str, prefix: str) -> Iterator[str]:
    """A `dump_schema` text loaded into a new schema `prefix_<random>`: yields its URL, drops it afterwards."""
    import subprocess

    import psycopg

    schema = f"{prefix}_{secrets.token_hex(5)}"
    subprocess.run(
        [postgres_binary("psql"), "-q", "-v", "ON_ERROR_STOP=1", "--dbname", base],
        input=dump.replace(SCHEMA_PLACEHOLDER, schema),
        text=True,
        check=True,
        capture_output=True,
    )
    try:
        yield with_search_path(base, schema)
    finally:
        with psycopg.connect(base, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")
