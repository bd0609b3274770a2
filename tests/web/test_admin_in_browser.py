"""The admin page end to end in headless Chromium, against the emulator: sign in, fill the form, create,
connect through the emulator's consent page, see the status change, make a connect link, pull now.

Debian's chromium driven by the Python playwright package (executable_path, never a downloaded browser);
skips with the reason when either is missing, unless CHANNEL_CONNECTORS_REQUIRE_BROWSER=1. Screenshots go
to $CHANNEL_CONNECTORS_ARTIFACTS (default: a temporary folder, printed)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from browser_support import CHROMIUM, CHROMIUM_FLAGS, artifacts_dir, free_port, require_browser, serving

from connector_core import ConnectorHost, Integrations
from connector_core.store import SQLiteStore
from connector_core.web import AdminConfig, InProcessSink, JsonLinesOrders, create_app
from tiktok_shop_emulator import EmulatorConfig, TikTokShopEmulator

pytestmark = pytest.mark.slow  # starts a browser and two servers

TOKEN = "browser-admin-token-0123456789"
TIMEOUT_MS = 20_000


def test_an_operator_creates_connects_links_and_pulls_from_the_admin_page(tmp_path: Path) -> None:
    sync_playwright = require_browser()
    shots = artifacts_dir()
    print(f"screenshots: {shots}")
    port = free_port()
    config = EmulatorConfig(orders=60, seed=5, redirect_uri=f"http://127.0.0.1:{port}/tiktok/auth/callback")
    with TikTokShopEmulator(config) as emu:
        integrations = Integrations(ConnectorHost().load(), SQLiteStore(tmp_path / "store.sqlite3"))
        sink = InProcessSink(integrations, JsonLinesOrders(tmp_path / "orders"))
        app = create_app(
            integrations, base_url=f"http://127.0.0.1:{port}", admin=AdminConfig(token=TOKEN), sink=sink
        )
        try:
            with serving(app, port) as base, sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
                try:
                    page = browser.new_page()
                    page.set_default_timeout(TIMEOUT_MS)
                    _run_the_operator(page, base, emu, integrations, sink, shots, tmp_path)
                finally:
                    browser.close()
        finally:
            sink.close()


def _run_the_operator(
    page: Any, base: str, emu: TikTokShopEmulator, integrations: Integrations, sink: InProcessSink,
    shots: Path, tmp_path: Path,
) -> None:  # fmt: skip
    # Sign in: the page without a session sends the browser to the login form.
    page.goto(f"{base}/admin")
    assert page.url.endswith("/admin/login")
    page.fill("input[name=token]", TOKEN)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/admin")
    assert "No connection yet." in page.content()

    # A new integration from the connector's own form, rendered by the RJSF bundle.
    page.click("text=New TikTok Shop connection")
    page.wait_for_selector("body[data-forms-ready=true]")
    page.wait_for_selector("#credentials-form #root_app_key")
    page.fill("#integration-name", "Browser shop")
    page.fill("#credentials-form #root_app_key", emu.credentials["app_key"])
    page.fill("#credentials-form #root_app_secret", emu.credentials["app_secret"])
    page.fill("#credentials-form #root_service_id", emu.credentials["service_id"])
    page.click("#credentials-form details.cc-group summary")
    page.fill("#credentials-form #root_base_url", emu.api_base_url)
    page.fill("#credentials-form #root_auth_base_url", emu.auth_base_url)
    page.fill("#credentials-form #root_authorize_url", emu.consent_base_url + "/open/authorize")
    page.check("#settings-form #root_stock_sync")
    page.screenshot(path=str(shots / "admin-1-new-integration.png"), full_page=True)
    page.click("#credentials-form button[type=submit]")
    page.wait_for_url("**/admin/integrations/*?notice=created")
    [record] = integrations.list()
    assert record.name == "Browser shop"
    assert record.credentials.secret("app_secret") == emu.credentials["app_secret"]
    assert record.settings["stock_sync"] is True
    assert "Not connected" in page.inner_text(".page-head")
    assert emu.credentials["app_secret"] not in page.content()
    page.screenshot(path=str(shots / "admin-2-created.png"), full_page=True)

    # Connect: the emulator's consent page, Authorize, back to our callback, which says what happened.
    page.click("#connect")
    page.wait_for_url(f"{emu.consent_base_url}/**")
    page.click("button[value=approve]")
    page.wait_for_url(f"{base}/tiktok/auth/callback**")
    assert "Connected to TikTok Shop" in page.content()
    for shop in emu.shops:
        assert shop["name"] in page.content()
    page.screenshot(path=str(shots / "admin-3-callback.png"), full_page=True)

    # The status changed, on the list and on the integration's page.
    page.goto(f"{base}/admin")
    row = page.inner_text(f"tr[data-integration='{record.id}']")
    assert "Connected" in row and "Not connected" not in row
    assert emu.shops[0]["name"] in row
    page.screenshot(path=str(shots / "admin-4-list-connected.png"), full_page=True)

    # An edit that leaves the secret blank keeps it.
    page.goto(f"{base}/admin/integrations/{record.id}")
    page.wait_for_selector("body[data-forms-ready=true]")
    page.wait_for_selector("#credentials-form #root_app_key")
    assert page.input_value("#credentials-form #root_app_secret") == ""
    page.fill("#integration-name", "Browser shop (renamed)")
    page.click("#credentials-form button[type=submit]")
    page.wait_for_url("**?notice=saved")
    saved = integrations.store.get_integration(record.id)
    assert saved.name == "Browser shop (renamed)"
    assert saved.credentials.secret("app_secret") == emu.credentials["app_secret"]

    # A connect link, shown once.
    page.click("#links")
    link = page.input_value("#link")
    assert link.startswith(f"{base}/connect/")
    page.screenshot(path=str(shots / "admin-5-connect-link.png"), full_page=True)

    # Pull now runs through the sink: every order of the selected shop lands once in the handler's file.
    integrations.open(record.id).select_account(str(emu.shops[0]["id"]))
    page.goto(f"{base}/admin/integrations/{record.id}")
    page.click("#pull")
    page.wait_for_url("**?notice=pull")
    assert sink.join(timeout=60)
    lines = (tmp_path / "orders" / f"{record.id}.jsonl").read_text().splitlines()
    ids = [json.loads(line)["id"] for line in lines]
    assert ids and len(ids) == len(set(ids))
    page.screenshot(path=str(shots / "admin-6-pulled.png"), full_page=True)

    # Looking like a product on a phone too: 390 px wide, every section readable, nothing wider than the screen.
    page.goto(f"{base}/admin/integrations/{record.id}?orders=recent")
    page.wait_for_selector("#orders table")
    page.click("#runs")  # the pull shows up under Runs
    assert "Order import" in page.inner_text("#runs")
    page.screenshot(path=str(shots / "admin-7-connection.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    for path, name in ((f"/admin/integrations/{record.id}?orders=recent", "connection"), ("/admin", "list")):
        page.goto(base + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"the {name} page is {width} px wide on a 390 px screen"
        page.screenshot(path=str(shots / f"admin-8-{name}-390px.png"), full_page=True)
        page.screenshot(path=str(shots / f"admin-8-{name}-390px-first-screen.png"))
