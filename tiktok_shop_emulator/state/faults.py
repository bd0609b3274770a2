"""Faults on demand: rate limiting, 5xx answers, dropped connections, latency and lost answers.

All randomness comes from one ``random.Random`` seeded from the world seed, so a run with the same seed and
the same sequence of calls fails the same calls.
"""

from __future__ import annotations

import random
import re
import threading
import time
from collections import deque
from dataclasses import dataclass
from typing import Any

from tiktok_shop_emulator.wire import error_codes
from tiktok_shop_emulator.wire.error_codes import ApiError

KINDS = frozenset({"5xx", "500", "503", "drop"})
DROP = "drop"


@dataclass
class _Rate:
    rps: float
    retry_after: int | None
    path: re.Pattern[str] | None


@dataclass
class _ErrorRate:
    share: float
    kinds: tuple[str, ...]
    path: re.Pattern[str] | None


@dataclass
class _Latency:
    seconds: float
    path: re.Pattern[str] | None


def _pattern(path: str | None) -> re.Pattern[str] | None:
    return re.compile(path) if path else None


def _applies(pattern: re.Pattern[str] | None, path: str) -> bool:
    return pattern is None or pattern.search(path) is not None


class Faults:
    """The fault switchboard; every setter replaces the previous setting of its kind, ``None`` clears it."""

    def __init__(self, seed: int = 0) -> None:
        self._lock = threading.Lock()
        self._rng = random.Random(seed ^ 0xFA017)
        self._rate: _Rate | None = None
        self._window: deque[float] = deque()
        self._errors: _ErrorRate | None = None
        self._latency: _Latency | None = None
        self._lose: list[list[Any]] = []
        self._unattributed: list[list[Any]] = []
        self._churn = 0

    def rate_limit(self, rps: float | None, retry_after: int | None = None, path: str | None = None) -> None:
        """Admit at most ``rps`` requests per rolling second (matching ``path`` regex); others get 429/36009002."""
        with self._lock:
            self._rate = None if rps is None else _Rate(float(rps), retry_after, _pattern(path))
            self._window.clear()

    def error_rate(
        self,
        share: float | None,
        kinds: tuple[str, ...] | list[str] = ("5xx", "drop"),
        path: str | None = None,
    ) -> None:
        """Fail this share of requests with one of ``kinds``: "5xx" (500 or 503), "500", "503" or "drop"."""
        unknown = set(kinds) - KINDS
        if unknown or not kinds:
            raise ValueError(f"unknown fault kinds {sorted(unknown)}; use {sorted(KINDS)}")
        if share is not None and not 0.0 <= share <= 1.0:
            raise ValueError("share must be between 0 and 1")
        with self._lock:
            self._errors = None if not share else _ErrorRate(float(share), tuple(kinds), _pattern(path))

    def latency(self, seconds: float | None, path: str | None = None) -> None:
        """Delay every (matching) request by ``seconds`` before answering."""
        with self._lock:
            self._latency = None if not seconds else _Latency(float(seconds), _pattern(path))

    def lose_answer(self, path_regex: str, times: int = 1) -> None:
        """The next ``times`` requests whose path matches are carried out, then the connection is dropped."""
        with self._lock:
            self._lose.append([re.compile(path_regex), int(times)])

    def unattributed_error(self, path_regex: str, times: int = 1) -> None:
        """The next ``times`` requests whose path matches are carried out, then answered code 0 (success)
        with a ``data.errors`` entry that names no SKU: the change was applied, the answer says otherwise."""
        with self._lock:
            self._unattributed.append([re.compile(path_regex), int(times)])

    def churn_orders(self, per_search: int | None) -> None:
        """A busy shop: every order search first changes this many of the orders it matches (each gets a new
        ``update_time``, now), picked at random, so counts and windows move while a client pages."""
        if per_search is not None and per_search < 0:
            raise ValueError("per_search must be 0 or more")
        with self._lock:
            self._churn = int(per_search or 0)

    def clear(self) -> None:
        """Remove every fault."""
        with self._lock:
            self._rate, self._errors, self._latency = None, None, None
            self._churn = 0
            self._lose.clear()
            self._unattributed.clear()
            self._window.clear()

    def describe(self) -> dict[str, Any]:
        """The current settings, JSON-friendly (for the control endpoint)."""
        with self._lock:
            return {
                "rate_limit": None
                if self._rate is None
                else {
                    "rps": self._rate.rps,
                    "retry_after": self._rate.retry_after,
                    "path": self._rate.path.pattern if self._rate.path else None,
                },
                "error_rate": None
                if self._errors is None
                else {
                    "share": self._errors.share,
                    "kinds": list(self._errors.kinds),
                    "path": self._errors.path.pattern if self._errors.path else None,
                },
                "latency": None
                if self._latency is None
                else {
                    "seconds": self._latency.seconds,
                    "path": self._latency.path.pattern if self._latency.path else None,
                },
                "lose_answer": [{"path": p.pattern, "times": n} for p, n in self._lose],
                "unattributed_error": [{"path": p.pattern, "times": n} for p, n in self._unattributed],
                "churn_orders": self._churn or None,
            }

    # --- used by the server -----------------------------------------------------------------------------------

    def delay_for(self, path: str) -> float:
        with self._lock:
            lat = self._latency
        return lat.seconds if lat is not None and _applies(lat.path, path) else 0.0

    def admit(self, path: str) -> ApiError | str | None:
        """None to go on; an ``ApiError`` to answer with; or ``"drop"`` to close the connection unanswered."""
        with self._lock:
            refusal = self._rate_check(path)
            if refusal is not None:
                return refusal
            spec = self._errors
            if spec is None or not _applies(spec.path, path) or self._rng.random() >= spec.share:
                return None
            kind = self._rng.choice(spec.kinds)
        if kind == DROP:
            return DROP
        status = int(kind) if kind.isdigit() else (500 if self._rng.random() < 0.5 else 503)
        return error_codes.internal_error(status)

    def _rate_check(self, path: str) -> ApiError | None:
        rate = self._rate
        if rate is None or not _applies(rate.path, path):
            return None
        now = time.monotonic()
        while self._window and now - self._window[0] >= 1.0:
            self._window.popleft()
        if len(self._window) >= rate.rps:
            return error_codes.rate_limited(rate.retry_after)
        self._window.append(now)
        return None

    def should_lose(self, path: str) -> bool:
        """True (and one use consumed) when the answer to this request must be lost."""
        return self._consume(self._lose, path)

    def churn(self, candidates: int) -> list[int]:
        """Positions (0..candidates-1) of the orders a search changes first; empty when the shop is quiet."""
        with self._lock:
            count = min(self._churn, candidates)
            return self._rng.sample(range(candidates), count) if count else []

    def should_misattribute(self, path: str) -> bool:
        """True (and one use consumed) when this applied request must be answered with an unattributed error."""
        return self._consume(self._unattributed, path)

    def _consume(self, entries: list[list[Any]], path: str) -> bool:
        with self._lock:
            for entry in entries:
                if entry[1] > 0 and entry[0].search(path):
                    entry[1] -= 1
                    if entry[1] == 0:
                        entries.remove(entry)
                    return True
        return False
