"""Pass-through of the platform roles (shops, schedule, routing, tags) from a `Store` front to its backend,
with the checks every backend would otherwise repeat."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from .delegation import text
from .platform_records import SHOP_STATUSES, DueShop, ShopRecord, ShopRoute, ShopStatus
from .platform_roles import PlatformRoles

MAX_TAG_LENGTH = 200


def checked_tags(tags: Mapping[str, str]) -> dict[str, str]:
    """Tags are short text keys and values: refuse anything else with the tag named."""
    checked: dict[str, str] = {}
    for key, value in tags.items():
        if not isinstance(key, str) or not isinstance(value, str) or not key:
            raise ValueError(f"tag {str(key)[:60]!r}: keys and values are non-empty text")
        if len(key) > MAX_TAG_LENGTH or len(value) > MAX_TAG_LENGTH:
            raise ValueError(f"tag {key[:60]!r}: keys and values are at most {MAX_TAG_LENGTH} characters")
        checked[text(key, "tag")] = text(value, f"tag {key!r}")
    return checked


class PlatformRolesDelegate:
    def __init__(self, backend: PlatformRoles) -> None:
        self._platform = backend

    def list_shops(self, integration_id: str) -> list[ShopRecord]:
        return self._platform.list_shops(integration_id)

    def get_shop(self, integration_id: str, shop_id: str) -> ShopRecord | None:
        return self._platform.get_shop(integration_id, shop_id)

    def set_shop_settings(self, integration_id: str, shop_id: str, settings: Mapping[str, Any]) -> ShopRecord:
        return self._platform.set_shop_settings(integration_id, shop_id, settings)

    def set_shop_status(
        self, integration_id: str, shop_id: str, status: ShopStatus, reason: str | None = None
    ) -> ShopRecord:
        if status not in SHOP_STATUSES:
            raise ValueError(f"shop status {status!r} is not one of {', '.join(SHOP_STATUSES)}")
        return self._platform.set_shop_status(
            integration_id, shop_id, status, None if reason is None else text(reason, "reason")[:500]
        )

    def schedule_shop(
        self,
        integration_id: str,
        shop_id: str,
        next_pull_at: datetime | None,
        *,
        failures: int = 0,
        last_error: str | None = None,
        unlock: tuple[str, str] | None = None,
    ) -> None:
        error = None if last_error is None else text(last_error, "error")[:500]
        lease = None if unlock is None else (text(unlock[0], "lease"), text(unlock[1], "lease owner"))
        self._platform.schedule_shop(
            integration_id, shop_id, next_pull_at, failures=max(0, failures), last_error=error, unlock=lease
        )

    def due_shops(self, now: datetime, limit: int) -> list[DueShop]:
        return self._platform.due_shops(now, max(0, limit))

    def connections_to_refresh(self, before: datetime, limit: int) -> list[str]:
        return self._platform.connections_to_refresh(before, max(0, limit))

    def connections_to_reauthorize(self, before: datetime, limit: int) -> list[str]:
        return self._platform.connections_to_reauthorize(before, max(0, limit))

    def connections_for_shop(self, connector: str, shop_id: str) -> list[ShopRoute]:
        return self._platform.connections_for_shop(connector, text(shop_id, "shop id"))

    def route_webhook_shop(self, app_id: str, shop_id: str) -> list[str]:
        return self._platform.route_webhook_shop(app_id, text(shop_id, "shop id"))

    def set_tags(self, integration_id: str, tags: Mapping[str, str]) -> None:
        self._platform.set_tags(integration_id, checked_tags(tags))

    def find_integration_ids(self, tags: Mapping[str, str], *, connector: str | None = None) -> list[str]:
        return self._platform.find_integration_ids(checked_tags(tags), connector=connector)
