"""The PostgreSQL side of the store's indexes (see connector_core/store/index_roles.py)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from ...errors import UnknownIntegration
from ..connection_query import POSTGRES, connection_sql
from ..index_roles import ConnectionPage, ConnectionQuery, ConnectionRow, ShopSku
from .connection import PostgresConnection


class PostgresIndexRows(PostgresConnection):
    def find_connections(self, query: ConnectionQuery) -> ConnectionPage:
        page, count, params = connection_sql(query, POSTGRES)

        def read(conn: Any) -> ConnectionPage:
            rows = conn.execute(page, [*params, query.limit, query.offset]).fetchall()
            # Past the last page (or nothing matches), the count alone says how many there are.
            total = int(rows[0]["total"] if rows else conn.execute(count, params).fetchone()["total"])
            return ConnectionPage([ConnectionRow(r["id"], r["state"]) for r in rows], total)

        return self._read(read)

    def connection_ids_of_app(self, app_id: str) -> list[str]:
        rows = self._read(
            lambda c: c.execute(
                "SELECT id FROM integrations WHERE app_id = %s ORDER BY created_at, id", (app_id,)
            ).fetchall()
        )
        return [r["id"] for r in rows]

    def note_shop_skus(
        self, integration_id: str, shop_id: str, *, listed: Iterable[str] = (), unlisted: Iterable[str] = ()
    ) -> None:
        now = self._now()
        words = {sku: True for sku in listed}
        words.update({sku: False for sku in unlisted if sku not in words})
        if not words:
            return

        def write(conn: Any) -> None:
            with conn.cursor() as cur:
                cur.executemany(
                    "INSERT INTO shop_skus (integration_id, sku, shop_id, listed, seen_at) "
                    "VALUES (%s, %s, %s, %s, %s) ON CONFLICT (integration_id, sku, shop_id) DO UPDATE SET "
                    "listed = excluded.listed, seen_at = excluded.seen_at",
                    [(integration_id, sku, shop_id, listed_, now) for sku, listed_ in sorted(words.items())],
                )

        # Sorted rows: two writers of overlapping SKUs lock them in the same order (no deadlock); the words
        # are absolute, so writing them twice is harmless.
        self._write(write, idempotent=True)

    def shops_for_skus(self, integration_id: str, skus: Sequence[str]) -> dict[str, list[ShopSku]]:
        unique = list(dict.fromkeys(skus))
        if not unique:
            return {}
        rows = self._read(
            lambda c: c.execute(
                "SELECT sku, shop_id, listed, seen_at FROM shop_skus WHERE integration_id = %s "
                "AND sku = ANY(%s) ORDER BY sku, shop_id",
                (integration_id, unique),
            ).fetchall()
        )
        found: dict[str, list[ShopSku]] = {}
        for r in rows:
            found.setdefault(r["sku"], []).append(ShopSku(r["shop_id"], bool(r["listed"]), r["seen_at"]))
        return found

    def set_pull_interval(self, integration_id: str, shop_id: str, seconds: int | None) -> None:
        def write(conn: Any) -> None:
            if conn.execute("SELECT 1 FROM integrations WHERE id = %s", (integration_id,)).fetchone() is None:
                raise UnknownIntegration(integration_id)
            if seconds is None:
                conn.execute(
                    "DELETE FROM pull_intervals WHERE integration_id = %s AND shop_id = %s",
                    (integration_id, shop_id),
                )
                return
            conn.execute(
                "INSERT INTO pull_intervals (integration_id, shop_id, seconds) VALUES (%s, %s, %s) "
                "ON CONFLICT (integration_id, shop_id) DO UPDATE SET seconds = excluded.seconds",
                (integration_id, shop_id, seconds),
            )

        self._write(write, idempotent=True)

    def pull_intervals(self, integration_id: str) -> dict[str, int]:
        rows = self._read(
            lambda c: c.execute(
                "SELECT shop_id, seconds FROM pull_intervals WHERE integration_id = %s", (integration_id,)
            ).fetchall()
        )
        return {r["shop_id"]: int(r["seconds"]) for r in rows}
