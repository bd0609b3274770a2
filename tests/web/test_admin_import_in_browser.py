"""The admin Import page in headless Chromium: the page's script posts the chosen file with the CSRF token,
the sellers are imported, and a bad file shows its one-line refusal on the page, with no token in it.

Debian's chromium through the Python playwright package; skips with the reason when either is missing
(see browser_support.py)."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from browser_support import CHROMIUM, CHROMIUM_FLAGS, free_port, require_browser, serving

from connector_core import ConnectorHost, Integrations
from connector_core.store import SQLiteStore
from connector_core.web import AdminConfig, create_app
from connectors.tiktok_shop.devtools import emulator_form
from tiktok_shop_emulator import EmulatorConfig, TikTokShopEmulator

pytestmark = pytest.mark.slow  # starts a browser and a server

TOKEN = "browser-admin-token-0123456789"
TIMEOUT_MS = 20_000


def _line(grant: dict[str, Any], expires: str | None = None) -> str:
    def when(seconds: int) -> str:
        return datetime.fromtimestamp(seconds, timezone.utc).isoformat()

    tokens = {
        "access_token": grant["access_token"],
        "access_expires_at": expires or when(grant["access_token_expire_in"]),
        "refresh_token": grant["refresh_token"],
        "refresh_expires_at": when(grant["refresh_token_expire_in"]),
    }
    shops = [{"id": s["id"], "region": s["region"], "selector": s["cipher"]} for s in grant["shops"]]
    return json.dumps({"name": grant["seller_name"], "tokens": tokens, "shops": shops}) + "\n"


def test_an_operator_uploads_a_connections_file_and_sees_the_answer_on_the_page(tmp_path: Path) -> None:
    sync_playwright = require_browser()
    port = free_port()
    with TikTokShopEmulator(EmulatorConfig(orders=10, seed=5, sellers=4, orders_per_seller=2)) as emu:
        integrations = Integrations(ConnectorHost().load(), SQLiteStore(tmp_path / "store.sqlite3"))
        app_id = integrations.create_app("tiktok_shop", emulator_form(emu), name="Shared app").id
        grants = emu.mint_authorizations(first=1, count=3)
        good, bad = tmp_path / "sellers.jsonl", tmp_path / "broken.jsonl"
        good.write_text("".join(_line(g) for g in grants))
        bad.write_text(_line(grants[0], expires="2026-12-09T10:00:00"))
        app = create_app(integrations, base_url=f"http://127.0.0.1:{port}", admin=AdminConfig(token=TOKEN))
        with serving(app, port) as base, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
            try:
                page = browser.new_page()
                page.set_default_timeout(TIMEOUT_MS)
                page.goto(f"{base}/admin/login")
                page.fill("input[name=token]", TOKEN)
                page.click("button[type=submit]")
                page.wait_for_url(f"{base}/admin")
                page.click("nav >> text=Import")
                page.wait_for_url(f"{base}/admin/import")

                page.set_input_files("#import-form input[type=file]", str(bad))
                page.click("#import-form button[type=submit]")
                page.wait_for_selector("#import-messages.problem")
                refusal = page.inner_text("#import-messages")
                assert (
                    "broken.jsonl: line 1: connection 'Emulator Seller 1': tokens.access_expires_at: "
                    in refusal
                )
                assert integrations.list() == []

                page.set_input_files("#import-form input[type=file]", str(good))
                page.click("#import-form button[type=submit]")
                page.wait_for_selector("#import-messages.notice >> text=imported under app")
                answer = page.inner_text("#import-messages")
                content = page.content()
            finally:
                browser.close()
    assert f"sellers.jsonl: 3 connection(s) imported under app {app_id}" in answer
    assert [r.name for r in integrations.list()] == [g["seller_name"] for g in grants]
    for grant in grants:
        for token in (grant["access_token"], grant["refresh_token"]):
            assert token not in refusal and token not in content
