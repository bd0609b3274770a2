"""HttpClient against a real HTTP server on 127.0.0.1: retries where safe, Retry-After, redacted logs."""

from __future__ import annotations

import logging
import random
import socket
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

import pytest
import requests
from core_support import Reply, ScriptedServer

from connector_core import ChannelUnavailable, HttpClient, RetryPolicy
from connector_core.http import parse_retry_after

SECRET_QUERY = "access_token=tok-SECRET-123&sign=abcdef0123456789&shop_id=7"


@pytest.fixture
def client(sleeps: list[float]) -> HttpClient:
    http = HttpClient(
        "Test Channel",
        timeout=(2.0, 2.0),
        policy=RetryPolicy(attempts=4, base_delay=0.1, max_delay=1.0, max_retry_after=30.0),
        secret_parameters=("shop_id",),
        sleep=sleeps.append,
        rng=random.Random(7),
    )
    yield http
    http.close()


def get(url: str) -> Callable[[], requests.Request]:
    return lambda: requests.Request("GET", url)


def post(url: str, body: str = "{}") -> Callable[[], requests.Request]:
    return lambda: requests.Request("POST", url, data=body)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_a_plain_success_is_one_request(client: HttpClient, http_server: ScriptedServer) -> None:
    http_server.script("/ok", Reply(200, '{"data": 1}'))

    response = client.send(get(f"{http_server.url}/ok"), safe_to_repeat=True)

    assert response.json() == {"data": 1}
    assert client.stats.requests == 1
    assert client.stats.by_status == {200: 1}


def test_429_waits_as_long_as_retry_after_says(
    client: HttpClient, http_server: ScriptedServer, sleeps: list[float]
) -> None:
    http_server.script("/limited", Reply(429, headers={"Retry-After": "3"}), Reply(200))

    response = client.send(get(f"{http_server.url}/limited"), safe_to_repeat=True)

    assert response.status_code == 200
    assert sleeps == [3.0]
    assert len(http_server.requests_to("/limited")) == 2


def test_retry_after_is_capped_by_the_policy(
    client: HttpClient, http_server: ScriptedServer, sleeps: list[float]
) -> None:
    http_server.script("/limited", Reply(429, headers={"Retry-After": "3600"}), Reply(200))

    client.send(get(f"{http_server.url}/limited"), safe_to_repeat=True)

    assert sleeps == [30.0]


def test_503_then_200_is_retried_with_backoff(
    client: HttpClient, http_server: ScriptedServer, sleeps: list[float]
) -> None:
    http_server.script("/flaky", Reply(503), Reply(200))

    response = client.send(get(f"{http_server.url}/flaky"), safe_to_repeat=True)

    assert response.status_code == 200
    assert len(sleeps) == 1
    assert 0.05 <= sleeps[0] <= 0.1  # half to all of base_delay * 2**0
    assert client.stats.retries == 1
    assert client.stats.by_status == {503: 1, 200: 1}


def test_backoff_grows_and_a_persistent_failure_returns_the_last_answer(
    client: HttpClient, http_server: ScriptedServer, sleeps: list[float]
) -> None:
    http_server.script("/down", Reply(502, '{"code": "bad gateway"}'))

    response = client.send(get(f"{http_server.url}/down"), safe_to_repeat=True)

    assert response.status_code == 502  # returned, not raised: the connector reads the channel's body
    assert len(http_server.requests_to("/down")) == 4
    assert len(sleeps) == 3
    ceilings = [0.1, 0.2, 0.4]
    assert all(c / 2 <= s <= c for s, c in zip(sleeps, ceilings, strict=True))


def test_an_unsafe_post_is_not_retried_on_503(
    client: HttpClient, http_server: ScriptedServer, sleeps: list[float]
) -> None:
    http_server.script("/ship", Reply(503), Reply(200))

    response = client.send(post(f"{http_server.url}/ship"), safe_to_repeat=False)

    assert response.status_code == 503
    assert len(http_server.requests_to("/ship")) == 1
    assert sleeps == []


def test_an_unsafe_post_is_retried_on_429_because_nothing_was_applied(
    client: HttpClient, http_server: ScriptedServer, sleeps: list[float]
) -> None:
    http_server.script("/ship", Reply(429, headers={"Retry-After": "1"}), Reply(200))

    response = client.send(post(f"{http_server.url}/ship"), safe_to_repeat=False)

    assert response.status_code == 200
    assert sleeps == [1.0]


