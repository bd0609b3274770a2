"""Exact, thread-safe counts of the requests the emulator received, per path (query string left out)."""

from __future__ import annotations

import threading
from collections import Counter


class Stats:
    """Request counters. Control-endpoint calls are not counted."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: Counter[str] = Counter()

    def record(self, path: str) -> None:
        with self._lock:
            self._counts[path] += 1

    def calls(self, path_prefix: str | None = None) -> int:
        """Requests received whose path starts with ``path_prefix`` (all when None)."""
        with self._lock:
            return sum(n for p, n in self._counts.items() if path_prefix is None or p.startswith(path_prefix))

    def by_path(self) -> dict[str, int]:
        """Requests received per path."""
        with self._lock:
            return dict(self._counts)

    def reset(self) -> None:
        with self._lock:
            self._counts.clear()
