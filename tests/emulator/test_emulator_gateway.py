"""The Open API gateway is as strict as TikTok's: signature, timestamp, app_key, token, shop_cipher, content type,
path and method, with TikTok's codes, HTTP statuses and request_id on every answer."""

from __future__ import annotations

import re

import pytest
from emulator_support import OpenApi, tiktok_sign

from tiktok_shop_emulator import TikTokShopEmulator

SHOPS = "/authorization/202309/shops"
SEARCH = "/order/202309/orders/search"
REQUEST_ID = re.compile(r"^[0-9]{14}[0-9A-F]{20}$")


def test_signed_call_succeeds_and_carries_a_request_id(api: OpenApi) -> None:
    response = api.request("GET", SHOPS)
    document = response.json()
    assert response.status_code == 200 and document["code"] == 0 and document["message"] == "Success"
    assert REQUEST_ID.match(document["request_id"]) and len(document["request_id"]) == 34
    assert response.headers["X-Tt-Logid"] == document["request_id"]


def test_errors_carry_a_request_id_too(api: OpenApi) -> None:
    document = api.request("GET", SHOPS, sign="0" * 64).json()
    assert set(document) == {"code", "message", "request_id"}
    assert REQUEST_ID.match(document["request_id"])


def test_wrong_signature_is_106001_with_401(api: OpenApi) -> None:
    assert api.fails("GET", SHOPS, sign="0" * 64)[:2] == (401, 106001)
    assert api.fails("GET", SHOPS, secret="not-the-secret")[:2] == (401, 106001)


def test_signature_covers_the_body(api: OpenApi, ciphers: dict[str, str]) -> None:
    body = {"order_status": "UNPAID"}
    status, code, _ = api.fails(
        "POST", SEARCH, {"page_size": 5}, body, shop=ciphers["GB"], sign_body=b'{"order_status":"COMPLETED"}'
    )
    assert (status, code) == (401, 106001)


@pytest.mark.parametrize("include_body", [True, False])
def test_empty_object_body_accepted_signed_either_way(
    api: OpenApi, ciphers: dict[str, str], include_body: bool
) -> None:
    data = api.ok(
        "POST", SEARCH, {"page_size": 5}, b"{}", shop=ciphers["GB"], sign_body=b"{}" if include_body else b""
    )
    assert len(data["orders"]) == 5


def test_non_empty_body_must_be_signed(api: OpenApi, ciphers: dict[str, str]) -> None:
    status, code, _ = api.fails(
        "POST", SEARCH, {"page_size": 5}, {"order_status": "UNPAID"}, shop=ciphers["GB"], sign_body=b""
    )
    assert (status, code) == (401, 106001)


def test_missing_sign_is_36009004(api: OpenApi, emu: TikTokShopEmulator) -> None:
    response = api.session.get(
        emu.api_base_url + SHOPS,
        params={"app_key": emu.credentials["app_key"], "timestamp": emu.clock.unix()},
        headers={"Content-Type": "application/json", "x-tts-access-token": api.tokens["access_token"]},
    )
    assert response.status_code == 400 and response.json()["code"] == 36009004
    assert "signature" in response.json()["message"]


@pytest.mark.parametrize(("offset", "accepted"), [(-299, True), (-301, False), (29, True), (31, False)])
def test_timestamp_window_is_300s_back_30s_ahead(
    api: OpenApi, emu: TikTokShopEmulator, offset: int, accepted: bool
) -> None:
    response = api.request("GET", SHOPS, timestamp=emu.clock.unix() + offset)
    if accepted:
        assert response.json()["code"] == 0
    else:
        assert response.status_code == 400 and response.json()["code"] == 36009004
        assert "timestamp" in response.json()["message"]


def test_timestamp_follows_the_emulator_clock(api: OpenApi, emu: TikTokShopEmulator) -> None:
    stamp = emu.clock.unix()
    emu.clock.advance(600)
    assert api.fails("GET", SHOPS, timestamp=stamp)[:2] == (400, 36009004)
    assert api.request("GET", SHOPS).json()["code"] == 0


def test_unknown_app_key_is_36009004_with_400(api: OpenApi) -> None:
    status, code, message = api.fails("GET", SHOPS, app_key="someoneelse")
    assert (status, code) == (400, 36009004) and "app_key" in message


def test_missing_and_unknown_access_token(api: OpenApi) -> None:
    assert api.fails("GET", SHOPS, token=None)[:2] == (400, 36009004)
    assert api.fails("GET", SHOPS, token="ROW_made_up")[:2] == (400, 36009004)


