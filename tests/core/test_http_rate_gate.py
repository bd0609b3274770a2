"""The HTTP client asks its shared rate gate before every attempt, and waits within the call's bound."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

import pytest
import requests
from core_support import Reply, ScriptedServer

from connector_core import HttpClient, RateGate, RateLimited, RetryPolicy


@dataclass
class ScriptedGate:
    """Answers the waits it was given, one per question, then admits; records the buckets asked."""

    waits: list[float] = field(default_factory=list)
    asked: list[str] = field(default_factory=list)

    def admit(self, key: str) -> float:
        self.asked.append(key)
        return self.waits.pop(0) if self.waits else 0.0


def client(gate: RateGate, sleeps: list[float], max_rate_limit_wait: float = 120.0) -> HttpClient:
    return HttpClient(
        "Test Channel",
        policy=RetryPolicy(attempts=3, base_delay=0.1, max_delay=1.0),
        sleep=sleeps.append,
        rng=random.Random(3),
        rate_gate=gate,
        max_rate_limit_wait=max_rate_limit_wait,
    )


def test_a_full_bucket_is_waited_out_before_the_call(
    sleeps: list[float], http_server: ScriptedServer
) -> None:
    http_server.script("/ok", Reply(200, "{}"))
    gate = ScriptedGate(waits=[0.3, 0.2])

    response = client(gate, sleeps).send(
        lambda: requests.Request("GET", f"{http_server.url}/ok"), safe_to_repeat=True, rate_key="app:shop-1"
    )

    assert response.status_code == 200
    assert sleeps == [0.3, 0.2]
    assert gate.asked == ["app:shop-1"] * 3


def test_every_retry_is_counted_against_the_bucket(sleeps: list[float], http_server: ScriptedServer) -> None:
    http_server.script("/flaky", Reply(503, "{}"), Reply(200, "{}"))
    gate = ScriptedGate()

    client(gate, sleeps).send(
        lambda: requests.Request("GET", f"{http_server.url}/flaky"),
        safe_to_repeat=True,
        rate_key="app:shop-1",
    )

    assert gate.asked == ["app:shop-1", "app:shop-1"]


def test_a_bucket_that_stays_full_ends_the_call_within_its_bound(
    sleeps: list[float], http_server: ScriptedServer
) -> None:
    http_server.script("/ok", Reply(200, "{}"))
    gate = ScriptedGate(waits=[1.0] * 100)

    with pytest.raises(RateLimited, match="still rate limited"):
        client(gate, sleeps, max_rate_limit_wait=3.5).send(
            lambda: requests.Request("GET", f"{http_server.url}/ok"), safe_to_repeat=True, rate_key="app:s"
        )
    assert sum(sleeps) <= 3.5
    assert http_server.requests_to("/ok") == []  # nothing was sent


def test_a_call_naming_no_bucket_does_not_ask_the_gate(
    sleeps: list[float], http_server: ScriptedServer
) -> None:
    http_server.script("/ok", Reply(200, "{}"))
    gate = ScriptedGate(waits=[5.0])

    client(gate, sleeps).send(lambda: requests.Request("GET", f"{http_server.url}/ok"), safe_to_repeat=True)

    assert gate.asked == [] and sleeps == []
