"""The one place secrets cross into and out of a store.

`SealedStore` wraps any `StoreBackend` and gives the flows a `Store`. Going in, credential secrets and
tokens are encrypted with the `Vault`, and bearer tokens (OAuth states, connect links) are replaced by
their SHA-256; coming out, decrypted secrets are registered for redaction before anyone can log them. A
backend therefore never receives, stores or returns a secret in the clear, and a second backend needs no
crypto of its own.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any, cast

from pydantic import SecretStr

from ..clock import Clock
from ..credentials import Credentials
from ..errors import OAuthStateError
from ..models import ReauthorizationState, TokenSet
from ..redaction import register_secret
from ..vault import Vault
from .bulk import NewConnection, SealedNewConnection
from .delegation import SharedRolesDelegate, text
from .deliveries import DeliveryDelegate
from .errors import UnknownConnectLink
from .index_roles import IndexDelegate
from .outbox import OutboxDelegate
from .platform_delegation import PlatformRolesDelegate, checked_tags
from .platform_records import AppRecord, SealedApp
from .records import (
    ConnectLink,
    IntegrationRecord,
    OAuthState,
    SealedIntegration,
    SealedStoredTokens,
    SealedTokens,
    StoredTokens,
)
from .roles import StoreBackend
from .signin import SignInThrottleDelegate
from .upkeep import StoreSize, UpkeepRole

CONNECT_TOKEN_BYTES = 32
OAUTH_STATE_BYTES = 24

_REFUSALS = {
    "unknown": "the OAuth callback's state is unknown: start the connection again",
    "used": "the OAuth callback's state was already used: start the connection again",
    "expired": "the OAuth callback's state has expired: start the connection again",
}


def token_hash(token: str) -> str:
    """What a store keeps of a bearer token: enough to find it, useless to an intruder."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class SealedStore(
    OutboxDelegate,
    DeliveryDelegate,
    SignInThrottleDelegate,
    IndexDelegate,
    SharedRolesDelegate,
    PlatformRolesDelegate,
):
    """A `Store` over a `StoreBackend`: seals on the way in, opens (and registers for redaction) on the way out."""

    def __init__(self, backend: StoreBackend, vault: Vault, clock: Clock) -> None:
        SharedRolesDelegate.__init__(self, backend)
        PlatformRolesDelegate.__init__(self, backend)
        self._outbox = backend
        self._deliveries = backend
        self._signin = backend
        self._indexes = backend
        self.backend: StoreBackend = backend
        self.vault = vault
        self.clock = clock

    def close(self) -> None:
        self.backend.close()

    # --- sealing ---------------------------------------------------------------------------------------

    def _seal(self, value: str | None) -> bytes | None:
        return None if value is None else self.vault.encrypt(value)

    def _open(self, value: bytes | None) -> str | None:
        if value is None:
            return None
        plain = self.vault.decrypt(value)
        register_secret(plain)
        return plain

    def _seal_credentials(self, credentials: Credentials) -> tuple[dict[str, Any], bytes | None]:
        return credentials.public, self._seal(json.dumps(credentials.plain_secrets()))

    def _integration(self, sealed: SealedIntegration) -> IntegrationRecord:
        secret_values: dict[str, str] = json.loads(self._open(sealed.sealed_secrets) or "{}")
        return IntegrationRecord(
            id=sealed.id,
            connector=sealed.connector,
            name=sealed.name,
            credentials=Credentials(sealed.public, secret_values),  # registers each secret
            settings=sealed.settings,
            account_id=sealed.account_id,
            created_at=sealed.created_at,
            app_id=sealed.app_id,
            tags=dict(sealed.tags),
        )

    def _app(self, sealed: SealedApp) -> AppRecord:
        secret_values: dict[str, str] = json.loads(self._open(sealed.sealed_secrets) or "{}")
        return AppRecord(
            id=sealed.id,
            connector=sealed.connector,
            name=sealed.name,
            credentials=Credentials(sealed.public, secret_values),
            owned_by=sealed.owned_by,
            created_at=sealed.created_at,
            updated_at=sealed.updated_at,
        )

    # --- integrations ----------------------------------------------------------------------------------

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
        if app_id is None and credentials is None:
            raise ValueError("a connection needs an app_id or the credentials of an app of its own")
        public, sealed = self._seal_credentials(credentials) if credentials is not None else ({}, None)
        created = self.backend.create_integration(
            text(connector, "connector"),
            text(name, "integration name"),
            public,
            sealed,
            settings,
            app_id=app_id,
            tags=checked_tags(tags or {}),
        )
        return self._integration(created)

    # --- apps ------------------------------------------------------------------------------------------

    def create_app(self, connector: str, name: str, credentials: Credentials) -> AppRecord:
        public, sealed = self._seal_credentials(credentials)
        return self._app(
            self.backend.create_app(text(connector, "connector"), text(name, "app name"), public, sealed)
        )

    def get_app(self, app_id: str) -> AppRecord:
        return self._app(self.backend.get_app(app_id))

    def list_apps(self, connector: str | None = None) -> list[AppRecord]:
        return [self._app(a) for a in self.backend.list_apps(connector)]

    def update_app(
        self, app_id: str, *, name: str | None = None, credentials: Credentials | None = None
    ) -> AppRecord:
        sealed = None if credentials is None else self._seal_credentials(credentials)
        if name is not None:
            text(name, "app name")
        return self._app(self.backend.update_app(app_id, name=name, credentials=sealed))

    def delete_app(self, app_id: str) -> None:
        self.backend.delete_app(app_id)

    def get_integration(self, integration_id: str) -> IntegrationRecord:
        return self._integration(self.backend.get_integration(integration_id))

    def list_integrations(self) -> list[IntegrationRecord]:
        return [self._integration(r) for r in self.backend.list_integrations()]

    def update_integration(
        self,
        integration_id: str,
        *,
        name: str | None = None,
        credentials: Credentials | None = None,
        settings: Mapping[str, Any] | None = None,
        account_id: str | None = None,
    ) -> IntegrationRecord:
        sealed = None if credentials is None else self._seal_credentials(credentials)
        if name is not None:
            text(name, "integration name")
        if account_id is not None:
            text(account_id, "shop")
        return self._integration(
            self.backend.update_integration(
                integration_id, name=name, credentials=sealed, settings=settings, account_id=account_id
            )
        )

    def delete_integration(self, integration_id: str) -> None:
        self.backend.delete_integration(integration_id)

    # --- tokens ----------------------------------------------------------------------------------------

    def load_tokens(self, integration_id: str) -> StoredTokens | None:
        stored = self.backend.load_tokens(integration_id)
        return None if stored is None else self._stored_tokens(stored)

    def load_tokens_and_reauthorization(
        self, integration_id: str
    ) -> tuple[StoredTokens | None, ReauthorizationState]:
        stored, state = self.backend.load_tokens_and_reauthorization(integration_id)
        return (None if stored is None else self._stored_tokens(stored)), state

    def _seal_tokens(self, tokens: TokenSet) -> SealedTokens:
        access = tokens.access_token.get_secret_value()
        refresh = tokens.refresh_token.get_secret_value() if tokens.refresh_token else None
        return SealedTokens(
            access_token=self.vault.encrypt(access),
            access_expires_at=tokens.access_expires_at,
            refresh_token=self._seal(refresh),
            refresh_expires_at=tokens.refresh_expires_at,
            scopes=list(tokens.scopes),
            extra=json.loads(json.dumps(tokens.extra, default=str)),
        )

    def save_tokens(self, integration_id: str, tokens: TokenSet) -> StoredTokens:
        return self._stored_tokens(self.backend.save_tokens(integration_id, self._seal_tokens(tokens)))

    def _stored_tokens(self, stored: SealedStoredTokens) -> StoredTokens:
        sealed = stored.tokens
        refresh = self._open(sealed.refresh_token)
        tokens = TokenSet(
            access_token=SecretStr(self._open(sealed.access_token) or ""),
            access_expires_at=sealed.access_expires_at,
            refresh_token=SecretStr(refresh) if refresh is not None else None,
            refresh_expires_at=sealed.refresh_expires_at,
            scopes=sealed.scopes,
            extra=sealed.extra,
        )
        return StoredTokens(tokens=tokens, version=stored.version, updated_at=stored.updated_at)

    # --- many connections at once (a host migrating its sellers) ----------------------------------------

    def import_connections(self, app_id: str, connections: Sequence[NewConnection]) -> list[str]:
        """Seal every entry's tokens (the same code as `save_tokens`), then one backend transaction."""
        sealed = [self._sealed_new(n, c) for n, c in enumerate(connections, start=1)]
        return self.backend.import_connections(app_id, sealed) if sealed else []

    def _sealed_new(self, number: int, connection: NewConnection) -> SealedNewConnection:
        try:
            name = text(connection.name, "name")
            tags = checked_tags(connection.tags)
            shops = [text(s.id, "shop id") for s in connection.shops]
        except ValueError as exc:
            raise ValueError(f"connection {number} of the import: {exc}") from None
        if len(set(shops)) != len(shops) or "" in shops:
            raise ValueError(
                f"connection {number} of the import: its shop ids must be distinct and non-empty"
            )
        return SealedNewConnection(
            name=name,
            settings=dict(connection.settings),
            tags=tags,
            tokens=None if connection.tokens is None else self._seal_tokens(connection.tokens),
            shops=list(connection.shops),
        )

    # --- OAuth states ----------------------------------------------------------------------------------

    def create_oauth_state(
        self, integration_id: str, ttl: timedelta, data: Mapping[str, Any] | None = None
    ) -> OAuthState:
        state = secrets.token_urlsafe(OAUTH_STATE_BYTES)
        expires = self.clock.now() + ttl
        self.backend.create_oauth_state(token_hash(state), integration_id, expires, dict(data or {}))
        return OAuthState(
            state=state, integration_id=integration_id, expires_at=expires, data=dict(data or {})
        )

    def consume_oauth_state(self, state: str) -> OAuthState:
        claim = self.backend.claim_oauth_state(token_hash(state))
        if claim.refusal is not None or claim.integration_id is None or claim.expires_at is None:
            raise OAuthStateError(_REFUSALS[claim.refusal or "unknown"])
        return OAuthState(
            state=state, integration_id=claim.integration_id, expires_at=claim.expires_at, data=claim.data
        )

    # --- connect links ---------------------------------------------------------------------------------

    def create_connect_link(
        self, integration_id: str, purpose: str, ttl: timedelta
    ) -> tuple[str, ConnectLink]:
        token = secrets.token_urlsafe(CONNECT_TOKEN_BYTES)
        link = self.backend.create_connect_link(
            token_hash(token), integration_id, text(purpose, "connect link purpose"), ttl, token[-4:]
        )
        return token, link

    def find_connect_link(self, token: str) -> ConnectLink | None:
        return self.backend.find_connect_link(token_hash(token))

    def touch_connect_link(self, token: str) -> None:
        self.backend.touch_connect_link(token_hash(token))

    def renew_connect_link(self, token: str, ttl: timedelta) -> ConnectLink:
        """Raises `UnknownConnectLink` for a token no link has."""
        return self.backend.renew_connect_link(token_hash(token), ttl)

    def list_connect_links(self, integration_id: str) -> list[ConnectLink]:
        return self.backend.list_connect_links(integration_id)

    def set_connect_link_ttl(self, integration_id: str, link_id: str, ttl: timedelta) -> ConnectLink:
        """Renew (or, with a zero ttl, revoke) a link of this integration named by its `link_id`, for an
        operator who no longer has the address; raises `UnknownConnectLink` for a link of another one."""
        found = self.backend.find_connect_link(link_id) if len(link_id) == 64 else None
        if found is None or found.integration_id != integration_id:
            raise UnknownConnectLink()
        return self.backend.renew_connect_link(link_id, ttl)

    # --- upkeep (store size / store prune) ---------------------------------------------------------------

    def store_size(self) -> StoreSize:
        return cast(UpkeepRole, self.backend).store_size()

    def prune_store(self, older_than: datetime, *, dry_run: bool = False) -> dict[str, int]:
        return cast(UpkeepRole, self.backend).prune_store(older_than, dry_run=dry_run)

    def vacuum(self) -> None:
        cast(UpkeepRole, self.backend).vacuum()
