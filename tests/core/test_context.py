"""ConnectorContext and IntegrationCache: what a hook may use, and what it gets when something is absent."""

from __future__ import annotations

import pytest

from connector_core import (
    ConnectorContext,
    Integration,
    IntegrationCache,
    OrderStatus,
    ReauthorizationRequired,
)
from connector_core.store import SQLiteStore


def test_a_context_without_tokens_says_the_integration_is_not_connected(
    bare_context: ConnectorContext,
) -> None:
    with pytest.raises(ReauthorizationRequired, match="not connected"):
        bare_context.access_token()
    with pytest.raises(ReauthorizationRequired, match="not connected"):
        bare_context.refresh_access_token("old")


def test_a_context_without_a_mapper_or_store_answers_nothing(bare_context: ConnectorContext) -> None:
    assert bare_context.map_status("READY", {}) is None
    assert bare_context.previous_shipments("o1") == []
    assert bare_context.cache.get("skus", "A") is None


def test_an_integration_context_maps_status_through_the_hook(connected: Integration) -> None:
    ctx = connected.context()

    assert ctx.map_status("SENT", {}) is OrderStatus.SHIPPED
    assert ctx.map_status("UNHEARD_OF", {}) is OrderStatus.ON_HOLD  # the core's rule for the unknown
    assert ctx.access_token() == "access-1"
    assert ctx.refresh_access_token("access-1") == "access-2"
    assert ctx.settings == {"stock_sync": True}
    assert ctx.credentials.secret("app_secret") is not None


def test_the_cache_keeps_values_in_memory_and_in_the_store(
    store: SQLiteStore, connected: Integration
) -> None:
    cache = IntegrationCache(store, connected.id)
    cache.put("skus", {"A": {"product": "p1"}})

    assert cache.get("skus", "A") == {"product": "p1"}
    assert IntegrationCache(store, connected.id).get("skus", "A") == {"product": "p1"}  # another process

    cache.clear("skus")
    assert cache.get("skus", "A") is None
    assert IntegrationCache(store, connected.id).get("skus", "A") is None


def test_a_cache_without_a_store_lives_in_memory_only() -> None:
    cache = IntegrationCache(None, None)
    cache.put("carriers", {"dhl": "7"})

    assert cache.get("carriers", "dhl") == "7"
    cache.clear("carriers")
    assert cache.get("carriers", "dhl") is None
