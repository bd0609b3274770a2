"""/admin/import: an operator uploads a connections file for an app. CSRF as on every admin change, the same
checks and one-line refusals as the CLI's `integrations import`, a size limit, and no token on the page or in
the log."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from datetime import datetime, timezone
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.routing import Mount
from starlette.testclient import TestClient
from web_support import ADMIN_TOKEN, Web

from connector_core.web import AdminConfig, create_app
from connector_core.web.admin.import_view import UPLOAD_LIMIT
from connectors.tiktok_shop.devtools import emulator_form
from tiktok_shop_emulator import EmulatorConfig, TikTokShopEmulator

SELLERS = 5


@pytest.fixture
def emulator() -> Iterator[TikTokShopEmulator]:
    with TikTokShopEmulator(
        EmulatorConfig(orders=20, seed=11, sellers=SELLERS + 1, orders_per_seller=3)
    ) as e:
        yield e


@pytest.fixture
def app_id(admin_web: Web) -> str:
    form = emulator_form(admin_web.emu)
    return admin_web.integrations.create_app("tiktok_shop", form, name="Shared app").id


@pytest.fixture
def grants(emulator: TikTokShopEmulator) -> list[dict[str, Any]]:
    return emulator.mint_authorizations(first=1, count=SELLERS)


def _login(web: Web) -> str:
    assert web.client.post("/admin/login", data={"token": ADMIN_TOKEN}).status_code == 303
    page = web.client.get("/admin/import")
    assert page.status_code == 200
    found = re.search(r'name="csrf-token" content="([^"]+)"', page.text)
    assert found
    return found.group(1)


def _when(seconds: int) -> str:
    return datetime.fromtimestamp(seconds, timezone.utc).isoformat()


def _line(grant: dict[str, Any], **change: Any) -> str:
    entry = {
        "name": grant["seller_name"],
        "tags": {"customer": f"cust-{grant['seller']}"},
        "tokens": {
            "access_token": grant["access_token"],
            "access_expires_at": _when(grant["access_token_expire_in"]),
            "refresh_token": grant["refresh_token"],
            "refresh_expires_at": _when(grant["refresh_token_expire_in"]),
        },
        "shops": [{"id": s["id"], "region": s["region"], "selector": s["cipher"]} for s in grant["shops"]],
        **change,
    }
    return json.dumps(entry) + "\r\n"


def _upload(
    web: Web, csrf: str | None, app: str, body: bytes, name: str = "sellers.jsonl", **extra: str
) -> Any:
    headers = {"Content-Type": "application/octet-stream"}
    if csrf is not None:
        headers["X-CSRF-Token"] = csrf
    params = {"app": app, "filename": name, **extra}
    return web.client.post("/admin/import", params=params, content=body, headers=headers)


def _tokens(grants: list[dict[str, Any]]) -> list[str]:
    return [g[k] for g in grants for k in ("access_token", "refresh_token")]


def test_the_page_offers_the_apps_and_a_file_field_behind_sign_in(admin_web: Web, app_id: str) -> None:
    assert admin_web.client.get("/admin/import").status_code in (303, 401)
    _login(admin_web)
    page = admin_web.client.get("/admin/import").text

    assert f'<option value="{app_id}">Shared app' in page
    assert 'type="file"' in page and 'id="import-form"' in page and 'href="/admin/import"' in page


def test_an_upload_imports_every_seller_and_a_second_upload_skips_them(
    admin_web: Web, app_id: str, grants: list[dict[str, Any]], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    csrf = _login(admin_web)
    body = "".join(_line(g) for g in grants).encode()
    before = len(admin_web.integrations.list())

    answer = _upload(admin_web, csrf, app_id, body)
    again = _upload(admin_web, csrf, app_id, body)

    assert answer.status_code == 200, answer.text
    assert answer.json()["created"] == SELLERS and answer.json()["ok"] is True
    assert f"sellers.jsonl: {SELLERS} connection(s) imported under app {app_id}" in answer.json()["message"]
    assert again.json()["created"] == 0 and again.json()["skipped"] == SELLERS
    imported = [r for r in admin_web.integrations.list() if r.app_id == app_id]
    assert len(admin_web.integrations.list()) == before + SELLERS
    assert [r.name for r in imported] == [g["seller_name"] for g in grants]
    for token in _tokens(grants):
        assert token not in answer.text and token not in again.text and token not in caplog.text


def test_a_check_only_upload_writes_nothing(
    admin_web: Web, app_id: str, grants: list[dict[str, Any]]
) -> None:
    csrf = _login(admin_web)
    before = len(admin_web.integrations.list())

    answer = _upload(admin_web, csrf, app_id, "".join(_line(g) for g in grants).encode(), dry_run="1")

    assert answer.status_code == 200 and "Nothing was written" in answer.json()["message"]
    assert len(admin_web.integrations.list()) == before


def test_a_bad_line_is_one_line_on_the_page_without_its_tokens_and_nothing_is_written(
    admin_web: Web, app_id: str, grants: list[dict[str, Any]]
) -> None:
    csrf = _login(admin_web)
    lines = [_line(g) for g in grants]
    bad = json.loads(lines[2])
    bad["tokens"]["access_expires_at"] = "whenever"
    lines[2] = json.dumps(bad) + "\n"
    before = len(admin_web.integrations.list())

    answer = _upload(admin_web, csrf, app_id, "".join(lines).encode(), name="C:\\exports\\<b>sellers.jsonl")

    assert answer.status_code == 422
    message = answer.json()["message"]
    assert "\n" not in message and "<b>" not in message
    assert message.startswith(f"_b_sellers.jsonl: line 3: connection {grants[2]['seller_name']!r}: ")
    assert (
        "tokens.access_expires_at: must be a date and time" in message and "nothing was imported" in message
    )
    for token in _tokens(grants):
        assert token not in answer.text
    assert len(admin_web.integrations.list()) == before


def test_without_the_csrf_token_or_with_an_unknown_app_or_too_big_nothing_is_imported(
    admin_web: Web, app_id: str, grants: list[dict[str, Any]]
) -> None:
    csrf = _login(admin_web)
    body = _line(grants[0]).encode()
    before = len(admin_web.integrations.list())

    assert _upload(admin_web, None, app_id, body).status_code == 403
    assert _upload(admin_web, "0" * 64, app_id, body).status_code == 403
    unknown = _upload(admin_web, csrf, "app-nobody", body)
    assert unknown.status_code == 422 and "no such app" in unknown.json()["message"]
    big = _upload(admin_web, csrf, app_id, b"{}\n" * (UPLOAD_LIMIT // 3 + 1))
    assert big.status_code == 413 and "integrations import" in big.json()["message"]
    assert len(admin_web.integrations.list()) == before


def test_mounted_under_a_prefix_the_page_posts_under_it(admin_web: Web, app_id: str) -> None:
    app = create_app(
        admin_web.integrations, base_url="http://testserver/channels", admin=AdminConfig(token=ADMIN_TOKEN)
    )
    with TestClient(Starlette(routes=[Mount("/channels", app=app)]), follow_redirects=False) as client:
        client.post("/channels/admin/login", data={"token": ADMIN_TOKEN})
        page = client.get("/channels/admin/import").text

    assert 'data-action="/channels/admin/import"' in page and 'href="/channels/admin/import"' in page
