"""Shipping rules (reference.md#ship-package): mark package shipped (US/GB/ES/IE), ship by package, fix tracking, status moves.

A line counts as shipped once it has a tracking number. The order status follows its lines: some shipped ->
PARTIALLY_SHIPPING, all shipped -> AWAITING_COLLECTION. Every change goes through ``OrderBook.change`` so a
rejected call leaves the order as it was, and a status change fires the ORDER_STATUS_CHANGE webhook.
"""

from __future__ import annotations

from typing import Any

from tiktok_shop_emulator.state import cancelling, ordermodel
from tiktok_shop_emulator.state.backend import Backend
from tiktok_shop_emulator.state.carriers import tracking_number
from tiktok_shop_emulator.state.mixing import seeded
from tiktok_shop_emulator.state.ordergen import (
    LINE_STATUS_FOR,
    PACKAGE_STATUS_FOR,
    SHIPPED_STATUSES,
    STATUSES,
    ship_lines,
)
from tiktok_shop_emulator.state.world import Provider, Shop
from tiktok_shop_emulator.wire import error_codes

SHIPPABLE = ("AWAITING_SHIPMENT", "PARTIALLY_SHIPPING")
UPDATE_WINDOW = 72 * 3600
HANDOVER_METHODS = ("PICKUP", "DROP_OFF")


def _shipped(line: dict[str, Any]) -> bool:
    return bool(line["tracking_number"])


def _text(body: dict[str, Any], key: str) -> str:
    value = body.get(key)
    if not isinstance(value, str) or not value.strip():
        raise error_codes.invalid_param(f"`{key}` is required.")
    return value


def _provider(backend: Backend, order: dict[str, Any], provider_id: str) -> Provider:
    _, option = backend.world.options[order["delivery_option_id"]]
    for provider in option.providers:
        if provider.id == provider_id:
            return provider
    raise error_codes.invalid_provider(provider_id)


def _settle_status(order: dict[str, Any]) -> None:
    lines = [line for line in order["line_items"] if line["display_status"] != "CANCELLED"]
    shipped = sum(1 for line in lines if _shipped(line))
    if shipped == len(lines) and lines:
        order["status"] = "AWAITING_COLLECTION"
    elif shipped:
        order["status"] = "PARTIALLY_SHIPPING"


def _require_shippable(order: dict[str, Any]) -> None:
    if order["status"] not in SHIPPABLE:
        raise error_codes.order_status_forbids(order["status"])


def mark_package_shipped(backend: Backend, shop: Shop, order_id: str, body: dict[str, Any]) -> dict[str, Any]:
    """POST /fulfillment/202309/orders/{order_id}/packages: one call ships the given lines as one parcel."""
    if not shop.marks_packages_shipped:
        raise error_codes.market_not_supported(shop.region)
    index = backend.book.find(shop, order_id)
    ids = body.get("order_line_item_ids")
    if (
        not isinstance(ids, list)
        or not ids
        or not all(isinstance(i, str) for i in ids)
        or len(set(ids)) != len(ids)
    ):
        raise error_codes.invalid_param(
            "`order_line_item_ids` must be a non-empty list of distinct line item IDs."
        )
    tracking, provider_id = _text(body, "tracking_number"), _text(body, "shipping_provider_id")
    with backend.book.change(index) as order:
        if order["shipping_type"] != "SELLER":
            raise error_codes.seller_shipping_only()
        by_id = {line["id"]: line for line in order["line_items"]}
        unknown = [i for i in ids if i not in by_id]
        if unknown:
            raise error_codes.lines_not_in_order(unknown)
        # Checked before the status so that a retry after a lost answer hears "already shipped".
        already = [i for i in ids if _shipped(by_id[i])]
        if already:
            raise error_codes.lines_already_shipped(already)
        _require_shippable(order)
        cancelled = [i for i in ids if by_id[i]["display_status"] == "CANCELLED"]
        if cancelled:
            raise error_codes.ApiError(
                21011041, "Order line items are cancelled: " + ",".join(cancelled) + "."
            )
        cancelling.on_ship(backend, shop, order)
        provider = _provider(backend, order, provider_id)
        now = backend.clock.unix()
        pkg = backend.book.new_package_id(index, {"handover_method": "DROP_OFF", "create_time": now})
        ship_lines(
            order,
            [by_id[i] for i in ids],
            pkg,
            provider.id,
            provider.name,
            tracking,
            now,
            "PROCESSING",
            "AWAITING_COLLECTION",
        )
        _settle_status(order)
    return {"order_id": order_id, "package_id": pkg, "order_line_item_ids": list(ids)}


