"""Stock sync, host as stock master: seller SKU -> TikTok product/SKU ids -> one inventory update per product.

Lookups are the expensive part, so the SKU map is cached in the store and only misses are searched
(a filtered search for a few, one catalogue scan for many). TikTok reports SKU-level failures inside a
top-level success (`data.errors`): each becomes a `rejected` result with TikTok's code and message. An error that names no
SKU does not say what was applied: the levels it may concern stay uncertain (sent again next push).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from connector_core import STOCK_OUTCOME_UNKNOWN, ConnectorContext, StockLevel, StockReport, StockResult
from connector_core.clock import to_unix
from connector_core.errors import ChannelError, ItemRejected

from .client import TikTokClient

log = logging.getLogger("connectors.tiktok_shop.inventory")

MAX_QUANTITY = 99_999
SKU_MAP = "sku_map"
WAREHOUSES = "warehouses"
SEARCH_BATCH = 10  # 202502 refuses more than 10 seller_skus per filter (12019027); 202309 states no limit
MISSING_CACHE_LIMIT = 1000  # "no such SKU" answers cached per lookup, at most
NOT_FOUND_TTL = 3600  # seconds a "no such SKU" answer is trusted before TikTok is asked again
SCAN_THRESHOLD = (
    50  # more misses than this: one scan of the catalogue costs fewer calls than filtered searches
)
PAGE_SIZE = 100


@dataclass(frozen=True)
class SkuRef:
    product_id: str
    sku_id: str


def _search_products(client: TikTokClient, body: Mapping[str, Any]) -> Iterable[Mapping[str, Any]]:
    path = client.path("product", "products/search")
    token: str | None = None
    while True:
        query: dict[str, Any] = {"page_size": PAGE_SIZE}
        if token:
            query["page_token"] = token
        data = client.post(path, body, query, safe_to_repeat=True)
        yield from data.get("products") or []
        token = data.get("next_page_token") or None
        if not token:
            return


def _refs_from(products: Iterable[Mapping[str, Any]]) -> dict[str, SkuRef]:
    refs = {}
    for product in products:
        for sku in product.get("skus") or []:
            seller_sku = sku.get("seller_sku")
            if seller_sku:
                refs[str(seller_sku)] = SkuRef(str(product["id"]), str(sku["id"]))
    return refs


def resolve_skus(
    ctx: ConnectorContext, client: TikTokClient, seller_skus: Sequence[str]
) -> dict[str, SkuRef]:
    """Map seller SKUs to TikTok ids: cached ones free, misses looked up and cached.

    A SKU TikTok does not know is remembered as missing for an hour, so a host that keeps pushing it
    does not pay a search every time, yet a SKU the seller adds later is found within the hour.
    """
    now = to_unix(ctx.clock.now())
    found: dict[str, SkuRef] = {}
    misses = []
    for seller_sku in seller_skus:
        cached = ctx.cache.get(SKU_MAP, seller_sku)
        if cached and "sku_id" in cached:
            found[seller_sku] = SkuRef(cached["product_id"], cached["sku_id"])
        elif not (cached and now - int(cached.get("missing_at", 0)) < NOT_FOUND_TTL):
            misses.append(seller_sku)
    if not misses:
        return found
    if len(misses) > SCAN_THRESHOLD:
        looked_up = _refs_from(_search_products(client, {}))
    else:
        looked_up = {}
        for start in range(0, len(misses), SEARCH_BATCH):
            batch = misses[start : start + SEARCH_BATCH]
            looked_up.update(_refs_from(_search_products(client, {"seller_skus": batch})))
    entries: dict[str, Any] = {
        s: {"product_id": r.product_id, "sku_id": r.sku_id} for s, r in looked_up.items()
    }
    # At most MISSING_CACHE_LIMIT "missing" answers per lookup: a file of a million unknown SKUs must not
    # leave a million cache rows (past the limit the lookup is a full scan anyway, see SCAN_THRESHOLD).
    missing = [s for s in misses if s not in looked_up][:MISSING_CACHE_LIMIT]
    entries.update({s: {"missing_at": now} for s in missing})
    ctx.cache.put(SKU_MAP, entries)
    found.update({s: looked_up[s] for s in misses if s in looked_up})
    return found


def sales_warehouses(ctx: ConnectorContext, client: TikTokClient) -> list[dict[str, Any]]:
    cached = ctx.cache.get(WAREHOUSES, "sales")
    if cached is not None:
        return list(cached)
    data = client.get(client.path("logistics", "warehouses"))
    warehouses = [
        {"id": str(w["id"]), "name": w.get("name"), "is_default": bool(w.get("is_default"))}
        for w in data.get("warehouses") or []
        if w.get("type", "SALES_WAREHOUSE") == "SALES_WAREHOUSE"
        and w.get("effect_status", "ENABLED") == "ENABLED"
    ]
    ctx.cache.put(WAREHOUSES, {"sales": warehouses})
    return warehouses


def resolve_warehouse(
    ctx: ConnectorContext, level: StockLevel, warehouses: list[dict[str, Any]]
) -> str | None:
    """TikTok's warehouse id for a level; raises ValueError with the fix when it cannot tell."""
    ids = [w["id"] for w in warehouses]
    mapping: Mapping[str, str] = ctx.settings.get("warehouse_map") or {}
    if level.warehouse is not None:
        target = mapping.get(level.warehouse) or (level.warehouse if level.warehouse in ids else None)
        if target is None:
            raise ValueError(
                f"warehouse {level.warehouse!r} is not in the 'warehouse_map' setting nor a TikTok warehouse id "
                f"(TikTok warehouses: {_describe(warehouses)})"
            )
        return target
    if len(ids) <= 1:
        return ids[0] if ids else None
    raise ValueError(
        f"the shop has {len(ids)} warehouses: give each stock level a warehouse and map it in 'warehouse_map' "
        f"(TikTok warehouses: {_describe(warehouses)})"
    )


