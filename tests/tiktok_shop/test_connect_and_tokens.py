"""Connect (consent URL, code exchange, shops) and the token lifecycle against the emulator."""

from __future__ import annotations

import json
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from connector_core import (
    ChannelUnavailable,
    ConnectorError,
    ReauthorizationRequired,
    WebhookKind,
    WebhookRejected,
)
from connector_core.callback import CallbackServer, state_of
from connectors.tiktok_shop.client import CONSENT_US
from connectors.tiktok_shop.devtools import emulator_form
from connectors.tiktok_shop.oauth import token_set
from connectors.tiktok_shop.webhooks import signature

DAY = timedelta(days=1)


def test_consent_redirect_completes_connect_with_state_checked(make_world):
    with CallbackServer("/tiktok/auth/callback") as callback:
        world = make_world(orders=20, redirect_uri=callback.redirect_uri, auto_approve=True)
        url = world.integration.begin_connect(callback.redirect_uri)
        callback.expect(state_of(url))
        assert urlsplit(url).path == "/open/authorize"
        assert parse_qs(urlsplit(url).query)["service_id"] == [world.emu.credentials["service_id"]]
        requests.get(url, timeout=10)
        params = callback.wait(5)
    integration = world.integrations.complete_connect(params)
    assert {a.region for a in integration.store.list_accounts(integration.id)} == {"US", "GB", "DE"}


def test_consent_url_follows_region_and_falls_back_to_legacy_without_service_id(make_world):
    world = make_world(orders=5)
    creds = emulator_form(world.emu, region="us")
    creds.pop("authorize_url")
    us = world.integrations.open(world.integrations.create("tiktok_shop", creds).id)
    assert us.begin_connect().startswith(CONSENT_US + "?service_id=")
    creds.pop("service_id")
    legacy = world.integrations.open(world.integrations.create("tiktok_shop", creds).id)
    url = legacy.begin_connect()
    assert urlsplit(url).path == "/oauth/authorize"
    assert parse_qs(urlsplit(url).query)["app_key"] == [world.emu.credentials["app_key"]]


def test_exchange_stores_absolute_expiries_and_callback_facts(make_world):
    world = make_world(orders=5)
    tokens = world.integration.tokens.tokens()
    assert tokens is not None
    now = world.clock.now()
    assert timedelta(days=6) < tokens.access_expires_at - now <= timedelta(days=7, minutes=1)
    assert tokens.refresh_expires_at is not None and tokens.refresh_expires_at - now > timedelta(days=300)
    assert tokens.extra["shop_region"] == "GB" and tokens.extra["locale"] == "en"
    assert world.integration.reauthorization().deadline == tokens.refresh_expires_at


def test_every_authorized_shop_and_its_cipher_is_stored(make_world):
    world = make_world(orders=5)
    stored = {a.id: a.selector for a in world.integration.store.list_accounts(world.integration.id)}
    assert stored == {s["id"]: s["cipher"] for s in world.emu.shops}
    assert world.integration.context().account.region == "GB"


def test_auth_code_is_single_use(make_world):
    world = make_world(orders=5)
    code = world.emu.authorize()
    world.integration.finish_connect({"code": code})
    with pytest.raises(Exception, match="36004004"):
        world.integration.finish_connect({"code": code})


@pytest.mark.parametrize("rotate", [False, True])
def test_refresh_ahead_of_expiry_with_and_without_rotation(make_world, rotate):
    world = make_world(orders=5, rotate_refresh_tokens=rotate)
    before = world.integration.tokens.tokens()
    world.emu.clock.advance(int((7 * DAY - timedelta(minutes=5)).total_seconds()))
    world.clock.advance(7 * DAY - timedelta(minutes=5))
    assert world.integration.check_connection().ok
    after = world.integration.tokens.tokens()
    assert after.access_token.get_secret_value() != before.access_token.get_secret_value()
    rotated = after.refresh_token.get_secret_value() != before.refresh_token.get_secret_value()
    assert rotated is rotate
    assert world.emu.stats.calls("/api/v2/token/refresh") == 1


def test_expired_token_is_refreshed_mid_import_with_no_order_lost(make_world):
    world = make_world(orders=1500, margin=timedelta(0))
    expected = set(world.emu.order_ids(shop_cipher=world.shop("GB")["cipher"]))
    seen: list[str] = []
    pages = world.integration.pull_orders(world.clock.now() - 60 * DAY, world.clock.now())
    first = next(pages)
    seen += [o.id for o in first.orders]
    # TikTok's clock passes the expiry while ours still believes the token is valid: a genuine 105002.
    world.emu.clock.advance(int((7 * DAY).total_seconds()))
    world.clock.advance(7 * DAY - timedelta(seconds=90))
    for page in pages:
        seen += [o.id for o in page.orders]
    assert world.emu.stats.calls("/api/v2/token/refresh") == 1
    assert sorted(seen) == sorted(set(seen)) and set(seen) == expected


def test_revoked_authorization_raises_reauthorization_required_and_marks_it(make_world):
    world = make_world(orders=5, margin=timedelta(0))
    world.emu.revoke_tokens()
    with pytest.raises(ReauthorizationRequired) as raised:
        list(world.integration.pull_orders())
    assert raised.value.integration_id == world.integration.id
    assert world.integration.reauthorization().needs_reauthorization
    assert "channel-connectors connect" in str(raised.value)


