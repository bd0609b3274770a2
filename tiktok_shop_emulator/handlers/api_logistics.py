"""Warehouses, delivery options and shipping providers (reference.md#warehouses, reference.md#carriers)."""

from __future__ import annotations

from typing import Any

from tiktok_shop_emulator.wire import error_codes
from tiktok_shop_emulator.wire.call import Call

DIMENSION_LIMIT = {"max_height": 100, "max_length": 100, "max_width": 100, "unit": "CM"}
WEIGHT_LIMIT = {"max_weight": 30000, "min_weight": 1, "unit": "GRAM"}


def warehouses(call: Call) -> dict[str, Any]:
    """GET /logistics/202309/warehouses: sales and return warehouses, as in the sample."""
    return {
        "warehouses": [
            {
                "id": w.id,
                "name": w.name,
                "is_default": w.is_default,
                "effect_status": "ENABLED",
                "type": w.type,
                "sub_type": "DOMESTIC_WAREHOUSE",
                "address": dict(w.address),
            }
            for w in call.shop.warehouses
        ]
    }


def delivery_options(call: Call) -> dict[str, Any]:
    """GET /logistics/202309/warehouses/{warehouse_id}/delivery_options."""
    found = call.backend.world.warehouses.get(call.params["warehouse_id"])
    if found is None or found[0] is not call.shop or found[1].type != "SALES_WAREHOUSE":
        raise error_codes.invalid_param("`warehouse_id` is not a sales warehouse of this shop.")
    return {
        "delivery_options": [
            {
                "id": o.id,
                "name": o.name,
                "description": o.description,
                "type": o.type,
                "platform": ["TIKTOK_SHOP"],
                "dimension_limit": dict(DIMENSION_LIMIT),
                "weight_limit": dict(WEIGHT_LIMIT),
            }
            for o in found[1].options
        ]
    }


def shipping_providers(call: Call) -> dict[str, Any]:
    """GET /logistics/202309/delivery_options/{delivery_option_id}/shipping_providers.

    EU routes (2026, reference.md#eu5-providers) may name ``warehouse_region`` and ``buyer_region``; whether
    TikTok requires them is unconfirmed, so both forms are answered, and a malformed code is refused."""
    for name in ("warehouse_region", "buyer_region"):
        value = call.query.get(name)
        if value is not None and not (len(value) == 2 and value.isalpha() and value.isupper()):
            raise error_codes.invalid_param(f"`{name}` must be an ISO 3166-1 alpha-2 code.")
    found = call.backend.world.options.get(call.params["delivery_option_id"])
    if found is None or found[0] is not call.shop:
        raise error_codes.invalid_param("`delivery_option_id` is not a delivery option of this shop.")
    return {"shipping_providers": [{"id": p.id, "name": p.name} for p in found[1].providers]}


ROUTES = (
    ("GET", "/logistics/202309/warehouses", warehouses, True),
    ("GET", "/logistics/202309/warehouses/{warehouse_id}/delivery_options", delivery_options, True),
    (
        "GET",
        "/logistics/202309/delivery_options/{delivery_option_id}/shipping_providers",
        shipping_providers,
        True,
    ),
)
