"""The seller's side in headless Chromium on a 390 px phone: a branded connect link, the emulator's consent,
the branded success page with the way back to the host. Screenshots go to $CHANNEL_CONNECTORS_ARTIFACTS."""

from __future__ import annotations

from pathlib import Path

import pytest
from browser_support import CHROMIUM, CHROMIUM_FLAGS, artifacts_dir, free_port, require_browser, serving

from connector_core import ConnectorHost, Integrations
from connector_core.store import SQLiteStore
from connector_core.web import Branding, create_app, create_connect_link
from connectors.tiktok_shop.devtools import emulator_form
from tiktok_shop_emulator import EmulatorConfig, TikTokShopEmulator

pytestmark = pytest.mark.slow  # starts a browser and two servers

LOGO = (
    "data:image/svg+xml;base64,PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciIHZpZXdCb3g9IjAgMCAzMiAzMiI+"
    "PHJlY3Qgd2lkdGg9IjMyIiBoZWlnaHQ9IjMyIiByeD0iOCIgZmlsbD0iI2FhMzMwMCIvPjwvc3ZnPg=="
)


def test_a_seller_on_a_phone_connects_through_a_branded_link(tmp_path: Path) -> None:
    sync_playwright = require_browser()
    shots = artifacts_dir()
    port = free_port()
    home = "https://app.acme.test"
    config = EmulatorConfig(orders=5, seed=6, redirect_uri=f"http://127.0.0.1:{port}/tiktok/auth/callback")
    with TikTokShopEmulator(config) as emu:
        integrations = Integrations(ConnectorHost().load(), SQLiteStore(tmp_path / "store.sqlite3"))
        record = integrations.create("tiktok_shop", emulator_form(emu), name="Acme seller 42")
        brand = Branding(
            name="Acme Orders", logo_url=LOGO, color="#aa3300", return_origins=(home,), connect_page=True
        )
        app = create_app(integrations, base_url=f"http://127.0.0.1:{port}", branding=brand)
        link = create_connect_link(integrations, record.id, 7, base_url=f"http://127.0.0.1:{port}")
        with serving(app, port), sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
            try:
                page = browser.new_page(viewport={"width": 390, "height": 844})
                page.goto(f"{link}?return_to={home}/settings/channels")
                assert "Connect TikTok Shop to Acme Orders" in page.content()
                page.screenshot(path=str(shots / "seller-0-connect-link-390px.png"), full_page=True)
                page.click("text=Continue to TikTok Shop")
                page.wait_for_url(f"{emu.consent_base_url}/**")
                page.click("button[value=approve]")
                page.wait_for_url(f"http://127.0.0.1:{port}/tiktok/auth/callback**")
                assert "Connected to TikTok Shop" in page.content()
                back = page.get_attribute("a.button", "href")
                assert back == f"{home}/settings/channels?outcome=connected&connection={record.id}"
                assert page.evaluate("document.documentElement.scrollWidth") <= 390
                page.screenshot(path=str(shots / "seller-1-connected-390px.png"), full_page=True)
                page.goto(f"http://127.0.0.1:{port}/connect/{'x' * 43}?return_to={home}/settings/channels")
                page.screenshot(path=str(shots / "seller-2-unknown-link-390px.png"), full_page=True)
            finally:
                browser.close()
