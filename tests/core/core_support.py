"""Helpers for the core's tests: a fake channel with a connector double implementing every hook against
it (fake_connector.py), a scripted HTTP server on 127.0.0.1 (scripted_server.py), token factories, and an
integration opened on a connector double. Tests import them by name from here (`from core_support import
...`), which stays unambiguous however many conftest.py files the run loads.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from fake_connector import (
    EMPTY_GROUP,
    FAKE_APP_SECRET,
    FAKE_CREDENTIALS_SCHEMA,
    FAKE_ID,
    FAKE_SETTINGS_SCHEMA,
    FAKE_SHOP_ID,
    FAKE_STATUS_TABLE,
    GOOD_CREDENTIALS,
    FakeAfterSalesHooks,
    FakeChannel,
    FakeConnector,
)
from pydantic import SecretStr
from scripted_server import Reply, ScriptedServer, SeenRequest

from connector_core import (
    ConnectorHost,
    Integration,
    Integrations,
    OffsetClock,
    SQLiteStore,
    TokenSet,
)

__all__ = [
    "EMPTY_GROUP",
    "FAKE_APP_SECRET",
    "FAKE_CREDENTIALS_SCHEMA",
    "FAKE_ID",
    "FAKE_SETTINGS_SCHEMA",
    "FAKE_SHOP_ID",
    "FAKE_STATUS_TABLE",
    "GOOD_CREDENTIALS",
    "OLD_ACCESS_TOKEN",
    "OLD_REFRESH_TOKEN",
    "FakeAfterSalesHooks",
    "FakeChannel",
    "FakeConnector",
    "Reply",
    "ScriptedServer",
    "SeenRequest",
    "open_with",
    "tokens_expiring_in",
]

OLD_ACCESS_TOKEN = "access-old"
OLD_REFRESH_TOKEN = "refresh-old"


def tokens_expiring_in(
    access: timedelta,
    *,
    access_token: str = OLD_ACCESS_TOKEN,
    refresh_token: str | None = OLD_REFRESH_TOKEN,
    refresh_in: timedelta | None = timedelta(days=365),
    now: datetime | None = None,
) -> TokenSet:
    """A TokenSet whose access token expires `access` from now (negative: already expired)."""
    moment = now or datetime.now(timezone.utc)
    return TokenSet(
        access_token=SecretStr(access_token),
        access_expires_at=moment + access,
        refresh_token=SecretStr(refresh_token) if refresh_token is not None else None,
        refresh_expires_at=moment + refresh_in if refresh_in is not None else None,
    )


def open_with(connector: FakeConnector, store: SQLiteStore, clock: OffsetClock) -> Integration:
    """An integration of `connector` (a FakeConnector subclass bending one hook), with tokens, on `store`."""
    host = ConnectorHost(group="none", environ={})
    host.add(FAKE_ID, connector)
    integrations = Integrations(host, store, clock=clock)
    record = integrations.create(FAKE_ID, GOOD_CREDENTIALS, {"stock_sync": True})
    integration = integrations.open(record.id)
    integration.tokens.store_new_tokens(connector.channel.issue_tokens(clock.now()))
    return integration
