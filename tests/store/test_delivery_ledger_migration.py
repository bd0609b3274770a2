"""A store of the previous schema kept its delivery ledger in `cache` ("worker.delivered@<shop>"); after the
upgrade the same rows answer from the deliveries table, so nothing already handed over goes again."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from postgres_support import fresh_schema, postgres_url

from connector_core.clock import SystemClock
from connector_core.credentials import Credentials
from connector_core.store import SealedStore, SQLiteBackend, SQLiteStore, Store, open_store
from connector_core.store.deliveries import Delivered
from connector_core.store.postgres import connection as connection_module
from connector_core.store.postgres import migration_files
from connector_core.vault import Vault

BEFORE = {
    "7001": "2026-03-01T12:00:00+00:00",
    "problem:7002": "order 7002: no shipping address",
    "7002": "2026-03-01T12:05:00+00:00",
}


def seed(store: Store) -> str:
    iid = store.create_integration(
        "contract", "Old", Credentials({"app_key": "k"}, {"app_secret": "s"}), {}
    ).id
    store.cache_put(iid, "worker.delivered@shop-1", BEFORE)
    store.cache_put(iid, "worker.delivered@shop-2", {"7001": "2026-02-01T00:00:00+00:00"})
    store.cache_put(iid, "shop-1:sku_map", {"SKU-1": {"sku_id": "1"}})  # not the ledger: stays
    return iid


def assert_moved(store: Store, iid: str) -> None:
    assert store.delivered(iid, "shop-1", ["7001", "7002", "7003"]) == {
        "7001": Delivered("2026-03-01T12:00:00+00:00", None),
        "7002": Delivered("2026-03-01T12:05:00+00:00", "order 7002: no shipping address"),
    }
    assert store.delivered(iid, "shop-2", ["7001"]) == {"7001": Delivered("2026-02-01T00:00:00+00:00", None)}
    assert store.cache_get(iid, "worker.delivered@shop-1", "7001") is None
    assert store.cache_get(iid, "shop-1:sku_map", "SKU-1") == {"sku_id": "1"}


def test_the_sqlite_ledger_moves_out_of_the_cache_in_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    database = tmp_path / "store.sqlite3"
    backend = SQLiteBackend(database, migrate_to=5)
    old = SealedStore(backend, Vault.from_environment(tmp_path / "store.key"), SystemClock())
    iid = seed(old)
    old.close()

    store = SQLiteStore(database)
    try:
        assert_moved(store, iid)
    finally:
        store.close()


@pytest.fixture
def schema_url() -> Iterator[str]:
    with fresh_schema(postgres_url()) as url:
        yield url


def test_the_postgres_ledger_moves_out_of_the_cache_in_place(
    schema_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shipped = migration_files()
    before = [m for m in shipped if m[1] != "deliveries"]
    monkeypatch.setattr(connection_module, "migration_files", lambda: before)
    old = open_store(schema_url, home=tmp_path)
    iid = seed(old)
    old.close()

    monkeypatch.setattr(connection_module, "migration_files", lambda: shipped)
    store = open_store(schema_url, home=tmp_path)
    try:
        assert_moved(store, iid)
    finally:
        store.close()
