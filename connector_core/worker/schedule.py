"""The pull schedule: which shops a beat tick enqueues, and when each shop is due again.

A tick reads due shops through the store's index on `next_pull_at` (`due_shops`), in batches, and opens or
decrypts nothing: its cost is the work due, not the number of connections. Each shop it enqueues is
claimed first (its `next_pull_at` moved one interval on), so an overlapping tick or a second beat does not
enqueue it again. The pull task then sets the real next time: one interval plus jitter after a success
(100,000 shops do not all fire at once), an exponential backoff after a failure, never again for a shop
that left the authorization.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime, timedelta

from ..store import Store
from ..store.platform_records import DueShop

TICK_BATCH = 500
"""Due shops read per index query."""
MAX_PER_TICK = 20_000
"""At most this many pulls are enqueued by one tick; the rest stay due for the next (oldest first)."""
JITTER = 0.1
"""A success schedules the next pull one interval later plus up to this fraction of it, at random."""
MAX_BACKOFF = timedelta(hours=6)
INTERVAL_SETTING = "pull_interval"
"""The older place of an interval: seconds in a shop's settings overrides (or the connection's settings, where
its schema has the field). Still read, after the core's own setting (`ShopRecord.pull_interval`)."""


def interval_for(settings: dict[str, object], default: float, configured: int | None = None) -> timedelta:
    """`configured` (the shop's, else its connection's core pull interval) if set, else `pull_interval` in
    the settings, else the worker's default."""
    if configured is not None and configured > 0:
        return timedelta(seconds=configured)
    value = settings.get(INTERVAL_SETTING)
    seconds = (
        float(value)
        if isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0
        else default
    )
    return timedelta(seconds=seconds)


def after_success(interval: timedelta, now: datetime) -> datetime:
    return now + interval + interval * random.uniform(0, JITTER)


def after_failure(interval: timedelta, now: datetime, failures: int) -> datetime:
    """Exponential in the failures since the last success, capped, with jitter so failing shops spread."""
    backoff: timedelta = min(interval * (2 ** min(failures, 16)), MAX_BACKOFF)
    return now + backoff * random.uniform(1.0, 1.0 + JITTER)


def tick(store: Store, now: datetime, interval: timedelta, enqueue: Callable[[DueShop], None]) -> int:
    """Enqueue every due shop (oldest first, at most MAX_PER_TICK); returns how many."""
    sent = 0
    while sent < MAX_PER_TICK:
        due = store.due_shops(now, min(TICK_BATCH, MAX_PER_TICK - sent))
        for shop in due:
            # Claimed before it is enqueued: a lost message costs one interval, never a double pull.
            store.schedule_shop(
                shop.integration_id,
                shop.shop_id,
                now + interval,
                failures=shop.failures,
                last_error=shop.last_error,
            )
            enqueue(shop)
        sent += len(due)
        if len(due) < TICK_BATCH:
            break
    return sent
