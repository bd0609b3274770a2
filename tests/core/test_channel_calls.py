"""The core's channel call loop, with a connector's `send` reduced to a script of answers: refresh once on an
expired token, wait out rate limits within one bound, ask a safe call again after an inconsistent answer,
and never repeat an unsafe one."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from connector_core import (
    AccessTokenExpired,
    ConnectorContext,
    InconsistentAnswer,
    RateLimited,
)
from connector_core.channel_calls import call_channel
from connector_core.http import CallBudget, HttpClient


class Tokens:
    """Stands in for the token manager: hands out a token and counts refreshes."""

    def __init__(self) -> None:
        self.current = "t1"
        self.refreshes = 0

    def access_token(self) -> str:
        return self.current

    def refresh_after_rejection(self, rejected: str) -> str:
        self.refreshes += 1
        self.current = f"t{self.refreshes + 1}"
        return self.current


def scripted(*answers: Any) -> tuple[list[str], Any]:
    """A `send` that raises or returns each scripted answer in turn, recording the token it was given."""
    tokens_seen: list[str] = []
    script: Iterator[Any] = iter(answers)

    def send(token: str, budget: CallBudget) -> Any:
        tokens_seen.append(token)
        answer = next(script)
        if isinstance(answer, BaseException):
            raise answer
        return answer

    return tokens_seen, send


@pytest.fixture
def ctx(bare_context: ConnectorContext, sleeps: list[float]) -> ConnectorContext:
    bare_context.tokens = Tokens()  # type: ignore[assignment]
    bare_context.http = HttpClient("Fake Channel", sleep=sleeps.append, max_rate_limit_wait=10)
    return bare_context


def expired() -> AccessTokenExpired:
    return AccessTokenExpired("Fake Channel", 401, "token expired")


def test_an_expired_token_is_refreshed_once_and_the_call_asked_again(ctx: ConnectorContext) -> None:
    seen, send = scripted(expired(), {"ok": 1})

    assert call_channel(ctx, send, what="GET /orders", safe_to_repeat=True) == {"ok": 1}
    assert seen == ["t1", "t2"] and ctx.tokens.refreshes == 1  # type: ignore[union-attr]


def test_a_second_expired_token_answer_is_raised_not_refreshed_again(ctx: ConnectorContext) -> None:
    _, send = scripted(expired(), expired())

    with pytest.raises(AccessTokenExpired):
        call_channel(ctx, send, what="GET /orders", safe_to_repeat=True)
    assert ctx.tokens.refreshes == 1  # type: ignore[union-attr]


def test_rate_limits_are_waited_out_within_the_calls_one_bound(
    ctx: ConnectorContext, sleeps: list[float]
) -> None:
    slow_down = RateLimited("Fake Channel", 429, "slow down", retry_after=4)
    _, send = scripted(slow_down, slow_down, {"ok": 1})
    assert call_channel(ctx, send, what="GET /orders", safe_to_repeat=True) == {"ok": 1}
    assert sleeps == [4, 4]

    _, send = scripted(slow_down, slow_down, slow_down)  # 12 s of waiting asked for, 10 allowed
    with pytest.raises(RateLimited):
        call_channel(ctx, send, what="GET /orders", safe_to_repeat=True)


def test_an_inconsistent_answer_is_asked_again_only_when_the_call_is_safe_to_repeat(
    ctx: ConnectorContext,
) -> None:
    garbled = InconsistentAnswer("Fake Channel", 0, "code 0 without data")
    seen, send = scripted(garbled, {"ok": 1})
    assert call_channel(ctx, send, what="POST /orders/search", safe_to_repeat=True) == {"ok": 1}
    assert len(seen) == 2

    seen, send = scripted(garbled, {"shipped": True})
    with pytest.raises(InconsistentAnswer, match="may or may not have been applied"):
        call_channel(ctx, send, what="POST /orders/o1/ship", safe_to_repeat=False)
    assert len(seen) == 1, "an unsafe call was sent twice"


def test_the_connectors_check_of_an_answer_counts_as_an_inconsistent_answer(ctx: ConnectorContext) -> None:
    seen, send = scripted({"page": None}, {"page": 1})

    def has_page(answer: dict[str, Any]) -> None:
        if answer["page"] is None:
            raise InconsistentAnswer("Fake Channel", 0, "a page without data")

    assert call_channel(ctx, send, what="GET /orders", safe_to_repeat=True, check=has_page) == {"page": 1}
    assert len(seen) == 2
