"""A store written by the last release (b9a19ba, the platform model: one app shared by connections, tags,
shops with settings and a schedule, deliveries, outbox) opens with today's code on SQLite and PostgreSQL,
migrated in place to the latest schema, and nothing in it is lost. The files come from running that
release against the emulator (tests/samples/stores/make_release_b9a19ba.py)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from release_stores import release_facts, release_schema, release_sqlite

from connector_core import ConnectorHost, Integrations
from connector_core.store import SQLiteStore, Store, open_store
from connector_core.store.index_roles import ConnectionQuery
from tiktok_shop_emulator.config import DEFAULT_APP_SECRET

RELEASE = "b9a19ba"
FACTS = release_facts(RELEASE)


@pytest.fixture
def release_postgres(fixture_key: None) -> Iterator[str]:
    with release_schema(RELEASE) as url:
        yield url


def assert_nothing_lost(store: Store, facts: dict) -> None:
    seller_id, second_id, app_id = facts["seller"], facts["second"], facts["app"]
    # Both connections under the one shared app, whose secret is still sealed and readable.
    records = {r.id: r for r in store.list_integrations()}
    assert set(records) == {seller_id, second_id}
    assert {r.app_id for r in records.values()} == {app_id}
    assert store.get_app(app_id).credentials.secret("app_secret") == DEFAULT_APP_SECRET
    for record in records.values():
        assert record.credentials.secret("app_secret") == DEFAULT_APP_SECRET
        tokens = store.load_tokens(record.id)
        assert tokens is not None and tokens.tokens.access_token.get_secret_value()
    assert store.find_integration_ids(facts["tags"]) == [seller_id]
    assert store.find_integration_ids({"customer": "c-42"}) == [seller_id]
    # Every shop of both authorizations, active and scheduled; the changed settings kept.
    for iid in (seller_id, second_id):
        shops = store.list_shops(iid)
        assert [s.id for s in shops] == facts["shops"]
        assert all(s.active and s.next_pull_at is not None for s in shops)
    for shop in facts["quiet_shops"]:
        assert (store.get_shop(seller_id, shop) or pytest.fail(shop)).settings.get("stock_sync") is False
    stock_shop = store.get_shop(seller_id, facts["stock_shop"])
    assert stock_shop is not None and stock_shop.settings.get("stock_sync") is not False
    # Per-shop state: each shop's cursor, the GB shop's stock, the shipment, the hand-overs.
    for shop in facts["shops"]:
        assert json.loads(store.get_cursor(seller_id, f"orders@{shop}") or "{}").get("watermark")
        assert store.get_cursor(second_id, f"orders@{shop}") is None, "nothing was pulled for it"
        kept = store.delivered(seller_id, shop, facts["delivered"][shop])
        assert set(kept) == set(facts["delivered"][shop])
        assert all(d.version for d in kept.values())
    levels = store.stock_levels(seller_id, facts["stock_shop"])
    assert sorted(sku for sku, _ in levels) == facts["stock_levels"]
    for shop in facts["quiet_shops"]:
        assert store.stock_levels(seller_id, shop) == {}
    shipped = [
        i for shop in facts["shops"] for i in store.list_intents(seller_id, account_id=shop, kind="shipment")
    ]
    assert [i.key.split("/")[0] for i in shipped] == [facts["shipped_order"]]
    assert shipped[0].status == "done"
    # Routing and the schedule see the migrated shops of both connections.
    for shop in facts["shops"]:
        assert sorted(store.route_webhook_shop(app_id, shop)) == sorted([seller_id, second_id])
        assert {r.integration_id for r in store.connections_for_shop("tiktok_shop", shop)} == {
            seller_id,
            second_id,
        }
    far = datetime.now(timezone.utc) + timedelta(days=3650)
    due = {(d.integration_id, d.shop_id) for d in store.due_shops(far, 100)}
    assert due == {(iid, shop) for iid in (seller_id, second_id) for shop in facts["shops"]}
    # Issue 19's indexes: the SKU->shop index holds the SKUs the old store confirmed for the GB shop, and
    # the connections list's state comes from one query.
    index = store.shops_for_skus(seller_id, facts["stock_skus"])
    confirmed = [sku for (sku, _), level in levels.items() if level.quantity is not None]
    assert confirmed
    assert {sku: [(s.shop_id, s.listed) for s in said] for sku, said in index.items()} == {
        sku: [(facts["stock_shop"], True)] for sku in confirmed
    }
    listed = {r.id: r.state for r in store.find_connections(ConnectionQuery(limit=10)).rows}
    assert listed == {seller_id: "connected", second_id: "connected"}
    by = store.find_connections
    assert {r.id for r in by(ConnectionQuery(state="connected", limit=10)).rows} == {seller_id, second_id}
    assert [r.id for r in by(ConnectionQuery(tags=facts["tags"], limit=10)).rows] == [seller_id]
    shop = facts["stock_shop"]
    assert {r.id for r in by(ConnectionQuery(shop=shop, limit=10)).rows} == {seller_id, second_id}
    assert store.pull_intervals(seller_id) == {}


def assert_the_connection_opens(store: Store, facts: dict) -> None:
    integration = Integrations(ConnectorHost().load(), store).open(facts["seller"])
    assert integration.record.app_id == facts["app"]
    assert [s.id for s in integration.shops()] == facts["shops"]


def test_the_release_sqlite_store_migrates_in_place_and_keeps_everything(
    tmp_path: Path, fixture_key: None
) -> None:
    path = release_sqlite(RELEASE, tmp_path)
    store = SQLiteStore(path)
    assert store.schema_version == store.sqlite.latest_schema_version
    assert_nothing_lost(store, FACTS)
    assert_the_connection_opens(store, FACTS)
    store.close()
    reopened = SQLiteStore(path)  # a second open finds nothing left to migrate
    assert reopened.schema_version == reopened.sqlite.latest_schema_version
    assert_nothing_lost(reopened, FACTS)


def test_the_release_postgres_store_migrates_in_place_and_keeps_everything(
    release_postgres: str,
) -> None:
    store = open_store(release_postgres)
    try:
        assert_nothing_lost(store, FACTS["postgres"])
        assert_the_connection_opens(store, FACTS["postgres"])
    finally:
        store.close()
