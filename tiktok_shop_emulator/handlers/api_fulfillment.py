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
)
