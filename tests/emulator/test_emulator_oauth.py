"""Consent pages, token get/refresh, single-use codes, rotation, revocation and expiry (reference.md#oauth-consent)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import requests
from emulator_support import OpenApi, make_config

from tiktok_shop_emulator import TikTokShopEmulator

CALLBACK = "http://127.0.0.1:8765/tiktok/auth/callback"


def _callback_params(response: requests.Response) -> dict[str, str]:
    assert response.status_code == 302, response.text
    location = response.headers["Location"]
    assert location.startswith(CALLBACK + "?")
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


def test_consent_page_approves_on_post_and_redirects(
    emu: TikTokShopEmulator, session: requests.Session
) -> None:
    url = emu.consent_base_url + "/open/authorize"
    page = session.get(
        url, params={"service_id": emu.config.service_id, "state": "s1"}, allow_redirects=False
    )
    assert page.status_code == 200 and "<form" in page.text and 'method="post"' in page.text
    answer = session.post(
        url,
        data={"service_id": emu.config.service_id, "state": "s1", "decision": "approve"},
        allow_redirects=False,
    )
    params = _callback_params(answer)
    assert params["state"] == "s1" and params["locale"] == "en" and params["shop_region"] == "GB"
    assert params["app_key"] == emu.credentials["app_key"] and params["code"].startswith("ROW_")


def test_auto_approve_redirects_at_once() -> None:
    with TikTokShopEmulator(make_config(auto_approve=True)) as emu, requests.Session() as session:
        session.trust_env = False
        answer = session.get(
            emu.consent_base_url + "/open/authorize",
            params={"service_id": emu.config.service_id, "state": "xyz"},
            allow_redirects=False,
        )
        assert _callback_params(answer)["state"] == "xyz"


def test_legacy_consent_form_uses_app_key(emu: TikTokShopEmulator, session: requests.Session) -> None:
    url = emu.consent_base_url + "/oauth/authorize"
    answer = session.post(
        url, data={"app_key": emu.credentials["app_key"], "state": "legacy"}, allow_redirects=False
    )
    assert _callback_params(answer)["state"] == "legacy"
    assert session.get(url, params={"app_key": "wrong"}).status_code == 400


def test_unknown_service_id_is_refused(emu: TikTokShopEmulator, session: requests.Session) -> None:
    page = session.get(
        emu.consent_base_url + "/open/authorize", params={"service_id": emu.credentials["app_key"]}
    )
    assert page.status_code == 400 and "does not exist" in page.text


def test_token_get_has_the_sample_shape_and_absolute_expiries(api: OpenApi, emu: TikTokShopEmulator) -> None:
    now = emu.clock.unix()
    document = api.token_get(emu.authorize()).json()
    assert document["code"] == 0 and document["message"] == "success"
    data = document["data"]
    assert set(data) == {
        "access_token",
        "access_token_expire_in",
        "refresh_token",
        "refresh_token_expire_in",
        "open_id",
        "seller_name",
        "seller_base_region",
        "user_type",
        "granted_scopes",
    }
    assert abs(data["access_token_expire_in"] - (now + 7 * 86400)) <= 2
    assert abs(data["refresh_token_expire_in"] - (now + 365 * 86400)) <= 2
    assert data["access_token"].startswith("ROW_") and len(data["access_token"]) > 40


def test_auth_code_is_single_use(api: OpenApi, emu: TikTokShopEmulator) -> None:
    code = emu.authorize()
    assert api.token_get(code).json()["code"] == 0
    again = api.token_get(code)
    assert again.status_code == 400
    assert again.json()["code"] == 36004004 and again.json()["message"] == "Invalid auth code."


def test_auth_code_expires_after_ten_minutes(api: OpenApi, emu: TikTokShopEmulator) -> None:
    code = emu.authorize()
    emu.clock.advance(601)
    assert api.token_get(code).json()["code"] == 36004004
    assert api.token_get("ROW_never_issued").json()["code"] == 36004004


def test_token_get_checks_app_secret_and_grant_type(api: OpenApi, emu: TikTokShopEmulator) -> None:
    assert api.token_get(emu.authorize(), app_secret="wrong").json()["code"] == 36009004
    assert api.token_get(emu.authorize(), grant_type="authorization_code").json()["code"] == 36009004


def test_refresh_without_rotation_returns_the_same_refresh_token(
    api: OpenApi, emu: TikTokShopEmulator
) -> None:
    first = api.tokens
    emu.clock.advance(3600)
    data = api.token_refresh(first["refresh_token"]).json()["data"]
    assert data["refresh_token"] == first["refresh_token"]
    assert data["refresh_token_expire_in"] == first["refresh_token_expire_in"]
    assert data["access_token"] != first["access_token"]
    assert data["access_token_expire_in"] > first["access_token_expire_in"]
    assert api.token_refresh(first["refresh_token"]).json()["code"] == 0


def test_refresh_with_rotation_issues_a_new_token_and_retires_the_old() -> None:
    with TikTokShopEmulator(make_config(rotate_refresh_tokens=True)) as emu, requests.Session() as session:
        session.trust_env = False
        api = OpenApi(emu, session)
        first = api.tokens
        emu.clock.advance(60)
        second = api.token_refresh(first["refresh_token"]).json()["data"]
        assert second["refresh_token"] != first["refresh_token"]
        assert second["refresh_token_expire_in"] > first["refresh_token_expire_in"]
        stale = api.token_refresh(first["refresh_token"]).json()
        assert stale["code"] == 36004005
        assert api.token_refresh(second["refresh_token"]).json()["code"] == 0


def test_old_access_token_keeps_working_until_it_expires(api: OpenApi) -> None:
    first = api.tokens
    api.token_refresh(first["refresh_token"])
    assert api.request("GET", "/authorization/202309/shops", token=first["access_token"]).json()["code"] == 0


def test_revocation_breaks_refresh_and_calls(api: OpenApi, emu: TikTokShopEmulator) -> None:
    tokens = api.tokens
    emu.revoke_tokens()
    refreshed = api.token_refresh(tokens["refresh_token"])
    assert refreshed.status_code == 400
    assert refreshed.json() | {"request_id": ""} == {
        "code": 36004005,
        "message": "can not find related auth record",
        "request_id": "",
    }
    assert api.fails("GET", "/authorization/202309/shops")[:2] == (401, 105001)


def test_a_new_consent_after_revocation_works_again(api: OpenApi, emu: TikTokShopEmulator) -> None:
    api.tokens  # noqa: B018
    emu.revoke_tokens()
    fresh = api.token_get(emu.authorize()).json()["data"]
    assert api.request("GET", "/authorization/202309/shops", token=fresh["access_token"]).json()["code"] == 0


def test_refresh_token_expiry_on_demand_and_by_clock(api: OpenApi, emu: TikTokShopEmulator) -> None:
    tokens = api.tokens
    emu.expire_refresh_tokens()
    expired = api.token_refresh(tokens["refresh_token"]).json()
    assert (expired["code"], expired["message"]) == (36004001, "rt has expired")
    other = api.token_get(emu.authorize()).json()["data"]
    emu.clock.advance(365 * 86400)
    assert api.token_refresh(other["refresh_token"]).json()["code"] == 36004001


def test_lifetimes_are_configurable(session: requests.Session) -> None:
    with TikTokShopEmulator(make_config(access_token_ttl=60, refresh_token_ttl=120)) as emu:
        api = OpenApi(emu, session)
        data = api.tokens
        assert data["refresh_token_expire_in"] - data["access_token_expire_in"] == 60
        emu.clock.advance(61)
        assert api.fails("GET", "/authorization/202309/shops")[:2] == (401, 105002)


def test_token_calls_are_get_only_and_unknown_paths_404(
    emu: TikTokShopEmulator, session: requests.Session
) -> None:
    assert session.post(emu.auth_base_url + "/api/v2/token/get").json()["code"] == 36009010
    missing = session.get(emu.auth_base_url + "/order/202309/orders")
    assert missing.status_code == 404 and missing.json()["code"] == 36009009
