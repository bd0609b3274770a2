"""Where integrations live: the `Store` seam, split by role, with a sealing layer and two backends.

- `roles.py`: one small Protocol per role; `Store` (what the flows use) and `StoreBackend` (what a
  database implements: secret fields only as ciphertext, bearer tokens only as hashes).
- `records.py`: the frozen records every backend returns.
- `sealing.py`: `SealedStore`, the one place secrets are encrypted, decrypted and registered for redaction.
- `sqlite/`: the embedded default; `postgres/`: the production backend (the `[postgres]` extra).
- `open_store()`: picks one from `CHANNEL_CONNECTORS_DATABASE_URL`.

A host with its own database implements `StoreBackend`, wraps it in `SealedStore`, and runs
`connector_core.testing.store_contract.StoreContract` against it.
"""

from __future__ import annotations

from .bulk import NewConnection, SealedNewConnection
from .errors import (
    StoreConfigurationError,
    StoreFileUnusable,
    StoreUnavailable,
    UnknownConnectLink,
    UnknownIntent,
)
from .opening import (
    DATABASE_URL_ENV,
    HOME_ENV,
    default_home,
    lease_owner,
    open_store,
    safe_location,
)
from .records import (
    ConnectLink,
    FinalIntentStatus,
    IntegrationRecord,
    Intent,
    IntentStatus,
    Lease,
    OAuthState,
    OAuthStateClaim,
    RunRecord,
    SealedIntegration,
    SealedStoredTokens,
    SealedTokens,
    StockRecord,
    StoredTokens,
)
from .roles import (
    AccountRole,
    CacheRole,
    ConnectLinkRole,
    CursorRole,
    DocumentRole,
    IntegrationRole,
    IntentRole,
    LeaseRole,
    OAuthStateRole,
    ReauthorizationRole,
    RunRole,
    SharedRoles,
    StockLedgerRole,
    Store,
    StoreBackend,
    TokenRole,
    WebhookEventRole,
)
from .sealing import SealedStore, token_hash
from .sqlite import MIGRATIONS, SQLiteBackend, SQLiteStore

__all__ = [
    "DATABASE_URL_ENV",
    "HOME_ENV",
    "MIGRATIONS",
    "AccountRole",
    "CacheRole",
    "ConnectLink",
    "ConnectLinkRole",
    "CursorRole",
    "DocumentRole",
    "FinalIntentStatus",
    "IntegrationRecord",
    "IntegrationRole",
    "Intent",
    "IntentRole",
    "IntentStatus",
    "Lease",
    "LeaseRole",
    "NewConnection",
    "OAuthState",
    "OAuthStateClaim",
    "OAuthStateRole",
    "ReauthorizationRole",
    "RunRecord",
    "RunRole",
    "SQLiteBackend",
    "SQLiteStore",
    "SealedIntegration",
    "SealedNewConnection",
    "SealedStore",
    "SealedStoredTokens",
    "SealedTokens",
    "SharedRoles",
    "StockLedgerRole",
    "StockRecord",
    "Store",
    "StoreBackend",
    "StoreConfigurationError",
    "StoreFileUnusable",
    "StoreUnavailable",
    "StoredTokens",
    "TokenRole",
    "UnknownConnectLink",
    "UnknownIntent",
    "WebhookEventRole",
    "default_home",
    "lease_owner",
    "open_store",
    "safe_location",
    "token_hash",
]
