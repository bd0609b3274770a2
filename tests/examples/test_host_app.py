"""The example host (examples/host_app) works as its README says: its page and the forms bundle load, and a
user creates a TikTok Shop connection, connects it through the emulator's consent and sees its shops, all
through the host's own back end, which keeps the admin token on the server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from app import host_app
from starlette.testclient import TestClient

from connector_core import ConnectorHost, Integrations
from connector_core.store import SQLiteStore
from connectors.tiktok_shop.devtools import emulator_form
from tiktok_shop_emulator import EmulatorConfig, TikTokShopEmulator

TOKEN = "example-host-token-0123456789"
USER = {"X-Host-User": "demo"}


@pytest.fixture
def host(tmp_path: Path) -> Iterator[tuple[TestClient, TikTokShopEmulator]]:
    with TikTokShopEmulator(EmulatorConfig(orders=10, seed=4)) as emu:
        integrations = Integrations(ConnectorHost().load(), SQLiteStore(tmp_path / "host.sqlite3"))
        app = host_app(integrations, base_url="http://127.0.0.1:8100", token=TOKEN)
        with TestClient(app, follow_redirects=False) as client:
            yield client, emu


def test_the_page_and_the_forms_bundle_are_served(host: tuple[TestClient, TikTokShopEmulator]) -> None:
    client, _ = host
    page = client.get("/")
    assert page.status_code == 200 and 'src="/static/host.js"' in page.text
    assert "renderForm" in client.get("/static/forms.js").text
    assert 'from "/static/forms.js"' in client.get("/static/host.js").text


def test_a_user_creates_and_connects_a_shop_through_the_host_back_end(
    host: tuple[TestClient, TikTokShopEmulator],
) -> None:
    client, emu = host
    assert client.get("/backend/connections").status_code == 401  # the host's own sign-in comes first
    forms = client.get("/backend/connectors/tiktok_shop/forms", headers=USER).json()
    assert set(forms["credentials"]) == {"schema", "uiSchema", "formData"}

    created = client.post(
        "/backend/connections",
        headers=USER,
        json={"connector": forms["connector"], "name": "My shop", "credentials": emulator_form(emu)},
    )
    assert created.status_code == 201, created.text
    connection = created.json()
    assert TOKEN not in created.text and emu.credentials["app_secret"] not in created.text

    started = client.post(f"/backend/connections/{connection['id']}/connect", headers=USER).json()
    query = parse_qs(urlsplit(started["consent_url"]).query)
    back = client.get(
        "/channels/tiktok/auth/callback", params={"code": emu.authorize(), "state": query["state"][0]}
    )
    assert back.status_code == 200

    [row] = client.get("/backend/connections", headers=USER).json()["items"]
    assert row["state"] == "connected"
    assert {shop["id"] for shop in row["shops"]} == {str(s["id"]) for s in emu.shops}
