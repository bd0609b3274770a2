"""GET /tiktok/auth/callback: a single-use state, the code exchanged once, a page that says what happened."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

from web_support import BASE_URL, Web


def _state(web: Web, integration_id: str | None = None) -> str:
    consent = web.integrations.open(integration_id or web.integration_id).begin_connect(BASE_URL + "/cb")
    return parse_qs(urlsplit(consent).query)["state"][0]


def _no_secret_in(web: Web, text: str, *extra: str) -> None:
    creds = web.emu.credentials
    tokens = web.integrations.store.load_tokens(web.integration_id)
    secrets = [creds["app_secret"], *extra]
    if tokens is not None:
        secrets.append(tokens.tokens.access_token.get_secret_value())
    for secret in secrets:
        assert secret not in text


def test_a_seller_returning_with_code_and_state_is_connected_and_told_the_shops(web: Web) -> None:
    code = web.emu.authorize()
    answer = web.client.get(
        "/tiktok/auth/callback", params={"code": code, "state": _state(web), "locale": "en"}
    )
    assert answer.status_code == 200
    assert "Connected to TikTok Shop" in answer.text
    for shop in web.emu.shops:
        assert shop["name"] in answer.text
    assert web.integrations.open(web.integration_id).status().connected
    assert answer.headers["cache-control"] == "no-store"
    assert answer.headers["referrer-policy"] == "no-referrer"
    _no_secret_in(web, answer.text, code)


def test_a_state_is_single_use_a_replayed_callback_changes_nothing(web: Web) -> None:
    state = _state(web)
    first = web.client.get("/tiktok/auth/callback", params={"code": web.emu.authorize(), "state": state})
    assert first.status_code == 200
    before = web.integrations.store.load_tokens(web.integration_id)
    replay = web.client.get("/tiktok/auth/callback", params={"code": web.emu.authorize(), "state": state})
    assert replay.status_code == 400
    assert "already used or has expired" in replay.text
    assert web.integrations.store.load_tokens(web.integration_id) == before


def test_a_forged_state_is_refused_before_any_code_is_exchanged(web: Web) -> None:
    calls_before = web.emu.stats.calls()
    answer = web.client.get(
        "/tiktok/auth/callback", params={"code": web.emu.authorize(), "state": "forged" * 8}
    )
    assert answer.status_code == 400
    assert "already used or has expired" in answer.text
    assert web.integrations.store.load_tokens(web.integration_id) is None
    assert web.emu.stats.calls() == calls_before  # no token call was made


def test_a_missing_state_says_the_link_is_incomplete(web: Web) -> None:
    answer = web.client.get("/tiktok/auth/callback", params={"code": "abc"})
    assert answer.status_code == 400
    assert "incomplete" in answer.text


def test_an_expired_state_is_refused(web: Web) -> None:
    state = _state(web)
    web.clock.advance(timedelta(minutes=16))
    answer = web.client.get("/tiktok/auth/callback", params={"code": web.emu.authorize(), "state": state})
    assert answer.status_code == 400
    assert web.integrations.store.load_tokens(web.integration_id) is None


def test_a_seller_who_declined_is_told_in_words_without_the_channels_raw_error(web: Web) -> None:
    hostile = "<script>alert(1)</script> access_denied"
    answer = web.client.get("/tiktok/auth/callback", params={"state": _state(web), "error": hostile})
    assert answer.status_code == 400
    assert "did not authorize" in answer.text and "nothing was connected" in answer.text
    assert "<script>alert(1)" not in answer.text
    assert "script" not in answer.text.split("<body", 1)[1]  # the channel's raw error is never shown


def test_a_code_the_channel_refuses_says_nothing_was_saved(web: Web) -> None:
    answer = web.client.get("/tiktok/auth/callback", params={"state": _state(web), "code": "not-a-real-code"})
    assert answer.status_code == 502
    assert "Nothing was saved" in answer.text
    assert "not-a-real-code" not in answer.text
    assert web.integrations.store.load_tokens(web.integration_id) is None


def test_a_state_of_another_connectors_integration_is_refused(web: Web, monkeypatch: Any) -> None:
    # Two connectors share nothing: a state minted for TikTok arriving on another connector's path is refused.
    from connector_core.web.callback import complete

    class OtherManifest:
        name = "Other"

    class Other:
        id = "other_channel"
        manifest = OtherManifest()

    answer = complete(web.integrations, Other(), {"state": _state(web), "code": web.emu.authorize()})  # type: ignore[arg-type]
    assert answer.status_code == 400
    assert b"wrong address" in answer.body
    assert web.integrations.store.load_tokens(web.integration_id) is None


def test_at_debug_no_log_line_holds_a_secret_code_or_link_token(web: Web, caplog: Any) -> None:
    import logging

    from connector_core.web import create_connect_link

    caplog.set_level(logging.DEBUG)
    url = create_connect_link(web.integrations, web.integration_id, base_url=BASE_URL)
    token = urlsplit(url).path.rsplit("/", 1)[-1]
    consent = web.client.get(urlsplit(url).path).headers["location"]
    code = web.emu.authorize()
    state = parse_qs(urlsplit(consent).query)["state"][0]
    assert web.client.get("/tiktok/auth/callback", params={"code": code, "state": state}).status_code == 200
    web.integrations.open(web.integration_id).select_account(web.shop_ids()[0])
    body, headers = web.delivery(web.shop_ids()[0])
    assert web.client.post("/webhooks/tiktok_shop", content=body, headers=headers).status_code == 200
    tokens = web.integrations.store.load_tokens(web.integration_id)
    assert tokens is not None
    secrets = [
        web.emu.credentials["app_secret"],
        tokens.tokens.access_token.get_secret_value(),
        code,
        token,
        state,
        headers["Authorization"],
    ]
    # The test's own HTTP client (httpx) logs the URLs it requests; everything on the server side counts.
    server_side = "\n".join(r.getMessage() for r in caplog.records if not r.name.startswith("httpx"))
    assert "connector_core.web" in {r.name.rsplit(".", 1)[0] for r in caplog.records}
    for secret in secrets:
        assert secret not in server_side
