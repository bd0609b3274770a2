"""Connecting an integration through a connector double: the consent URL and its one-time OAuth state,
the callback, account selection, and the token refreshed (or found revoked) through the connector's hook."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from core_support import (
    FakeChannel,
)

from connector_core import (
    Integration,
    Integrations,
    InvalidInput,
    OAuthStateError,
    OffsetClock,
    ReauthorizationRequired,
    SQLiteStore,
)


def test_begin_connect_returns_the_consent_url_with_a_stored_state(
    integrations: Integrations, record: Any, channel: FakeChannel
) -> None:
    url = integrations.open(record.id).begin_connect("https://host.example/callback")

    assert url.startswith("https://fake.example/authorize?app_key=demo1&state=")
    state = url.split("state=")[1]
    assert integrations.store.consume_oauth_state(state).data == {
        "redirect_uri": "https://host.example/callback"
    }


def test_complete_connect_stores_tokens_and_the_only_account(
    connected: Integration, channel: FakeChannel, store: SQLiteStore
) -> None:
    assert channel.calls["exchange_code"] == 1
    assert connected.access_token() == "access-1"
    assert connected.record.account_id == "shop-1"
    assert connected.context().account is not None
    assert connected.context().account.selector == "cipher-1"  # type: ignore[union-attr]
    status = connected.status()
    assert status.connected
    assert status.account is not None
    assert status.refresh_expires_at is not None
    assert status.reauthorization.deadline == status.refresh_expires_at


def test_a_callback_state_is_used_exactly_once(
    integrations: Integrations, record: Any, channel: FakeChannel
) -> None:
    state = integrations.open(record.id).begin_connect().split("state=")[1]
    channel.valid_codes.add("second-code")
    integrations.complete_connect({"code": "good-code", "state": state})

    with pytest.raises(OAuthStateError, match="already used"):
        integrations.complete_connect({"code": "second-code", "state": state})

    assert channel.calls["exchange_code"] == 1


def test_a_callback_after_the_state_expired_is_refused(
    integrations: Integrations, record: Any, channel: FakeChannel, clock: OffsetClock
) -> None:
    state = integrations.open(record.id).begin_connect().split("state=")[1]
    clock.advance(timedelta(minutes=16))

    with pytest.raises(OAuthStateError, match="expired"):
        integrations.complete_connect({"code": "good-code", "state": state})
    assert channel.calls["exchange_code"] == 0


def test_a_callback_without_state_or_code_names_what_is_missing(
    integrations: Integrations, record: Any
) -> None:
    with pytest.raises(InvalidInput) as no_state:
        integrations.complete_connect({"code": "good-code"})
    assert [e.field for e in no_state.value.errors] == ["state"]

    state = integrations.open(record.id).begin_connect().split("state=")[1]
    with pytest.raises(InvalidInput, match=r"code: is missing \(the channel said: access_denied\)"):
        integrations.complete_connect({"state": state, "error": "access_denied"})


def test_selecting_an_account_that_was_not_discovered_is_refused(connected: Integration) -> None:
    with pytest.raises(InvalidInput, match="'shop-9' is not one of \\['shop-1'\\]"):
        connected.select_account("shop-9")


def test_the_token_is_refreshed_through_the_connectors_hook(
    connected: Integration, channel: FakeChannel, clock: OffsetClock
) -> None:
    clock.advance(timedelta(hours=3, minutes=50))

    assert connected.check_connection().ok
    assert channel.calls["refresh_token"] == 1
    assert connected.access_token() == "access-2"


def test_a_revoked_refresh_token_marks_the_integration(
    connected: Integration, channel: FakeChannel, clock: OffsetClock
) -> None:
    channel.refresh_revoked = True
    clock.advance(timedelta(hours=4))

    with pytest.raises(ReauthorizationRequired, match="revoked") as raised:
        connected.access_token()

    assert raised.value.integration_id == connected.id
    assert connected.reauthorization().needs_reauthorization
    assert connected.status().reauthorization.reason == "the refresh token was revoked"
