"""The seller's pages in the host's look, and the way back to the host's app with the outcome: only to an
origin the host listed (no open redirect), never with developer words or the channel's raw codes."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from web_support import ADMIN_TOKEN, Web, state_of

from connector_core.errors import ConnectorError
from connector_core.web import AdminConfig, Branding, create_connect_link

HOME = "https://app.acme.test"
LOGO = "data:image/svg+xml;base64,PHN2Zy8+"
BRAND = Branding(name="Acme Orders", logo_url=LOGO, color="#aa3300", return_origins=(HOME,))
DEVELOPER_WORDS = ("OAuth", "state", "API", "integration", "callback", "HTTP", "request_id", "access_denied")


@pytest.fixture
def branded(make_web: Any) -> Web:
    web: Web = make_web(admin=AdminConfig(token=ADMIN_TOKEN), branding=BRAND)
    return web


def _text(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", html.split("<body", 1)[1])


def _button(html: str) -> str | None:
    found = re.search(r'<a class="button" href="([^"]+)"', html)
    return found.group(1).replace("&amp;", "&") if found else None


def _speaks_plainly(html: str) -> None:
    words = _text(html)
    for word in DEVELOPER_WORDS:
        assert word not in words, f"{word!r} shown to a seller"


@pytest.mark.parametrize(
    "options",
    [
        {"color": "red; background:url(x)"},
        {"logo_url": "http://cdn.example.com/logo.png"},
        {"return_origins": ("https://app.acme.test/path",)},
        {"return_origins": ("ftp://app.acme.test",)},
        {"name": "x" * 81},
    ],
)
def test_branding_refuses_what_could_break_a_page_or_redirect_anywhere(options: dict[str, Any]) -> None:
    with pytest.raises(ConnectorError, match="branding"):
        Branding(**options)


@pytest.mark.parametrize(
    "candidate",
    [
        "https://evil.test/",
        "https://app.acme.test.evil.test/",
        "https://app.acme.test@evil.test/",
        "//evil.test/",
        "/relative",
        "javascript:alert(1)",
        "http://app.acme.test/",
        "https://app.acme.test:8443/",
        "https://app.acme.test/\\@evil.test",
        "https://app.acme.test/%0d%0aLocation: x" + " ",
    ],
)
def test_a_return_url_on_another_origin_is_never_used(candidate: str) -> None:
    assert BRAND.return_url(candidate) is None
    assert BRAND.back_to(candidate, "connected", "c1") is None


def test_an_allowed_return_url_keeps_its_query_and_gets_the_outcome() -> None:
    back = BRAND.back_to(f"{HOME}/channels?tab=tiktok&outcome=forged", "declined", "c1")
    assert back is not None
    parts = urlsplit(back)
    assert f"{parts.scheme}://{parts.netloc}" == HOME
    assert parse_qs(parts.query) == {"tab": ["tiktok"], "outcome": ["declined"], "connection": ["c1"]}
    assert Branding(return_origins=("http://127.0.0.1:3000",)).return_url("http://127.0.0.1:3000/x")


def test_a_seller_connects_through_a_branded_link_and_goes_back_with_the_outcome(branded: Web) -> None:
    link = create_connect_link(branded.integrations, branded.integration_id, 3, base_url="http://testserver")
    token = link.rsplit("/", 1)[-1]
    opened = branded.client.get(f"/connect/{token}", params={"return_to": f"{HOME}/channels"})
    assert opened.status_code == 302
    state = state_of(opened.headers["location"])
    done = branded.client.get(
        "/tiktok/auth/callback", params={"code": branded.emu.authorize(), "state": state}
    )
    assert done.status_code == 200
    assert "Acme Orders" in done.text and "#aa3300" in done.text and LOGO in done.text
    assert "img-src data:" in done.headers["content-security-policy"]
    assert _button(done.text) == f"{HOME}/channels?outcome=connected&connection={branded.integration_id}"
    assert "Continue to Acme Orders" in done.text
    _speaks_plainly(done.text)


def test_a_declined_consent_says_so_and_goes_back_as_declined(branded: Web) -> None:
    integration = branded.integrations.open(branded.integration_id)
    consent = integration.begin_connect(
        "http://testserver/tiktok/auth/callback", data={"return_to": f"{HOME}/c"}
    )
    declined = branded.client.get(
        "/tiktok/auth/callback", params={"state": state_of(consent), "error": "access_denied"}
    )
    assert declined.status_code == 400
    assert "you did not authorize Acme Orders" in declined.text
    assert _button(declined.text) == f"{HOME}/c?outcome=declined&connection={branded.integration_id}"
    _speaks_plainly(declined.text)
    assert branded.integrations.store.load_tokens(branded.integration_id) is None


def test_a_refused_code_and_a_used_authorization_read_plainly(branded: Web) -> None:
    integration = branded.integrations.open(branded.integration_id)
    consent = integration.begin_connect(
        "http://testserver/tiktok/auth/callback", data={"return_to": f"{HOME}/c"}
    )
    params = {"state": state_of(consent), "code": "not-a-real-code"}
    refused = branded.client.get("/tiktok/auth/callback", params=params)
    assert refused.status_code == 502 and "Nothing was saved." in refused.text
    assert _button(refused.text) == f"{HOME}/c?outcome=failed&connection={branded.integration_id}"
    _speaks_plainly(refused.text)
    assert "36004004" not in refused.text  # the channel's code
    again = branded.client.get("/tiktok/auth/callback", params=params)
    assert again.status_code == 400 and "already used or has expired" in again.text
    _speaks_plainly(again.text)


def test_expired_and_unknown_links_are_branded_and_never_send_a_seller_elsewhere(branded: Web) -> None:
    from datetime import timedelta

    link = create_connect_link(branded.integrations, branded.integration_id, 1, base_url="http://testserver")
    token = link.rsplit("/", 1)[-1]
    branded.clock.advance(timedelta(days=2))
    expired = branded.client.get(f"/connect/{token}", params={"return_to": f"{HOME}/x"})
    assert expired.status_code == 410 and "Ask Acme Orders to renew it" in expired.text
    assert _button(expired.text) == f"{HOME}/x?outcome=expired"
    elsewhere = branded.client.get(f"/connect/{token}", params={"return_to": "https://evil.test/x"})
    assert _button(elsewhere.text) is None and "evil.test" not in elsewhere.text
    unknown = branded.client.get("/connect/" + "x" * 43, params={"return_to": f"{HOME}/x"})
    assert unknown.status_code == 404 and _button(unknown.text) == f"{HOME}/x?outcome=invalid"
    for page in (expired, elsewhere, unknown):
        _speaks_plainly(page.text)


def test_the_api_takes_a_return_url_only_on_an_allowed_origin(branded: Web) -> None:
    bearer = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    base = f"/api/v1/connections/{branded.integration_id}"
    refused = branded.client.post(f"{base}/connect", json={"return_to": "https://evil.test/"}, headers=bearer)
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "return_to"
    started = branded.client.post(f"{base}/connect", json={"return_to": f"{HOME}/done"}, headers=bearer)
    assert started.status_code == 200
    claimed = branded.integrations.store.consume_oauth_state(state_of(started.json()["consent_url"]))
    assert claimed.data["return_to"] == f"{HOME}/done"
    made = branded.client.post(f"{base}/links", json={"return_to": f"{HOME}/done"}, headers=bearer).json()
    assert parse_qs(urlsplit(made["url"]).query) == {"return_to": [f"{HOME}/done"]}
    assert branded.client.post(f"{base}/connect", headers=bearer).status_code == 200  # no body at all


def test_a_connect_link_can_show_its_own_page_before_the_channels(make_web: Any) -> None:
    from dataclasses import replace

    web: Web = make_web(branding=replace(BRAND, connect_page=True))
    link = create_connect_link(
        web.integrations, web.integration_id, 3, base_url="http://testserver", purpose="renew"
    )
    opened = web.client.get(f"/connect/{link.rsplit('/', 1)[-1]}")
    assert opened.status_code == 200
    assert "Connect TikTok Shop to Acme Orders" in opened.text
    assert "Acme Orders asks to stay connected to your shop on TikTok Shop" in opened.text
    button = _button(opened.text)
    assert button is not None and button.startswith(web.emu.consent_base_url)
    assert "Continue to TikTok Shop" in opened.text and opened.headers["referrer-policy"] == "no-referrer"
    _speaks_plainly(opened.text)
