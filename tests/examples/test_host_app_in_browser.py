"""The example host in headless Chromium: its page draws the forms straight from the API with the forms
bundle, creates a connection, sends the seller through the emulator's consent and lists it connected.
Screenshots (desktop and 390 px) go to $CHANNEL_CONNECTORS_ARTIFACTS."""

from __future__ import annotations

from pathlib import Path

import pytest
from app import host_app
from browser_support import CHROMIUM, CHROMIUM_FLAGS, artifacts_dir, free_port, require_browser, serving

from connector_core import ConnectorHost, Integrations
from connector_core.store import SQLiteStore
from tiktok_shop_emulator import EmulatorConfig, TikTokShopEmulator

pytestmark = pytest.mark.slow  # starts a browser and two servers

TOKEN = "example-host-token-0123456789"


def test_the_example_page_creates_and_connects_a_shop_in_a_browser(tmp_path: Path) -> None:
    sync_playwright = require_browser()
    shots = artifacts_dir()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    config = EmulatorConfig(orders=5, seed=8, redirect_uri=f"{base}/channels/tiktok/auth/callback")
    with TikTokShopEmulator(config) as emu:
        integrations = Integrations(ConnectorHost().load(), SQLiteStore(tmp_path / "host.sqlite3"))
        with (
            serving(host_app(integrations, base_url=base, token=TOKEN), port),
            sync_playwright() as playwright,
        ):
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
            try:
                page = browser.new_page()
                page.set_default_timeout(20_000)
                page.goto(base + "/")
                page.wait_for_selector("body[data-loaded=true]")
                assert page.is_visible("#empty")
                page.click("#new")
                page.wait_for_selector("body[data-forms-ready=true]")
                page.fill("#name", "My TikTok shop")
                page.fill("#credentials #root_app_key", emu.credentials["app_key"])
                page.fill("#credentials #root_app_secret", emu.credentials["app_secret"])
                page.fill("#credentials #root_service_id", emu.credentials["service_id"])
                page.click("#credentials details.cc-group summary")
                page.fill("#credentials #root_base_url", emu.api_base_url)
                page.fill("#credentials #root_auth_base_url", emu.auth_base_url)
                page.fill("#credentials #root_authorize_url", emu.consent_base_url + "/open/authorize")
                page.screenshot(path=str(shots / "host-1-form.png"), full_page=True)
                page.click("#credentials button[type=submit]")
                page.wait_for_selector("#connections tbody tr")
                assert "Not connected yet" in page.inner_text("#connections")
                assert TOKEN not in page.content()

                page.click("#connections tbody tr button")
                page.wait_for_url(f"{emu.consent_base_url}/**")
                page.click("button[value=approve]")
                page.wait_for_url(f"{base}/channels/tiktok/auth/callback**")
                assert "Connected to TikTok Shop" in page.content() and "Example host" in page.content()
                page.click("text=Continue to Example host")  # back to the host's page, with the outcome
                page.wait_for_selector("#connections tbody tr")
                assert "outcome=connected" in page.url
                assert page.inner_text("#message") == "Your TikTok Shop is connected."
                row = page.inner_text("#connections tbody tr")
                assert "Connected" in row and emu.shops[0]["name"] in row
                page.screenshot(path=str(shots / "host-2-connected.png"), full_page=True)
                page.set_viewport_size({"width": 390, "height": 844})
                page.screenshot(path=str(shots / "host-3-connected-390px.png"), full_page=True)
            finally:
                browser.close()
