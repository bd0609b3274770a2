"""The HTTP client's limits against a hostile server: an overall deadline, a size cap, a bounded rate-limit
wait, and no secret in any error text. Bounds come from the configured limits, never from timing asserts."""

from __future__ import annotations

import time
import tracemalloc
from collections.abc import Callable

import pytest
import requests
from hostile_channel import MB, HostileChannel, hostile

from connector_core import (
    CallDeadlineExceeded,
    ChannelError,
    HttpClient,
    RateLimited,
    ResponseTooLarge,
    RetryPolicy,
    UnsafeHeader,
)

SEARCH = "/order/202309/orders/search"


def client(sleeps: list[float] | None = None, **limits: float) -> HttpClient:
    return HttpClient(
        "Hostile",
        timeout=(2.0, 5.0),
        policy=RetryPolicy(attempts=50, base_delay=0.01, max_delay=0.05, max_retry_after=60.0),
        sleep=(sleeps.append if sleeps is not None else lambda _: None),
        **limits,  # type: ignore[arg-type]
    )


def search(channel: HostileChannel) -> Callable[[], requests.Request]:
    return lambda: requests.Request("POST", f"{channel.url}{SEARCH}", data=b"{}")


def test_a_body_trickling_one_byte_at_a_time_ends_at_the_deadline() -> None:
    with hostile("trickle", trickle_interval=0.2) as channel:
        http = client(deadline=1.0)

        with pytest.raises(CallDeadlineExceeded, match="1s deadline"):
            http.send(search(channel), safe_to_repeat=True)

        assert channel.searches() == 1  # a call past its deadline is not tried again
        assert not channel.trickle_ran_out  # the client hung up first, the server did not run out


def test_a_status_line_and_headers_trickling_one_byte_at_a_time_end_at_the_deadline() -> None:
    with hostile("trickle_headers", trickle_interval=0.2) as channel:
        http = client(deadline=1.0)  # each byte arrives well within the 5 s read timeout

        with pytest.raises(CallDeadlineExceeded, match="1s deadline"):
            http.send(search(channel), safe_to_repeat=True)

        assert not channel.trickle_ran_out  # the client hung up first, the server did not run out


def test_a_connection_reused_after_a_call_is_sound() -> None:
    with hostile("healthy") as channel:
        http = client(deadline=0.5)
        for _ in range(3):  # each call's watchdog is disarmed when the call ends
            assert http.send(search(channel), safe_to_repeat=True).status_code == 200
        time.sleep(0.6)  # past the first calls' deadlines: no stray watchdog shuts the pooled socket
        assert http.send(search(channel), safe_to_repeat=False).status_code == 200
        assert http.stats.requests == 4


def test_a_huge_body_without_a_length_is_cut_at_the_cap_and_never_held() -> None:
    with hostile("huge", huge_bytes=400 * MB) as channel:
        http = client(max_response_bytes=2 * MB)
        tracemalloc.start()
        try:
            with pytest.raises(ResponseTooLarge, match="2,097,152-byte cap"):
                http.send(search(channel), safe_to_repeat=True)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()

    assert peak < 16 * MB  # the cap plus buffers, not the 400 MB on offer


def test_a_declared_length_over_the_cap_is_refused_before_reading() -> None:
    with hostile("huge_declared", huge_bytes=400 * MB) as channel:
        http = client(max_response_bytes=MB)

        with pytest.raises(ResponseTooLarge, match="declared 419,430,400 bytes"):
            http.send(search(channel), safe_to_repeat=True)


def test_endless_429_with_a_long_retry_after_waits_at_most_the_bound_then_says_when_to_retry() -> None:
    sleeps: list[float] = []
    with hostile("endless_429") as channel:
        http = client(sleeps, max_rate_limit_wait=150.0)

        with pytest.raises(RateLimited) as raised:
            http.send(search(channel), safe_to_repeat=True)

    assert sum(sleeps) <= 150.0
    assert sleeps == [60.0, 60.0]  # Retry-After 1800 capped per wait; a third wait would pass the bound
    assert raised.value.retry_after == 1800.0
    assert "retry after" in str(raised.value) and "UTC" in str(raised.value)


def test_a_header_value_with_a_line_break_is_refused_naming_the_header_not_the_value() -> None:
    token = "ROW_token-value-with-newline-0001"
    with hostile("healthy") as channel:
        http = client()

        def prepare() -> requests.Request:
            return requests.Request(
                "GET", f"{channel.url}{SEARCH}", headers={"x-tts-access-token": token + "\n"}
            )

        with pytest.raises(UnsafeHeader, match="x-tts-access-token") as raised:
            http.send(prepare, safe_to_repeat=True)

        assert token not in str(raised.value)
        assert channel.searches() == 0  # nothing was sent


def test_an_error_text_is_scrubbed_before_the_exception_exists() -> None:
    HttpClient("Hostile", secret_parameters=["x-tts-access-token"])  # registers the channel's secret names
    echoed = "bad request /orders?app_key=k1&sign=0123456789abcdef headers x-tts-access-token: ROW_abcdef123"

    error = ChannelError("Hostile", 36009001, echoed)

    assert "0123456789abcdef" not in str(error) and "ROW_abcdef123" not in str(error)
    assert "0123456789abcdef" not in error.channel_message
    assert "sign=***" in str(error)
