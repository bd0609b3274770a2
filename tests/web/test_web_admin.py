"""/admin: off unless configured, every way in checked in constant time, CSRF on every change, no secret shown."""

from __future__ import annotations

import base64
import json
import re
from typing import Any

import pytest
from web_support import ADMIN_TOKEN, Web

from connector_core.web import AdminConfig
from connector_core.web.admin.auth import COOKIE
from connectors.tiktok_shop.devtools import emulator_form


def _bearer(token: str = ADMIN_TOKEN) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _basic(user: str, password: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


def _login(web: Web) -> str:
    """Sign in through the form; returns the page's CSRF token."""
    answer = web.client.post("/admin/login", data={"token": ADMIN_TOKEN})
    assert answer.status_code == 303
    cookie = answer.headers["set-cookie"]
    assert "httponly" in cookie.lower() and "samesite=strict" in cookie.lower()
    assert ADMIN_TOKEN not in cookie
    page = web.client.get("/admin")
    assert page.status_code == 200
    found = re.search(r'name="csrf-token" content="([^"]+)"', page.text)
    assert found
    return found.group(1)


def test_without_admin_config_there_is_no_admin_page(web: Web) -> None:
    assert web.client.get("/admin", headers=_bearer()).status_code == 404


def test_an_admin_config_needs_a_real_secret() -> None:
    with pytest.raises(Exception, match="at least 16"):
        AdminConfig(token="short")
    with pytest.raises(Exception, match="token, or a username"):
        AdminConfig()
    assert ADMIN_TOKEN not in repr(AdminConfig(token=ADMIN_TOKEN))
    assert AdminConfig.from_env({}) is None


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer wrong-token-wrong-token-00"},
        {"Authorization": "Bearer "},
        {"Authorization": f"Bearer {ADMIN_TOKEN}x"},
        {"Authorization": "Basic !!!notbase64"},
        {"Authorization": "Basic " + base64.b64encode(b"operator:wrong").decode()},
        {"Authorization": "Basic " + base64.b64encode(b"no-colon").decode()},
        {"Cookie": f"{COOKIE}=forged.0000"},
        {"Cookie": f"{COOKIE}={ADMIN_TOKEN}"},
    ],
)
def test_wrong_credentials_never_reach_the_page(admin_web: Web, headers: dict[str, str]) -> None:
    answer = admin_web.client.get("/admin", headers=headers)
    assert answer.status_code in (303, 401)
    assert "Integrations</h1>" not in answer.text


def test_bearer_and_basic_and_the_login_form_all_let_the_operator_in(admin_web: Web) -> None:
    assert admin_web.client.get("/admin", headers=_bearer()).status_code == 200
    assert (
        admin_web.client.get("/admin", headers=_basic("operator", "operator-password-123")).status_code == 200
    )
    assert admin_web.client.get("/admin").headers["location"] == "/admin/login"
    assert admin_web.client.post("/admin/login", data={"token": "wrong-token-wrong-token"}).status_code == 401
    _login(admin_web)


def test_the_list_shows_status_and_no_secret(admin_web: Web) -> None:
    admin_web.connect()
    page = admin_web.client.get("/admin", headers=_bearer())
    assert "connected" in page.text
    assert admin_web.emu.shops[0]["name"] in page.text
    detail = admin_web.client.get(f"/admin/integrations/{admin_web.integration_id}", headers=_bearer())
    assert detail.status_code == 200
    tokens = admin_web.integrations.store.load_tokens(admin_web.integration_id)
    assert tokens is not None
    for secret in (
        admin_web.emu.credentials["app_secret"],
        tokens.tokens.access_token.get_secret_value(),
        ADMIN_TOKEN,
    ):
        assert secret not in page.text and secret not in detail.text
    assert "script-src 'self'" in detail.headers["content-security-policy"]


