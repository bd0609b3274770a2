"""A clock that stands still until told to move: what makes a recorded flow replay byte for byte.

A connector signs requests and sizes order windows with `ctx.clock`; with a `FixedClock` at the instant
the cassette was recorded, every request a replay makes is the request the recording made.
"""

from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone


class FixedClock:
    """`now()` is always the same instant, until `advance()` or `set()` moves it."""

    def __init__(self, instant: datetime | int | float) -> None:
        self._lock = threading.Lock()
        self._now = _aware(instant)

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def advance(self, delta: timedelta | float) -> datetime:
        """Move forward (or back, with a negative delta); returns the new instant."""
        step = delta if isinstance(delta, timedelta) else timedelta(seconds=float(delta))
        with self._lock:
            self._now += step
            return self._now

    def set(self, instant: datetime | int | float) -> None:
        with self._lock:
            self._now = _aware(instant)

    def __repr__(self) -> str:
        return f"FixedClock({self.now().isoformat()})"


def _aware(instant: datetime | int | float) -> datetime:
    if isinstance(instant, datetime):
        if instant.tzinfo is None:
            raise ValueError("FixedClock needs a timezone-aware datetime")
        return instant.astimezone(timezone.utc)
    return datetime.fromtimestamp(float(instant), tz=timezone.utc)
