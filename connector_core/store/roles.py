"""The store seam, one small Protocol per role.

Two layers share most roles. The flows talk to a `Store` (plain values). A backend implements a
`StoreBackend`: the same roles, except that the three roles that touch secrets (integrations with their
credentials, tokens, bearer tokens of OAuth states and connect links) take and return ciphertext or
hashes instead. `SealedStore` (connector_core.store.sealing) turns any `StoreBackend` into a `Store`.
Every method is safe to call from many threads and processes; each multi-row write is one transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any, Protocol

from ..credentials import Credentials
from ..models import Account, ReauthorizationState, TokenSet
from .bulk import ConnectionImportRole, SealedConnectionImportRole
from .deliveries import DeliveryRole
from .index_roles import IndexRole
from .outbox import OutboxRole
from .platform_roles import AppRole, PlatformRoles, SealedAppRole
from .records import (
    ConnectLink,
    FinalIntentStatus,
    IntegrationRecord,
    Intent,
    IntentStatus,
    Lease,
    OAuthState,
    OAuthStateClaim,
    RunRecord,
    SealedIntegration,
    SealedStoredTokens,
    SealedTokens,
    StockRecord,
    StoredTokens,
)
from .signin import SignInThrottleRole

StockLevelRow = tuple[str, str | None, int]
StockKey = tuple[str, str | None]

# --- roles without secrets: the same for the flows and for a backend ---------------------------------------


class ReauthorizationRole(Protocol):
    def get_reauthorization(self, integration_id: str) -> ReauthorizationState: ...
    def set_reauthorization(self, integration_id: str, state: ReauthorizationState) -> None: ...


class AccountRole(Protocol):
    def save_accounts(self, integration_id: str, accounts: Sequence[Account]) -> None: ...
    def list_accounts(self, integration_id: str) -> list[Account]: ...


class CursorRole(Protocol):
    def get_cursor(self, integration_id: str, stream: str) -> str | None: ...
    def set_cursor(self, integration_id: str, stream: str, value: str | None) -> None: ...
    def cursor_updated_at(self, integration_id: str, stream: str) -> datetime | None: ...


class IntentRole(Protocol):
    def begin_intent(
        self, integration_id: str, account_id: str, kind: str, key: str, payload: Mapping[str, Any]
    ) -> Intent:
        """One transaction. Absent: insert pending with this payload, attempts 1. Pending or done: return it
        unchanged but attempts+1 (the first payload wins). Refused: replace the payload, pending, attempts+1."""
        ...

    def finish_intent(
        self,
        integration_id: str,
        account_id: str,
        kind: str,
        key: str,
        status: FinalIntentStatus,
        outcome: Mapping[str, Any],
    ) -> Intent:
        """Record the outcome; raises `UnknownIntent` when no such intent began."""
        ...

    def get_intent(self, integration_id: str, account_id: str, kind: str, key: str) -> Intent | None: ...
    def list_intents(
        self,
        integration_id: str,
        *,
        account_id: str | None = None,
        kind: str | None = None,
        key_prefix: str | None = None,
        status: IntentStatus | None = None,
    ) -> list[Intent]:
        """Ordered by created_at, then key."""
        ...


class StockLedgerRole(Protocol):
    def stock_levels(self, integration_id: str, account_id: str) -> dict[StockKey, StockRecord]: ...
    def begin_stock_push(
        self,
        integration_id: str,
        account_id: str,
        levels: Iterable[StockLevelRow],
        as_of: Mapping[StockKey, int] | None = None,
    ) -> None:
        """One transaction: each (sku, warehouse) gets pending=quantity (created with quantity None) and
        pending_as_of=as_of[key] (None when not given); a level older than the row's confirmed as_of is
        left out (the ledger never takes an older level)."""
        ...

    def finish_stock_push(
        self,
        integration_id: str,
        account_id: str,
        *,
        confirmed: Iterable[StockLevelRow],
        refused: Iterable[StockKey],
        as_of: Mapping[StockKey, int] | None = None,
    ) -> None:
        """One transaction: confirmed -> quantity=q, pending None, as_of=as_of[key] when given (kept
        otherwise), unless as_of[key] is older than the row's as_of (then the row stays as it is);
        refused -> pending None. Others stay."""
        ...


class CacheRole(Protocol):
    def cache_get(self, integration_id: str, namespace: str, key: str) -> Any | None: ...
    def cache_put(self, integration_id: str, namespace: str, items: Mapping[str, Any]) -> None: ...
    def cache_clear(self, integration_id: str, namespace: str) -> None: ...


class LeaseRole(Protocol):
    def try_lock(self, name: str, owner: str, ttl: timedelta) -> bool:
        """Take the lease if free or expired; the current owner renews it. Uses real time, not a test clock."""
        ...

    def unlock(self, name: str, owner: str) -> None: ...
    def lease_holder(self, name: str) -> Lease | None:
        """The live (unexpired) lease, or None."""
        ...


class WebhookEventRole(Protocol):
    def remember_event(self, integration_id: str, event_id: str) -> bool:
        """True the first time an event id is seen for the integration, False for a redelivery."""
        ...

    def forget_event(self, integration_id: str, event_id: str) -> None:
        """Undo `remember_event` when the event could not be handed on (the work queue was full), so the
        channel's redelivery is taken as new instead of being dropped as a duplicate."""
        ...


