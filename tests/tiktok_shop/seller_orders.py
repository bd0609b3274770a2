"""Orders the seller ships, picked from an emulator world, and the carriers TikTok offers for them: what
the shipment and interception tests confirm shipments of."""

from __future__ import annotations

from typing import Any

import pytest


def seller_order(world: Any, min_units: int = 1, region: str = "GB") -> dict[str, Any]:
    """A seller-shipped order awaiting shipment in the `region` shop with `min_units` lines or more (the
    test skips, saying so, when this world has none)."""
    cipher = world.shop(region)["cipher"]
    for order_id in world.emu.order_ids(
        status="AWAITING_SHIPMENT", shop_cipher=cipher, shipping_type="SELLER"
    ):
        order: dict[str, Any] = world.emu.order(order_id)
        if len(order["line_items"]) >= min_units:
            return order
    pytest.skip(f"no seller-shipped {region} order with {min_units}+ units in this world")


def carriers_for(world: Any, order: dict[str, Any]) -> list[str]:
    """The carriers TikTok offers for the order's delivery option, as the connector asks for them."""
    from connectors.tiktok_shop.client import TikTokClient
    from connectors.tiktok_shop.fulfillment import shipping_providers

    ctx = world.integration.context()
    return [p["name"] for p in shipping_providers(ctx, TikTokClient(ctx), order["delivery_option_id"])]


def carrier_for(world: Any, order: dict[str, Any]) -> str:
    """The first carrier offered: any will do where the test is not about carriers."""
    return carriers_for(world, order)[0]
