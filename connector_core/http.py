"""The HTTP layer every connector shares: pooled session, timeouts, retry with backoff, redacted logging.

Retrying is only safe when repeating the request cannot apply a change twice. The caller says so
(`safe_to_repeat`): an order search is a POST yet safe, a ship call is not. A request that never left
the machine (connection refused, connect timeout) is retried either way. Each attempt calls `prepare()`
again, so a connector that signs with a timestamp signs every attempt afresh.
"""

from __future__ import annotations

import email.utils
import logging
import random
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone

import requests
from requests.adapters import HTTPAdapter

from .errors import ChannelUnavailable
from .redaction import protect_loggers, redact_url, register_secret_names

log = logging.getLogger("connector_core.http")

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


@dataclass
class HttpStats:
    """Counts what went over the wire, for reports and benchmarks."""

    requests: int = 0
    retries: int = 0
    by_status: dict[int, int] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def record(self, status: int | None, retried: bool) -> None:
        with self._lock:
            self.requests += 1
            if retried:
                self.retries += 1
            if status is not None:
                self.by_status[status] = self.by_status.get(status, 0) + 1


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


def _never_sent(exc: requests.exceptions.RequestException) -> bool:
    """True when the request surely did not reach the server, so repeating it cannot double-apply."""
    if isinstance(exc, _NEVER_SENT):
        return True
    if isinstance(exc, requests.exceptions.ConnectionError):
        text = str(exc)
        return "Connection refused" in text or "NewConnectionError" in text
    return False


class HttpClient:
    """A pooled `requests.Session` with timeouts, bounded retries and logs that never show a secret."""

    def __init__(
        self,
        channel: str,
        *,
        timeout: tuple[float, float] = (5.0, 30.0),
        policy: RetryPolicy | None = None,
        secret_parameters: Iterable[str] = (),
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
        pool_size: int = 16,
    ) -> None:
        self.channel = channel
        self.timeout = timeout
        self.policy = policy or RetryPolicy()
        self.secret_parameters = tuple(secret_parameters)
        register_secret_names(self.secret_parameters)
        protect_loggers()  # urllib3 logs each request's full URL, signature and token included, at DEBUG
        self.stats = HttpStats()
        self._sleep = sleep
        self._rng = rng or random.Random()
        self.session = session or self._new_session(pool_size)
        self._admitted: deque[float] = deque(maxlen=4096)  # when recent requests were answered (not 429)
        self._admitted_lock = threading.Lock()

    @staticmethod
    def _new_session(pool_size: int) -> requests.Session:
        session = requests.Session()
        adapter = HTTPAdapter(pool_connections=pool_size, pool_maxsize=pool_size, max_retries=0)
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        return session

    def send(self, prepare: Callable[[], requests.Request], *, safe_to_repeat: bool) -> requests.Response:
        """Send the request `prepare()` builds, retrying where that is safe; returns the last response.

        A retryable status that persists past the last attempt is returned, not raised: the connector
        turns the channel's error body into the right error. A connection failure that persists raises
        `ChannelUnavailable`.
        """
        attempt = 0
        while True:
            request = self.session.prepare_request(prepare())
            retried = attempt > 0
            try:
                response = self._send_once(request)
            except requests.exceptions.RequestException as exc:
                self.stats.record(None, retried)
                if attempt + 1 >= self.policy.attempts or not (safe_to_repeat or _never_sent(exc)):
                    raise ChannelUnavailable(
                        self.channel,
                        type(exc).__name__,
                        f"{request.method} {self._safe(request)} failed: {type(exc).__name__}",
                        hint="the channel could not be reached"
                        + (
                            ""
                            if safe_to_repeat or _never_sent(exc)
                            else "; the call may or may not have been applied"
                        ),
                    ) from None
                delay = self.policy.backoff(attempt, self._rng)
                log.warning(
                    "%s %s: %s, retry in %.2fs",
                    request.method,
                    self._safe(request),
                    type(exc).__name__,
                    delay,
                )
            else:
                self.stats.record(response.status_code, retried)
                status = response.status_code
                if status != 429:
                    with self._admitted_lock:
                        self._admitted.append(time.monotonic())
                if status not in self.policy.statuses:
                    return response
                if not safe_to_repeat and status not in self.policy.refused_statuses:
                    return response
                if attempt + 1 >= self.policy.attempts:
                    return response
                delay = self._delay_for(response, attempt)
                log.warning(
                    "%s %s: HTTP %s, retry in %.2fs",
                    request.method,
                    self._safe(request),
                    response.status_code,
                    delay,
                )
            self._sleep(delay)
            attempt += 1

    def _send_once(self, request: requests.PreparedRequest) -> requests.Response:
        started = time.perf_counter()
        response = self.session.send(request, timeout=self.timeout)
        if log.isEnabledFor(logging.DEBUG):
            log.debug(
                "%s %s -> %s in %.0f ms",
                request.method,
                self._safe(request),
                response.status_code,
                (time.perf_counter() - started) * 1000,
            )
        return response

    def _delay_for(self, response: requests.Response, attempt: int) -> float:
        retry_after = parse_retry_after(response.headers.get("Retry-After"))
        if retry_after is not None:
            return min(retry_after, self.policy.max_retry_after)
        if response.status_code == 429:
            window = self._window_delay()
            if window is not None:
                return window
        return self.policy.backoff(attempt, self._rng)

    def _window_delay(self) -> float | None:
        """A 429 without Retry-After: wait until the oldest request answered within the last window is a
        window old, when a limit counted per window admits again. Exponential backoff (meant for outages)
        waits too little at first, then far too long: a limited import ran at 75% of the allowed rate.
        None when nothing was answered lately (the quota went elsewhere): then back off as usual."""
        now = time.monotonic()
        with self._admitted_lock:
            recent = [t for t in self._admitted if now - t < RATE_WINDOW]
        if not recent:
            return None
        return min(recent[0] + RATE_WINDOW - now + 0.01, self.policy.max_delay)

    def _safe(self, request: requests.PreparedRequest) -> str:
        return redact_url(request.url or "", self.secret_parameters)

    def pause(self, seconds: float) -> None:
        """Wait like the retry loop does (tests and cassette replay inject a sleep that does not block)."""
        self._sleep(seconds)

    def close(self) -> None:
        self.session.close()