def ship_package(backend: Backend, shop: Shop, pkg: str, spec: dict[str, Any]) -> None:
    """POST /fulfillment/202309/packages/{package_id}/ship (and each entry of the batch form)."""
    index = backend.book.find_package(shop, pkg)
    with backend.book.change(index) as order:
        _require_shippable(order)
        lines = [line for line in order["line_items"] if line.get("package_id") == pkg]
        if any(_shipped(line) for line in lines):
            raise error_codes.package_already_shipped()
        cancelling.on_ship(backend, shop, order)
        if order["shipping_type"] == "SELLER":
            provider, tracking = _self_shipment(backend, order, spec)
            meta: dict[str, Any] = {"handover_method": spec.get("handover_method") or "DROP_OFF"}
        else:
            provider, tracking, meta = _platform_shipment(backend, order, spec, index)
        now = backend.clock.unix()
        ship_lines(
            order, lines, pkg, provider.id, provider.name, tracking, now, "PROCESSING", "AWAITING_COLLECTION"
        )
        backend.book.set_package_meta(pkg, create_time=now, **meta)
        _settle_status(order)


def _self_shipment(backend: Backend, order: dict[str, Any], spec: dict[str, Any]) -> tuple[Provider, str]:
    shipment = spec.get("self_shipment")
    if (
        not isinstance(shipment, dict)
        or not shipment.get("tracking_number")
        or not shipment.get("shipping_provider_id")
    ):
        raise error_codes.self_shipment_required()
    return _provider(backend, order, str(shipment["shipping_provider_id"])), str(shipment["tracking_number"])


def _platform_shipment(
    backend: Backend, order: dict[str, Any], spec: dict[str, Any], index: int
) -> tuple[Provider, str, dict[str, Any]]:
    method = spec.get("handover_method")
    if method not in HANDOVER_METHODS or spec.get("self_shipment"):
        raise error_codes.handover_required()
    _, option = backend.world.options[order["delivery_option_id"]]
    provider = option.providers[0]
    # Seeded by how many lines have shipped: after a split, each package of the order gets its own number.
    shipped = sum(1 for line in order["line_items"] if _shipped(line))
    rng = seeded(backend.config.seed, index, len(order["packages"]) * 1000 + shipped, 0x534849)
    meta: dict[str, Any] = {"handover_method": method}
    if isinstance(spec.get("pickup_slot"), dict):
        meta["pickup_slot"] = spec["pickup_slot"]
    return provider, tracking_number(provider.name, rng), meta


def batch_ship(backend: Backend, shop: Shop, packages: list[Any]) -> dict[str, Any]:
    """POST /fulfillment/202309/packages/ship: per-package failures go to data.errors, top-level code stays 0."""
    failures: list[dict[str, Any]] = []
    for entry in packages:
        pkg = str(entry.get("id", "")) if isinstance(entry, dict) else ""
        try:
            if not pkg:
                raise error_codes.invalid_param("`packages[].id` is required.")
            ship_package(backend, shop, pkg, entry)
        except error_codes.ApiError as exc:
            failures.append({"code": exc.code, "message": exc.message, "detail": {"package_id": pkg}})
    return {"errors": failures} if failures else {}


def update_order_shipping_info(backend: Backend, shop: Shop, order_id: str, body: dict[str, Any]) -> None:
    """POST /fulfillment/202309/orders/{order_id}/shipping_info/update: seller-shipped, one package, 72 h."""
    index = backend.book.find(shop, order_id)
    with backend.book.change(index) as order:
        packages = sorted({line["package_id"] for line in order["line_items"] if _shipped(line)})
        if order["shipping_type"] != "SELLER":
            raise error_codes.seller_shipping_only()
        if not packages:
            raise error_codes.package_not_shipped()
        if len(packages) > 1:
            raise error_codes.split_order_use_package()
        _retrack(backend, order, packages[0], body)


def update_package_shipping_info(backend: Backend, shop: Shop, pkg: str, body: dict[str, Any]) -> None:
    """POST /fulfillment/202309/packages/{package_id}/shipping_info/update."""
    index = backend.book.find_package(shop, pkg)
    with backend.book.change(index) as order:
        if order["shipping_type"] != "SELLER":
            raise error_codes.seller_shipping_only()
        _retrack(backend, order, pkg, body)


def _retrack(backend: Backend, order: dict[str, Any], pkg: str, body: dict[str, Any]) -> None:
    tracking, provider_id = _text(body, "tracking_number"), _text(body, "shipping_provider_id")
    lines = [line for line in order["line_items"] if line.get("package_id") == pkg]
    if not lines or not all(_shipped(line) for line in lines):
        raise error_codes.package_not_shipped()
    if backend.clock.unix() > lines[0]["rts_time"] + UPDATE_WINDOW:
        raise error_codes.update_window_closed()
    provider = _provider(backend, order, provider_id)
    old_tracking = lines[0]["tracking_number"]
    for line in lines:
        line.update(
            {
                "tracking_number": tracking,
                "shipping_provider_id": provider.id,
                "shipping_provider_name": provider.name,
            }
        )
    if order["tracking_number"] == old_tracking:
        order.update(
            {
                "tracking_number": tracking,
                "shipping_provider_id": provider.id,
                "shipping_provider": provider.name,
            }
        )


