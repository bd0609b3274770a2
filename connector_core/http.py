"""The HTTP layer every connector shares: pooled session, timeouts, retry with backoff, redacted logging.

Retrying is only safe when repeating the request cannot apply a change twice. The caller says so
(`safe_to_repeat`): an order search is a POST yet safe, a ship call is not. A request that never left
the machine (connection refused, connect timeout) is retried either way. Each attempt calls `prepare()`
again, so a connector that signs with a timestamp signs every attempt afresh.

Three limits bound every call however the channel behaves (constructor arguments; defaults and the deadline
watchdog in `http_limits`):

- `deadline` (default 120 s): one call, from the first connect through every retry to the last byte of
  the body, ends by then with `CallDeadlineExceeded`. Status line, headers or body trickling one byte
  every 10 s cannot hold a run for days.
- `max_response_bytes` (default 32 MiB): the body is streamed and reading stops at the cap with
  `ResponseTooLarge`; a 400 MB answer is never held. A declared Content-Length above the cap is refused
  before reading.
- `max_rate_limit_wait` (default 120 s): the total time one call spends waiting out 429 answers. When
  the next wait would pass it, the call ends with `RateLimited` saying when the channel allows a retry.

A connector that retries on its own (after refreshing a token, on a rate-limit code inside a 200) passes
one `CallBudget` (from `budget()`) to every `send` of the same logical call, so the limits hold across them.
Header values with a line break or control character are refused (`UnsafeHeader`, naming the header,
never the value) before anything is sent.

When to retry and after how long is `http_retry` (`RetryPolicy`, Retry-After, never-sent failures); the
per-host proxy lookup cache is `http_proxies`; preparing and sending a request as the session would, at a
fraction of its CPU, is `http_send`. Every public name is still importable from here.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

import requests
import urllib3.exceptions

from . import http_send
from .errors import CallDeadlineExceeded, ChannelUnavailable, RateLimited, ResponseTooLarge, UnsafeHeader
from .http_limits import (
    DEFAULT_DEADLINE,
    DEFAULT_MAX_RATE_LIMIT_WAIT,
    DEFAULT_MAX_RESPONSE_BYTES,
    RATE_LIMIT_WAIT_SPENT,
    CallBudget,
    WatchedAdapter,
    has_control,
    limit_read_wait,
    watching,
)
from .http_proxies import proxies_for
from .http_retry import RATE_WINDOW, RetryPolicy, never_sent, parse_retry_after
from .http_retry import RETRY_STATUSES as RETRY_STATUSES
from .rate_gate import RateGate
from .redaction import protect_loggers, redact_url, register_secret_names

__all__ = [
    "DEFAULT_DEADLINE",
    "DEFAULT_MAX_RATE_LIMIT_WAIT",
    "DEFAULT_MAX_RESPONSE_BYTES",
    "RATE_LIMIT_WAIT_SPENT",
    "CallBudget",
    "HttpClient",
    "HttpStats",
    "RetryPolicy",
    "parse_retry_after",
]

log = logging.getLogger("connector_core.http")

_CHUNK = 64 * 1024


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
        deadline: float = DEFAULT_DEADLINE,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        max_rate_limit_wait: float = DEFAULT_MAX_RATE_LIMIT_WAIT,
        rate_gate: RateGate | None = None,
    ) -> None:
        if deadline <= 0 or max_response_bytes <= 0 or max_rate_limit_wait < 0:
            raise ValueError("deadline and max_response_bytes must be positive, max_rate_limit_wait >= 0")
        self.channel = channel
        self.timeout = timeout
        self.deadline = deadline
        self.max_response_bytes = max_response_bytes
        self.max_rate_limit_wait = max_rate_limit_wait
        self.policy = policy or RetryPolicy()
        self.secret_parameters = tuple(secret_parameters)
        register_secret_names(self.secret_parameters)
        protect_loggers()  # urllib3 logs each request's full URL, signature and token included, at DEBUG
        self.stats = HttpStats()
        self.rate_gate = rate_gate
        self._sleep = sleep
        self._rng = rng or random.Random()
        self.session = session or self._new_session(pool_size)
        self._admitted: deque[float] = deque(maxlen=4096)  # when recent requests were answered (not 429)
        self._admitted_lock = threading.Lock()

    @staticmethod
    def _new_session(pool_size: int) -> requests.Session:
        session = requests.Session()
        adapter = WatchedAdapter(pool_connections=pool_size, pool_maxsize=pool_size, max_retries=0)
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        return session

    def budget(self) -> CallBudget:
        """Fresh limits for one logical call; pass the same budget to each `send` the call makes."""
        return CallBudget(time.monotonic() + self.deadline, self.max_rate_limit_wait)

    def send(
        self,
        prepare: Callable[[], requests.Request],
        *,
        safe_to_repeat: bool,
        budget: CallBudget | None = None,
        rate_key: str | None = None,
    ) -> requests.Response:
        """Send the request `prepare()` builds, retrying where that is safe; returns the last response,
        its body already read (within the size cap).

        A retryable status that persists past the last attempt is returned, not raised: the connector
        turns the channel's error body into the right error. A connection failure that persists raises
        `ChannelUnavailable`; the deadline, the size cap and the rate-limit bound raise their own errors.
        `rate_key` names the bucket the call counts against in the shared `rate_gate`, if one is set.
        """
        budget = budget or self.budget()
        attempt = 0
        while True:
            request = self._prepare(prepare())
            if self.rate_gate is not None and rate_key is not None:
                self._pass_gate(self.rate_gate, rate_key, budget, f"{request.method} {self._safe(request)}")
            retried = attempt > 0
            may_repeat = safe_to_repeat
            try:
                response = self._send_once(request, budget)
            except requests.exceptions.RequestException as exc:
                self.stats.record(None, retried)
                may_repeat = safe_to_repeat or never_sent(exc)
                if budget.remaining() <= 0:
                    raise self._deadline_error(request, safe_to_repeat) from None
                if attempt + 1 >= self.policy.attempts or not may_repeat:
                    raise ChannelUnavailable(
                        self.channel,
                        type(exc).__name__,
                        f"{request.method} {self._safe(request)} failed: {type(exc).__name__}",
                        hint="the channel could not be reached"
                        + ("" if may_repeat else "; the call may or may not have been applied"),
                    ) from None
                delay = self.policy.backoff(attempt, self._rng)
                if delay >= budget.remaining():
                    raise self._deadline_error(request, safe_to_repeat) from None
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
                if status == 429:
                    self.spend_rate_limit_wait(
                        budget,
                        delay,
                        parse_retry_after(response.headers.get("Retry-After")),
                        f"{request.method} {self._safe(request)}",
                    )
                elif delay >= budget.remaining():
                    return response  # no time for another try: the connector reads this answer
                log.warning(
                    "%s %s: HTTP %s, retry in %.2fs",
                    request.method,
                    self._safe(request),
                    response.status_code,
                    delay,
                )
            self._sleep(delay)
            attempt += 1

    def spend_rate_limit_wait(
        self, budget: CallBudget, delay: float, retry_after: float | None, what: str
    ) -> None:
        """Book `delay` seconds of rate-limit waiting on `budget`, or raise `RateLimited` when that would pass
        the bound (or the deadline), saying when the channel allows a retry. The caller then waits `delay`."""
        if delay <= budget.rate_limit_wait_left and delay < budget.remaining():
            budget.rate_limit_wait_left -= delay
            budget.rate_limit_waited += delay
            return
        after = max(retry_after or 0.0, delay)
        when = datetime.now(timezone.utc) + timedelta(seconds=after)
        raise RateLimited(
            self.channel,
            RATE_LIMIT_WAIT_SPENT,
            f"{what}: still rate limited after waiting {budget.rate_limit_waited:.0f}s "
            f"(at most {self.max_rate_limit_wait:.0f}s per call)",
            http_status=429,
            hint=f"retry after {when:%Y-%m-%d %H:%M:%S} UTC ({after:.0f}s); nothing was applied",
            retry_after=after,
        )

    def _pass_gate(self, gate: RateGate, key: str, budget: CallBudget, what: str) -> None:
        """Wait (within the call's rate-limit bound) until the shared bucket admits this attempt."""
        while (delay := gate.admit(key)) > 0:
            self.spend_rate_limit_wait(budget, delay, delay, what)
            self._sleep(delay)

    def _prepare(self, request: requests.Request) -> requests.PreparedRequest:
        for name, value in (request.headers or {}).items():
            text = value.decode("latin-1") if isinstance(value, bytes) else str(value)
            if text != text.strip() or has_control(text):
                raise UnsafeHeader(self.channel, str(name))
        try:
            return http_send.prepare(self.session, request)
        except (requests.exceptions.InvalidHeader, ValueError) as exc:
            # requests quotes the offending value in its message: never let it out.
            raise UnsafeHeader(self.channel, type(exc).__name__) from None

    def _deadline_error(
        self, request: requests.PreparedRequest, safe_to_repeat: bool
    ) -> CallDeadlineExceeded:
        return CallDeadlineExceeded(
            self.channel,
            "deadline",
            f"{request.method} {self._safe(request)}: no complete answer within the call's "
            f"{self.deadline:.0f}s deadline",
            hint="the channel answered too slowly; nothing was taken from a partial answer"
            + ("" if safe_to_repeat else "; the call may or may not have been applied")
            + ", try again later",
        )

    def _send_once(self, request: requests.PreparedRequest, budget: CallBudget) -> requests.Response:
        started = time.perf_counter()
        left = budget.remaining()
        if left <= 0:
            raise requests.exceptions.Timeout("the call's deadline passed")
        connect, read = self.timeout
        with watching(budget.deadline):  # a trickle of status line or headers ends at the deadline too
            response = http_send.send(
                self.session,
                request,
                timeout=(min(connect, left), min(read, left)),
                proxies=proxies_for(request, self.session),
            )
            try:
                self._read_body(response, request, budget)
            finally:
                response.close()  # the body is read, or the connection is not fit for reuse
        if log.isEnabledFor(logging.DEBUG):
            log.debug(
                "%s %s -> %s in %.0f ms",
                request.method,
                self._safe(request),
                response.status_code,
                (time.perf_counter() - started) * 1000,
            )
        return response

    def _read_body(
        self, response: requests.Response, request: requests.PreparedRequest, budget: CallBudget
    ) -> None:
        """Stream the body into `response.content`, never past the size cap or the deadline."""
        if getattr(response, "_content_consumed", False):
            # A session hook already read it (requests runs hooks before handing the response back).
            if len(response.content or b"") > self.max_response_bytes:
                raise self._too_large(request, response.status_code, None)
            return
        declared = response.headers.get("Content-Length", "")
        if declared.strip().isdigit() and int(declared) > self.max_response_bytes:
            raise self._too_large(request, response.status_code, int(declared))
        raw: Any = response.raw
        read_one = getattr(raw, "read1", None) or raw.read
        chunks: list[bytes] = []
        size = 0
        while True:
            left = budget.remaining()
            if left <= 0:
                raise requests.exceptions.Timeout("the call's deadline passed while reading the body")
            limit_read_wait(raw, min(self.timeout[1], left))
            try:
                chunk = read_one(_CHUNK)
            except (urllib3.exceptions.HTTPError, OSError) as exc:
                raise requests.exceptions.ConnectionError(
                    f"reading the body failed: {type(exc).__name__}"
                ) from None
            if not chunk:
                break
            size += len(chunk)
            if size > self.max_response_bytes:
                raise self._too_large(request, response.status_code, None)
            chunks.append(chunk)
        # requests reads `content` from these once the body is in: .json() and .text work as usual.
        response._content = b"".join(chunks)
        response._content_consumed = True  # type: ignore[attr-defined]

    def _too_large(
        self, request: requests.PreparedRequest, status: int, declared: int | None
    ) -> ResponseTooLarge:
        size = f"declared {declared:,} bytes" if declared is not None else "kept sending"
        return ResponseTooLarge(
            self.channel,
            "too_large",
            f"{request.method} {self._safe(request)}: the answer {size}, over the "
            f"{self.max_response_bytes:,}-byte cap; reading stopped",
            http_status=status,
        )

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
