"""Connect links: a fresh state per visit, a redirect to consent, expiry, renewal, retry, clear pages."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from web_support import BASE_URL, Web, state_of

from connector_core import InvalidInput, UnknownIntegration
from connector_core.store import UnknownConnectLink
from connector_core.web import create_connect_link, extend_connect_link


def _path(url: str) -> str:
    return urlsplit(url).path


def _open(web: Web, url: str) -> tuple[int, str]:
    answer = web.client.get(_path(url))
    return answer.status_code, answer.headers.get("location", answer.text)


def test_a_link_redirects_to_the_consent_page_with_a_fresh_state_each_visit(web: Web) -> None:
    url = create_connect_link(web.integrations, web.integration_id, base_url=BASE_URL)
    assert url.startswith(f"{BASE_URL}/connect/")
    first_status, first = _open(web, url)
    second_status, second = _open(web, url)
    assert first_status == second_status == 302
    assert first.startswith(web.emu.consent_base_url + "/open/authorize")
    assert state_of(first) != state_of(second)
    [link] = web.integrations.store.list_connect_links(web.integration_id)
    assert link.last_used_at is not None and link.purpose == "connect"


def test_the_whole_trip_link_consent_callback_connects_the_integration(web: Web) -> None:
    url = create_connect_link(web.integrations, web.integration_id, base_url=BASE_URL)
    _, consent = _open(web, url)
    answer = web.client.get(
        "/tiktok/auth/callback", params={"code": web.emu.authorize(), "state": state_of(consent)}
    )
    assert answer.status_code == 200
    assert web.integrations.open(web.integration_id).status().connected


def test_after_a_failed_attempt_the_same_link_works_again_while_valid(web: Web) -> None:
    url = create_connect_link(web.integrations, web.integration_id, base_url=BASE_URL)
    _, consent = _open(web, url)
    failed = web.client.get(
        "/tiktok/auth/callback", params={"state": state_of(consent), "error": "access_denied"}
    )
    assert failed.status_code == 400
    assert "open the same link again" in failed.text
    _, again = _open(web, url)
    ok = web.client.get(
        "/tiktok/auth/callback", params={"code": web.emu.authorize(), "state": state_of(again)}
    )
    assert ok.status_code == 200


def test_an_expired_link_says_so_and_renewal_brings_it_back(web: Web) -> None:
    url = create_connect_link(web.integrations, web.integration_id, 2, base_url=BASE_URL)
    web.clock.advance(timedelta(days=2, seconds=1))
    status, text = _open(web, url)
    assert status == 410
    assert "has expired" in text and "renew" in text
    link = extend_connect_link(web.integrations, url, 30)
    assert link.expires_at > web.clock.now() + timedelta(days=29)
    assert _open(web, url)[0] == 302


def test_an_unknown_or_damaged_link_is_404_with_a_page_saying_what_to_do(web: Web) -> None:
    url = create_connect_link(web.integrations, web.integration_id, base_url=BASE_URL)
    for path in (_path(url)[:-3], "/connect/x", "/connect/" + "A" * 300, _path(url) + "x"):
        answer = web.client.get(path)
        assert answer.status_code == 404, path
        assert "Ask the person who sent it for a new link" in answer.text
    with pytest.raises(UnknownConnectLink):
        extend_connect_link(web.integrations, "no-such-token-0123456789")


def test_a_renewal_link_is_kept_with_its_purpose_and_works_the_same_way(web: Web) -> None:
    web.connect()
    url = create_connect_link(web.integrations, web.integration_id, base_url=BASE_URL, purpose="renew")
    assert [link.purpose for link in web.integrations.store.list_connect_links(web.integration_id)] == [
        "renew"
    ]
    assert _open(web, url)[0] == 302


def test_a_link_of_a_deleted_integration_is_404(web: Web) -> None:
    url = create_connect_link(web.integrations, web.integration_id, base_url=BASE_URL)
    web.integrations.remove(web.integration_id)
    assert _open(web, url)[0] == 404


def test_bad_requests_for_a_link_name_the_field(web: Web) -> None:
    for days in (0, 366, -1):
        with pytest.raises(InvalidInput, match="days"):
            create_connect_link(web.integrations, web.integration_id, days, base_url=BASE_URL)
    with pytest.raises(InvalidInput, match="purpose"):
        create_connect_link(web.integrations, web.integration_id, base_url=BASE_URL, purpose="steal")
    with pytest.raises(InvalidInput, match="base_url"):
        create_connect_link(web.integrations, web.integration_id, base_url="javascript:alert(1)")
    with pytest.raises(UnknownIntegration):
        create_connect_link(web.integrations, "nope", base_url=BASE_URL)


def test_the_token_is_never_stored_and_the_pages_do_not_leak_it(web: Web) -> None:
    url = create_connect_link(web.integrations, web.integration_id, base_url=BASE_URL)
    token = _path(url).rsplit("/", 1)[-1]
    assert len(token) >= 43  # 32 bytes of randomness, url-safe
    [link] = web.integrations.store.list_connect_links(web.integration_id)
    assert token not in repr(link) and link.token_hint == token[-4:]
    answer = web.client.get(_path(url))
    assert answer.headers["referrer-policy"] == "no-referrer"
    assert token not in answer.headers["location"]