def package_detail(backend: Backend, shop: Shop, pkg: str) -> dict[str, Any]:
    """GET /fulfillment/202309/packages/{package_id} (shape of the official sample)."""
    index = backend.book.find_package(shop, pkg)
    order = backend.book.order(index)
    lines = [line for line in order["line_items"] if line.get("package_id") == pkg]
    meta = backend.book.package_meta(pkg)
    counts: dict[str, int] = {}
    for line in lines:
        counts[line["sku_id"]] = counts.get(line["sku_id"], 0) + 1
    first = {line["sku_id"]: line for line in reversed(lines)}
    address = {
        k: order["recipient_address"][k]
        for k in (
            "name",
            "phone_number",
            "full_address",
            "address_detail",
            "address_line1",
            "address_line2",
            "address_line3",
            "address_line4",
            "postal_code",
            "region_code",
        )
    }
    status = lines[0]["package_status"]
    detail: dict[str, Any] = {
        "package_id": pkg,
        "package_status": "PROCESSING" if status == "TO_FULFILL" else status,
        "order_line_item_ids": [line["id"] for line in lines],
        "orders": [
            {
                "id": order["id"],
                "skus": [
                    {
                        "id": sku,
                        "name": first[sku]["sku_name"],
                        "image_url": first[sku]["sku_image"],
                        "quantity": n,
                    }
                    for sku, n in counts.items()
                ],
            }
        ],
        "shipping_type": order["shipping_type"],
        "shipping_provider_id": lines[0]["shipping_provider_id"],
        "shipping_provider_name": lines[0]["shipping_provider_name"],
        "tracking_number": lines[0]["tracking_number"],
        "delivery_option_id": order["delivery_option_id"],
        "delivery_option_name": order["delivery_option_name"],
        "handover_method": meta.get(
            "handover_method", "PICKUP" if order["shipping_type"] == "TIKTOK" else "DROP_OFF"
        ),
        "has_multi_skus": len(counts) > 1,
        "note_tag": "BUYER_UNNOTED",
        "split_and_combine_tag": "SPLIT" if len(order["packages"]) > 1 else "",
        "create_time": meta.get(
            "create_time", lines[0]["rts_time"] or order.get("paid_time", order["create_time"])
        ),
        "update_time": order["update_time"],
        "recipient_address": address,
    }
    if "pickup_slot" in meta:
        detail["pickup_slot"] = meta["pickup_slot"]
    return detail


def set_status(backend: Backend, order_id: str, status: str) -> dict[str, Any]:
    """Test helper: force an order into ``status`` the way TikTok would move it, bump update_time, notify."""
    if status not in STATUSES:
        raise ValueError(f"unknown order status {status!r}")
    index = backend.space.index_of(order_id)
    if index is None:
        raise KeyError(order_id)
    with backend.book.change(index) as order:
        if status in SHIPPED_STATUSES:
            _ship_rest(backend, order, index, status)
        elif status == "CANCELLED":
            _cancel(order, backend.clock.unix())
        elif status != "PARTIALLY_SHIPPING":
            for line in order["line_items"]:
                if not _shipped(line):
                    line["display_status"] = LINE_STATUS_FOR[status]
            order["is_on_hold_order"] = order["is_on_hold_order"] or status == "ON_HOLD"
        order["status"] = status
        ordermodel.record_milestone(order, status, backend.clock.unix())
    return backend.book.order(index)


def _ship_rest(backend: Backend, order: dict[str, Any], index: int, status: str) -> None:
    pending = [line for line in order["line_items"] if not _shipped(line)]
    if pending:
        _, option = backend.world.options[order["delivery_option_id"]]
        provider = option.providers[0]
        rng = seeded(backend.config.seed, index, len(order["packages"]), 0x534554)
        pkg = pending[0].get("package_id") or backend.book.new_package_id(index, {})
        ship_lines(
            order,
            pending,
            pkg,
            provider.id,
            provider.name,
            tracking_number(provider.name, rng),
            backend.clock.unix(),
            PACKAGE_STATUS_FOR[status],
            status,
        )
    for line in order["line_items"]:
        line.update({"display_status": status, "package_status": PACKAGE_STATUS_FOR[status]})


def _cancel(order: dict[str, Any], now: int) -> None:
    order.update(
        {
            "cancel_reason": "No longer needed",
            "cancellation_initiator": "BUYER",
            "cancel_time": now,
            "request_cancel_time": now,
        }
    )
    for line in order["line_items"]:
        line.update(
            {"display_status": "CANCELLED", "cancel_reason": "No longer needed", "cancel_user": "BUYER"}
        )
