"""Fixtures for the web endpoints: an emulator, a store, a TikTok integration, and the app in a TestClient."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("starlette", reason="the web tests need the [web] extra")

from starlette.testclient import TestClient
from web_support import ADMIN_TOKEN, BASE_URL, RecordingSink, Web

from connector_core import ConnectorHost, Integrations, OffsetClock
from connector_core.store import SQLiteStore
from connector_core.web import AdminConfig, create_app
from connectors.tiktok_shop.devtools import emulator_form
from tiktok_shop_emulator import EmulatorConfig, TikTokShopEmulator


@pytest.fixture
def emulator() -> Iterator[TikTokShopEmulator]:
    with TikTokShopEmulator(EmulatorConfig(orders=40, seed=3)) as emu:
        yield emu


@pytest.fixture
def make_web(emulator: TikTokShopEmulator, tmp_path: Path) -> Iterator[Any]:
    clients: list[TestClient] = []

    def make(admin: AdminConfig | None = None, **app_options: Any) -> Web:
        clock = OffsetClock()
        store = SQLiteStore(tmp_path / f"web-{len(clients)}.sqlite3", clock=clock)
        integrations = Integrations(ConnectorHost().load(), store, clock=clock)
        record = integrations.create("tiktok_shop", emulator_form(emulator), {"stock_sync": True})
        sink = app_options.pop("sink", RecordingSink())
        app = create_app(integrations, base_url=BASE_URL, admin=admin, sink=sink, **app_options)
        client = TestClient(app, raise_server_exceptions=False, follow_redirects=False)
        clients.append(client)
        return Web(emulator, integrations, clock, sink, client, record.id)

    yield make
    for client in clients:
        client.close()


@pytest.fixture
def web(make_web: Any) -> Web:
    return make_web()


@pytest.fixture
def admin_web(make_web: Any) -> Web:
    return make_web(
        admin=AdminConfig(token=ADMIN_TOKEN, username="operator", password="operator-password-123")
    )
