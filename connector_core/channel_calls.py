"""The channel call loop every connector needs, owned by the core: one logical call to a channel's API.

A connector supplies `send(token, budget)`: build and sign one request, send it through `ctx.http`
with `budget`, read the answer, and raise the core's errors for what the channel's codes mean
(`AccessTokenExpired`, `RateLimited`, `InconsistentAnswer`, ...). `call_channel` does the rest, the same
way for every channel:

- an expired-token answer: refresh once (`ctx.refresh_access_token`, which refreshes at most once across
  processes) and ask again; a second one is raised;
- a rate-limit answer: wait (the channel's `Retry-After`, else a jittered backoff), a bounded number of
  times, booked on the call's one rate-limit bound (`HttpClient.spend_rate_limit_wait` raises when spent);
- an inconsistent answer (code 0 without data, a truncated body): a call that is safe to repeat is asked
  again a few times within the deadline; one that is not is raised as "may or may not have been applied",
  never repeated.

One deadline and one rate-limit bound (`HttpClient.budget()`) cover the whole loop.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from typing import TypeVar

from .context import ConnectorContext
from .errors import AccessTokenExpired, InconsistentAnswer, RateLimited
from .http import RATE_LIMIT_WAIT_SPENT, CallBudget

log = logging.getLogger("connector_core.channel_calls")

T = TypeVar("T")
MAX_RATE_LIMIT_WAITS = 6
INCONSISTENT_RETRIES = 3
MAX_RATE_LIMIT_DELAY = 30.0
MAYBE_APPLIED_HINT = (
    "the answer could not be read, so the call may or may not have been applied: check on the channel "
    "before sending it again"
)

Send = Callable[[str, CallBudget], T]
"""(access token, budget) -> the answer read: one request, the connector's part."""


def maybe_applied(exc: InconsistentAnswer, hint: str = MAYBE_APPLIED_HINT) -> InconsistentAnswer:
    """The same error for a call that must not be repeated: its text says it may have been applied."""
    return InconsistentAnswer(
        exc.channel, exc.code, exc.channel_message, exc.request_id, exc.http_status, hint
    )


def call_channel(
    ctx: ConnectorContext,
    send: Send[T],
    *,
    what: str,
    safe_to_repeat: bool,
    check: Callable[[T], None] | None = None,
    max_rate_limit_waits: int = MAX_RATE_LIMIT_WAITS,
    inconsistent_retries: int = INCONSISTENT_RETRIES,
    maybe_applied_hint: str = MAYBE_APPLIED_HINT,
) -> T:
    """One logical call (see the module docstring). `check` may raise `InconsistentAnswer` for an answer
    the connector cannot believe (it is then handled like one `send` raised). `what` names the call in
    messages ("POST /order/202309/orders/search")."""
    http = ctx.http
    budget = http.budget()
    token = ctx.access_token()
    refreshed = False
    waits = 0
    inconsistent = 0
    while True:
        try:
            answer = send(token, budget)
            if check is not None:
                check(answer)
            return answer
        except AccessTokenExpired:
            if refreshed:
                raise
            log.info("%s: the channel said the access token expired; refreshing once and asking again", what)
            token = ctx.refresh_access_token(token)
            refreshed = True
        except RateLimited as exc:
            # The HTTP layer already backed off; a long burst still gets a few more, slower tries, within
            # the same bound on waiting (which raises when it is spent).
            waits += 1
            if waits > max_rate_limit_waits or exc.code == RATE_LIMIT_WAIT_SPENT:
                raise  # too many, or the HTTP layer's own verdict: its bound is spent
            delay = min(exc.retry_after or 0.5 * 2**waits * random.uniform(0.5, 1), MAX_RATE_LIMIT_DELAY)
            http.spend_rate_limit_wait(budget, delay, exc.retry_after, what)
            http.pause(delay)
        except InconsistentAnswer as exc:
            if not safe_to_repeat:
                raise maybe_applied(exc, maybe_applied_hint) from None
            inconsistent += 1
            if inconsistent > inconsistent_retries:
                raise
            delay = 0.2 * 2**inconsistent * random.uniform(0.5, 1)
            if delay >= budget.remaining():
                raise
            log.warning(
                "%s (asking again, %d of %d)", exc.channel_message, inconsistent, inconsistent_retries
            )
            http.pause(delay)
