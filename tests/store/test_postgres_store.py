"""What only the PostgreSQL store does: clear errors naming host:port (never the password), migrations that
run once even when many workers start together, and dropped connections that are retried only when safe."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from fork_support import cursor_written_in_a_fork
from postgres_support import fresh_schema, postgres_url

from connector_core.credentials import Credentials
from connector_core.leases import LeaseBusy, hold
from connector_core.store import StoreUnavailable, open_store
from connector_core.store.postgres import PostgresStore, migration_files
from connector_core.store.postgres import connection as connection_module


@pytest.fixture
def schema_url() -> Iterator[str]:
    with fresh_schema(postgres_url()) as url:
        yield url


@pytest.fixture
def store(schema_url: str, tmp_path: Path) -> Iterator[PostgresStore]:
    opened = open_store(schema_url, home=tmp_path)
    assert isinstance(opened, PostgresStore)
    yield opened
    opened.close()


def kill_connections_of(store: PostgresStore) -> int:
    """Terminate the server side of every connection the store's pool holds (a restart, a failover)."""
    pids = store.postgres._read(lambda c: [r["pid"] for r in c.execute("SELECT pg_backend_pid() AS pid")])
    with psycopg.connect(postgres_url(), autocommit=True) as admin:
        for pid in pids:
            admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
    return len(pids)


def test_an_unreachable_server_is_one_line_naming_host_and_port_without_the_password(tmp_path: Path) -> None:
    with pytest.raises(StoreUnavailable) as raised:
        open_store("postgresql://shop:hunter2-pw@127.0.0.1:1/shop", home=tmp_path)

    message = str(raised.value)
    assert "127.0.0.1:1" in message and "cannot connect" in message
    assert "hunter2" not in message and "\n" not in message


def test_a_wrong_password_is_refused_without_being_shown(tmp_path: Path) -> None:
    parts = urlsplit(postgres_url())
    wrong = parts._replace(netloc=f"{parts.username}:wrong-pass-4411@{parts.hostname}:{parts.port}")

    with pytest.raises(StoreUnavailable) as raised:
        open_store(urlunsplit(wrong), home=tmp_path)

    assert f"{parts.hostname}:{parts.port}" in str(raised.value)
    assert "wrong-pass-4411" not in str(raised.value)
    assert str(parts.password) not in str(raised.value)


def test_workers_starting_together_migrate_the_database_once(schema_url: str, tmp_path: Path) -> None:
    opened: list[PostgresStore] = []
    errors: list[BaseException] = []

    def start() -> None:
        try:
            store = open_store(schema_url, home=tmp_path)
            assert isinstance(store, PostgresStore)
            opened.append(store)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=start) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    assert {s.schema_version for s in opened} == {max(v for v, _, _ in migration_files())}
    rows = opened[0].postgres._read(
        lambda c: c.execute("SELECT count(*) AS n FROM schema_migrations").fetchone()
    )
    assert rows is not None and rows["n"] == len(migration_files())
    for store in opened:
        store.close()


def test_the_migrations_are_plain_numbered_sql_files() -> None:
    files = migration_files()

    assert [v for v, _, _ in files] == list(range(1, len(files) + 1))
    assert all("CREATE TABLE" in sql for v, _, sql in files if v == 1)


def test_a_read_on_a_dropped_connection_is_retried(store: PostgresStore) -> None:
    iid = store.create_integration("pg", "Shop", Credentials({}, {}), {}).id
    store.set_cursor(iid, "orders", "page-2")

    assert kill_connections_of(store) >= 1

    assert store.get_cursor(iid, "orders") == "page-2"


def test_a_write_on_a_connection_found_dead_before_it_began_is_retried_once(store: PostgresStore) -> None:
    iid = store.create_integration("pg", "Shop", Credentials({}, {}), {}).id
    kill_connections_of(store)

    store.begin_intent(iid, "shop", "shipment", "o1/fp", {"n": 1})

    intent = store.get_intent(iid, "shop", "shipment", "o1/fp")
    assert intent is not None and intent.attempts == 1  # applied exactly once


def test_a_write_whose_connection_drops_midway_is_never_half_written(store: PostgresStore) -> None:
    iid = store.create_integration("pg", "Shop", Credentials({}, {}), {}).id

    def half_then_dropped(conn: psycopg.Connection[dict[str, object]]) -> None:
        conn.execute(
            "INSERT INTO cursors (integration_id, stream, value, updated_at) VALUES (%s, 'orders', 'x', now())",
            (iid,),
        )
        conn.execute("SELECT pg_terminate_backend(pg_backend_pid())")

    with pytest.raises(StoreUnavailable, match="dropped during a write, which was not confirmed") as raised:
        store.postgres._write(half_then_dropped)

    assert "\n" not in str(raised.value)
    assert store.get_cursor(iid, "orders") is None  # the transaction was rolled back whole


