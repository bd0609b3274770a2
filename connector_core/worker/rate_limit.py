"""A rate limit per channel app and shop, shared by every worker on every machine, kept in Redis.

Built on `limits` (its moving-window strategy on Redis storage: one atomic Lua script per call, so two
machines can never both take the last slot of a window). A hand-made token bucket would need the same
Lua and the same care about clocks; the library has both and is well kept, so it is used as is.

The connector names the bucket of each call (`rate_key`: TikTok passes the app and the shop); the first
part of the key is the connector id, which picks the rate (`rates`, e.g. ``{"tiktok_shop": "20/second"}``).
A connector without a rate is not limited here (its HTTP client still backs off on 429 answers).

When Redis cannot be reached the gate admits the call and logs it (at most once a minute): the limit is a
courtesy that keeps workers from fighting over 429s, and the HTTP layer still waits out any 429 it gets;
stopping every import because the limiter's store hiccuped would be the worse failure.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping

from limits import RateLimitItem, parse
from limits.errors import StorageError
from limits.storage import RedisStorage
from limits.strategies import MovingWindowRateLimiter

__all__ = ["MIN_WAIT", "SharedRateLimit", "parse_rates"]

log = logging.getLogger("connector_core.worker.rate_limit")

MIN_WAIT = 0.005
"""The shortest wait suggested: a window that frees a slot 'now' is asked again a moment later."""
_WARN_EVERY = 60.0


def parse_rates(text: str) -> dict[str, str]:
    """`"tiktok_shop=20/second, shopify=2/second"` -> a dict; raises ValueError naming the bad entry."""
    rates: dict[str, str] = {}
    for entry in (part.strip() for part in text.split(",")):
        if not entry:
            continue
        connector, sep, rate = entry.partition("=")
        if not sep or not connector.strip() or not rate.strip():
            raise ValueError(
                f"rate limit {entry!r}: write it as connector=N/second (e.g. tiktok_shop=20/second)"
            )
        try:
            parse(rate.strip())
        except ValueError:
            raise ValueError(
                f"rate limit {entry!r}: {rate.strip()!r} is not a rate; write N/second or N/minute"
            ) from None
        rates[connector.strip()] = rate.strip()
    return rates


class SharedRateLimit:
    """A `RateGate` (see `connector_core.rate_gate`) whose buckets live in Redis."""

    def __init__(
        self,
        redis_url: str,
        rates: Mapping[str, str],
        *,
        prefix: str = "channel-connectors:rate",
        socket_timeout: float = 2.0,
    ) -> None:
        self._items: dict[str, RateLimitItem] = {name: parse(rate) for name, rate in rates.items()}
        self._storage = RedisStorage(
            redis_url,
            key_prefix=prefix,
            wrap_exceptions=True,
            socket_timeout=socket_timeout,
            socket_connect_timeout=socket_timeout,
        )
        self._limiter = MovingWindowRateLimiter(self._storage)
        self._last_warning = 0.0

    def rate_for(self, key: str) -> RateLimitItem | None:
        return self._items.get(key.partition(":")[0])

    def admit(self, key: str) -> float:
        item = self.rate_for(key)
        if item is None:
            return 0.0
        try:
            if self._limiter.hit(item, key):
                return 0.0
            reset_at = self._limiter.get_window_stats(item, key).reset_time
        except StorageError as exc:
            self._warn(exc)
            return 0.0
        return max(reset_at - time.time(), MIN_WAIT)

    def _warn(self, exc: StorageError) -> None:
        now = time.monotonic()
        if now - self._last_warning >= _WARN_EVERY:
            self._last_warning = now
            log.warning(
                "the shared rate limit is unreachable (%s): calls go out unlimited; 429 answers are still "
                "waited out",
                type(exc.storage_error).__name__,
            )

    def reset(self) -> None:
        """Forget every bucket (tests and benchmarks start from empty windows)."""
        self._storage.reset()
