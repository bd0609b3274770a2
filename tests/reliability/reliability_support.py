"""Helpers for the reliability tests: a connected integration against the emulator, and the shop's orders.

A module of its own (not conftest.py) so the import child process can use it too.
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from connector_core import ConnectorHost, HttpClient, Integration, Integrations, SQLiteStore, Store
from connector_core.store import open_store
from connectors.tiktok_shop.devtools import emulator_form
from tiktok_shop_emulator import TikTokShopEmulator

DAY = 86400


def shop_cipher(emu: TikTokShopEmulator, region: str) -> str:
    return next(shop["cipher"] for shop in emu.shops if shop["region"] == region)


def credentials(emu: TikTokShopEmulator) -> dict[str, Any]:
    return emulator_form(emu)


def first_order_day(emu: TikTokShopEmulator) -> str:
    """A date before the oldest seeded order: the first incremental import then covers every order."""
    oldest = emu.clock.start - emu.config.history_seconds - DAY
    return datetime.fromtimestamp(oldest, tz=timezone.utc).date().isoformat()


def open_location(location: Path | str) -> Store:
    """A store URL (sqlite:///..., postgresql://...) or the path of an SQLite file."""
    text = str(location)
    return open_store(text) if "://" in text else SQLiteStore(Path(text))


def connect(
    emu: TikTokShopEmulator,
    location: Path | str,
    region: str = "GB",
    *,
    http_clients: dict[str, HttpClient] | None = None,
    **settings: Any,
) -> Integration:
    """A new integration, authorized, with the `region` shop selected; it imports every seeded order."""
    integrations = Integrations(ConnectorHost().load(), open_location(location), http_clients=http_clients)
    record = integrations.create(
        "tiktok_shop",
        credentials(emu),
        {"import_unpaid_orders": True, "import_orders_since": first_order_day(emu), **settings},
    )
    integration = integrations.open(record.id)
    integration.finish_connect({"code": emu.authorize()})
    cipher = shop_cipher(emu, region)
    account = next(a for a in integration.store.list_accounts(integration.id) if a.selector == cipher)
    integration.select_account(account.id)
    return integration


def reopen(location: Path | str, integration_id: str) -> Integration:
    """The integration as another process (or a restarted host) sees it."""
    return Integrations(ConnectorHost().load(), open_location(location)).open(integration_id)
