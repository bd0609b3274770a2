"""Redaction: secret parameters blanked by name, registered secret values scrubbed from any log record."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest

from connector_core.redaction import (
    REDACTED,
    SecretFilter,
    install_secret_filter,
    is_secret_name,
    protect_loggers,
    redact_mapping,
    redact_url,
    register_secret,
    register_secret_names,
    scrub,
)


@pytest.fixture
def logger() -> Iterator[tuple[logging.Logger, io.StringIO]]:
    """A private logger writing to a string through a handler with the secret filter."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    install_secret_filter(handler)
    log = logging.getLogger("tests.redaction")
    log.addHandler(handler)
    log.setLevel(logging.DEBUG)
    log.propagate = False
    yield log, stream
    log.removeHandler(handler)


def test_a_url_loses_its_secret_parameters() -> None:
    url = "https://api.example/orders?app_key=k&sign=abc&access_token=t0k&page=2"

    assert redact_url(url) == "https://api.example/orders?app_key=k&sign=***&access_token=***&page=2"
    assert redact_url(url, extra=["APP_KEY"]) == (
        "https://api.example/orders?app_key=***&sign=***&access_token=***&page=2"
    )


def test_a_url_without_a_query_is_unchanged() -> None:
    assert redact_url("https://api.example/orders") == "https://api.example/orders"


def test_a_mapping_loses_its_secret_keys_whatever_their_case() -> None:
    headers = {"Authorization": "Bearer x", "X-Channel-Token": "t", "Content-Type": "json"}

    assert redact_mapping(headers, extra=["x-channel-token"]) == {
        "Authorization": REDACTED,
        "X-Channel-Token": REDACTED,
        "Content-Type": "json",
    }
    assert redact_mapping({"shop_cipher": "c"}, extra=["shop_cipher"]) == {"shop_cipher": REDACTED}


def test_the_core_names_no_channel_specific_header() -> None:
    # TikTok's token header is the TikTok connector's business: its manifest lists it.
    assert not is_secret_name("x-tts-access-token")
    assert is_secret_name("x-tts-access-token", extra=["X-TTS-Access-Token"])


def test_an_echoed_header_or_json_field_loses_its_secret_value() -> None:
    register_secret_names(["x-channel-token"])
    echoed = (
        "bad request: headers X-Channel-Token: tok-echoed-1234, Authorization: Bearer abcdefgh; "
        'body {"access_token": "tok-in-json-5678"}; code: is missing'
    )

    cleaned = scrub(echoed)

    assert "tok-echoed-1234" not in cleaned and "abcdefgh" not in cleaned and "tok-in-json" not in cleaned
    assert "code: is missing" in cleaned  # short ordinary words stay readable


def test_secret_names() -> None:
    assert is_secret_name("App_Secret")
    assert is_secret_name("code")
    assert not is_secret_name("page_size")
    assert is_secret_name("shop_cipher", extra=["SHOP_CIPHER"])


def test_scrub_replaces_registered_values() -> None:
    register_secret("Scrub-Me-UNIQUE-6004")

    assert scrub("a Scrub-Me-UNIQUE-6004 b") == "a *** b"


def test_short_values_are_not_registered() -> None:
    register_secret("abc")
    register_secret(None)

    assert scrub("abc is a word") == "abc is a word"


def test_scrub_blanks_secret_query_parameters_in_any_text() -> None:
    register_secret_names(["shop_cipher"])
    line = '"GET /api/x?sign=deadbeef&shop_cipher=GCP_1&page_size=5 HTTP/1.1" 200'

    assert scrub(line) == '"GET /api/x?sign=***&shop_cipher=***&page_size=5 HTTP/1.1" 200'


def test_the_filter_scrubs_messages_built_from_arguments(logger: tuple[logging.Logger, io.StringIO]) -> None:
    log, stream = logger
    register_secret("Log-Secret-UNIQUE-7312")

    log.info("token %s for %s", "Log-Secret-UNIQUE-7312", "shop-1")

    assert stream.getvalue() == "token *** for shop-1\n"


def test_the_filter_scrubs_tracebacks(logger: tuple[logging.Logger, io.StringIO]) -> None:
    log, stream = logger
    register_secret("Trace-Secret-UNIQUE-8123")

    try:
        raise ValueError("bad Trace-Secret-UNIQUE-8123")
    except ValueError:
        log.exception("failed")

    assert "Trace-Secret-UNIQUE-8123" not in stream.getvalue()
    assert "failed" in stream.getvalue()


def test_the_filter_is_installed_once() -> None:
    handler = logging.StreamHandler(io.StringIO())

    install_secret_filter(handler)
    install_secret_filter(handler)

    assert sum(isinstance(f, SecretFilter) for f in handler.filters) == 1


def test_third_party_loggers_are_protected_once() -> None:
    protect_loggers(["tests.third_party"])
    protect_loggers(["tests.third_party"])

    assert sum(isinstance(f, SecretFilter) for f in logging.getLogger("tests.third_party").filters) == 1
