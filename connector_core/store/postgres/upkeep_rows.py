"""`store size` and `store prune` on PostgreSQL (the rules are in store/upkeep.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import psycopg

from ..upkeep import PRUNE_RULES, StoreSize, TableSize
from .connection import PostgresConnection


class PostgresUpkeepRows(PostgresConnection):
    def store_size(self) -> StoreSize:
        def read(conn: Any) -> StoreSize:
            names = [
                r["tablename"]
                for r in conn.execute(
                    "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename"
                ).fetchall()
            ]
            tables = []
            for name in names:
                rows = conn.execute(f'SELECT count(*) AS n FROM "{name}"').fetchone()["n"]
                size = conn.execute("SELECT pg_total_relation_size(%s::regclass) AS b", (name,)).fetchone()[
                    "b"
                ]
                tables.append(TableSize(name, int(rows), int(size)))
            return StoreSize("postgresql", sum(t.bytes or 0 for t in tables), tables)

        return self._read(read)

    def prune_store(self, older_than: datetime, *, dry_run: bool = False) -> dict[str, int]:
        values = {"cutoff": "%(cutoff)s", "now": "%(now)s", "null_value": "value::text = 'null'"}
        params = {"cutoff": older_than, "now": self._now()}

        def prune(conn: Any) -> dict[str, int]:
            counts: dict[str, int] = {}
            for name, table, where in PRUNE_RULES:
                clause = where.format(**values)
                if dry_run:
                    counts[name] = int(conn.execute(f"SELECT count(*) AS n FROM {table} WHERE {clause}", params)
                                       .fetchone()["n"])  # fmt: skip
                else:
                    counts[name] = conn.execute(f"DELETE FROM {table} WHERE {clause}", params).rowcount
            return counts

        return self._write(prune)

    def vacuum(self) -> None:
        # VACUUM cannot run inside a transaction: one connection of its own, in autocommit.
        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute("VACUUM ANALYZE")
