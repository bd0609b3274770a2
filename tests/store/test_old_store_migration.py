"""A store written by the release before the platform model (tests/samples/stores, made by running that
release against the emulator) opens with today's code on SQLite and PostgreSQL, migrated in place, and
nothing in it is lost: connections, their credentials (now in an app of their own), tokens, shops, the
selected shop, cursors, the stock ledger, shipment intents, connect links and run records."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from release_stores import release_facts, release_schema, release_sqlite

from connector_core.store import SQLiteStore, Store, open_store
from connector_core.store.index_roles import ConnectionQuery
from tiktok_shop_emulator.config import DEFAULT_APP_SECRET

RELEASE = "1a471b7"
FACTS = release_facts(RELEASE)


@pytest.fixture
def old_postgres(fixture_key: None) -> Iterator[str]:
    with release_schema(RELEASE) as url:
        yield url


def assert_nothing_lost(store: Store, facts: dict) -> None:
    records = {r.name: r for r in store.list_integrations()}
    assert set(records) == {"connected", "two_shops_none_selected", "never_connected"}
    connected = records["connected"]
    assert connected.id == facts["connected"]
    assert connected.account_id == facts["selected_shop"], "the selected shop is kept as the default"
    # Credentials moved into an app of the connection's own, secrets still sealed and still readable.
    for record in records.values():
        assert record.app_id is not None
        app = store.get_app(record.app_id)
        assert app.owned_by == record.id
        assert record.credentials.secret("app_secret") == DEFAULT_APP_SECRET
        assert app.credentials.secret("app_secret") == DEFAULT_APP_SECRET
    tokens = store.load_tokens(connected.id)
    assert tokens is not None and tokens.tokens.access_token.get_secret_value()
    assert store.load_tokens(records["never_connected"].id) is None
    # Every shop of the authorization, active and scheduled; none for the never connected one.
    shops = store.list_shops(connected.id)
    assert [s.id for s in shops] == facts["shops"]
    assert all(s.active and s.next_pull_at is not None for s in shops)
    assert [s.id for s in store.list_shops(records["two_shops_none_selected"].id)] == facts["shops"]
    assert store.list_shops(records["never_connected"].id) == []
    # Per-shop state is where the old release kept it: the selected shop's.
    shop = facts["selected_shop"]
    for stream in facts["cursor_streams"]:
        assert json.loads(store.get_cursor(connected.id, stream) or "{}").get("watermark")
    levels = store.stock_levels(connected.id, shop)
    assert sorted(sku for sku, _ in levels) == sorted(facts["stock_skus"])
    shipped = store.list_intents(connected.id, account_id=shop, kind="shipment")
    assert [i.key.split("/")[0] for i in shipped] == [facts["shipped_order"]]
    assert shipped[0].status == "done"
    assert len(store.list_connect_links(connected.id)) == 1
    assert store.last_runs(connected.id)
    # The routing index and the schedule see the migrated shops.
    assert store.route_webhook_shop(connected.app_id or "", shop) == [connected.id]
    assert {r.integration_id for r in store.connections_for_shop("tiktok_shop", shop)} == {
        connected.id,
        records["two_shops_none_selected"].id,
    }
    # Issue 19's indexes: the SKUs whose levels a shop confirmed are listed by that shop (stock pushes are
    # routed by it), and the connections list's state is one query.
    index = store.shops_for_skus(connected.id, facts["stock_skus"])
    confirmed = [sku for (sku, _), level in levels.items() if level.quantity is not None]
    assert confirmed and len(confirmed) < len(facts["stock_skus"]), "the old store has both kinds"
    assert {sku: [(s.shop_id, s.listed) for s in said] for sku, said in index.items()} == {
        sku: [(shop, True)] for sku in confirmed
    }
    listed = {r.id: r.state for r in store.find_connections(ConnectionQuery(limit=10)).rows}
    assert set(listed) == {r.id for r in records.values()}
    assert listed[records["never_connected"].id] == "not_connected"
    assert store.pull_intervals(connected.id) == {}


def test_the_old_sqlite_store_migrates_in_place_and_keeps_everything(
    tmp_path: Path, fixture_key: None
) -> None:
    store = SQLiteStore(release_sqlite(RELEASE, tmp_path))
    assert store.schema_version == store.sqlite.latest_schema_version
    assert_nothing_lost(store, FACTS)


def test_the_old_postgres_store_migrates_in_place_and_keeps_everything(old_postgres: str) -> None:
    store = open_store(old_postgres)
    try:
        assert_nothing_lost(store, FACTS["postgres"])
    finally:
        store.close()


def test_rows_an_old_release_kept_under_no_shop_move_to_the_shop_it_served(
    tmp_path: Path, fixture_key: None
) -> None:
    """Issue 22: an upgraded store switched to another shop started from the old shop's cursor. The rows
    the first release wrote without a shop belong to the shop it served, and to no other."""
    path = release_sqlite(RELEASE, tmp_path)
    iid, shop = FACTS["connected"], FACTS["selected_shop"]
    with sqlite3.connect(path) as conn:
        for stream in ("orders", "orders:backfill:a:b"):
            conn.execute(
                "INSERT INTO cursors (integration_id, stream, value, updated_at) VALUES (?, ?, ?, 0)",
                (iid, stream, json.dumps({"watermark": "2026-01-02T00:00:00+00:00"})),
            )
        conn.execute(
            "INSERT INTO stock_ledger (integration_id, account_id, sku, warehouse, quantity, pushed_at) "
            "VALUES (?, '', 'LEGACY-SKU', '', 4, 0)",
            (iid,),
        )
    store = SQLiteStore(path)
    other = next(s for s in FACTS["shops"] if s != shop)

    assert store.get_cursor(iid, "orders:backfill:a:b") is None
    assert store.get_cursor(iid, f"orders:backfill:a:b@{shop}") is not None
    assert store.get_cursor(iid, f"orders@{other}") is None, "another shop inherits nothing"
    assert store.stock_levels(iid, "") == {}
    assert ("LEGACY-SKU", None) in store.stock_levels(iid, shop)
    assert store.stock_levels(iid, other) == {}
    # The selected shop already had its own cursor: the old unscoped one does not overwrite it (and no
    # shop reads an unscoped cursor any more).
    assert (
        json.loads(store.get_cursor(iid, f"orders@{shop}") or "{}")["watermark"]
        != "2026-01-02T00:00:00+00:00"
    )
