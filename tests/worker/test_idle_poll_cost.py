"""What an idle poll costs the store: the worker's pull of one shop that finds nothing, counted in
statements and write transactions on SQLite and PostgreSQL (a count, not a time: the CPU per idle poll is
measured by `benchmarks/run.py --only scale`). At 100,000 shops polled every 5 minutes each statement here
is 333 more per second on the database, so a statement added to this path must be a decision: change the
pins below together with docs/scaling.md's capacity model."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from worker_support import connect

from connector_core.store import Store, open_store
from connector_core.store.errors import StoreUnavailable
from connector_core.worker import WorkerSettings, build_runtime
from connector_core.worker import runtime as worker_runtime
from connector_core.worker.tasks import pull_orders
from tiktok_shop_emulator import EmulatorConfig, TikTokShopEmulator

WRITES = ("INSERT", "UPDATE", "DELETE")


@contextmanager
def statements_of(store: Store) -> Iterator[list[str]]:
    """Every statement the store sends while the block runs ("BEGIN" for each explicit transaction)."""
    sent: list[str] = []
    backend = getattr(store, "sqlite", None)
    if backend is not None:
        conn: sqlite3.Connection = backend._connection()
        conn.set_trace_callback(lambda sql: sent.append("BEGIN" if sql.startswith("BEGIN") else sql))
        try:
            yield sent
        finally:
            conn.set_trace_callback(None)
        sent[:] = [s for s in sent if s not in ("COMMIT", "ROLLBACK")]
        return
    import psycopg

    execute, begin = psycopg.Cursor.execute, psycopg.Transaction.__enter__

    def counted_execute(cursor: Any, query: Any, *args: Any, **kwargs: Any) -> Any:
        sent.append(query if isinstance(query, str) else repr(query))
        return execute(cursor, query, *args, **kwargs)

    def counted_begin(transaction: Any) -> Any:
        sent.append("BEGIN")
        return begin(transaction)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(psycopg.Cursor, "execute", counted_execute)
        patch.setattr(psycopg.Transaction, "__enter__", counted_begin)
        yield sent


def kinds(sent: list[str]) -> dict[str, int]:
    first = [s.lstrip().split(None, 1)[0].upper() for s in sent]
    # A WITH that deletes, inserts or updates is a write (PostgreSQL's lease release with a schedule).
    writes_with = [
        w == "WITH" and any(f" {verb} " in s.upper() for verb in WRITES)
        for w, s in zip(first, sent, strict=True)
    ]
    return {
        "reads": sum(word in ("SELECT", "WITH") for word in first) - sum(writes_with),
        "writes": sum(word in WRITES for word in first) + sum(writes_with),
        "explicit transactions": first.count("BEGIN"),
    }


@pytest.fixture
def worker_store(store_url: str, orders_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Store]:
    """A worker runtime of this process (the test host's receiver) over a fresh store of each backend."""
    store = open_store(store_url)
    runtime = build_runtime(WorkerSettings(host_plugins=("host_plugin",), rates={}), store)
    monkeypatch.setitem(worker_runtime._runtimes, os.getpid(), runtime)
    try:
        yield store
    finally:
        store.close()


IDLE_POLL = {
    # Reads: the connection with its app; its shops (with the served one's settings); the cursor; the tokens
    # with the re-authorization state (one read on PostgreSQL, two local ones on SQLite). Writes: the
    # import lease taken; the shop's next pull, which releases the lease in the same write (one statement
    # on PostgreSQL, one transaction of two on SQLite: leases.releases_deferred); an idle poll leaves its
    # watermark and writes no run record (flows/orders.py). PostgreSQL sends each write as one statement in
    # autocommit (its own transaction, one round trip); SQLite reads the lease before replacing it, in a
    # transaction.
    "postgresql": {"reads": 4, "writes": 2, "explicit transactions": 0},
    "sqlite": {"reads": 6, "writes": 3, "explicit transactions": 2},
}


def test_an_idle_poll_of_one_shop_costs_a_pinned_number_of_statements(
    worker_store: Store, store_url: str
) -> None:
    with TikTokShopEmulator(EmulatorConfig(orders=20, seed=5)) as emu:
        integration = connect(emu, store_url, worker_runtime.current_runtime().integrations)
        shop = integration.account_id
        assert pull_orders(None, integration.id, shop)["orders_delivered"] > 0  # the first import
        assert pull_orders(None, integration.id, shop)["orders_delivered"] == 0

        with statements_of(worker_store) as sent:
            result = pull_orders(None, integration.id, shop)

    assert result["ok"] and result["orders_delivered"] == 0 and result["http_calls"] == 1
    backend = "sqlite" if store_url.startswith("sqlite") else "postgresql"
    assert kinds(sent) == IDLE_POLL[backend], "\n".join(sent)
    assert integration.store.get_shop(integration.id, shop).next_pull_at is not None  # type: ignore[union-attr]


@contextmanager
def leases_taken(store: Store) -> Iterator[list[str]]:
    """The names of the leases taken through `store` while the block runs."""
    names: list[str] = []
    try_lock = store.try_lock

    def recording(name: str, owner: str, ttl: Any) -> bool:
        names.append(name)
        return try_lock(name, owner, ttl)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(store, "try_lock", recording)
        yield names


def test_the_pull_task_gives_its_import_lease_back_even_when_scheduling_fails(
    worker_store: Store, store_url: str
) -> None:
    store = worker_runtime.current_runtime().integrations.store
    with TikTokShopEmulator(EmulatorConfig(orders=5, seed=5)) as emu:
        integration = connect(emu, store_url, worker_runtime.current_runtime().integrations)
        shop = integration.account_id
        with leases_taken(store) as names:
            assert pull_orders(None, integration.id, shop)["ok"]  # released by the schedule's write
        assert names and all(store.lease_holder(name) is None for name in names)

        def unreachable(*args: Any, **kwargs: Any) -> None:
            raise StoreUnavailable("127.0.0.1:5432", "the connection dropped")

        with leases_taken(store) as names, pytest.MonkeyPatch.context() as patch:
            patch.setattr(store, "schedule_shop", unreachable)
            with pytest.raises(StoreUnavailable):
                pull_orders(None, integration.id, shop)
        assert names and all(store.lease_holder(name) is None for name in names)