def test_a_safe_post_is_retried_and_prepared_afresh_each_attempt(
    client: HttpClient, http_server: ScriptedServer
) -> None:
    http_server.script("/search", Reply(504), Reply(200))
    prepared: list[int] = []

    def prepare() -> requests.Request:
        prepared.append(len(prepared))
        return requests.Request("POST", f"{http_server.url}/search?sign=s{len(prepared)}", data="{}")

    client.send(prepare, safe_to_repeat=True)

    assert prepared == [0, 1]
    assert [r.path for r in http_server.requests_to("/search")] == ["/search?sign=s1", "/search?sign=s2"]


def test_a_refused_connection_is_retried_then_reported_as_unavailable(
    client: HttpClient, sleeps: list[float]
) -> None:
    url = f"http://127.0.0.1:{free_port()}/orders?{SECRET_QUERY}"

    with pytest.raises(ChannelUnavailable) as raised:
        client.send(post(url), safe_to_repeat=False)  # never sent, so safe to repeat anyway

    assert len(sleeps) == 3
    text = str(raised.value)
    assert "Test Channel API returned ConnectionError" in text
    assert "could not be reached" in text
    assert "may or may not have been applied" not in text  # it never left the machine
    assert "tok-SECRET-123" not in text
    assert "abcdef0123456789" not in text
    assert client.stats.requests == 4


def test_a_read_timeout_on_an_unsafe_call_is_not_repeated_and_says_it_may_have_applied(
    http_server: ScriptedServer, sleeps: list[float]
) -> None:
    http_server.script("/ship", Reply(200, delay=1.0))
    impatient = HttpClient("Test Channel", timeout=(2.0, 0.2), sleep=sleeps.append)

    with pytest.raises(ChannelUnavailable, match="may or may not have been applied"):
        impatient.send(post(f"{http_server.url}/ship"), safe_to_repeat=False)

    assert sleeps == []
    assert len(http_server.requests_to("/ship")) == 1
    impatient.close()


def test_debug_logs_show_the_url_with_secrets_redacted(
    client: HttpClient, http_server: ScriptedServer, caplog: pytest.LogCaptureFixture
) -> None:
    http_server.script("/orders", Reply(503), Reply(200))

    with caplog.at_level(logging.DEBUG, logger="connector_core.http"):
        client.send(get(f"{http_server.url}/orders?{SECRET_QUERY}"), safe_to_repeat=True)

    lines = [r.getMessage() for r in caplog.records]
    assert any("GET" in line and "/orders?" in line and "-> 200" in line for line in lines), lines
    assert any("HTTP 503, retry in" in line for line in lines), lines
    for line in lines:
        assert "tok-SECRET-123" not in line
        assert "abcdef0123456789" not in line
        assert "sign=***" in line
        assert "access_token=***" in line
        assert "shop_id=***" in line  # the connector's own secret parameter


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, None),
        ("", None),
        ("7", 7.0),
        (" 12 ", 12.0),
        ("soon", None),
    ],
)
def test_retry_after_in_seconds(header: str | None, expected: float | None) -> None:
    assert parse_retry_after(header) == expected


def test_retry_after_as_an_http_date() -> None:
    now = datetime(2026, 1, 1, 12, 0, tzinfo=timezone.utc)

    assert (
        parse_retry_after(format_datetime(now + timedelta(seconds=90), usegmt=True), now.timestamp()) == 90.0
    )
    assert (
        parse_retry_after(format_datetime(now - timedelta(seconds=90), usegmt=True), now.timestamp()) == 0.0
    )


def test_backoff_is_jittered_between_half_and_the_full_ceiling() -> None:
    policy = RetryPolicy(base_delay=1.0, max_delay=5.0)
    rng = random.Random(1)

    for attempt, ceiling in [(0, 1.0), (1, 2.0), (2, 4.0), (3, 5.0), (10, 5.0)]:
        delays = [policy.backoff(attempt, rng) for _ in range(50)]
        assert all(ceiling / 2 <= d <= ceiling for d in delays)