def test_a_post_without_the_csrf_token_is_refused_and_changes_nothing(admin_web: Web) -> None:
    _login(admin_web)
    answer = admin_web.client.post(
        f"/admin/integrations/{admin_web.integration_id}", json={"name": "Hijacked", "credentials": {}}
    )
    assert answer.status_code == 403
    wrong = admin_web.client.post(
        f"/admin/integrations/{admin_web.integration_id}/pull", data={"csrf": "0" * 64}
    )
    assert wrong.status_code == 403
    assert admin_web.integrations.store.get_integration(admin_web.integration_id).name != "Hijacked"
    assert admin_web.sink.pulls == []


def test_a_post_from_another_site_is_refused_even_with_the_token(admin_web: Web) -> None:
    csrf = _login(admin_web)
    answer = admin_web.client.post(
        f"/admin/integrations/{admin_web.integration_id}/pull",
        data={"csrf": csrf},
        headers={"Origin": "https://evil.example"},
    )
    assert answer.status_code == 403
    assert admin_web.sink.pulls == []


def test_basic_credentials_need_the_csrf_token_too(admin_web: Web) -> None:
    auth = _basic("operator", "operator-password-123")
    assert (
        admin_web.client.post(
            f"/admin/integrations/{admin_web.integration_id}/pull", headers=auth
        ).status_code
        == 403
    )


def test_save_keeps_a_blank_secret_clears_a_cleared_field_and_names_bad_fields(admin_web: Web) -> None:
    csrf = _login(admin_web)
    url = f"/admin/integrations/{admin_web.integration_id}"
    headers = {"X-CSRF-Token": csrf}
    form = emulator_form(admin_web.emu)
    credentials = {k: v for k, v in form.items() if k != "app_secret" and k != "service_id"}
    answer = admin_web.client.post(
        url,
        json={"name": "Renamed", "credentials": credentials, "settings": {"stock_sync": False}},
        headers=headers,
    )
    assert answer.status_code == 200, answer.text
    record = admin_web.integrations.store.get_integration(admin_web.integration_id)
    assert record.name == "Renamed"
    assert record.credentials.secret("app_secret") == admin_web.emu.credentials["app_secret"]
    assert record.credentials.text("service_id") is None
    assert record.settings["stock_sync"] is False
    bad = admin_web.client.post(
        url, json={"credentials": {**credentials, "app_key": "bad key!"}}, headers=headers
    )
    assert bad.status_code == 422
    assert [e["field"] for e in bad.json()["errors"]] == ["app_key"]
    assert admin_web.client.post(url, content=b"[1,2]", headers=headers).status_code == 400
    assert admin_web.client.post(url, content=b"{" * 300_000, headers=headers).status_code == 400


def test_create_a_new_integration_from_the_form(admin_web: Web) -> None:
    csrf = _login(admin_web)
    page = admin_web.client.get("/admin/integrations/new?connector=tiktok_shop")
    assert page.status_code == 200 and 'id="form-data"' in page.text
    answer = admin_web.client.post(
        "/admin/integrations",
        json={"connector": "tiktok_shop", "name": "Second", "credentials": emulator_form(admin_web.emu)},
        headers={"X-CSRF-Token": csrf},
    )
    assert answer.status_code == 201, answer.text
    assert admin_web.integrations.store.get_integration(answer.json()["id"]).name == "Second"
    missing = admin_web.client.post(
        "/admin/integrations",
        json={"connector": "tiktok_shop", "credentials": {}},
        headers={"X-CSRF-Token": csrf},
    )
    assert missing.status_code == 422
    assert {"app_key", "app_secret"} <= {e["field"] for e in missing.json()["errors"]}


def test_the_form_data_sent_to_the_browser_has_no_secret_and_no_token_fields(admin_web: Web) -> None:
    admin_web.connect()
    page = admin_web.client.get(f"/admin/integrations/{admin_web.integration_id}", headers=_bearer()).text
    assert admin_web.emu.credentials["app_secret"] not in page
    data = re.search(r'<script type="application/json" id="form-data">(.*?)</script>', page, re.S)
    assert data
    payload = json.loads(data.group(1))
    values = payload["credentials"]["formData"]
    assert values["app_key"] == admin_web.emu.credentials["app_key"]
    assert not {"app_secret", "access_token", "refresh_token"} & set(values)
    edit_schema = payload["credentials"]["schema"]
    assert "app_secret" not in edit_schema["required"]
    assert "Leave blank to keep the stored value." in edit_schema["properties"]["app_secret"]["description"]


