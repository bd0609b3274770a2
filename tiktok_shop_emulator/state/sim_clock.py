"""The emulator's own clock: real time from a chosen start, plus an offset tests can push forward."""

from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta, timezone


class Clock:
    """Thread-safe clock. ``now()`` is an aware UTC datetime (so it can stand in for a connector clock);
    ``unix()`` is the same instant as int seconds, which is what the wire uses."""

    def __init__(self, start: float | None = None) -> None:
        self._lock = threading.Lock()
        self._base = float(time.time() if start is None else start)
        self._mono0 = time.monotonic()
        self._offset = 0.0

    def time(self) -> float:
        """Seconds since the epoch, as a float."""
        with self._lock:
            offset = self._offset
        return self._base + (time.monotonic() - self._mono0) + offset

    def unix(self) -> int:
        """Seconds since the epoch, truncated to an int."""
        return int(self.time())

    def now(self) -> datetime:
        """The current emulated instant, timezone-aware UTC."""
        return datetime.fromtimestamp(self.time(), tz=timezone.utc)

    @property
    def start(self) -> int:
        """Where the clock started (Unix seconds)."""
        return int(self._base)

    def advance(self, seconds: float | timedelta) -> int:
        """Move time forward (or back, with a negative value); returns the new Unix time."""
        delta = seconds.total_seconds() if isinstance(seconds, timedelta) else float(seconds)
        with self._lock:
            self._offset += delta
        return self.unix()

    def set(self, unix_seconds: float) -> None:
        """Jump to an absolute instant."""
        with self._lock:
            self._offset += float(unix_seconds) - (
                self._base + (time.monotonic() - self._mono0) + self._offset
            )
