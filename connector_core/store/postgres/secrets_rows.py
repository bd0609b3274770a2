"""The PostgreSQL rows of the roles that touch secrets: only ciphertext and hashes ever reach them."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from psycopg.types.json import Json

from ...errors import UnknownIntegration
from ...models import ReauthorizationState
from ..bulk import new_connection_id
from ..errors import UnknownConnectLink
from ..records import (
    ConnectLink,
    OAuthStateClaim,
    OAuthStateRefusal,
    SealedIntegration,
    SealedStoredTokens,
    SealedTokens,
)
from .app_rows import PostgresAppRows, write_tags
from .connection import PostgresConnection, Row, returned, utc

_INTEGRATION_QUERY = "SELECT i.*, a.public, a.secret FROM integrations i LEFT JOIN apps a ON a.id = i.app_id"
OAUTH_STATE_KEEP = timedelta(days=1)
"""Used or expired OAuth states are kept a day (so a replay says "already used"), then purged."""


def _integration(row: Row) -> SealedIntegration:
    created = utc(row["created_at"])
    assert created is not None
    return SealedIntegration(
        id=row["id"],
        connector=row["connector"],
        name=row["name"],
        public=row["public"] or {},
        sealed_secrets=None if row["secret"] is None else bytes(row["secret"]),
        settings=row["settings"],
        account_id=row["account_id"],
        created_at=created,
        app_id=row["app_id"],
        tags=row["tags"] or {},
    )


def _link(row: Row) -> ConnectLink:
    return ConnectLink(
        integration_id=row["integration_id"],
        purpose=row["purpose"],
        created_at=row["created_at"],
        expires_at=row["expires_at"],
        last_used_at=row["last_used_at"],
        token_hint=row["token_hint"],
        link_id=row["token_hash"],
    )


class PostgresSecretRows(PostgresAppRows, PostgresConnection):
    # --- integrations ------------------------------------------------------------------------------------

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
        integration_id = new_connection_id(connector)

        def create(conn: Any) -> None:
            app = app_id
            if app is None:
                app = self._insert_app(conn, connector, name, public, sealed_secrets, integration_id)
            else:
                self._check_app(conn, app, connector)
            conn.execute(
                "INSERT INTO integrations (id, connector, name, settings, created_at, app_id, tags) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s)",
                (
                    integration_id,
                    connector,
                    name,
                    Json(dict(settings)),
                    self._now(),
                    app,
                    Json(dict(tags or {})),
                ),
            )
            write_tags(conn, integration_id, tags or {})

        self._write(create)
        return self.get_integration(integration_id)

    def get_integration(self, integration_id: str) -> SealedIntegration:
        row = self._read(
            lambda c: c.execute(f"{_INTEGRATION_QUERY} WHERE i.id = %s", (integration_id,)).fetchone()
        )
        if row is None:
            raise UnknownIntegration(integration_id)
        return _integration(row)

    def list_integrations(self) -> list[SealedIntegration]:
        rows = self._read(lambda c: c.execute(f"{_INTEGRATION_QUERY} ORDER BY i.created_at, i.id").fetchall())
        return [_integration(r) for r in rows]

    def update_integration(
        self,
        integration_id: str,
        *,
        name: str | None = None,
        credentials: tuple[Mapping[str, Any], bytes | None] | None = None,
        settings: Mapping[str, Any] | None = None,
        account_id: str | None = None,
    ) -> SealedIntegration:
        def update(conn: Any) -> None:
            found = conn.execute("SELECT 1 FROM integrations WHERE id = %s FOR UPDATE", (integration_id,))
            if found.fetchone() is None:
                raise UnknownIntegration(integration_id)
            conn.execute(
                "UPDATE integrations SET name = coalesce(%s, name), settings = coalesce(%s, settings), "
                "account_id = coalesce(%s, account_id) WHERE id = %s",
                (name, None if settings is None else Json(dict(settings)), account_id, integration_id),
            )
            if credentials is not None:
                public, sealed = credentials
                conn.execute(
                    "UPDATE apps SET public = %s, secret = %s, updated_at = %s "
                    "WHERE id = (SELECT app_id FROM integrations WHERE id = %s)",
                    (Json(dict(public)), sealed, self._now(), integration_id),
                )

        self._write(update)
        return self.get_integration(integration_id)

    def delete_integration(self, integration_id: str) -> None:
        def delete(conn: Any) -> int:
            deleted = int(conn.execute("DELETE FROM integrations WHERE id = %s", (integration_id,)).rowcount)
            # The app its credential form made goes with it (unless a host attached others to it since).
            conn.execute(
                "DELETE FROM apps WHERE owned_by = %s AND NOT EXISTS "
                "(SELECT 1 FROM integrations i WHERE i.app_id = apps.id)",
                (integration_id,),
            )
            return deleted

        if self._write(delete) == 0:
            raise UnknownIntegration(integration_id)

    # --- tokens ------------------------------------------------------------------------------------------

    def load_tokens(self, integration_id: str) -> SealedStoredTokens | None:
        row = self._read(
            lambda c: c.execute(
                "SELECT * FROM tokens WHERE integration_id = %s", (integration_id,)
            ).fetchone()
        )
        return None if row is None else _stored_tokens(row)

    def load_tokens_and_reauthorization(
        self, integration_id: str
    ) -> tuple[SealedStoredTokens | None, ReauthorizationState]:
        # One round trip for what every call to the channel reads first (an idle poll is mostly such reads).
        row = self._read(
            lambda c: c.execute(
                "SELECT t.*, r.deadline AS reauth_deadline, r.needed AS reauth_needed, r.reason AS reauth_reason "
                "FROM (SELECT %s::text AS id) k LEFT JOIN tokens t ON t.integration_id = k.id "
                "LEFT JOIN reauthorization r ON r.integration_id = k.id",
                (integration_id,),
            ).fetchone()
        )
        row = returned(row)  # the one-row key always yields a row
        state = ReauthorizationState(
            deadline=utc(row["reauth_deadline"]),
            needs_reauthorization=bool(row["reauth_needed"]),
            reason=row["reauth_reason"],
        )
        return (None if row["access_token"] is None else _stored_tokens(row)), state

    def save_tokens(self, integration_id: str, tokens: SealedTokens) -> SealedStoredTokens:
        row = self._write(
            lambda c: c.execute(
                """INSERT INTO tokens (integration_id, access_token, access_expires_at, refresh_token,
                       refresh_expires_at, scopes, extra, version, updated_at)
                   VALUES (%s, %s, %s, %s, %s, %s, %s, 1, %s)
                   ON CONFLICT (integration_id) DO UPDATE SET
                       access_token = excluded.access_token, access_expires_at = excluded.access_expires_at,
                       refresh_token = excluded.refresh_token, refresh_expires_at = excluded.refresh_expires_at,
                       scopes = excluded.scopes, extra = excluded.extra,
                       version = tokens.version + 1, updated_at = excluded.updated_at
                   RETURNING *""",
                (
                    integration_id,
                    tokens.access_token,
                    tokens.access_expires_at,
                    tokens.refresh_token,
                    tokens.refresh_expires_at,
                    Json(tokens.scopes),
                    Json(tokens.extra),
                    self._now(),
                ),
            ).fetchone()
        )
        return _stored_tokens(returned(row))

    # --- OAuth states ------------------------------------------------------------------------------------

    def create_oauth_state(
        self, state_hash: str, integration_id: str, expires_at: datetime, data: Mapping[str, Any]
    ) -> None:
        def create(conn: Any) -> None:
            conn.execute("DELETE FROM oauth_states WHERE expires_at < %s", (self._now() - OAUTH_STATE_KEEP,))
            conn.execute(
                "INSERT INTO oauth_states (state_hash, integration_id, data, expires_at) VALUES (%s, %s, %s, %s)",
                (state_hash, integration_id, Json(dict(data)), expires_at),
            )

        self._write(create)

    def claim_oauth_state(self, state_hash: str) -> OAuthStateClaim:
        now = self._now()

        def claim(conn: Any) -> OAuthStateClaim:
            # One statement accepts the state and marks it used: two racing callbacks cannot both win.
            won = conn.execute(
                "UPDATE oauth_states SET used_at = %s WHERE state_hash = %s AND used_at IS NULL "
                "AND expires_at >= %s RETURNING integration_id, expires_at, data",
                (now, state_hash, now),
            ).fetchone()
            if won is not None:
                return OAuthStateClaim(won["integration_id"], utc(won["expires_at"]), won["data"], None)
            row = conn.execute("SELECT * FROM oauth_states WHERE state_hash = %s", (state_hash,)).fetchone()
            if row is None:
                return OAuthStateClaim(None, None, {}, "unknown")
            refusal: OAuthStateRefusal = "used" if row["used_at"] is not None else "expired"
            return OAuthStateClaim(row["integration_id"], utc(row["expires_at"]), {}, refusal)

        return self._write(claim)

    # --- connect links -----------------------------------------------------------------------------------

    def create_connect_link(
        self, token_hash: str, integration_id: str, purpose: str, ttl: timedelta, token_hint: str
    ) -> ConnectLink:
        now = self._now()
        row = self._write(
            lambda c: c.execute(
                "INSERT INTO connect_links (token_hash, integration_id, purpose, token_hint, created_at, "
                "expires_at) VALUES (%s, %s, %s, %s, %s, %s) RETURNING *",
                (token_hash, integration_id, purpose, token_hint, now, now + ttl),
            ).fetchone()
        )
        return _link(returned(row))

    def find_connect_link(self, token_hash: str) -> ConnectLink | None:
        row = self._read(
            lambda c: c.execute("SELECT * FROM connect_links WHERE token_hash = %s", (token_hash,)).fetchone()
        )
        return None if row is None else _link(row)

    def touch_connect_link(self, token_hash: str) -> None:
        self._write(
            lambda c: c.execute(
                "UPDATE connect_links SET last_used_at = %s WHERE token_hash = %s", (self._now(), token_hash)
            )
        )

    def renew_connect_link(self, token_hash: str, ttl: timedelta) -> ConnectLink:
        row = self._write(
            lambda c: c.execute(
                "UPDATE connect_links SET expires_at = %s WHERE token_hash = %s RETURNING *",
                (self._now() + ttl, token_hash),
            ).fetchone()
        )
        if row is None:
            raise UnknownConnectLink()
        return _link(row)

    def list_connect_links(self, integration_id: str) -> list[ConnectLink]:
        rows = self._read(
            lambda c: c.execute(
                "SELECT * FROM connect_links WHERE integration_id = %s ORDER BY created_at, token_hint",
                (integration_id,),
            ).fetchall()
        )
        return [_link(r) for r in rows]


def _stored_tokens(row: Row) -> SealedStoredTokens:
    tokens = SealedTokens(
        access_token=bytes(row["access_token"]),
        access_expires_at=row["access_expires_at"],
        refresh_token=None if row["refresh_token"] is None else bytes(row["refresh_token"]),
        refresh_expires_at=row["refresh_expires_at"],
        scopes=row["scopes"],
        extra=row["extra"],
    )
    return SealedStoredTokens(tokens=tokens, version=row["version"], updated_at=row["updated_at"])
