"""What `store prune` may delete, as SQL both backends run, and the shape of `store size`.

Only rows that no flow reads again go: finished runs past the cut-off (the newest run of each flow of each
shop stays, so `status` keeps its "last pull"), finished outbox work past the cut-off, OAuth states that
were used or have expired, connect links expired before the cut-off, and cache entries holding nothing
(a connector "forgets" a key by writing null). Nothing pending, uncertain or confirmed in a ledger is
touched: those are the exactly-once record.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

PRUNE_RULES: tuple[tuple[str, str, str], ...] = (
    (
        "runs",
        "runs",
        "finished_at < {cutoff} AND id NOT IN "
        "(SELECT max(id) FROM runs GROUP BY integration_id, account_id, flow)",
    ),
    ("outbox", "outbox", "status <> 'pending' AND finished_at < {cutoff}"),
    ("oauth_states", "oauth_states", "used_at IS NOT NULL OR expires_at < {now}"),
    ("connect_links", "connect_links", "expires_at < {cutoff}"),
    ("empty_cache_entries", "cache", "{null_value}"),
)
"""(name in the report, table, WHERE clause with {cutoff}, {now} and {null_value} filled per backend)."""


@dataclass(frozen=True)
class TableSize:
    table: str
    rows: int
    bytes: int | None
    """Bytes on disk where the database says (SQLite's dbstat, PostgreSQL's pg_total_relation_size)."""


@dataclass(frozen=True)
class StoreSize:
    backend: str
    total_bytes: int
    """The SQLite file (with its WAL) or the PostgreSQL tables, indexes and TOAST together."""
    tables: list[TableSize]


class UpkeepRole(Protocol):
    def store_size(self) -> StoreSize: ...
    def prune_store(self, older_than: datetime, *, dry_run: bool = False) -> dict[str, int]:
        """Delete (or, dry, count) what `PRUNE_RULES` allows; rows per rule name."""
        ...

    def vacuum(self) -> None:
        """Give the freed space back (VACUUM; VACUUM ANALYZE on PostgreSQL)."""
        ...
