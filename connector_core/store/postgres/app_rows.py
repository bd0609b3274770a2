"""The PostgreSQL rows of apps (a connector's registration with the channel) and of connections' tags."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from psycopg.types.json import Json

from ...errors import FieldError, InvalidInput, UnknownIntegration
from ..errors import AppInUse, UnknownApp
from ..platform_records import SealedApp
from .connection import PostgresConnection, Row, utc


def _app(row: Row) -> SealedApp:
    created, updated = utc(row["created_at"]), utc(row["updated_at"])
    assert created is not None and updated is not None
    return SealedApp(
        id=row["id"],
        connector=row["connector"],
        name=row["name"],
        public=row["public"] or {},
        sealed_secrets=None if row["secret"] is None else bytes(row["secret"]),
        owned_by=row["owned_by"],
        created_at=created,
        updated_at=updated,
    )


def write_tags(conn: Any, integration_id: str, tags: Mapping[str, str]) -> None:
    """Replace the connection's tags: the JSON column (read with the row) and the index rows (searched)."""
    conn.execute("UPDATE integrations SET tags = %s WHERE id = %s", (Json(dict(tags)), integration_id))
    conn.execute("DELETE FROM integration_tags WHERE integration_id = %s", (integration_id,))
    if tags:
        with conn.cursor() as cur:
            cur.executemany(
                "INSERT INTO integration_tags (integration_id, key, value) VALUES (%s, %s, %s)",
                [(integration_id, k, v) for k, v in tags.items()],
            )


class PostgresAppRows(PostgresConnection):
    def _insert_app(
        self,
        conn: Any,
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
            "VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
            (app_id, connector, name, Json(dict(public)), sealed, owned_by, now, now),
        )
        return app_id

    def _check_app(self, conn: Any, app_id: str, connector: str) -> None:
        row = conn.execute("SELECT connector FROM apps WHERE id = %s", (app_id,)).fetchone()
        if row is None:
            raise UnknownApp(app_id)
        if row["connector"] != connector:
            problem = f"app {app_id!r} is a {row['connector']} app, not {connector}"
            raise InvalidInput("connection", [FieldError("app_id", problem)])

    def create_app(
        self,
        connector: str,
        name: str,
        public: Mapping[str, Any],
        sealed_secrets: bytes | None,
        *,
        owned_by: str | None = None,
    ) -> SealedApp:
        app_id = self._write(lambda c: self._insert_app(c, connector, name, public, sealed_secrets, owned_by))
        return self.get_app(app_id)

    def get_app(self, app_id: str) -> SealedApp:
        row = self._read(lambda c: c.execute("SELECT * FROM apps WHERE id = %s", (app_id,)).fetchone())
        if row is None:
            raise UnknownApp(app_id)
        return _app(row)

    def list_apps(self, connector: str | None = None) -> list[SealedApp]:
        rows = self._read(
            lambda c: c.execute(
                "SELECT * FROM apps WHERE %s::text IS NULL OR connector = %s ORDER BY created_at, id",
                (connector, connector),
            ).fetchall()
        )
        return [_app(r) for r in rows]

    def update_app(
        self,
        app_id: str,
        *,
        name: str | None = None,
        credentials: tuple[Mapping[str, Any], bytes | None] | None = None,
    ) -> SealedApp:
        def update(conn: Any) -> None:
            if conn.execute("SELECT 1 FROM apps WHERE id = %s FOR UPDATE", (app_id,)).fetchone() is None:
                raise UnknownApp(app_id)
            conn.execute(
                "UPDATE apps SET name = coalesce(%s, name), updated_at = %s WHERE id = %s",
                (name, self._now(), app_id),
            )
            if credentials is not None:
                public, sealed = credentials
                conn.execute(
                    "UPDATE apps SET public = %s, secret = %s WHERE id = %s",
                    (Json(dict(public)), sealed, app_id),
                )

        self._write(update)
        return self.get_app(app_id)

    def delete_app(self, app_id: str) -> None:
        def delete(conn: Any) -> None:
            used = conn.execute(
                "SELECT count(*) AS n FROM integrations WHERE app_id = %s", (app_id,)
            ).fetchone()
            if used["n"]:
                raise AppInUse(app_id, int(used["n"]))
            if conn.execute("DELETE FROM apps WHERE id = %s", (app_id,)).rowcount == 0:
                raise UnknownApp(app_id)

        self._write(delete)

    # --- tags ----------------------------------------------------------------------------------------

    def set_tags(self, integration_id: str, tags: Mapping[str, str]) -> None:
        def write(conn: Any) -> None:
            found = conn.execute("SELECT 1 FROM integrations WHERE id = %s FOR UPDATE", (integration_id,))
            if found.fetchone() is None:
                raise UnknownIntegration(integration_id)
            write_tags(conn, integration_id, tags)

        self._write(write)

    def find_integration_ids(self, tags: Mapping[str, str], *, connector: str | None = None) -> list[str]:
        # Driven by the first tag's index rows, so a search costs the matches, not the connections.
        items = list(tags.items())
        source, where, params = "integrations i", ["true"], []
        if items:
            source = "integration_tags t0 JOIN integrations i ON i.id = t0.integration_id"
            where = ["t0.key = %s AND t0.value = %s"]
            params = list(items[0])
        for key, value in items[1:]:
            where.append(
                "EXISTS (SELECT 1 FROM integration_tags t WHERE t.integration_id = i.id "
                "AND t.key = %s AND t.value = %s)"
            )
            params.extend([key, value])
        if connector is not None:
            where.append("i.connector = %s")
            params.append(connector)
        sql = f"SELECT i.id FROM {source} WHERE {' AND '.join(where)} ORDER BY i.created_at, i.id"
        return [r["id"] for r in self._read(lambda c: c.execute(sql, params).fetchall())]