def test_expired_access_token_is_105002_with_401(api: OpenApi, emu: TikTokShopEmulator) -> None:
    api.tokens  # noqa: B018  (issue the token before time moves)
    emu.clock.advance(7 * 86400 + 1)
    status, code, message = api.fails("GET", SHOPS)
    assert (status, code) == (401, 105002) and "expired" in message


def test_revoked_access_token_is_105001_with_401(api: OpenApi, emu: TikTokShopEmulator) -> None:
    api.tokens  # noqa: B018
    emu.revoke_tokens()
    status, code, _ = api.fails("GET", SHOPS)
    assert (status, code) == (401, 105001)


def test_shop_cipher_required_on_shop_paths(api: OpenApi) -> None:
    status, code, message = api.fails("POST", SEARCH, {"page_size": 5}, {})
    assert (status, code) == (400, 106013) and "shop_cipher" in message


@pytest.mark.parametrize("path", [SHOPS, "/seller/202309/shops"])
def test_shop_cipher_refused_on_authorization_and_seller(
    api: OpenApi, ciphers: dict[str, str], path: str
) -> None:
    status, code, message = api.fails("GET", path, shop=ciphers["GB"])
    assert (status, code) == (400, 36009004) and message.startswith("Unexpected identifier")


def test_unknown_shop_cipher_is_refused(api: OpenApi) -> None:
    assert api.fails("POST", SEARCH, {"page_size": 5}, {}, shop="ROW_unknown")[:2] == (400, 36009004)


@pytest.mark.parametrize("content_type", [None, "text/plain", "multipart/form-data; boundary=x"])
def test_content_type_must_be_json_even_on_get(api: OpenApi, content_type: str | None) -> None:
    assert api.fails("GET", SHOPS, content_type=content_type)[:2] == (400, 36009022)


def test_json_content_type_with_charset_is_fine(api: OpenApi) -> None:
    assert api.request("GET", SHOPS, content_type="application/json; charset=utf-8").json()["code"] == 0


def test_unknown_path_is_36009009_with_404(api: OpenApi) -> None:
    assert api.fails("GET", "/order/202309/nothing_here")[:2] == (404, 36009009)


def test_wrong_method_is_36009010(api: OpenApi) -> None:
    assert api.fails("POST", SHOPS, body={})[:2] == (400, 36009010)
    assert api.fails("DELETE", "/order/202309/orders/search", body={})[:2] == (400, 36009010)


def test_token_paths_do_not_exist_on_the_api_host(api: OpenApi, emu: TikTokShopEmulator) -> None:
    response = api.session.get(emu.api_base_url + "/api/v2/token/get")
    assert response.status_code == 404 and response.json()["code"] == 36009009


@pytest.mark.parametrize("size", ["0", "101", "abc", None])
def test_page_size_bounds(api: OpenApi, ciphers: dict[str, str], size: str | None) -> None:
    params = {} if size is None else {"page_size": size}
    status, code, message = api.fails("POST", SEARCH, params, {}, shop=ciphers["GB"])
    assert (status, code) == (400, 36009004) and "page_size" in message


def test_order_detail_accepts_50_ids_and_refuses_51(
    api: OpenApi, emu: TikTokShopEmulator, ciphers: dict[str, str]
) -> None:
    ids = emu.order_ids(shop_cipher=ciphers["GB"])[:51]
    data = api.ok("GET", "/order/202309/orders", {"ids": ",".join(ids[:50])}, shop=ciphers["GB"])
    assert [o["id"] for o in data["orders"]] == ids[:50]
    status, code, message = api.fails(
        "GET", "/order/202309/orders", {"ids": ",".join(ids)}, shop=ciphers["GB"]
    )
    assert (status, code) == (400, 36009004) and "50" in message


def test_bad_json_body_is_a_param_error(api: OpenApi, ciphers: dict[str, str]) -> None:
    assert api.fails("POST", SEARCH, {"page_size": 5}, b"{not json", shop=ciphers["GB"])[:2] == (
        400,
        36009004,
    )


def test_tiktok_sign_helper_matches_a_real_request(api: OpenApi, emu: TikTokShopEmulator) -> None:
    params = {"app_key": emu.credentials["app_key"], "timestamp": str(emu.clock.unix())}
    params["sign"] = tiktok_sign(emu.credentials["app_secret"], SHOPS, params)
    response = api.session.get(
        emu.api_base_url + SHOPS,
        params=params,
        headers={"Content-Type": "application/json", "x-tts-access-token": api.tokens["access_token"]},
    )
    assert response.json()["data"]["shops"][0]["region"] == "US"
