"""A value per key, remembered for a while: what the HTTP client looks up per host once a minute rather
than per call (the proxies for a host, whether a ``.netrc`` file names it)."""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

V = TypeVar("V")


class TimedCache(Generic[V]):
    """`get(key, compute)` answers `compute()` for a key and keeps it `seconds`; past `limit` keys the cache
    starts again empty (the keys are hosts: a process that talks to more is not worth a real eviction)."""

    def __init__(self, seconds: float, limit: int = 1024) -> None:
        self.seconds, self.limit = seconds, limit
        self._kept: dict[Hashable, tuple[float, V]] = {}

    def get(self, key: Hashable, compute: Callable[[], V]) -> V:
        now = time.monotonic()
        kept = self._kept.get(key)
        if kept is not None and now - kept[0] < self.seconds:
            return kept[1]
        value = compute()
        if len(self._kept) > self.limit:
            self._kept.clear()
        self._kept[key] = (now, value)
        return value