class DocumentRole(Protocol):
    def put_document(self, integration_id: str, key: str, content: bytes, media_type: str) -> None: ...
    def get_document(self, integration_id: str, key: str) -> tuple[bytes, str] | None: ...


class RunRole(Protocol):
    def record_run(self, run: RunRecord) -> None: ...
    def last_runs(self, integration_id: str, *, flow: str | None = None, limit: int = 10) -> list[RunRecord]:
        """Newest first."""
        ...


# --- roles with secrets, as the flows see them -----------------------------------------------------------


class IntegrationRole(Protocol):
    def create_integration(
        self,
        connector: str,
        name: str,
        credentials: Credentials | None,
        settings: Mapping[str, Any],
        *,
        app_id: str | None = None,
        tags: Mapping[str, str] | None = None,
    ) -> IntegrationRecord:
        """A connection under `app_id`, or (without one) under a new app of its own made from `credentials`."""
        ...

    def get_integration(self, integration_id: str) -> IntegrationRecord: ...
    def list_integrations(self) -> list[IntegrationRecord]: ...
    def update_integration(
        self,
        integration_id: str,
        *,
        name: str | None = None,
        credentials: Credentials | None = None,
        settings: Mapping[str, Any] | None = None,
        account_id: str | None = None,
    ) -> IntegrationRecord: ...
    def delete_integration(self, integration_id: str) -> None: ...


class TokenRole(Protocol):
    def load_tokens(self, integration_id: str) -> StoredTokens | None: ...
    def load_tokens_and_reauthorization(
        self, integration_id: str
    ) -> tuple[StoredTokens | None, ReauthorizationState]:
        """`load_tokens` and `get_reauthorization` in one read (every call to the channel asks both)."""
        ...

    def save_tokens(self, integration_id: str, tokens: TokenSet) -> StoredTokens: ...


class OAuthStateRole(Protocol):
    def create_oauth_state(
        self, integration_id: str, ttl: timedelta, data: Mapping[str, Any] | None = None
    ) -> OAuthState: ...
    def consume_oauth_state(self, state: str) -> OAuthState:
        """The state's data, once; raises OAuthStateError when unknown, used or expired."""
        ...


class ConnectLinkRole(Protocol):
    def create_connect_link(
        self, integration_id: str, purpose: str, ttl: timedelta
    ) -> tuple[str, ConnectLink]: ...
    def find_connect_link(self, token: str) -> ConnectLink | None: ...
    def touch_connect_link(self, token: str) -> None: ...
    def renew_connect_link(self, token: str, ttl: timedelta) -> ConnectLink: ...
    def list_connect_links(self, integration_id: str) -> list[ConnectLink]: ...
    def set_connect_link_ttl(self, integration_id: str, link_id: str, ttl: timedelta) -> ConnectLink:
        """Valid `ttl` from now (zero: revoked at once); the link is named by `ConnectLink.link_id`."""
        ...