def stock_locations(ctx: ConnectorContext, levels: Sequence[StockLevel]) -> list[str | None]:
    """TikTok's warehouse id of each level (the host's code where it cannot be told): what TikTok's
    stock is keyed by, so the core's ledger keys by it too. A shop with one warehouse keeps all its stock
    there, whatever the host calls it: None for each level."""
    warehouses = sales_warehouses(ctx, TikTokClient(ctx))
    found: list[str | None] = []
    for level in levels:
        try:
            target = resolve_warehouse(ctx, level, warehouses)
        except ValueError:
            found.append(level.warehouse)
            continue
        found.append(target if len(warehouses) > 1 else None)
    return found


def _describe(warehouses: list[dict[str, Any]]) -> str:
    return ", ".join(f"{w['id']} {w['name']}" for w in warehouses) or "none"


Entry = tuple[StockLevel, SkuRef, str | None, int]
Results = dict[tuple[str, str | None], StockResult]


def push_stock(ctx: ConnectorContext, levels: Sequence[StockLevel]) -> StockReport:
    client = TikTokClient(ctx)
    results: Results = {}
    refs = resolve_skus(ctx, client, list(dict.fromkeys(level.sku for level in levels)))
    warehouses = sales_warehouses(ctx, client)
    by_product: dict[str, list[Entry]] = defaultdict(list)
    for level in levels:
        key = (level.sku, level.warehouse)
        ref = refs.get(level.sku)
        if ref is None:
            results[key] = StockResult(
                sku=level.sku,
                warehouse=level.warehouse,
                outcome="unknown_sku",
                message=f"seller SKU {level.sku!r} is not on any TikTok product of this shop",
            )
            continue
        try:
            warehouse_id = resolve_warehouse(ctx, level, warehouses)
        except ValueError as exc:
            results[key] = StockResult(
                sku=level.sku, warehouse=level.warehouse, outcome="invalid", message=str(exc)
            )
            continue
        by_product[ref.product_id].append((level, ref, warehouse_id, _clamped(level)))
    calls = 0
    stale: list[Entry] = []
    for product_id, entries in by_product.items():
        calls += 1
        outcome, refused = _update_product(ctx, client, product_id, entries)
        results.update(outcome)
        stale.extend(refused)
    if stale:
        calls += _retry_with_fresh_ids(ctx, client, stale, results)
    ordered = [results[(lv.sku, lv.warehouse)] for lv in levels if (lv.sku, lv.warehouse) in results]
    return StockReport(results=ordered, calls=calls)


def _retry_with_fresh_ids(
    ctx: ConnectorContext, client: TikTokClient, stale: list[Entry], results: Results
) -> int:
    """TikTok refused a whole product: the cached ids may be gone (product re-created). Look the SKUs up
    again, once, and send those whose ids changed; the others keep the refusal."""
    skus = list(dict.fromkeys(level.sku for level, *_ in stale))
    ctx.cache.put(SKU_MAP, dict.fromkeys(skus))
    fresh = resolve_skus(ctx, client, skus)
    again: dict[str, list[Entry]] = defaultdict(list)
    for level, old, warehouse_id, quantity in stale:
        new = fresh.get(level.sku)
        if new is None:
            results[(level.sku, level.warehouse)] = StockResult(
                sku=level.sku,
                warehouse=level.warehouse,
                outcome="unknown_sku",
                message=f"seller SKU {level.sku!r} is no longer on any TikTok product of this shop",
            )
        elif new != old:
            again[new.product_id].append((level, new, warehouse_id, quantity))
    for product_id, entries in again.items():
        outcome, _ = _update_product(ctx, client, product_id, entries)
        results.update(outcome)
    return len(again)


