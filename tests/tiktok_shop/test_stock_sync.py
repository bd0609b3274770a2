"""Stock push against the emulator: SKU resolution, one call per product, per-SKU report, ledger."""

from __future__ import annotations

from datetime import timedelta

import pytest

from connector_core import ConnectorError, StockLevel


def gb_skus(world) -> list[str]:
    return world.emu.seller_skus(shop_cipher=world.shop("GB")["cipher"])


def test_levels_reach_tiktok_one_call_per_product(make_world):
    world = make_world(orders=10)
    skus = gb_skus(world)
    products = {p["id"]: p for p in world.emu.products(world.shop("GB")["cipher"])}
    report = world.integration.push_stock([StockLevel(sku=s, quantity=7) for s in skus])
    updated = [r for r in report.results if r.outcome == "updated"]
    rejected = [r for r in report.results if r.outcome == "rejected"]
    assert updated and len(updated) + len(rejected) == len(skus)
    assert report.calls == len(products)
    sku_ids = {s["seller_sku"]: s["id"] for p in products.values() for s in p["skus"]}
    assert all(sum(world.emu.inventory(sku_ids[r.sku]).values()) == 7 for r in updated)


def test_item_errors_inside_a_top_level_success_are_reported_per_sku(make_world):
    world = make_world(orders=10)
    report = world.integration.push_stock([StockLevel(sku=s, quantity=3) for s in gb_skus(world)])
    rejected = [r for r in report.results if r.outcome == "rejected"]
    assert rejected, "the seeded world has products that are not ACTIVATE"
    assert all(r.code and "12052990" in r.code and r.message for r in rejected)


def active_sku(world) -> str:
    products = world.emu.products(world.shop("GB")["cipher"])
    return next(p["skus"][0]["seller_sku"] for p in products if p["status"] == "ACTIVATE")


def test_unknown_skus_clamping_and_the_unchanged_skip(make_world):
    world = make_world(orders=10)
    sku = active_sku(world)
    levels = [StockLevel(sku="NO-SUCH-SKU", quantity=1), StockLevel(sku=sku, quantity=250_000)]
    first = {r.sku: r for r in world.integration.push_stock(levels).results}
    assert first["NO-SUCH-SKU"].outcome == "unknown_sku"
    assert first[sku].outcome == "updated"
    assert first[sku].quantity == 99_999 and "clamped" in (first[sku].message or "")
    world.emu.stats.reset()
    second = {r.sku: r for r in world.integration.push_stock(levels).results}
    assert second[sku].outcome == "unchanged"
    assert second["NO-SUCH-SKU"].outcome == "unknown_sku"
    assert world.emu.stats.calls() == 0, "nothing changed: no look-up and no update call"


def test_a_missing_sku_is_looked_up_again_after_an_hour(make_world):
    world = make_world(orders=10)
    level = [StockLevel(sku="NO-SUCH-SKU", quantity=1)]
    world.integration.push_stock(level)
    world.clock.advance(timedelta(hours=2))
    world.emu.clock.advance(7200)
    world.emu.stats.reset()
    world.integration.push_stock(level)
    assert world.emu.stats.calls("/product/202309/products/search") == 1


def test_multi_warehouse_shop_needs_the_warehouse_map(make_world):
    world = make_world(orders=10)
    world.use_shop("US")
    us = world.shop("US")
    sku = world.emu.seller_skus(shop_cipher=us["cipher"])[0]
    (result,) = world.integration.push_stock([StockLevel(sku=sku, quantity=5)]).results
    assert result.outcome == "invalid" and "warehouse_map" in (result.message or "")
    warehouse_id = us["warehouse_ids"][1] if "warehouse_ids" in us else None
    if warehouse_id is None:
        pytest.skip("emulator shop listing has no warehouse ids")
    world.integrations.update(world.integration.id, settings={"warehouse_map": {"EAST": warehouse_id}})
    world.integration = world.integrations.open(world.integration.id)
    (mapped,) = world.integration.push_stock([StockLevel(sku=sku, quantity=5, warehouse="EAST")]).results
    assert mapped.outcome in {"updated", "rejected"} and mapped.outcome != "invalid"


def test_stock_sync_switched_off_refuses_clearly(make_world):
    world = make_world(orders=10, settings={"stock_sync": False})
    with pytest.raises(ConnectorError, match="stock_sync"):
        world.integration.push_stock([StockLevel(sku="A", quantity=1)])


def test_a_cached_product_id_tiktok_no_longer_has_is_looked_up_again_once(make_world):
    world = make_world(orders=10)
    sku = active_sku(world)
    world.integration.push_stock([StockLevel(sku=sku, quantity=4)])
    real = world.integration.cache.get("sku_map", sku)
    # The product was deleted and re-created in Seller Center: the cached product id is gone on TikTok.
    world.integration.cache.put("sku_map", {sku: {**real, "product_id": "1729999999999999999"}})

    report = world.integration.push_stock([StockLevel(sku=sku, quantity=9)])

    assert [r.outcome for r in report.results] == ["updated"], report
    assert report.calls == 2  # the refused call with the stale id, then one with the fresh id
    assert world.integration.cache.get("sku_map", sku) == real
    sku_id = real["sku_id"]
    assert sum(world.emu.inventory(sku_id).values()) == 9


def test_the_sku_cache_belongs_to_the_shop_served(make_world):
    world = make_world(orders=10)
    sku = active_sku(world)
    world.integration.push_stock([StockLevel(sku=sku, quantity=4)])
    assert world.integration.cache.get("sku_map", sku) is not None

    world.use_shop("US")
    assert world.integration.cache.get("sku_map", sku) is None, "the GB shop's product ids served the US shop"


def test_a_flood_of_unknown_skus_leaves_a_bounded_store_and_a_fast_status(make_world, tmp_path):
    """Issue 21: 20,000 SKUs TikTok never heard of must not leave a ledger row (or a cache row) each."""
    import sqlite3
    import time

    from connectors.tiktok_shop.inventory import MISSING_CACHE_LIMIT

    world = make_world(orders=10)
    levels = [StockLevel(sku=f"NEVER-SOLD-{n}", quantity=1) for n in range(20_000)]
    report = world.integration.push_stock(levels)
    assert report.count("unknown_sku") == 20_000

    with sqlite3.connect(tmp_path / "store-1.sqlite3") as db:
        ledger = db.execute("SELECT count(*) FROM stock_ledger").fetchone()[0]
        cached = db.execute("SELECT count(*) FROM cache WHERE namespace LIKE '%sku_map'").fetchone()[0]
    assert ledger == 0
    assert cached <= MISSING_CACHE_LIMIT + len(gb_skus(world))
    started = time.perf_counter()
    world.integration.status()
    print(f"\n20,000 unknown SKUs: {ledger} ledger rows, {cached} sku_map rows, "
          f"status in {time.perf_counter() - started:.3f} s")  # fmt: skip
