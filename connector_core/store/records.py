"""The records a store hands back: frozen values, the same whichever backend produced them.

Two families live here. The plain records (`IntegrationRecord`, `StoredTokens`, ...) are what the flows
see. The `Sealed*` records are what a backend sees instead for the same data: secret fields as
ciphertext bytes, bearer tokens only as their SHA-256. `connector_core.store.sealing` converts between
the two, so no backend ever handles a secret in the clear.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from ..credentials import Credentials
from ..models import TokenSet

IntentStatus = Literal["pending", "done", "refused"]
"""pending: about to be sent or sent, outcome unknown, so it must be reconciled before anything is re-sent;
done: the channel applied it (`outcome` holds its answer); refused: the channel said no, nothing applied."""

FinalIntentStatus = Literal["done", "refused"]
INTENT_STATUSES: tuple[IntentStatus, ...] = ("pending", "done", "refused")
MAX_KIND_LENGTH = 40
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1


@dataclass(frozen=True)
class IntegrationRecord:
    """One seller's connection to one channel, as stored."""

    id: str
    connector: str
    name: str
    credentials: Credentials
    settings: dict[str, Any]
    account_id: str | None
    created_at: datetime
    app_id: str | None = None
    """The app (channel registration) whose credentials this connection uses."""
    tags: dict[str, str] = field(default_factory=dict)
    """The host's own labels (customer id, plan ...): searchable with `find_integrations(tags=...)`."""


@dataclass(frozen=True)
class StoredTokens:
    tokens: TokenSet
    version: int
    updated_at: datetime


@dataclass
class OAuthState:
    state: str
    integration_id: str
    expires_at: datetime
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Intent:
    """A state-changing call to a channel: what is (about to be) sent, then what the channel answered."""

    integration_id: str
    account_id: str
    kind: str
    key: str
    payload: dict[str, Any]
    status: IntentStatus
    outcome: dict[str, Any] | None
    attempts: int
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class StockRecord:
    """One (SKU, warehouse) of one shop: the level the channel confirmed and any level still uncertain."""

    sku: str
    warehouse: str | None
    quantity: int | None
    pending: int | None
    pushed_at: datetime
    as_of: int | None = None
    """How new the confirmed level is (the host's `as_of`, see `StockLevel.freshness`); None: never said."""
    pending_as_of: int | None = None
    """How new the uncertain level is."""

    def newest(self) -> int | None:
        """The newest `as_of` applied or in flight: an older level may not replace either."""
        known = [v for v in (self.as_of, self.pending_as_of) if v is not None]
        return max(known) if known else None


@dataclass(frozen=True)
class Lease:
    name: str
    owner: str
    acquired_at: datetime
    expires_at: datetime


@dataclass(frozen=True)
class ConnectLink:
    integration_id: str
    purpose: str
    created_at: datetime
    expires_at: datetime
    last_used_at: datetime | None
    token_hint: str
    link_id: str = ""
    """The SHA-256 the store keeps of the token: names the link (to renew or revoke it), cannot open it."""


@dataclass(frozen=True)
class RunRecord:
    """One finished (or failed) flow run, for status pages."""

    integration_id: str
    account_id: str
    flow: str
    started_at: datetime
    finished_at: datetime
    ok: bool
    summary: dict[str, Any]


# --- what backends see -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SealedIntegration:
    """An integration as a backend stores it: the credential secrets as one ciphertext (or None)."""

    id: str
    connector: str
    name: str
    public: dict[str, Any]
    sealed_secrets: bytes | None
    settings: dict[str, Any]
    account_id: str | None
    created_at: datetime
    app_id: str | None = None
    tags: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class SealedTokens:
    """A token set as a backend stores it: both tokens as ciphertext."""

    access_token: bytes
    access_expires_at: datetime
    refresh_token: bytes | None
    refresh_expires_at: datetime | None
    scopes: list[str]
    extra: dict[str, Any]


@dataclass(frozen=True)
class SealedStoredTokens:
    tokens: SealedTokens
    version: int
    updated_at: datetime


OAuthStateRefusal = Literal["unknown", "used", "expired"]


@dataclass(frozen=True)
class OAuthStateClaim:
    """The answer to claiming a state by its hash: the state's data, or why it cannot be used."""

    integration_id: str | None
    expires_at: datetime | None
    data: dict[str, Any]
    refusal: OAuthStateRefusal | None


def check_int64(value: int, what: str) -> int:
    """Refuse, with a clear message, a quantity no backend column can hold (never overflow silently)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{what}: {value!r} is not a whole number")
    if not INT64_MIN <= value <= INT64_MAX:
        raise ValueError(f"{what}: {value} does not fit in a signed 64-bit integer; the store cannot keep it")
    return value
