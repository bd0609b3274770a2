"""The records of the platform model: apps (a connector's registration with the channel), shops (every
shop a connection's authorization covers, with its own status, settings and pull schedule)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from ..credentials import Credentials
from ..models import Account

ShopStatus = Literal["active", "paused", "left"]
"""active: served (pulled, pushed to, routed webhooks); paused: an operator stopped serving it (it stays
paused when Connect lists it again); left: no longer in the authorization (the seller deauthorized it or the
channel stopped listing it). Nothing is done for a paused or left shop, nothing is retried."""
SHOP_STATUSES: tuple[ShopStatus, ...] = ("active", "paused", "left")


@dataclass(frozen=True)
class AppRecord:
    """A connector's registration with the channel (TikTok: app key and secret, service id, region ...).

    Every connection under it reads these credentials at once: rotating the secret is one update."""

    id: str
    connector: str
    name: str
    credentials: Credentials
    owned_by: str | None
    """The connection whose credential form made this app (it goes with that connection); None: the host's."""
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class SealedApp:
    """An app as a backend stores it: the secret fields as one ciphertext."""

    id: str
    connector: str
    name: str
    public: dict[str, Any]
    sealed_secrets: bytes | None
    owned_by: str | None
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class ShopRecord:
    """One shop of a connection: what the channel said about it, and how the kit serves it."""

    integration_id: str
    account: Account
    status: ShopStatus
    status_reason: str | None
    settings: dict[str, Any] = field(default_factory=dict)
    """Overrides of the connection's settings for this shop only (stock sync off for DE ...)."""
    next_pull_at: datetime | None = None
    failures: int = 0
    last_error: str | None = None
    pull_interval: int | None = None
    """Seconds between scheduled pulls set for this shop, or else for its connection (the core's schedule
    setting, `store.set_pull_interval`); None: neither, the worker's default applies."""

    @property
    def id(self) -> str:
        return self.account.id

    @property
    def active(self) -> bool:
        return self.status == "active"


@dataclass(frozen=True)
class DueShop:
    """A shop whose scheduled pull is due: enough to enqueue it, nothing opened or decrypted."""

    integration_id: str
    shop_id: str
    next_pull_at: datetime
    failures: int
    last_error: str | None = None


@dataclass(frozen=True)
class ShopRoute:
    """A connection serving a shop, with its app: what webhook routing needs, nothing decrypted."""

    integration_id: str
    app_id: str
    connector: str
