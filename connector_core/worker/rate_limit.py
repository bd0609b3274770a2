"""Rate budgets per channel app, shop and endpoint, shared by every worker on every machine, kept in Redis.

Built on `limits` (its moving-window strategy on Redis storage: one atomic Lua script per call, so two
machines can never both take the last slot of a window). A hand-made token bucket would need the same
Lua and the same care about clocks; the library has both and is well kept, so it is used as is.

The connector names the bucket of each call: ``connector:app:shop[:endpoint]`` (TikTok passes a hash of
the app key, the shop and the API path; a call that is not a shop's uses ``app`` as its shop). The
settings (`parse_rates`, one comma-separated text) give each connector its budgets:

- ``tiktok_shop=50/second``: every (app, shop, endpoint) bucket (TikTok documents 50 per API per app and
  shop; reference: docs/tiktok_shop/reference.md#rate-limits);
- ``tiktok_shop/order/202309/orders/search=10/second``: one endpoint's budget instead of that;
- ``tiktok_shop.shop=100/second``: every (app, shop) across its endpoints;
- ``tiktok_shop.app=500/second``: an app-wide ceiling across every shop (TikTok documents none; for hosts
  whose app was given one);
- ``tiktok_shop=sandbox``: the sandbox profile, 1,000 calls per hour per (app, shop).

A call takes one slot from each bucket that has a budget, the narrowest first, and waits when any is full.
A connector without a budget is not limited here (its HTTP client still backs off on 429 answers).

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


SANDBOX = {"shop": "1000/hour"}
"""TikTok's sandbox shops: 1,000 calls per hour (the counting key is not stated; per app and shop here)."""
_SCOPES = ("shop", "app")


def parse_rates(text: str) -> dict[str, str]:
    """`"tiktok_shop=50/second, tiktok_shop.app=500/second"` -> a dict of budget name -> rate; raises
    ValueError naming the bad entry. `connector=sandbox` expands to the sandbox profile."""
    rates: dict[str, str] = {}
    for entry in (part.strip() for part in text.split(",")):
        if not entry:
            continue
        name, sep, rate = (piece.strip() for piece in entry.partition("="))
        if not sep or not name or not rate:
            raise ValueError(
                f"rate limit {entry!r}: write it as connector=N/second (e.g. tiktok_shop=50/second)"
            )
        connector, dot, scope = name.partition(".")
        if dot and scope not in _SCOPES:
            raise ValueError(
                f"rate limit {entry!r}: {scope!r} is not a scope; write {connector}.shop or .app"
            )
        if rate.lower() == "sandbox":
            if dot or "/" in name:
                raise ValueError(f"rate limit {entry!r}: the sandbox profile is set per connector")
            rates.update({f"{name}.{scope_}": value for scope_, value in SANDBOX.items()})
            continue
        try:
            parse(rate)
        except ValueError:
            raise ValueError(
                f"rate limit {entry!r}: {rate!r} is not a rate; write N/second, N/minute or N/hour"
            ) from None
        rates[name] = rate
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

    def buckets(self, key: str) -> list[tuple[RateLimitItem, str]]:
        """The (budget, bucket) pairs a call with this key counts against, the narrowest first."""
        connector, _, rest = key.partition(":")
        app, _, rest = rest.partition(":")
        shop, _, endpoint = rest.partition(":")
        items = self._items
        found: list[tuple[RateLimitItem, str]] = []
        per_call = items.get(f"{connector}{endpoint}") if endpoint else None
        per_call = per_call or items.get(connector)
        if per_call is not None:
            found.append((per_call, key))
        if (item := items.get(f"{connector}.shop")) is not None:
            found.append((item, f"{connector}:{app}:{shop}:*"))
        if (item := items.get(f"{connector}.app")) is not None:
            found.append((item, f"{connector}:{app}:*"))
        return found

    def rate_for(self, key: str) -> RateLimitItem | None:
        """The narrowest budget a call with this key counts against, if any."""
        found = self.buckets(key)
        return found[0][0] if found else None

    def admit(self, key: str) -> float:
        buckets = self.buckets(key)
        try:
            # With several budgets, a full one must not cost a slot of the others on every retry: look
            # first, then take (two workers may both pass the look; the take is still atomic per bucket).
            for item, bucket in buckets if len(buckets) > 1 else ():
                if not self._limiter.test(item, bucket):
                    return self._wait(item, bucket)
            for item, bucket in buckets:
                if not self._limiter.hit(item, bucket):
                    return self._wait(item, bucket)
        except StorageError as exc:
            self._warn(exc)
        return 0.0

    def _wait(self, item: RateLimitItem, bucket: str) -> float:
        reset_at = self._limiter.get_window_stats(item, bucket).reset_time
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
