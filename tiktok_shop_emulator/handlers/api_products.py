"""Products and inventory (reference.md#inventory-update): search, detail, inventory search, inventory update."""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

from tiktok_shop_emulator.handlers import product_views
from tiktok_shop_emulator.state.world import Product
from tiktok_shop_emulator.wire import error_codes
from tiktok_shop_emulator.wire.call import Call

PRODUCT_STATUSES = (
    "ALL",
    "DRAFT",
    "PENDING",
    "FAILED",
    "ACTIVATE",
    "SELLER_DEACTIVATED",
    "PLATFORM_DEACTIVATED",
    "FREEZE",
    "DELETED",
)
MAX_SELLER_SKUS = 10
MAX_FILTER_SKU_IDS = 10  # the 202312+ `sku_ids` search filter
MAX_PRODUCT_IDS = 100
MAX_SKU_IDS = 600
MAX_QUANTITY = 99999


def _stock(call: Call, product: Product) -> dict[str, list[dict[str, Any]]]:
    inventory = call.backend.inventory
    return {
        s.id: [{"warehouse_id": w, "quantity": q} for w, q in inventory.available(s.id).items()]
        for s in product.skus
    }


def _own_product(call: Call, product_id: str) -> Product:
    found = call.backend.world.products.get(product_id)
    if found is None or product_id in call.backend.delisted:
        raise error_codes.product_not_found()
    if found[0] is not call.shop:
        raise error_codes.product_not_in_shop()
    return found[1]


def _search_filter(
    call: Call, version: str
) -> tuple[str, set[str] | None, set[str] | None, list[tuple[str, str, int]]]:
    status = call.body.get("status", "ALL")
    if status not in PRODUCT_STATUSES:
        raise error_codes.invalid_param(f"`status` must be one of {', '.join(PRODUCT_STATUSES)}.")
    skus = call.body_str_list("seller_skus")
    if skus is not None and len(skus) > MAX_SELLER_SKUS:
        raise error_codes.too_many_seller_skus()
    sku_ids = call.body_str_list("sku_ids") if version >= "202312" else None
    if sku_ids is not None and len(sku_ids) > MAX_FILTER_SKU_IDS:
        raise error_codes.invalid_param(f"`sku_ids` accepts at most {MAX_FILTER_SKU_IDS} SKU IDs.")
    bounds = [
        (key[:11], key[12:], value)
        for key in ("create_time_ge", "create_time_le", "update_time_ge", "update_time_le")
        if (value := call.body_int(key)) is not None
    ]
    return status, None if skus is None else set(skus), None if sku_ids is None else set(sku_ids), bounds


def _within(product: Product, bounds: list[tuple[str, str, int]]) -> bool:
    for field, op, value in bounds:
        actual = getattr(product, field)
        if (op == "ge" and actual < value) or (op == "le" and actual > value):
            return False
    return True


def _search_products(call: Call, version: str) -> dict[str, Any]:
    """POST /product/{version}/products/search: one filter and paging, the entries shaped per version."""
    page_size = call.page_size(100)
    status, seller_skus, sku_ids, bounds = _search_filter(call, version)
    matches = [
        p
        for p in call.shop.products
        if p.id not in call.backend.delisted
        and (status == "ALL" or p.status == status)
        and _within(p, bounds)
        and (seller_skus is None or any(s.seller_sku in seller_skus for s in p.skus))
        and (sku_ids is None or any(s.id in sku_ids for s in p.skus))
    ]
    fingerprint = hashlib.sha256(json.dumps(call.body, sort_keys=True).encode()).hexdigest()[:12]
    offset = _offset(call.query.get("page_token"), fingerprint)
    chunk = matches[offset : offset + page_size]
    more = offset + page_size < len(matches)
    token = base64.urlsafe_b64encode(f"{fingerprint}:{offset + page_size}".encode()).decode() if more else ""
    return {
        "products": [product_views.summary(call.shop, p, _stock(call, p), version) for p in chunk],
        "next_page_token": token,
        "total_count": len(matches),
    }


def search_products(call: Call) -> dict[str, Any]:
    """POST /product/202309/products/search."""
    return _search_products(call, "202309")


def search_products_202312(call: Call) -> dict[str, Any]:
    """POST /product/202312/products/search: adds audit, listing tier and list prices; `sku_ids` filter."""
    return _search_products(call, "202312")


def search_products_202502(call: Call) -> dict[str, Any]:
    """POST /product/202502/products/search: 202312 plus `product_families`."""
    return _search_products(call, "202502")


def _offset(token: str | None, fingerprint: str) -> int:
    if not token:
        return 0
    try:
        mark, _, offset = base64.urlsafe_b64decode(token.encode()).decode().partition(":")
        if mark != fingerprint:
            raise ValueError("token of another query")
        return int(offset)
    except ValueError as exc:
        raise error_codes.invalid_param("The `page_token` is invalid or belongs to another query.") from exc


