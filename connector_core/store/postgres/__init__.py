"""The production store: PostgreSQL through psycopg 3 and psycopg_pool (the `[postgres]` extra).

Several worker processes on several machines share one database. Migrations are plain SQL files in
`migrations/` (recorded in `schema_migrations`), leases are rows with an expiry on the database's clock,
each multi-row write is one transaction, and a dropped connection is retried only when that cannot
repeat a write (see connection.py). See docs/postgresql.md.
"""

from __future__ import annotations

from ...clock import Clock, SystemClock
from ...vault import Vault
from ..sealing import SealedStore
from .bulk_rows import PostgresBulkRows
from .connection import PostgresConnection, migration_files
from .delivery_rows import PostgresDeliveryRows
from .index_rows import PostgresIndexRows
from .ledger_rows import PostgresLedgerRows
from .outbox_rows import PostgresOutboxRows
from .secrets_rows import PostgresSecretRows
from .shared_rows import PostgresSharedRows
from .shop_rows import PostgresShopRows
from .signin_rows import PostgresSignInRows
from .upkeep_rows import PostgresUpkeepRows


class PostgresBackend(
    PostgresSecretRows,
    PostgresSharedRows,
    PostgresLedgerRows,
    PostgresShopRows,
    PostgresBulkRows,
    PostgresOutboxRows,
    PostgresDeliveryRows,
    PostgresSignInRows,
    PostgresUpkeepRows,
    PostgresIndexRows,
):
    """Every role of `StoreBackend` on PostgreSQL."""


class PostgresStore(SealedStore):
    """`PostgresBackend` behind the sealing layer: the `Store` a host opens with a postgresql:// URL."""

    def __init__(
        self, url: str, *, vault: Vault, clock: Clock | None = None, max_connections: int = 16
    ) -> None:
        clock = clock or SystemClock()
        backend = PostgresBackend(url, clock, max_connections=max_connections)
        super().__init__(backend, vault, clock)
        self.postgres = backend

    @property
    def schema_version(self) -> int:
        return self.postgres.schema_version


__all__ = ["PostgresBackend", "PostgresConnection", "PostgresStore", "migration_files"]
