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
        ]
    }


def active_shops(call: Call) -> dict[str, Any]:
    """GET /seller/202309/shops: only id and region."""
    return {"shops": [{"id": s.id, "region": s.region} for s in call.backend.world.shops]}


ROUTES = (
    ("GET", "/authorization/202309/shops", authorized_shops, False),
    ("GET", "/seller/202309/shops", active_shops, False),
)
