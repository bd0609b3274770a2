"""The embedded default store: one SQLite file in WAL mode, owner-only, one connection per thread and process.

`SQLiteStore(path)` is the ready `Store` (the backend wrapped in the sealing layer, with the key file
beside the database); `SQLiteBackend` is the bare backend, for hosts that bring their own `Vault`.
"""

from __future__ import annotations

from pathlib import Path

from ...clock import Clock, SystemClock
from ...models import ReauthorizationState
from ...vault import Vault
from ..locations import default_home
from ..records import SealedStoredTokens
from ..sealing import SealedStore
from .bulk_rows import BulkRows
from .connection import SQLiteConnection
from .delivery_rows import DeliveryRows
from .index_rows import IndexRows
from .ledger_rows import LedgerRows
from .outbox_rows import OutboxRows
from .schema import MIGRATIONS
from .secrets_rows import SecretRows
from .shared_rows import SharedRows
from .shop_rows import ShopRows
from .signin_rows import SignInRows
from .upkeep_rows import UpkeepRows

KEY_FILE_NAME = "store.key"


class SQLiteBackend(
    SecretRows,
    SharedRows,
    LedgerRows,
    ShopRows,
    BulkRows,
    OutboxRows,
    DeliveryRows,
    SignInRows,
    UpkeepRows,
    IndexRows,
):
    """Every role of `StoreBackend` on one SQLite file."""

    def __init__(
        self, path: Path | str, clock: Clock | None = None, *, migrate_to: int | None = None
    ) -> None:
        super().__init__(Path(path), clock, migrate_to=migrate_to)

    def load_tokens_and_reauthorization(
        self, integration_id: str
    ) -> tuple[SealedStoredTokens | None, ReauthorizationState]:
        # Two local reads: no round trip to save by joining them.
        return self.load_tokens(integration_id), self.get_reauthorization(integration_id)


class SQLiteStore(SealedStore):
    """The embedded default `Store`: `SQLiteBackend` behind the sealing layer."""

    def __init__(
        self,
        path: Path | str | None = None,
        *,
        vault: Vault | None = None,
        clock: Clock | None = None,
    ) -> None:
        clock = clock or SystemClock()
        self.path = Path(path) if path is not None else default_home() / "store.sqlite3"
        backend = SQLiteBackend(self.path, clock)
        super().__init__(backend, vault or Vault.from_environment(self.path.with_name(KEY_FILE_NAME)), clock)
        self.sqlite = backend

    @property
    def schema_version(self) -> int:
        return self.sqlite.schema_version


__all__ = ["MIGRATIONS", "SQLiteBackend", "SQLiteConnection", "SQLiteStore"]