def test_a_hostile_name_is_escaped_everywhere(admin_web: Web) -> None:
    admin_web.integrations.update(admin_web.integration_id, name='</script><script>alert(1)</script>"')
    for path in ("/admin", f"/admin/integrations/{admin_web.integration_id}"):
        page = admin_web.client.get(path, headers=_bearer()).text
        assert "<script>alert(1)" not in page


def test_connect_redirects_to_consent_and_create_link_shows_it_once(admin_web: Web) -> None:
    csrf = _login(admin_web)
    base = f"/admin/integrations/{admin_web.integration_id}"
    connect = admin_web.client.post(f"{base}/connect", data={"csrf": csrf})
    assert connect.status_code == 303
    assert connect.headers["location"].startswith(admin_web.emu.consent_base_url)
    link = admin_web.client.post(f"{base}/links", data={"csrf": csrf, "days": "7", "purpose": "renew"})
    assert link.status_code == 200
    url = re.search(r'id="link" readonly value="([^"]+)"', link.text)
    assert url and "/connect/" in url.group(1)
    [stored] = admin_web.integrations.store.list_connect_links(admin_web.integration_id)
    assert stored.purpose == "renew"
    detail = admin_web.client.get(base).text
    assert url.group(1).rsplit("/", 1)[-1] not in detail  # later only the hint is shown
    assert f"…{stored.token_hint}" in detail
    bad = admin_web.client.post(f"{base}/links", data={"csrf": csrf, "days": "forever"})
    assert bad.status_code == 422


def test_pull_now_goes_through_the_sink(admin_web: Web) -> None:
    csrf = _login(admin_web)
    answer = admin_web.client.post(
        f"/admin/integrations/{admin_web.integration_id}/pull", data={"csrf": csrf}
    )
    assert answer.status_code == 303
    assert admin_web.sink.pulls == [admin_web.integration_id]
    assert admin_web.client.post("/admin/integrations/nope/pull", data={"csrf": csrf}).status_code == 404


def test_unknown_integration_and_connector_pages_are_404(admin_web: Web) -> None:
    assert admin_web.client.get("/admin/integrations/nope", headers=_bearer()).status_code == 404
    assert (
        admin_web.client.get("/admin/integrations/new?connector=nope", headers=_bearer()).status_code == 404
    )


def test_sign_out_ends_the_browser_session(admin_web: Web, make_web: Any) -> None:
    csrf = _login(admin_web)
    assert admin_web.client.post("/admin/logout", data={"csrf": csrf}).status_code == 303
    assert admin_web.client.get("/admin").status_code == 303


def test_static_assets_are_served_locally(admin_web: Web) -> None:
    assert admin_web.client.get("/admin/static/admin.js").status_code == 200
    assert admin_web.client.get("/admin/static/../auth.py").status_code == 404


def test_last_import_problems_and_uncertain_intents_are_shown_from_the_store(admin_web: Web) -> None:
    from datetime import datetime, timezone

    from connector_core.store import RunRecord

    store = admin_web.integrations.store
    moment = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)
    store.record_run(
        RunRecord(
            integration_id=admin_web.integration_id,
            account_id="7494049642642441001",
            flow="pull_orders",
            started_at=moment,
            finished_at=moment,
            ok=True,
            summary={"orders": 12, "problems": [{"message": "order 5764 has no <address>"}]},
        )
    )
    store.begin_intent(
        admin_web.integration_id, "7494049642642441001", "shipment", "5764/abc", {"line_ids": ["1"]}
    )
    listing = admin_web.client.get("/admin", headers=_bearer()).text
    assert "2026-03-01 12:00 UTC" in listing and "1 orders with problems" in listing
    detail = admin_web.client.get(f"/admin/integrations/{admin_web.integration_id}", headers=_bearer()).text
    assert "order 5764 has no &lt;address&gt;" in detail
    assert 'shipment <span class="mono">5764/abc</span>' in detail
