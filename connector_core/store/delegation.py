"""Pass-through of the roles that hold no secret, from a `Store` front to its backend.

Kept apart from sealing.py so that file shows only what changes on the way in and out. The few checks
here are the ones every backend would otherwise repeat (sizes a column cannot hold, names too long).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from ..models import Account, ReauthorizationState
from .records import (
    MAX_KIND_LENGTH,
    FinalIntentStatus,
    Intent,
    IntentStatus,
    Lease,
    RunRecord,
    StockRecord,
    check_int64,
)
from .roles import SharedRoles, StockKey, StockLevelRow


def text(value: str, what: str) -> str:
    """Refuse a NUL character: PostgreSQL text cannot hold one, and SQLite must not accept what it refuses."""
    if "\x00" in value:
        raise ValueError(
            f"{what} {value[:60]!r} holds a NUL character, which the store cannot keep: remove it"
        )
    return value


def _checked_levels(levels: Iterable[StockLevelRow]) -> list[StockLevelRow]:
    return [
        (
            text(sku, "SKU"),
            None if warehouse is None else text(warehouse, "warehouse"),
            check_int64(q, f"stock level of SKU {sku!r}"),
        )
        for sku, warehouse, q in levels
    ]


def _checked_keys(keys: Iterable[StockKey]) -> list[StockKey]:
    return [(text(sku, "SKU"), None if wh is None else text(wh, "warehouse")) for sku, wh in keys]


def _checked_as_of(as_of: Mapping[StockKey, int] | None) -> dict[StockKey, int]:
    return {
        key: check_int64(value, f"as_of of SKU {key[0]!r}")
        for key, value in (as_of or {}).items()
        if value is not None
    }


def _checked_kind(kind: str) -> str:
    text(kind, "intent kind")
    if not kind or len(kind) > MAX_KIND_LENGTH:
        raise ValueError(f"intent kind {kind[:60]!r} must be 1 to {MAX_KIND_LENGTH} characters")
    return kind


class SharedRolesDelegate:
    def __init__(self, backend: SharedRoles) -> None:
        self._shared = backend

    # reauthorization
    def get_reauthorization(self, integration_id: str) -> ReauthorizationState:
        return self._shared.get_reauthorization(integration_id)

    def set_reauthorization(self, integration_id: str, state: ReauthorizationState) -> None:
        self._shared.set_reauthorization(integration_id, state)

    # accounts
    def save_accounts(self, integration_id: str, accounts: Sequence[Account]) -> None:
        self._shared.save_accounts(integration_id, accounts)

    def list_accounts(self, integration_id: str) -> list[Account]:
        return self._shared.list_accounts(integration_id)

    # cursors
    def get_cursor(self, integration_id: str, stream: str) -> str | None:
        return self._shared.get_cursor(integration_id, text(stream, "cursor stream"))

    def set_cursor(self, integration_id: str, stream: str, value: str | None) -> None:
        checked = None if value is None else text(value, f"cursor of stream {stream!r}")
        self._shared.set_cursor(integration_id, text(stream, "cursor stream"), checked)

    def cursor_updated_at(self, integration_id: str, stream: str) -> datetime | None:
        return self._shared.cursor_updated_at(integration_id, text(stream, "cursor stream"))

    # intents
    def begin_intent(
        self, integration_id: str, account_id: str, kind: str, key: str, payload: Mapping[str, Any]
    ) -> Intent:
        return self._shared.begin_intent(
            integration_id, text(account_id, "shop"), _checked_kind(kind), text(key, "intent key"), payload
        )

    def finish_intent(
        self,
        integration_id: str,
        account_id: str,
        kind: str,
        key: str,
        status: FinalIntentStatus,
        outcome: Mapping[str, Any],
    ) -> Intent:
        if status not in ("done", "refused"):
            raise ValueError(f"an intent finishes 'done' or 'refused', not {status!r}")
        return self._shared.finish_intent(
            integration_id,
            text(account_id, "shop"),
            text(kind, "intent kind"),
            text(key, "intent key"),
            status,
            outcome,
        )

    def get_intent(self, integration_id: str, account_id: str, kind: str, key: str) -> Intent | None:
        return self._shared.get_intent(
            integration_id, text(account_id, "shop"), text(kind, "intent kind"), text(key, "intent key")
        )

    def list_intents(
        self,
        integration_id: str,
        *,
        account_id: str | None = None,
        kind: str | None = None,
        key_prefix: str | None = None,
        status: IntentStatus | None = None,
    ) -> list[Intent]:
        if key_prefix is not None:
            text(key_prefix, "intent key prefix")
        return self._shared.list_intents(
            integration_id, account_id=account_id, kind=kind, key_prefix=key_prefix, status=status
        )

    # stock ledger
    def stock_levels(self, integration_id: str, account_id: str) -> dict[StockKey, StockRecord]:
        return self._shared.stock_levels(integration_id, text(account_id, "shop"))

    def begin_stock_push(
        self,
        integration_id: str,
        account_id: str,
        levels: Iterable[StockLevelRow],
        as_of: Mapping[StockKey, int] | None = None,
    ) -> None:
        self._shared.begin_stock_push(
            integration_id, text(account_id, "shop"), _checked_levels(levels), _checked_as_of(as_of)
        )

    def finish_stock_push(
        self,
        integration_id: str,
        account_id: str,
        *,
        confirmed: Iterable[StockLevelRow],
        refused: Iterable[StockKey],
        as_of: Mapping[StockKey, int] | None = None,
    ) -> None:
        self._shared.finish_stock_push(
            integration_id,
            text(account_id, "shop"),
            confirmed=_checked_levels(confirmed),
            refused=_checked_keys(refused),
            as_of=_checked_as_of(as_of),
        )

    # cache
    def cache_get(self, integration_id: str, namespace: str, key: str) -> Any | None:
        return self._shared.cache_get(
            integration_id, text(namespace, "cache namespace"), text(key, "cache key")
        )

    def cache_put(self, integration_id: str, namespace: str, items: Mapping[str, Any]) -> None:
        checked = {text(key, "cache key"): value for key, value in items.items()}
        self._shared.cache_put(integration_id, text(namespace, "cache namespace"), checked)

    def cache_clear(self, integration_id: str, namespace: str) -> None:
        self._shared.cache_clear(integration_id, text(namespace, "cache namespace"))

    # leases
    def try_lock(self, name: str, owner: str, ttl: timedelta) -> bool:
        return self._shared.try_lock(text(name, "lease"), text(owner, "lease owner"), ttl)

    def unlock(self, name: str, owner: str) -> None:
        self._shared.unlock(text(name, "lease"), text(owner, "lease owner"))

    def lease_holder(self, name: str) -> Lease | None:
        return self._shared.lease_holder(text(name, "lease"))

    # webhooks
    def remember_event(self, integration_id: str, event_id: str) -> bool:
        return self._shared.remember_event(integration_id, text(event_id, "webhook event id"))

    def forget_event(self, integration_id: str, event_id: str) -> None:
        self._shared.forget_event(integration_id, text(event_id, "webhook event id"))

    # documents
    def put_document(self, integration_id: str, key: str, content: bytes, media_type: str) -> None:
        self._shared.put_document(
            integration_id, text(key, "document key"), bytes(content), text(media_type, "media type")
        )

    def get_document(self, integration_id: str, key: str) -> tuple[bytes, str] | None:
        return self._shared.get_document(integration_id, text(key, "document key"))

    # runs
    def record_run(self, run: RunRecord) -> None:
        text(run.flow, "run flow")
        text(run.account_id, "shop")
        self._shared.record_run(run)

    def last_runs(self, integration_id: str, *, flow: str | None = None, limit: int = 10) -> list[RunRecord]:
        return self._shared.last_runs(integration_id, flow=flow, limit=max(0, limit))