def test_a_store_survives_a_fork_and_the_child_leaves_the_parents_connections_alone(
    store: PostgresStore,
) -> None:
    iid = store.create_integration("pg", "Shop", Credentials({}, {}), {}).id
    store.set_cursor(iid, "orders", "parent")
    answer = cursor_written_in_a_fork(store, iid)

    assert answer == "child"
    assert store.get_cursor(iid, "orders") == "child"
    store.set_cursor(iid, "orders", "parent again")  # the parent's own connection is intact
    assert store.get_cursor(iid, "orders") == "parent again"


def test_a_deadlocked_write_is_run_again_and_both_writes_land(store: PostgresStore) -> None:
    iid = store.create_integration("pg", "Shop", Credentials({}, {}), {}).id
    store.begin_stock_push(iid, "shop", [("A", None, 1), ("B", None, 1)])
    first_round = threading.Barrier(2)
    runs = {"AB": 0, "BA": 0}
    errors: list[BaseException] = []

    def crossing(order: str) -> None:
        def work(conn: psycopg.Connection[dict[str, object]]) -> None:
            runs[order] += 1
            for number, sku in enumerate(order):
                conn.execute(
                    "UPDATE stock_ledger SET quantity = coalesce(quantity, 0) + 1 WHERE sku = %s", (sku,)
                )
                if number == 0 and runs[order] == 1:
                    first_round.wait(timeout=30)  # each holds one row and reaches for the other's

        try:
            store.postgres._write(work)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=crossing, args=(order,)) for order in ("AB", "BA")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert sum(runs.values()) >= 3  # PostgreSQL aborted one (or, detecting it at once, both); it ran again
    levels = store.stock_levels(iid, "shop")
    assert (levels[("A", None)].quantity, levels[("B", None)].quantity) == (2, 2)  # each applied once


def kill_every_connection_of(store: PostgresStore) -> int:
    """Terminate the server side of every idle connection in the store's pool (a failover, an operator's
    pg_terminate_backend): the pool does not know until it uses them."""
    pool = store.postgres._pool_here()
    pids = [conn.info.backend_pid for conn in list(pool._pool)]
    with psycopg.connect(postgres_url(), autocommit=True) as admin:
        for pid in pids:
            admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
    return len(pids)


def test_a_lease_is_released_even_when_the_connection_was_killed_just_before(store: PostgresStore) -> None:
    with hold(store, "stock:i1:shop", what="a stock push", ttl=timedelta(minutes=5), wait=timedelta(0)):
        store.lease_holder("stock:i1:shop")  # the pool holds a connection or more now
        assert kill_every_connection_of(store) >= 1

    assert store.lease_holder("stock:i1:shop") is None, "the host's next push would be refused as busy"


def test_a_release_whose_connection_drops_mid_statement_is_retried(
    store: PostgresStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = store.postgres._write
    dropped: list[bool] = []

    def dropping_the_first_release(work: Any, **kwargs: Any) -> Any:
        if not dropped and kwargs.get("idempotent"):
            dropped.append(True)

            def then_killed(conn: psycopg.Connection[dict[str, object]]) -> Any:
                done = work(conn)
                if len(dropped) == 1:  # the first run only: the retry runs on a fresh connection
                    dropped.append(True)
                    conn.execute("SELECT pg_terminate_backend(pg_backend_pid())")
                return done

            return real(then_killed, **kwargs)
        return real(work, **kwargs)

    assert store.try_lock("labels:o1", "me", timedelta(minutes=5))
    monkeypatch.setattr(store.postgres, "_write", dropping_the_first_release)  # taking is idempotent too
    store.unlock("labels:o1", "me")

    assert len(dropped) == 2 and store.lease_holder("labels:o1") is None


def test_a_connection_killed_during_the_migration_check_is_the_stores_own_error(
    schema_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    killer = (9999, "killed", "SELECT pg_terminate_backend(pg_backend_pid());")
    monkeypatch.setattr(connection_module, "migration_files", lambda: [*migration_files(), killer])

    with pytest.raises(StoreUnavailable, match="migrat") as raised:
        open_store(schema_url, home=tmp_path)
    assert "\n" not in str(raised.value)


def test_a_lease_held_longer_than_its_time_to_live_is_renewed_from_the_background(
    store: PostgresStore,
) -> None:
    short = timedelta(seconds=0.3)
    with hold(store, "labels:i1:o1", what="a label run", ttl=short, wait=timedelta(0)) as held:
        time.sleep(1.0)  # three times the time to live: the renewer thread kept it, on its own connection
        with (
            pytest.raises(LeaseBusy),
            hold(store, "labels:i1:o1", what="a label run", ttl=short, wait=timedelta(0)),
        ):
            pass
        held.confirm()
    assert store.lease_holder("labels:i1:o1") is None
