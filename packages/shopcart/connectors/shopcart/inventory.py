"""Stock: ShopCart keeps an absolute `available` per (inventory item, location); one set call per level.

A seller SKU is found through `inventory_items.json?skus=` (cached in the store); a level's location is
the host's warehouse code mapped by the `location_map` setting, a ShopCart location id, or the shop's only
active location. Setting an absolute number twice leaves the same number, so the call is safe to repeat.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from connector_core import STOCK_OUTCOME_UNKNOWN, ConnectorContext, StockLevel, StockReport, StockResult
from connector_core.errors import ChannelError, ChannelUnavailable, RateLimited

from .client import ShopCartClient

ITEMS = "inventory_items"
LOCATIONS = "locations"
BATCH = 50


def _locations(ctx: ConnectorContext, client: ShopCartClient) -> list[str]:
    cached = ctx.cache.get(LOCATIONS, "active")
    if cached is not None:
        return [str(x) for x in cached]
    data = client.get(client.path("locations"))
    ids = [str(loc["id"]) for loc in data.get("locations") or [] if loc.get("active", True)]
    ctx.cache.put(LOCATIONS, {"active": ids})
    return ids


def location_of(ctx: ConnectorContext, level: StockLevel, locations: Sequence[str]) -> str:
    """ShopCart's location id for a level; ValueError naming the fix when it cannot be told."""
    mapping: Mapping[str, str] = ctx.settings.get("location_map") or {}
    if level.warehouse is None:
        if len(locations) == 1:
            return locations[0]
        raise ValueError(
            f"SKU {level.sku}: the shop has {len(locations)} locations ({', '.join(locations)}); give the level a warehouse"
        )
    target = str(mapping.get(level.warehouse) or level.warehouse)
    if target not in locations:
        raise ValueError(
            f"SKU {level.sku}: warehouse {level.warehouse!r} is neither in 'location_map' nor a ShopCart "
            f"location ({', '.join(locations)})"
        )
    return target


def stock_locations(ctx: ConnectorContext, levels: Sequence[StockLevel]) -> list[str | None]:
    locations = _locations(ctx, ShopCartClient(ctx))
    found: list[str | None] = []
    for level in levels:
        try:
            found.append(location_of(ctx, level, locations))
        except ValueError:
            found.append(level.warehouse)
    return found


def _items(ctx: ConnectorContext, client: ShopCartClient, skus: Sequence[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    misses = []
    for sku in skus:
        cached = ctx.cache.get(ITEMS, sku)
        if cached:
            found[sku] = str(cached)
        else:
            misses.append(sku)
    for start in range(0, len(misses), BATCH):
        data = client.get(client.path("inventory_items"), {"skus": ",".join(misses[start : start + BATCH])})
        looked_up = {str(i["sku"]): str(i["id"]) for i in data.get("inventory_items") or [] if i.get("sku")}
        ctx.cache.put(ITEMS, looked_up)
        found.update(looked_up)
    return found


def push_stock(ctx: ConnectorContext, levels: Sequence[StockLevel]) -> StockReport:
    client = ShopCartClient(ctx)
    items = _items(ctx, client, list(dict.fromkeys(lv.sku for lv in levels)))
    locations = _locations(ctx, client)
    results: list[StockResult] = []
    calls = 0
    for level in levels:
        item = items.get(level.sku)
        if item is None:
            results.append(
                StockResult(
                    sku=level.sku,
                    warehouse=level.warehouse,
                    outcome="unknown_sku",
                    message=f"SKU {level.sku!r} is on no ShopCart inventory item",
                )
            )
            continue
        try:
            location = location_of(ctx, level, locations)
        except ValueError as exc:
            results.append(
                StockResult(sku=level.sku, warehouse=level.warehouse, outcome="invalid", message=str(exc))
            )
            continue
        quantity = max(level.quantity, 0)
        body = {"location_id": int(location), "inventory_item_id": int(item), "available": quantity}
        calls += 1
        try:
            client.call("POST", client.path("inventory_levels/set"), body=body, safe_to_repeat=True)
        except (ChannelUnavailable, RateLimited) as exc:
            results.append(
                StockResult(
                    sku=level.sku,
                    warehouse=level.warehouse,
                    outcome="rejected",
                    quantity=quantity,
                    code=STOCK_OUTCOME_UNKNOWN,
                    message=f"{exc.channel_message}; the level is sent again next push",
                )
            )
            continue
        except ChannelError as exc:
            results.append(
                StockResult(
                    sku=level.sku,
                    warehouse=level.warehouse,
                    outcome="rejected",
                    quantity=quantity,
                    code=str(exc.code),
                    message=exc.channel_message,
                )
            )
            continue
        results.append(
            StockResult(sku=level.sku, warehouse=level.warehouse, outcome="updated", quantity=quantity)
        )
    return StockReport(results=results, calls=calls)