def test_expired_refresh_token_names_the_deadline(make_world):
    world = make_world(orders=5, refresh_token_ttl=30 * 86400)
    world.emu.clock.advance(31 * 86400)
    world.clock.advance(31 * DAY)
    with pytest.raises(ReauthorizationRequired) as raised:
        world.integration.access_token()
    assert raised.value.deadline is not None and "expired" in str(raised.value)


def test_deauthorization_and_expiry_webhooks_update_the_reauthorization_state(make_world, sample_bytes):
    world = make_world(orders=5)
    creds = world.emu.credentials

    def deliver(name: str, **changes: object) -> list:
        served = {"shop_id": world.integration.account_id}
        body = restamped(sample_bytes(name), world.integration.clock.now().timestamp(), **served, **changes)
        return world.integration.receive_webhook(
            {"Authorization": signature(creds["app_key"], creds["app_secret"], body)}, body
        )

    (expiring,) = deliver("webhook_upcoming_authorization_expiration.json")
    assert expiring.kind is WebhookKind.AUTHORIZATION_EXPIRING
    assert world.integration.reauthorization().deadline == expiring.reauthorize_by
    assert deliver("webhook_upcoming_authorization_expiration.json") == []  # a redelivery
    deliver("webhook_seller_deauthorization.json")
    assert world.integration.reauthorization().needs_reauthorization
    with pytest.raises(ReauthorizationRequired):
        world.integration.access_token()


def restamped(body: bytes, timestamp: float, **changes: object) -> bytes:
    """A sample delivery sent now (samples carry the date they were captured on)."""
    return json.dumps({**json.loads(body), "timestamp": int(timestamp), **changes}).encode()


def test_a_signed_deauthorization_for_another_shop_or_an_old_one_changes_nothing(make_world, sample_bytes):
    world = make_world(orders=5)
    creds = world.emu.credentials
    now = world.integration.clock.now().timestamp()

    def deliver(body: bytes) -> list:
        headers = {"Authorization": signature(creds["app_key"], creds["app_secret"], body)}
        return world.integration.receive_webhook(headers, body)

    deauthorization = restamped(
        sample_bytes("webhook_seller_deauthorization.json"), now, shop_id=world.integration.account_id
    )
    with pytest.raises(WebhookRejected, match="names shop 999, not one of this integration's shops"):
        deliver(restamped(deauthorization, now, shop_id="999"))
    with pytest.raises(WebhookRejected, match="older than 7 days: a replay"):
        deliver(restamped(deauthorization, now - 400 * 86400))
    # A deauthorization of another of the seller's shops leaves the shop served alone.
    other = next(
        a.id
        for a in world.integration.store.list_accounts(world.integration.id)
        if a.id != world.integration.account_id
    )
    deliver(restamped(deauthorization, now, shop_id=other))
    assert not world.integration.reauthorization().needs_reauthorization
    world.integration.access_token()  # still serving

    # Neither refusal was remembered: the genuine, fresh delivery still applies.
    deliver(restamped(deauthorization, now))
    assert world.integration.reauthorization().needs_reauthorization


def test_check_connection_says_when_the_seller_must_reauthorize(make_world):
    world = make_world(orders=5, margin=timedelta(0))
    assert world.integration.check_connection().ok
    world.emu.revoke_tokens()
    world.emu.expire_access_tokens()
    check = world.integration.check_connection()
    assert not check.ok and check.needs_reauthorization
    assert "re-authorize" in check.message


def test_a_refresh_whose_answer_was_lost_while_tiktok_rotates_says_so_instead_of_revoked(make_world):
    world = make_world(orders=5, rotate_refresh_tokens=True)
    held = world.integration.tokens.tokens().refresh_token.get_secret_value()
    world.emu.clock.advance(int((7 * DAY).total_seconds()))
    world.clock.advance(7 * DAY)
    world.emu.faults.lose_answer(r"/api/v2/token/refresh$")

    with pytest.raises(ChannelUnavailable, match="may or may not have been applied"):
        world.integration.access_token()  # TikTok rotated the refresh token; its answer never came back
    assert world.integration.tokens.tokens().refresh_token.get_secret_value() == held

    with pytest.raises(ReauthorizationRequired) as raised:
        world.integration.access_token()

    message = str(raised.value)
    assert "answer to the token refresh" in message and "lost" in message and "rotated" in message
    assert "revoked" not in message
    state = world.integration.reauthorization()
    assert state.needs_reauthorization and "lost" in (state.reason or "")


def test_a_revoked_refresh_token_without_a_lost_answer_still_says_revoked(make_world):
    world = make_world(orders=5, rotate_refresh_tokens=True)
    world.emu.revoke_tokens()
    world.emu.clock.advance(int((7 * DAY).total_seconds()))
    world.clock.advance(7 * DAY)

    with pytest.raises(ReauthorizationRequired, match="revoked"):
        world.integration.access_token()


def test_a_token_answer_ending_in_a_newline_is_stored_stripped(make_world):
    world = make_world(orders=5)
    data = world.emu.issue_tokens()

    tokens = token_set({**data, "access_token": data["access_token"] + "\n"})

    assert tokens.access_token.get_secret_value() == data["access_token"]
    with pytest.raises(ConnectorError, match="control character") as raised:
        token_set({**data, "access_token": data["access_token"][:8] + "\r\n" + data["access_token"][8:]})
    assert data["access_token"][:8] not in str(raised.value)
