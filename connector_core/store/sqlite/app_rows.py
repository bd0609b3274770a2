"""The SQLite rows of apps (a connector's registration with the channel) and of connections' tags."""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections.abc import Mapping
from typing import Any

from ...errors import FieldError, InvalidInput, UnknownIntegration
from ..errors import AppInUse, UnknownApp
from ..platform_records import SealedApp
from .connection import SQLiteConnection, utc


def _app(row: sqlite3.Row) -> SealedApp:
    return SealedApp(
        id=row["id"],
        connector=row["connector"],
        name=row["name"],
        public=json.loads(row["public"] or "{}"),
        sealed_secrets=row["secret"],
        owned_by=row["owned_by"],
        created_at=utc(row["created_at"]),
        updated_at=utc(row["updated_at"]),
    )


def write_tags(conn: sqlite3.Connection, integration_id: str, tags: Mapping[str, str]) -> None:
    """Replace the connection's tags: the JSON column (read with the row) and the index rows (searched)."""
    conn.execute("UPDATE integrations SET tags = ? WHERE id = ?", (json.dumps(dict(tags)), integration_id))
    conn.execute("DELETE FROM integration_tags WHERE integration_id = ?", (integration_id,))
    conn.executemany(
        "INSERT INTO integration_tags (integration_id, key, value) VALUES (?, ?, ?)",
        [(integration_id, k, v) for k, v in tags.items()],
    )


class AppRows(SQLiteConnection):
    def _insert_app(
        self,
        conn: sqlite3.Connection,
        connector: str,
        name: str,
        public: Mapping[str, Any],
        sealed: bytes | None,
        owned_by: str | None,
    ) -> str:
        app_id = f"app-{owned_by}" if owned_by else f"app-{connector}-{uuid.uuid4().hex[:8]}"
        now = self._now()
        conn.execute(
            "INSERT INTO apps (id, connector, name, public, secret, owned_by, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (app_id, connector, name, json.dumps(dict(public)), sealed, owned_by, now, now),
        )
        return app_id

    def _check_app(self, conn: sqlite3.Connection, app_id: str, connector: str) -> None:
        row = conn.execute("SELECT connector FROM apps WHERE id = ?", (app_id,)).fetchone()
        if row is None:
            raise UnknownApp(app_id)
        if row["connector"] != connector:
            raise InvalidInput(
                "connection",
                [FieldError("app_id", f"app {app_id!r} is a {row['connector']} app, not {connector}")],
            )

    def create_app(
        self,
        connector: str,
        name: str,
        public: Mapping[str, Any],
        sealed_secrets: bytes | None,
        *,
        owned_by: str | None = None,
    ) -> SealedApp:
        with self._write() as conn:
            app_id = self._insert_app(conn, connector, name, public, sealed_secrets, owned_by)
        return self.get_app(app_id)

    def get_app(self, app_id: str) -> SealedApp:
        row = self._connection().execute("SELECT * FROM apps WHERE id = ?", (app_id,)).fetchone()
        if row is None:
            raise UnknownApp(app_id)
        return _app(row)

    def list_apps(self, connector: str | None = None) -> list[SealedApp]:
        sql, params = "SELECT * FROM apps", tuple[str, ...]()
        if connector is not None:
            sql, params = sql + " WHERE connector = ?", (connector,)
        rows = self._connection().execute(f"{sql} ORDER BY created_at, id", params).fetchall()
        return [_app(r) for r in rows]

    def update_app(
        self,
        app_id: str,
        *,
        name: str | None = None,
        credentials: tuple[Mapping[str, Any], bytes | None] | None = None,
    ) -> SealedApp:
        with self._write() as conn:
            if conn.execute("SELECT 1 FROM apps WHERE id = ?", (app_id,)).fetchone() is None:
                raise UnknownApp(app_id)
            if name is not None:
                conn.execute(
                    "UPDATE apps SET name = ?, updated_at = ? WHERE id = ?", (name, self._now(), app_id)
                )
            if credentials is not None:
                public, sealed = credentials
                conn.execute(
                    "UPDATE apps SET public = ?, secret = ?, updated_at = ? WHERE id = ?",
                    (json.dumps(dict(public)), sealed, self._now(), app_id),
                )
        return self.get_app(app_id)

    def delete_app(self, app_id: str) -> None:
        with self._write() as conn:
            used = conn.execute("SELECT count(*) FROM integrations WHERE app_id = ?", (app_id,)).fetchone()[0]
            if used:
                raise AppInUse(app_id, used)
            if conn.execute("DELETE FROM apps WHERE id = ?", (app_id,)).rowcount == 0:
                raise UnknownApp(app_id)

    # --- tags ----------------------------------------------------------------------------------------

    def set_tags(self, integration_id: str, tags: Mapping[str, str]) -> None:
        with self._write() as conn:
            if conn.execute("SELECT 1 FROM integrations WHERE id = ?", (integration_id,)).fetchone() is None:
                raise UnknownIntegration(integration_id)
            write_tags(conn, integration_id, tags)

    def find_integration_ids(self, tags: Mapping[str, str], *, connector: str | None = None) -> list[str]:
        # Driven by the first tag's index rows, so a search costs the matches, not the connections.
        items = list(tags.items())
        source, where, params = "integrations i", ["1 = 1"], []
        if items:
            source = "integration_tags t0 JOIN integrations i ON i.id = t0.integration_id"
            where = ["t0.key = ? AND t0.value = ?"]
            params = list(items[0])
        for key, value in items[1:]:
            where.append(
                "EXISTS (SELECT 1 FROM integration_tags t WHERE t.integration_id = i.id "
                "AND t.key = ? AND t.value = ?)"
            )
            params.extend([key, value])
        if connector is not None:
            where.append("i.connector = ?")
            params.append(connector)
        sql = f"SELECT i.id FROM {source} WHERE {' AND '.join(where)} ORDER BY i.created_at, i.id"
        return [r["id"] for r in self._connection().execute(sql, params).fetchall()]
