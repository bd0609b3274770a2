"""The store roles of the platform model: apps, shops, tags, the pull schedule and webhook routing.

Every query the runtime makes per delivery or per beat tick is an index lookup: `connections_for_shop`
(webhook routing by shop id), `due_shops` (the beat, by `next_pull_at`), `find_integrations` (the host's
tags). None of them opens or decrypts a connection.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, Protocol

from ..credentials import Credentials
from .platform_records import AppRecord, DueShop, SealedApp, ShopRecord, ShopRoute, ShopStatus


class ShopRole(Protocol):
    def list_shops(self, integration_id: str) -> list[ShopRecord]:
        """Every shop the connection has known, active and left, ordered by shop id."""
        ...

    def get_shop(self, integration_id: str, shop_id: str) -> ShopRecord | None: ...
    def set_shop_settings(self, integration_id: str, shop_id: str, settings: Mapping[str, Any]) -> ShopRecord:
        """Replace the shop's overrides of the connection's settings; raises UnknownShop."""
        ...

    def set_shop_status(
        self, integration_id: str, shop_id: str, status: ShopStatus, reason: str | None = None
    ) -> ShopRecord:
        """Raises UnknownShop. A shop that leaves is taken off the schedule."""
        ...

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
        """When the shop's next scheduled pull is due (None: never), and its failure count since the last
        success (for backoff). A shop no longer known is ignored (it may have been removed meanwhile).
        `unlock`: a lease (name, owner) to release in the same write, all or nothing (the pull task gives
        back the shop's import lease with its schedule: one round trip instead of two); released as by
        `unlock()` even when the shop is no longer known."""
        ...

    def due_shops(self, now: datetime, limit: int) -> list[DueShop]:
        """Active shops of connections not waiting for re-authorization whose pull is due at `now`, the
        longest overdue first, at most `limit`: an index range scan, so a tick costs what is due. A
        connection limited to one shop (an older `--shop`) has only that shop due."""
        ...

    def connections_to_refresh(self, before: datetime, limit: int) -> list[str]:
        """Connections whose access token expires before `before` and that are not waiting for
        re-authorization, soonest first: the refresh tick's index range scan (nothing decrypted)."""
        ...

    def connections_to_reauthorize(self, before: datetime, limit: int) -> list[str]:
        """Connected connections whose seller must re-authorize now or by `before` (for the warning tick)."""
        ...

    def connections_for_shop(self, connector: str, shop_id: str) -> list[ShopRoute]:
        """The connections of `connector` whose authorization covers the active shop `shop_id`."""
        ...

    def route_webhook_shop(self, app_id: str, shop_id: str) -> list[str]:
        """The ids of the connections under `app_id` serving the active shop `shop_id`."""
        ...


class TagRole(Protocol):
    def set_tags(self, integration_id: str, tags: Mapping[str, str]) -> None:
        """Replace the connection's tags; raises UnknownIntegration."""
        ...

    def find_integration_ids(self, tags: Mapping[str, str], *, connector: str | None = None) -> list[str]:
        """Ids of the connections holding every one of `tags` (all connections when empty), oldest first."""
        ...


class AppRole(Protocol):
    """Apps as the flows see them (credentials in the clear, registered for redaction)."""

    def create_app(self, connector: str, name: str, credentials: Credentials) -> AppRecord: ...
    def get_app(self, app_id: str) -> AppRecord:
        """Raises UnknownApp."""
        ...

    def list_apps(self, connector: str | None = None) -> list[AppRecord]: ...
    def update_app(
        self, app_id: str, *, name: str | None = None, credentials: Credentials | None = None
    ) -> AppRecord:
        """One write: every connection under the app uses the new credentials from its next call."""
        ...

    def delete_app(self, app_id: str) -> None:
        """Raises UnknownApp, or AppInUse while connections use it."""
        ...


class SealedAppRole(Protocol):
    """Apps as a backend sees them: the secret fields only as ciphertext."""

    def create_app(
        self,
        connector: str,
        name: str,
        public: Mapping[str, Any],
        sealed_secrets: bytes | None,
        *,
        owned_by: str | None = None,
    ) -> SealedApp: ...
    def get_app(self, app_id: str) -> SealedApp: ...
    def list_apps(self, connector: str | None = None) -> list[SealedApp]: ...
    def update_app(
        self,
        app_id: str,
        *,
        name: str | None = None,
        credentials: tuple[Mapping[str, Any], bytes | None] | None = None,
    ) -> SealedApp: ...
    def delete_app(self, app_id: str) -> None: ...


class PlatformRoles(ShopRole, TagRole, Protocol):
    """The platform roles that hold no secret: the same for the flows and for a backend."""