class SharedRoles(
    ReauthorizationRole,
    AccountRole,
    CursorRole,
    IntentRole,
    StockLedgerRole,
    CacheRole,
    LeaseRole,
    WebhookEventRole,
    DocumentRole,
    RunRole,
    OutboxRole,
    DeliveryRole,
    SignInThrottleRole,
    IndexRole,
    Protocol,
):
    """The roles that hold no secret."""


class Store(
    IntegrationRole,
    AppRole,
    TokenRole,
    OAuthStateRole,
    ConnectLinkRole,
    SharedRoles,
    PlatformRoles,
    ConnectionImportRole,
    Protocol,
):
    """Everything the flows need from a database."""

    def close(self) -> None: ...


# --- roles with secrets, as a backend sees them ------------------------------------------------------------


class SealedIntegrationRole(Protocol):
    def create_integration(
        self,
        connector: str,
        name: str,
        public: Mapping[str, Any],
        sealed_secrets: bytes | None,
        settings: Mapping[str, Any],
        *,
        app_id: str | None = None,
        tags: Mapping[str, str] | None = None,
    ) -> SealedIntegration:
        """With `app_id`: a connection under that app (public/sealed_secrets unused). Without: also a new
        app owned by the connection, holding public/sealed_secrets. `update_integration(credentials=...)`
        writes the connection's app; deleting the connection deletes the app it owns."""
        ...

    def get_integration(self, integration_id: str) -> SealedIntegration:
        """Raises UnknownIntegration."""
        ...

    def list_integrations(self) -> list[SealedIntegration]: ...
    def update_integration(
        self,
        integration_id: str,
        *,
        name: str | None = None,
        credentials: tuple[Mapping[str, Any], bytes | None] | None = None,
        settings: Mapping[str, Any] | None = None,
        account_id: str | None = None,
    ) -> SealedIntegration: ...
    def delete_integration(self, integration_id: str) -> None: ...


class SealedTokenRole(Protocol):
    def load_tokens(self, integration_id: str) -> SealedStoredTokens | None: ...
    def load_tokens_and_reauthorization(
        self, integration_id: str
    ) -> tuple[SealedStoredTokens | None, ReauthorizationState]: ...
    def save_tokens(self, integration_id: str, tokens: SealedTokens) -> SealedStoredTokens:
        """Insert or replace; version counts saves from 1."""
        ...


class HashedOAuthStateRole(Protocol):
    def create_oauth_state(
        self, state_hash: str, integration_id: str, expires_at: datetime, data: Mapping[str, Any]
    ) -> None: ...
    def claim_oauth_state(self, state_hash: str) -> OAuthStateClaim:
        """Atomically mark the state used if it is unused and unexpired; otherwise say why not."""
        ...


class HashedConnectLinkRole(Protocol):
    def create_connect_link(
        self, token_hash: str, integration_id: str, purpose: str, ttl: timedelta, token_hint: str
    ) -> ConnectLink: ...
    def find_connect_link(self, token_hash: str) -> ConnectLink | None: ...
    def touch_connect_link(self, token_hash: str) -> None: ...
    def renew_connect_link(self, token_hash: str, ttl: timedelta) -> ConnectLink:
        """Raises UnknownConnectLink."""
        ...

    def list_connect_links(self, integration_id: str) -> list[ConnectLink]: ...


class StoreBackend(
    SealedIntegrationRole,
    SealedAppRole,
    SealedTokenRole,
    HashedOAuthStateRole,
    HashedConnectLinkRole,
    SharedRoles,
    PlatformRoles,
    SealedConnectionImportRole,
    Protocol,
):
    """What a database must offer; wrap it in `SealedStore` to get a `Store`."""

    def close(self) -> None: ...
    def raw_dump(self) -> bytes:
        """Every stored row as the database holds it (for the contract's "no secret at rest" check)."""
        ...
