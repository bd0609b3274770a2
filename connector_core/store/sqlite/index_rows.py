"""The SQLite side of the store's indexes (see connector_core/store/index_roles.py)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from ...errors import UnknownIntegration
from ..connection_query import SQLITE, connection_sql
from ..index_roles import ConnectionPage, ConnectionQuery, ConnectionRow, ShopSku
from .connection import SQLiteConnection, utc

SKUS_PER_QUERY = 500
"""SQLite caps the parameters of one statement; longer SKU lists are read in slices."""


class IndexRows(SQLiteConnection):
    def find_connections(self, query: ConnectionQuery) -> ConnectionPage:
        page, count, params = connection_sql(query, SQLITE)
        conn = self._connection()
        rows = conn.execute(page, [*params, query.limit, query.offset]).fetchall()
        # Past the last page (or nothing matches), the count alone says how many there are.
        total = int(rows[0]["total"] if rows else conn.execute(count, params).fetchone()["total"])
        return ConnectionPage([ConnectionRow(r["id"], r["state"]) for r in rows], total)

    def connection_ids_of_app(self, app_id: str) -> list[str]:
        rows = (
            self._connection()
            .execute(
                "SELECT id FROM integrations INDEXED BY integrations_by_app WHERE app_id = ? "
                "ORDER BY created_at, id",
                (app_id,),
            )
            .fetchall()
        )
        return [r["id"] for r in rows]

    def note_shop_skus(
        self, integration_id: str, shop_id: str, *, listed: Iterable[str] = (), unlisted: Iterable[str] = ()
    ) -> None:
        now = self._now()
        words = [(integration_id, sku, shop_id, 1, now) for sku in dict.fromkeys(listed)]
        words += [(integration_id, sku, shop_id, 0, now) for sku in dict.fromkeys(unlisted)]
        if not words:
            return
        with self._write() as conn:
            conn.executemany(
                "INSERT INTO shop_skus (integration_id, sku, shop_id, listed, seen_at) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (integration_id, sku, shop_id) DO UPDATE SET listed = excluded.listed, "
                "seen_at = excluded.seen_at",
                words,
            )

    def shops_for_skus(self, integration_id: str, skus: Sequence[str]) -> dict[str, list[ShopSku]]:
        unique = list(dict.fromkeys(skus))
        found: dict[str, list[ShopSku]] = {}
        conn = self._connection()
        for start in range(0, len(unique), SKUS_PER_QUERY):
            part = unique[start : start + SKUS_PER_QUERY]
            rows = conn.execute(
                "SELECT sku, shop_id, listed, seen_at FROM shop_skus WHERE integration_id = ? "
                f"AND sku IN ({','.join('?' * len(part))}) ORDER BY sku, shop_id",
                (integration_id, *part),
            ).fetchall()
            for r in rows:
                found.setdefault(r["sku"], []).append(
                    ShopSku(r["shop_id"], bool(r["listed"]), utc(r["seen_at"]))
                )
        return found

    def set_pull_interval(self, integration_id: str, shop_id: str, seconds: int | None) -> None:
        with self._write() as conn:
            if conn.execute("SELECT 1 FROM integrations WHERE id = ?", (integration_id,)).fetchone() is None:
                raise UnknownIntegration(integration_id)
            if seconds is None:
                conn.execute(
                    "DELETE FROM pull_intervals WHERE integration_id = ? AND shop_id = ?",
                    (integration_id, shop_id),
                )
                return
            conn.execute(
                "INSERT INTO pull_intervals (integration_id, shop_id, seconds) VALUES (?, ?, ?) "
                "ON CONFLICT (integration_id, shop_id) DO UPDATE SET seconds = excluded.seconds",
                (integration_id, shop_id, seconds),
            )

    def pull_intervals(self, integration_id: str) -> dict[str, int]:
        rows = (
            self._connection()
            .execute(
                "SELECT shop_id, seconds FROM pull_intervals WHERE integration_id = ?", (integration_id,)
            )
            .fetchall()
        )
        return {r["shop_id"]: int(r["seconds"]) for r in rows}
