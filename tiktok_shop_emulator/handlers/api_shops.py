"""Authorization and seller endpoints (reference.md#shops): no ``shop_cipher`` allowed on these paths."""

from __future__ import annotations

from typing import Any

from tiktok_shop_emulator.wire.call import Call


def authorized_shops(call: Call) -> dict[str, Any]:
    """GET /authorization/202309/shops."""
    return {
        "shops": [
            {
                "id": s.id,
                "name": s.name,
                "region": s.region,
                "seller_type": "LOCAL",
                "cipher": s.cipher,
                "code": s.code,
            }
            for s in call.backend.world.shops
            if s.id not in call.backend.deauthorized
        ]
    }


def deauthorize_shop(call: Call) -> dict[str, Any]:
    """DELETE /authorization/202403/shops (shop_cipher required): the app loses this shop; its later calls
    answer 105005, and subscribers hear SELLER_DEAUTHORIZATION (reference.md#deauthorize)."""
    shop = call.shop
    call.backend.deauthorized.add(shop.id)
    call.backend.inactive[shop.id] = (105005, "The shop has not authorized this app.")
    call.backend.webhooks.publish(
        shop.id, "SELLER_DEAUTHORIZATION", {"message": f"Shop_id {shop.id} is deauthorized from your APP."}
    )
    return {}


def active_shops(call: Call) -> dict[str, Any]:
    """GET /seller/202309/shops: only id and region."""
    return {"shops": [{"id": s.id, "region": s.region} for s in call.backend.world.shops]}


ROUTES = (
    ("GET", "/authorization/202309/shops", authorized_shops, False),
    ("GET", "/seller/202309/shops", active_shops, False),
    ("DELETE", "/authorization/202403/shops", deauthorize_shop, True),
)
