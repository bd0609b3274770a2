"""The error tree: one base, and every message says what happened and what to do."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from connector_core import (
    AccessTokenExpired,
    CallDeadlineExceeded,
    CapabilityNotSupported,
    ChannelError,
    ChannelUnavailable,
    ConnectorError,
    ConnectorLoadError,
    FieldError,
    InconsistentAnswer,
    InvalidInput,
    ItemRejected,
    OAuthStateError,
    PermissionDenied,
    RateLimited,
    ReauthorizationRequired,
    RefreshTokenRejected,
    ResponseTooLarge,
    ShipmentNotAllowed,
    SignatureInvalid,
    UnknownConnector,
    UnknownIntegration,
    UnsafeHeader,
)


@pytest.mark.parametrize(
    "error_type",
    [
        AccessTokenExpired,
        CapabilityNotSupported,
        ChannelError,
        ChannelUnavailable,
        ConnectorLoadError,
        InvalidInput,
        ItemRejected,
        OAuthStateError,
        PermissionDenied,
        RateLimited,
        ReauthorizationRequired,
        ShipmentNotAllowed,
        SignatureInvalid,
        UnknownConnector,
        UnknownIntegration,
        CallDeadlineExceeded,
        InconsistentAnswer,
        RefreshTokenRejected,
        ResponseTooLarge,
        UnsafeHeader,
    ],
)
def test_every_error_is_a_connector_error(error_type: type[Exception]) -> None:
    assert issubclass(error_type, ConnectorError)


def test_a_channel_error_keeps_code_message_and_request_id() -> None:
    error = AccessTokenExpired(
        "TikTok", 105002, "access token expired", request_id="2026REQ", http_status=401
    )

    assert error.code == 105002
    assert error.channel_message == "access token expired"
    assert error.request_id == "2026REQ"
    assert error.http_status == 401
    assert str(error) == (
        "TikTok API returned 105002 (HTTP 401): access token expired [request_id 2026REQ]; "
        "refreshing the access token and retrying once"
    )


@pytest.mark.parametrize(
    ("error_type", "advice"),
    [
        (ChannelError, "see the channel's error code documentation"),
        (SignatureInvalid, "check the app secret and that the machine clock is correct"),
        (PermissionDenied, "enable the API's scope package"),
        (ChannelUnavailable, "try again later"),
        (ItemRejected, "fix this item and send it again"),
        (CallDeadlineExceeded, "try again later"),
        (ResponseTooLarge, "nothing was taken from it"),
        (InconsistentAnswer, "nothing was marked done, try again later"),
    ],
)
def test_each_channel_error_says_what_to_do(error_type: type[ChannelError], advice: str) -> None:
    assert advice in str(error_type("Shop", "E1", "nope"))


def test_an_explicit_hint_replaces_the_default() -> None:
    error = ChannelError("Shop", 1, "nope", hint="call the channel's support")

    assert str(error) == "Shop API returned 1: nope; call the channel's support"
    assert ChannelError.hint == "see the channel's error code documentation"


def test_rate_limited_carries_its_wait() -> None:
    error = RateLimited("Shop", 429, "slow down", retry_after=2.5, http_status=429)

    assert error.retry_after == 2.5
    assert "backing off and retrying" in str(error)


def test_reauthorization_names_the_integration_the_deadline_and_the_command() -> None:
    deadline = datetime(2026, 5, 1, 8, 30, tzinfo=timezone.utc)

    error = ReauthorizationRequired("tiktok_shop-1a2b", "refresh token expired", deadline, code=105003)

    assert error.integration_id == "tiktok_shop-1a2b"
    assert error.deadline == deadline
    assert error.code == 105003
    assert str(error) == (
        "re-authorize integration 'tiktok_shop-1a2b': refresh token expired "
        "(authorization ended 2026-05-01 08:30 UTC); run `channel-connectors connect tiktok_shop-1a2b`"
    )


def test_invalid_input_lists_every_field() -> None:
    error = InvalidInput("credentials", [FieldError("app_key", "is required"), FieldError("", "too many")])

    assert str(error) == "invalid credentials: app_key: is required; (form): too many"
    assert [e.field for e in error.errors] == ["app_key", ""]


def test_load_and_lookup_errors_name_the_connector() -> None:
    assert (
        str(ConnectorLoadError("shopify", "import failed"))
        == "connector 'shopify' could not be loaded: import failed"
    )
    assert str(UnknownConnector("x", ["b", "a"])) == "no connector named 'x' is loaded (loaded: a, b)"
    assert str(UnknownConnector("x", [])).endswith("(loaded: none)")
    assert "'stock' capability" in str(CapabilityNotSupported("tiktok_shop", "stock"))
    assert UnknownIntegration("i-1").integration_id == "i-1"


def test_an_error_built_from_a_secret_bearing_text_never_holds_the_secret() -> None:
    error = ConnectorError("call failed: GET https://api.example/x?access_token=tok-0123456789&page=2")

    assert "tok-0123456789" not in str(error)
    assert "page=2" in str(error)


def test_a_retryable_inconsistent_answer_is_a_channel_error_with_its_endpoint() -> None:
    error = InconsistentAnswer(
        "Shop", "inconsistent_page", "/orders/search: repeated next_page_token", http_status=200
    )

    assert isinstance(error, ChannelError)
    assert "/orders/search: repeated next_page_token" in str(error) and "(HTTP 200)" in str(error)


def test_an_unsafe_header_names_the_header_only() -> None:
    error = UnsafeHeader("Shop", "x-token")

    assert "'x-token'" in str(error) and "value is not shown" in str(error)
