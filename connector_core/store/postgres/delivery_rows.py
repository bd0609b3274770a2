"""The PostgreSQL rows of the delivery ledger (see connector_core/store/deliveries.py)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ..deliveries import Delivered, chunks
from .connection import PostgresConnection


class PostgresDeliveryRows(PostgresConnection):
    def delivered(self, integration_id: str, shop_id: str, order_ids: Iterable[str]) -> dict[str, Delivered]:
        found: dict[str, Delivered] = {}
        for chunk in chunks(list(order_ids)):

            def read(conn: Any, chunk: list[str] = chunk) -> Any:
                return conn.execute(
                    "SELECT order_id, version, problem FROM deliveries "
                    "WHERE integration_id = %s AND shop_id = %s AND order_id = ANY(%s)",
                    (integration_id, shop_id, chunk),
                ).fetchall()

            found.update({r["order_id"]: Delivered(r["version"], r["problem"]) for r in self._read(read)})
        return found

    def record_delivered(
        self,
        integration_id: str,
        shop_id: str,
        *,
        versions: Mapping[str, str],
        problems: Mapping[str, str],
    ) -> None:
        def record(conn: Any) -> None:
            with conn.cursor() as cur:
                if versions:
                    cur.executemany(
                        "INSERT INTO deliveries (integration_id, shop_id, order_id, version) "
                        "VALUES (%s, %s, %s, %s) ON CONFLICT (integration_id, shop_id, order_id) "
                        "DO UPDATE SET version = excluded.version",
                        [(integration_id, shop_id, o, v) for o, v in sorted(versions.items())],
                    )
                if problems:
                    cur.executemany(
                        "INSERT INTO deliveries (integration_id, shop_id, order_id, problem) "
                        "VALUES (%s, %s, %s, %s) ON CONFLICT (integration_id, shop_id, order_id) "
                        "DO UPDATE SET problem = excluded.problem",
                        [(integration_id, shop_id, o, p) for o, p in sorted(problems.items())],
                    )

        if versions or problems:
            self._write(record)