def product_detail(call: Call) -> dict[str, Any]:
    """GET /product/202309/products/{product_id}."""
    product = _own_product(call, call.params["product_id"])
    return product_views.detail(call.shop, product, _stock(call, product))


def inventory_search(call: Call) -> dict[str, Any]:
    """POST /product/202309/inventory/search: ``sku_ids`` (<=600) wins over ``product_ids`` (<=100)."""
    sku_ids, product_ids = call.body_str_list("sku_ids"), call.body_str_list("product_ids")
    world = call.backend.world
    if sku_ids:
        if len(sku_ids) > MAX_SKU_IDS:
            raise error_codes.too_many_sku_ids()
        wanted = {s for s in sku_ids if s in world.skus and world.skus[s][0] is call.shop}
    elif product_ids:
        if len(product_ids) > MAX_PRODUCT_IDS:
            raise error_codes.too_many_product_ids()
        wanted = {
            s.id
            for p in product_ids
            if p in world.products and world.products[p][0] is call.shop
            for s in world.products[p][1].skus
        }
    else:
        # An empty filter (`{}`, or PHP's `[]`): the shop's first products, as many as `product_ids` allows.
        wanted = {s.id for p in call.shop.products[:MAX_PRODUCT_IDS] for s in p.skus}
    grouped: dict[str, list[dict[str, Any]]] = {}
    for product in call.shop.products:
        for sku in product.skus:
            if sku.id in wanted:
                grouped.setdefault(product.id, []).append(_sku_inventory(call, sku.id, sku.seller_sku))
    return {"inventory": [{"product_id": pid, "skus": skus} for pid, skus in grouped.items()]}


def _sku_inventory(call: Call, sku_id: str, seller_sku: str) -> dict[str, Any]:
    available = call.backend.inventory.available(sku_id)
    committed = call.backend.inventory.committed(sku_id)
    total = sum(available.values())
    return {
        "id": sku_id,
        "seller_sku": seller_sku,
        "total_available_quantity": total,
        "total_committed_quantity": sum(committed.values()),
        "warehouse_inventory": [
            {"warehouse_id": w, "available_quantity": available[w], "committed_quantity": committed[w]}
            for w in available
        ],
        # No campaign or creator holds stock aside in the emulated world: all of it is the shop's own.
        "total_available_inventory_distribution": {
            "in_shop_inventory": {"quantity": total},
            "campaign_inventory": [],
            "creator_inventory": [],
        },
    }


def inventory_update(call: Call) -> dict[str, Any]:
    """POST /product/202309/products/{product_id}/inventory/update."""
    product = _own_product(call, call.params["product_id"])
    entries = call.body.get("skus")
    if not isinstance(entries, list) or not entries:
        raise error_codes.invalid_param("`skus` must be a non-empty list.")
    updates = [u for entry in entries for u in _sku_updates(call, product, entry)]
    if product.status != "ACTIVATE":
        # Per-SKU failures with top-level success, exactly like the official sample.
        failed = {sku_id: warehouse for sku_id, warehouse, _ in updates}
        return {"errors": [error_codes.inventory_item_error(sku_id, w) for sku_id, w in failed.items()]}
    call.backend.inventory.set_many(updates)
    return {}


def _sku_updates(call: Call, product: Product, entry: Any) -> list[tuple[str, str, int]]:
    if not isinstance(entry, dict) or not isinstance(entry.get("id"), str) or not entry["id"]:
        raise error_codes.sku_id_required()
    sku_id = entry["id"]
    if sku_id not in {s.id for s in product.skus}:
        raise error_codes.sku_not_in_product(sku_id)
    stock = entry.get("inventory")
    if not isinstance(stock, list) or not stock:
        raise error_codes.invalid_param("`skus[].inventory` must be a non-empty list.")
    warehouses = [w.id for w in call.shop.sales_warehouses]
    result = []
    for item in stock:
        quantity = item.get("quantity") if isinstance(item, dict) else None
        if isinstance(quantity, bool) or not isinstance(quantity, int) or not 0 <= quantity <= MAX_QUANTITY:
            raise error_codes.stock_count_invalid()
        warehouse = item.get("warehouse_id")
        if warehouse is None:
            if len(warehouses) > 1:
                raise error_codes.multiple_warehouses()
            warehouse = warehouses[0]
        if warehouse not in warehouses:
            raise error_codes.warehouse_not_found()
        result.append((sku_id, str(warehouse), quantity))
    return result


ROUTES = (
    ("POST", "/product/202309/products/search", search_products, True),
    ("POST", "/product/202312/products/search", search_products_202312, True),
    ("POST", "/product/202502/products/search", search_products_202502, True),
    ("GET", "/product/202309/products/{product_id}", product_detail, True),
    ("POST", "/product/202309/inventory/search", inventory_search, True),
    ("POST", "/product/202309/products/{product_id}/inventory/update", inventory_update, True),
)
FILTER_BODIES = frozenset(
    {
        "/product/202309/products/search",
        "/product/202312/products/search",
        "/product/202502/products/search",
        "/product/202309/inventory/search",
    }
)
