"""Time, injectable: production reads the system clock; tests and the demo move it forward."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, timezone-aware UTC."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(timezone.utc)


class OffsetClock:
    """The system clock plus an offset that only grows: lets a demo or test jump days ahead."""

    def __init__(self, offset: timedelta = timedelta(0)) -> None:
        self._offset = offset
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            offset = self._offset
        return datetime.now(timezone.utc) + offset

    def advance(self, delta: timedelta) -> None:
        with self._lock:
            self._offset += delta


def from_unix(seconds: int | float | str) -> datetime:
    """A UTC datetime from Unix seconds (channels send them as ints or strings)."""
    return datetime.fromtimestamp(int(seconds), tz=timezone.utc)


def to_unix(moment: datetime) -> int:
    return int(moment.timestamp())
