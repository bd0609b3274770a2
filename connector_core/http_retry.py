"""When the HTTP layer tries again, and after how long: the statuses worth retrying, the backoff with
jitter, the channel's own Retry-After, and the failures after which the request surely never left the
machine (so repeating it cannot apply a change twice, whatever the caller said)."""

from __future__ import annotations

import email.utils
import random
from dataclasses import dataclass
from datetime import datetime, timezone

import requests

RETRY_STATUSES: frozenset[int] = frozenset({429, 500, 502, 503, 504})
RATE_WINDOW = 1.0
"""Seconds a rate limit is most often counted over: a refused request is retried when the window that
filled up has moved on, not on an outage's exponential schedule."""


@dataclass(frozen=True)
class RetryPolicy:
    """How hard to try. Delays grow as base * 2**attempt with full jitter, capped, unless Retry-After says."""

    attempts: int = 5
    base_delay: float = 0.25
    max_delay: float = 20.0
    max_retry_after: float = 60.0
    statuses: frozenset[int] = RETRY_STATUSES
    refused_statuses: frozenset[int] = frozenset({429})
    """Answers meaning the server turned the request away unprocessed: retried even when unsafe to repeat."""

    def backoff(self, attempt: int, rng: random.Random) -> float:
        ceiling = min(self.max_delay, self.base_delay * (2**attempt))
        return rng.uniform(ceiling / 2, ceiling)


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header: delta-seconds or an HTTP date; None if absent or garbled."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    current = now if now is not None else datetime.now(timezone.utc).timestamp()
    return max(0.0, when.timestamp() - current)


_NEVER_SENT = (requests.exceptions.ConnectTimeout,)


def never_sent(exc: requests.exceptions.RequestException) -> bool:
    """True when the request surely did not reach the server, so repeating it cannot double-apply."""
    if isinstance(exc, _NEVER_SENT):
        return True
    if isinstance(exc, requests.exceptions.ConnectionError):
        text = str(exc)
        return "Connection refused" in text or "NewConnectionError" in text
    return False
