"""What an Open API handler receives once the gateway has checked the request."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tiktok_shop_emulator.state.backend import Backend
from tiktok_shop_emulator.state.world import Shop
from tiktok_shop_emulator.wire import error_codes


@dataclass
class Call:
    """A checked Open API call: the shop (for shop-scoped paths), query, JSON body and path parameters."""

    backend: Backend
    shop_or_none: Shop | None
    query: dict[str, str]
    body: dict[str, Any]
    params: dict[str, str]
    app: int = 0
    """The number of the app that made the call (webhook subscriptions are the app's)."""

    @property
    def shop(self) -> Shop:
        assert self.shop_or_none is not None, "shop-scoped route without a shop"
        return self.shop_or_none

    def page_size(self, maximum: int = 100) -> int:
        """The required ``page_size`` query parameter, within 1..maximum."""
        raw = self.query.get("page_size")
        if raw is None or not raw.isdigit() or not 1 <= int(raw) <= maximum:
            raise error_codes.invalid_param(
                f"`page_size` is required and must be an integer from 1 to {maximum}."
            )
        return int(raw)

    def body_int(self, key: str) -> int | None:
        value = self.body.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise error_codes.invalid_param(f"`{key}` must be a Unix time in seconds.")
        return value

    def body_str_list(self, key: str) -> list[str] | None:
        value = self.body.get(key)
        if value is None:
            return None
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise error_codes.invalid_param(f"`{key}` must be a list of strings.")
        return value
