"""The SQLite rows of the roles that touch secrets: only ciphertext and hashes ever reach them."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from ...errors import UnknownIntegration
from ..bulk import new_connection_id
from ..errors import UnknownConnectLink
from ..records import ConnectLink, OAuthStateClaim, SealedIntegration, SealedStoredTokens, SealedTokens
from .app_rows import AppRows, write_tags
from .connection import SQLiteConnection, dt, ts, utc

_INTEGRATION_QUERY = "SELECT i.*, a.public, a.secret FROM integrations i LEFT JOIN apps a ON a.id = i.app_id"
OAUTH_STATE_KEEP_SECONDS = 86400.0
"""Used or expired OAuth states are kept a day (so a replay says "already used"), then purged."""


def _integration(row: sqlite3.Row) -> SealedIntegration:
    return SealedIntegration(
        id=row["id"],
        connector=row["connector"],
        name=row["name"],
        public=json.loads(row["public"] or "{}"),
        sealed_secrets=row["secret"],
        settings=json.loads(row["settings"]),
        account_id=row["account_id"],
        created_at=utc(row["created_at"]),
        app_id=row["app_id"],
        tags=json.loads(row["tags"] or "{}"),
    )


def _link(row: sqlite3.Row) -> ConnectLink:
    return ConnectLink(
        integration_id=row["integration_id"],
        purpose=row["purpose"],
        created_at=utc(row["created_at"]),
        expires_at=utc(row["expires_at"]),
        last_used_at=dt(row["last_used_at"]),
        token_hint=row["token_hint"],
        link_id=row["token_hash"],
    )


class SecretRows(AppRows, SQLiteConnection):
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
        with self._write() as conn:
            if app_id is None:
                app_id = self._insert_app(conn, connector, name, public, sealed_secrets, integration_id)
            else:
                self._check_app(conn, app_id, connector)
            conn.execute(
                "INSERT INTO integrations (id, connector, name, settings, created_at, app_id, tags) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    integration_id,
                    connector,
                    name,
                    json.dumps(dict(settings)),
                    self._now(),
                    app_id,
                    json.dumps(dict(tags or {})),
                ),
            )
            write_tags(conn, integration_id, tags or {})
        return self.get_integration(integration_id)

    def get_integration(self, integration_id: str) -> SealedIntegration:
        row = self._connection().execute(f"{_INTEGRATION_QUERY} WHERE i.id = ?", (integration_id,)).fetchone()
        if row is None:
            raise UnknownIntegration(integration_id)
        return _integration(row)

    def list_integrations(self) -> list[SealedIntegration]:
        rows = self._connection().execute(f"{_INTEGRATION_QUERY} ORDER BY i.created_at, i.id").fetchall()
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
        with self._write() as conn:
            if conn.execute("SELECT 1 FROM integrations WHERE id = ?", (integration_id,)).fetchone() is None:
                raise UnknownIntegration(integration_id)
            if name is not None:
                conn.execute("UPDATE integrations SET name = ? WHERE id = ?", (name, integration_id))
            if settings is not None:
                conn.execute(
                    "UPDATE integrations SET settings = ? WHERE id = ?",
                    (json.dumps(dict(settings)), integration_id),
                )
            if account_id is not None:
                conn.execute(
                    "UPDATE integrations SET account_id = ? WHERE id = ?", (account_id, integration_id)
                )
            if credentials is not None:
                public, sealed = credentials
                conn.execute(
                    "UPDATE apps SET public = ?, secret = ?, updated_at = ? "
                    "WHERE id = (SELECT app_id FROM integrations WHERE id = ?)",
                    (json.dumps(dict(public)), sealed, self._now(), integration_id),
                )
        return self.get_integration(integration_id)

    def delete_integration(self, integration_id: str) -> None:
        with self._write() as conn:
            if conn.execute("DELETE FROM integrations WHERE id = ?", (integration_id,)).rowcount == 0:
                raise UnknownIntegration(integration_id)
            # The app its credential form made goes with it (unless a host attached others to it since).
            conn.execute(
                "DELETE FROM apps WHERE owned_by = ? AND NOT EXISTS "
                "(SELECT 1 FROM integrations i WHERE i.app_id = apps.id)",
                (integration_id,),
            )

    # --- tokens ------------------------------------------------------------------------------------------

    def load_tokens(self, integration_id: str) -> SealedStoredTokens | None:
        row = (
            self._connection()
            .execute("SELECT * FROM tokens WHERE integration_id = ?", (integration_id,))
            .fetchone()
        )
        if row is None:
            return None
        tokens = SealedTokens(
            access_token=row["access_token"],
            access_expires_at=utc(row["access_expires_at"]),
            refresh_token=row["refresh_token"],
            refresh_expires_at=dt(row["refresh_expires_at"]),
            scopes=json.loads(row["scopes"]),
            extra=json.loads(row["extra"]),
        )
        return SealedStoredTokens(tokens=tokens, version=row["version"], updated_at=utc(row["updated_at"]))

    def save_tokens(self, integration_id: str, tokens: SealedTokens) -> SealedStoredTokens:
        with self._write() as conn:
            conn.execute(
                """INSERT INTO tokens (integration_id, access_token, access_expires_at, refresh_token,
                       refresh_expires_at, scopes, extra, version, updated_at)
                   VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?)
                   ON CONFLICT(integration_id) DO UPDATE SET
                       access_token = excluded.access_token, access_expires_at = excluded.access_expires_at,
                       refresh_token = excluded.refresh_token,
                       refresh_expires_at = excluded.refresh_expires_at,
                       scopes = excluded.scopes, extra = excluded.extra,
                       version = tokens.version + 1, updated_at = excluded.updated_at""",
                (
                    integration_id,
                    tokens.access_token,
                    tokens.access_expires_at.timestamp(),
                    tokens.refresh_token,
                    ts(tokens.refresh_expires_at),
                    json.dumps(tokens.scopes),
                    json.dumps(tokens.extra),
                    self._now(),
                ),
            )
        stored = self.load_tokens(integration_id)
        assert stored is not None
        return stored

    # --- OAuth states ------------------------------------------------------------------------------------

    def create_oauth_state(
        self, state_hash: str, integration_id: str, expires_at: datetime, data: Mapping[str, Any]
    ) -> None:
        with self._write() as conn:
            conn.execute(
                "DELETE FROM oauth_states WHERE expires_at < ?", (self._now() - OAUTH_STATE_KEEP_SECONDS,)
            )
            conn.execute(
                "INSERT INTO oauth_states (state_hash, integration_id, data, expires_at) VALUES (?, ?, ?, ?)",
                (state_hash, integration_id, json.dumps(dict(data)), expires_at.timestamp()),
            )

    def claim_oauth_state(self, state_hash: str) -> OAuthStateClaim:
        now = self._now()
        with self._write() as conn:
            row = conn.execute("SELECT * FROM oauth_states WHERE state_hash = ?", (state_hash,)).fetchone()
            if row is None:
                return OAuthStateClaim(None, None, {}, "unknown")
            claim = OAuthStateClaim(
                row["integration_id"], utc(row["expires_at"]), json.loads(row["data"]), None
            )
            if row["used_at"] is not None:
                return OAuthStateClaim(claim.integration_id, claim.expires_at, {}, "used")
            if row["expires_at"] < now:
                return OAuthStateClaim(claim.integration_id, claim.expires_at, {}, "expired")
            conn.execute("UPDATE oauth_states SET used_at = ? WHERE state_hash = ?", (now, state_hash))
        return claim

    # --- connect links -----------------------------------------------------------------------------------

    def create_connect_link(
        self, token_hash: str, integration_id: str, purpose: str, ttl: timedelta, token_hint: str
    ) -> ConnectLink:
        now = self._now()
        with self._write() as conn:
            conn.execute(
                "INSERT INTO connect_links (token_hash, integration_id, purpose, token_hint, created_at, "
                "expires_at) VALUES (?, ?, ?, ?, ?, ?)",
                (token_hash, integration_id, purpose, token_hint, now, now + ttl.total_seconds()),
            )
        link = self.find_connect_link(token_hash)
        assert link is not None
        return link

    def find_connect_link(self, token_hash: str) -> ConnectLink | None:
        row = (
            self._connection()
            .execute("SELECT * FROM connect_links WHERE token_hash = ?", (token_hash,))
            .fetchone()
        )
        return None if row is None else _link(row)

    def touch_connect_link(self, token_hash: str) -> None:
        with self._write() as conn:
            conn.execute(
                "UPDATE connect_links SET last_used_at = ? WHERE token_hash = ?", (self._now(), token_hash)
            )

    def renew_connect_link(self, token_hash: str, ttl: timedelta) -> ConnectLink:
        with self._write() as conn:
            changed = conn.execute(
                "UPDATE connect_links SET expires_at = ? WHERE token_hash = ?",
                (self._now() + ttl.total_seconds(), token_hash),
            ).rowcount
        link = self.find_connect_link(token_hash)
        if not changed or link is None:
            raise UnknownConnectLink()
        return link

    def list_connect_links(self, integration_id: str) -> list[ConnectLink]:
        rows = (
            self._connection()
            .execute(
                "SELECT * FROM connect_links WHERE integration_id = ? ORDER BY created_at, token_hint",
                (integration_id,),
            )
            .fetchall()
        )
        return [_link(r) for r in rows]
