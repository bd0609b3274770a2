"""`store size` and `store prune` on SQLite (the rules are in store/upkeep.py)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from ..upkeep import PRUNE_RULES, StoreSize, TableSize
from .connection import SQLiteConnection


class UpkeepRows(SQLiteConnection):
    path: Path

    def store_size(self) -> StoreSize:
        conn = self._connection()
        names = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        on_disk = {r[0]: r[1] for r in conn.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name")}
        # An index's pages count towards its table, as pg_total_relation_size counts them.
        index_of = dict(
            conn.execute("SELECT name, tbl_name FROM sqlite_master WHERE type = 'index'").fetchall()
        )
        for index, table in index_of.items():
            on_disk[table] = on_disk.get(table, 0) + on_disk.pop(index, 0)
        tables = [
            TableSize(
                name, int(conn.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]), on_disk.get(name)
            )
            for name in names
        ]
        files = [self.path, Path(f"{self.path}-wal")]
        total = sum(p.stat().st_size for p in files if p.exists())
        return StoreSize("sqlite", total, tables)

    def prune_store(self, older_than: datetime, *, dry_run: bool = False) -> dict[str, int]:
        values = {"cutoff": "?", "now": "?", "null_value": "value = 'null'"}
        counts: dict[str, int] = {}
        with self._write() as conn:
            for name, table, where in PRUNE_RULES:
                clause = where.format(**values)
                params = [older_than.timestamp()] * where.count("{cutoff}") + [self._now()] * where.count(
                    "{now}"
                )
                verb = "SELECT count(*) FROM" if dry_run else "DELETE FROM"
                cursor = conn.execute(f"{verb} {table} WHERE {clause}", params)
                counts[name] = int(cursor.fetchone()[0]) if dry_run else cursor.rowcount
        return counts

    def vacuum(self) -> None:
        conn = self._connection()
        conn.execute("VACUUM")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
