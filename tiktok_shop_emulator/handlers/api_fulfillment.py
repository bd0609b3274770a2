"""Fulfillment endpoints (reference.md#ship-package): thin adapters over ``fulfillment``."""

from __future__ import annotations

from typing import Any

from tiktok_shop_emulator.state import shipping
from tiktok_shop_emulator.wire import error_codes
from tiktok_shop_emulator.wire.call import Call


def mark_package_shipped(call: Call) -> dict[str, Any]:
    """POST /fulfillment/202309/orders/{order_id}/packages (US/GB/ES/IE)."""
    return shipping.mark_package_shipped(call.backend, call.shop, call.params["order_id"], call.body)


def ship_package(call: Call) -> dict[str, Any]:
    """POST /fulfillment/202309/packages/{package_id}/ship: ``data`` is an empty object."""
    shipping.ship_package(call.backend, call.shop, call.params["package_id"], call.body)
    return {}


def batch_ship(call: Call) -> dict[str, Any]:
    """POST /fulfillment/202309/packages/ship."""
    packages = call.body.get("packages")
    if not isinstance(packages, list) or not packages:
        raise error_codes.invalid_param("`packages` must be a non-empty list.")
    return shipping.batch_ship(call.backend, call.shop, packages)


def update_order_shipping_info(call: Call) -> dict[str, Any]:
    """POST /fulfillment/202309/orders/{order_id}/shipping_info/update."""
    shipping.update_order_shipping_info(call.backend, call.shop, call.params["order_id"], call.body)
    return {}


def update_package_shipping_info(call: Call) -> dict[str, Any]:
    """POST /fulfillment/202309/packages/{package_id}/shipping_info/update."""
    shipping.update_package_shipping_info(call.backend, call.shop, call.params["package_id"], call.body)
    return {}


LINE_ID_KEYS = ("order_line_item_id", "order_line_id", "id")


def _line_ids_202610(body: dict[str, Any]) -> list[Any]:
    """``order_line_list[]`` of the 202610 shape: objects (any plausible id member name) or bare ids."""
    lines = body.get("order_line_list")
    if not isinstance(lines, list) or not lines:
        raise error_codes.invalid_param("`order_line_list` must be a non-empty list.")
    ids = []
    for line in lines:
        found = next((line.get(k) for k in LINE_ID_KEYS if isinstance(line, dict) and line.get(k)), None)
        ids.append(found if found is not None else line)
    return ids


def mark_package_shipped_202610(call: Call) -> dict[str, Any]:
    """POST /fulfillment/202610/orders/{order_id}/packages: the shape one generated client sends
    (reference.md#mark-shipped-202610), served like 202309."""
    body = {
        "order_line_item_ids": _line_ids_202610(call.body),
        "tracking_number": call.body.get("tracking_number"),
        "shipping_provider_id": call.body.get("shipping_provider_id"),
    }
    answer = shipping.mark_package_shipped(call.backend, call.shop, call.params["order_id"], body)
    return {**answer, "order_line_list": [{"order_line_item_id": i} for i in answer["order_line_item_ids"]]}


def update_order_shipping_info_202610(call: Call) -> dict[str, Any]:
    """POST /fulfillment/202610/orders/{order_id}/shipping_info/update with ``shipping_info_list[]``."""
    infos = call.body.get("shipping_info_list")
    if not isinstance(infos, list) or not infos or not all(isinstance(i, dict) for i in infos):
        raise error_codes.invalid_param("`shipping_info_list` must be a non-empty list of objects.")
    for info in infos:
        if info.get("package_id"):
            shipping.update_package_shipping_info(call.backend, call.shop, str(info["package_id"]), info)
        else:
            shipping.update_order_shipping_info(call.backend, call.shop, call.params["order_id"], info)
    return {}


def package_detail(call: Call) -> dict[str, Any]:
    """GET /fulfillment/202309/packages/{package_id}."""
    return shipping.package_detail(call.backend, call.shop, call.params["package_id"])


ROUTES = (
    ("POST", "/fulfillment/202309/orders/{order_id}/packages", mark_package_shipped, True),
    ("POST", "/fulfillment/202309/packages/ship", batch_ship, True),
    ("POST", "/fulfillment/202309/packages/{package_id}/ship", ship_package, True),
    ("POST", "/fulfillment/202309/orders/{order_id}/shipping_info/update", update_order_shipping_info, True),
    (
        "POST",
        "/fulfillment/202309/packages/{package_id}/shipping_info/update",
        update_package_shipping_info,
        True,
    ),
    ("GET", "/fulfillment/202309/packages/{package_id}", package_detail, True),
    ("POST", "/fulfillment/202610/orders/{order_id}/packages", mark_package_shipped_202610, True),
    (
        "POST",
        "/fulfillment/202610/orders/{order_id}/shipping_info/update",
        update_order_shipping_info_202610,
        True,
    ),
)
