"""Helpers for the reliability tests: a connected integration against the emulator, and the shop's orders.

A module of its own (not conftest.py) so the import child process can use it too.
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from connector_core import ConnectorHost, HttpClient, Integration, Integrations, SQLiteStore
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


def connect(
    emu: TikTokShopEmulator,
    store_path: Path,
    region: str = "GB",
    *,
    http_clients: dict[str, HttpClient] | None = None,
    **settings: Any,
) -> Integration:
    """A new integration, authorized, with the `region` shop selected; it imports every seeded order."""
    integrations = Integrations(ConnectorHost().load(), SQLiteStore(store_path), http_clients=http_clients)
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


def reopen(store_path: Path, integration_id: str) -> Integration:
    """The integration as another process (or a restarted host) sees it."""
    return Integrations(ConnectorHost().load(), SQLiteStore(store_path)).open(integration_id)
