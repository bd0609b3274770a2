"""The SQLite rows of the delivery ledger (see connector_core/store/deliveries.py)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from ..deliveries import Delivered, chunks
from .connection import SQLiteConnection


class DeliveryRows(SQLiteConnection):
    def delivered(self, integration_id: str, shop_id: str, order_ids: Iterable[str]) -> dict[str, Delivered]:
        found: dict[str, Delivered] = {}
        conn = self._connection()
        for chunk in chunks(list(order_ids)):
            marks = ", ".join("?" * len(chunk))
            rows = conn.execute(
                "SELECT order_id, version, problem FROM deliveries "
                f"WHERE integration_id = ? AND shop_id = ? AND order_id IN ({marks})",
                (integration_id, shop_id, *chunk),
            )
            found.update({r["order_id"]: Delivered(r["version"], r["problem"]) for r in rows})
        return found

    def record_delivered(
        self,
        integration_id: str,
        shop_id: str,
        *,
        versions: Mapping[str, str],
        problems: Mapping[str, str],
    ) -> None:
        with self._write() as conn:
            conn.executemany(
                "INSERT INTO deliveries (integration_id, shop_id, order_id, version) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (integration_id, shop_id, order_id) DO UPDATE SET version = excluded.version",
                [(integration_id, shop_id, o, v) for o, v in sorted(versions.items())],
            )
            conn.executemany(
                "INSERT INTO deliveries (integration_id, shop_id, order_id, problem) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (integration_id, shop_id, order_id) DO UPDATE SET problem = excluded.problem",
                [(integration_id, shop_id, o, p) for o, p in sorted(problems.items())],
            )