def _clamped(level: StockLevel) -> int:
    if level.quantity > MAX_QUANTITY:
        log.warning(
            "SKU %s: quantity %d clamped to TikTok's maximum %d", level.sku, level.quantity, MAX_QUANTITY
        )
        return MAX_QUANTITY
    return level.quantity


def _update_product(
    ctx: ConnectorContext, client: TikTokClient, product_id: str, entries: list[Entry]
) -> tuple[Results, list[Entry]]:
    """One inventory update; returns each level's result and the entries TikTok refused as a whole."""
    skus: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for _, ref, warehouse_id, quantity in entries:
        entry: dict[str, Any] = {"quantity": quantity}
        if warehouse_id is not None:
            entry["warehouse_id"] = warehouse_id
        skus[ref.sku_id].append(entry)
    body = {"skus": [{"id": sku_id, "inventory": inventory} for sku_id, inventory in skus.items()]}
    path = client.path("product", f"products/{product_id}/inventory/update")
    try:
        # Setting an absolute quantity twice leaves the same quantity: safe to repeat.
        data = client.post(path, body, safe_to_repeat=True)
    except ChannelError as exc:
        refused = type(exc) in (ChannelError, ItemRejected)  # TikTok answered no; anything else: unknown
        results = {
            (level.sku, level.warehouse): StockResult(
                sku=level.sku,
                warehouse=level.warehouse,
                outcome="rejected",
                quantity=quantity,
                code=str(exc.code) if refused else STOCK_OUTCOME_UNKNOWN,
                message=exc.channel_message
                if refused
                else f"TikTok's answer did not arrive ({exc.channel_message}); the level is sent again next push",
            )
            for level, _, _, quantity in entries
        }
        return results, (entries if refused else [])
    errors = _item_errors(data)
    unattributed = errors.pop("", None)
    results = {}
    for level, ref, _, quantity in entries:
        error = errors.get(ref.sku_id)
        clamp_note = (
            f"clamped from {level.quantity} to {MAX_QUANTITY}" if quantity != level.quantity else None
        )
        if error is None and unattributed is not None:
            # An error TikTok did not attribute to a SKU may concern any of them, or none: TikTok may well
            # have applied the level. Neither updated nor refused: uncertain, so the next push sends it again.
            results[(level.sku, level.warehouse)] = StockResult(
                sku=level.sku,
                warehouse=level.warehouse,
                outcome="rejected",
                quantity=quantity,
                code=STOCK_OUTCOME_UNKNOWN,
                message=f"TikTok answered an error naming no SKU ({unattributed[0]}: {unattributed[1]}); the "
                "level may or may not be applied and is sent again next push",
            )
        elif error is None:
            results[(level.sku, level.warehouse)] = StockResult(
                sku=level.sku,
                warehouse=level.warehouse,
                outcome="updated",
                quantity=quantity,
                message=clamp_note,
            )
        else:
            # The cached ids may be stale (SKU re-created): forget them so the next push resolves afresh.
            ctx.cache.put(SKU_MAP, {level.sku: None})
            results[(level.sku, level.warehouse)] = StockResult(
                sku=level.sku,
                warehouse=level.warehouse,
                outcome="rejected",
                quantity=quantity,
                code=error[0],
                message=error[1],
            )
    return results, []


def _item_errors(data: Mapping[str, Any]) -> dict[str, tuple[str, str]]:
    """SKU id -> (code, message) for the failures TikTok reports inside a successful answer ("" for one
    that names no SKU)."""
    errors: dict[str, tuple[str, str]] = {}
    listed = data.get("errors") or []
    for error in listed if isinstance(listed, list) else [listed]:
        if not isinstance(error, Mapping):
            errors[""] = ("", f"TikTok reported an error it did not describe: {str(error)[:200]}")
            continue
        found = error.get("detail")
        detail: Mapping[str, Any] = found if isinstance(found, Mapping) else {}
        sku_id = detail.get("sku_id")
        messages = [str(error.get("message", ""))]
        codes = [str(error.get("code", ""))]
        extras = detail.get("extra_errors")
        for extra in extras if isinstance(extras, list) else []:
            if isinstance(extra, Mapping):
                codes.append(str(extra.get("code", "")))
                messages.append(str(extra.get("message", "")))
        errors[str(sku_id or "")] = ("/".join(c for c in codes if c), "; ".join(m for m in messages if m))
    return errors
