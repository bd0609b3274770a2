"""`ConnectorContext`: everything a hook implementation may use, handed to it by the core.

A connector never opens the store, builds its own session or reads the clock: it asks the context. That
keeps connectors small, lets tests swap any of these, and keeps the token rules in one place.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .auth import TokenManager
from .clock import Clock
from .credentials import Credentials
from .errors import ReauthorizationRequired
from .http import HttpClient
from .models import Account, OrderStatus
from .store import CacheRole, Intent, IntentRole

StatusMapper = Callable[[str, Mapping[str, Any]], OrderStatus | None]


class IntegrationCache:
    """A small key-value cache in the store, scoped to one integration (SKU maps, carrier lists, ...)."""

    def __init__(self, store: CacheRole | None, integration_id: str | None) -> None:
        self._store = store
        self._integration_id = integration_id
        self._memory: dict[tuple[str, str], Any] = {}

    def get(self, namespace: str, key: str) -> Any | None:
        if (namespace, key) in self._memory:
            return self._memory[(namespace, key)]
        if self._store is None or self._integration_id is None:
            return None
        value = self._store.cache_get(self._integration_id, namespace, key)
        if value is not None:
            self._memory[(namespace, key)] = value
        return value

    def put(self, namespace: str, items: Mapping[str, Any]) -> None:
        for key, value in items.items():
            self._memory[(namespace, key)] = value
        if self._store is not None and self._integration_id is not None and items:
            self._store.cache_put(self._integration_id, namespace, items)

    def clear(self, namespace: str) -> None:
        self._memory = {k: v for k, v in self._memory.items() if k[0] != namespace}
        if self._store is not None and self._integration_id is not None:
            self._store.cache_clear(self._integration_id, namespace)


SHIPMENT_INTENT = "shipment"
"""The intent kind of a parcel confirmation; its key is f"{order_id}/{fingerprint}"."""


class ShipmentHistory:
    """The shipment intents of one integration and shop, read-only: what was confirmed, or is uncertain."""

    def __init__(self, store: IntentRole | None, integration_id: str | None, account_id: str = "") -> None:
        self._store = store
        self._integration_id = integration_id
        self._account_id = account_id

    def for_order(self, order_id: str) -> list[Intent]:
        if self._store is None or self._integration_id is None:
            return []
        return self._store.list_intents(
            self._integration_id, account_id=self._account_id, kind=SHIPMENT_INTENT, key_prefix=f"{order_id}/"
        )


@dataclass
class ConnectorContext:
    """The integration a hook call is about, and the services the core lends the connector for it."""

    connector_id: str
    integration_id: str | None
    credentials: Credentials
    settings: Mapping[str, Any]
    http: HttpClient
    clock: Clock
    log: logging.Logger
    account: Account | None = None
    accounts: list[Account] = field(default_factory=list)
    cache: IntegrationCache = field(default_factory=lambda: IntegrationCache(None, None))
    tokens: TokenManager | None = None
    shipments: ShipmentHistory = field(default_factory=lambda: ShipmentHistory(None, None))
    status_mapper: StatusMapper | None = None

    def access_token(self) -> str:
        """A valid access token (refreshed first if it is about to expire)."""
        if self.tokens is None:
            raise ReauthorizationRequired(self.integration_id or "(none)", "the integration is not connected")
        return self.tokens.access_token()

    def refresh_access_token(self, rejected_token: str) -> str:
        """The channel rejected `rejected_token` as expired: get a fresh one (refreshing at most once)."""
        if self.tokens is None:
            raise ReauthorizationRequired(self.integration_id or "(none)", "the integration is not connected")
        return self.tokens.refresh_after_rejection(rejected_token)

    def map_status(self, channel_status: str, channel_order: Mapping[str, Any]) -> OrderStatus | None:
        """The canonical status through the `map_order_status` hook (host overrides first)."""
        if self.status_mapper is None:
            return None
        return self.status_mapper(channel_status, channel_order)

    def previous_shipments(self, order_id: str) -> list[Intent]:
        """The order's shipment intents (done, refused or uncertain), oldest first."""
        return self.shipments.for_order(order_id)
