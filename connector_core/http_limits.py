"""The limits that bound one HTTP call whatever the other side does: the defaults, the per-call budget, and
the deadline watchdog.

Socket timeouts bound each read, not a call: a server sending one byte every few seconds never trips them.
Two mechanisms make the deadline hold. While the body streams, each read waits at most the time left
(`limit_read_wait`). Before that, while the request is sent and the status line and headers arrive, a
watchdog timer shuts the connection's socket down when the deadline passes, which ends the blocked read at
once; the pools of `WatchedAdapter` hand each connection to the watchdog of the call using it.
"""

from __future__ import annotations

import heapq
import re
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from typing import Any

from requests.adapters import HTTPAdapter
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

DEFAULT_DEADLINE = 120.0
"""Seconds one call may take in all: connect, every retry and wait, and reading the whole body."""
DEFAULT_MAX_RESPONSE_BYTES = 32 * 1024 * 1024
"""Largest body read (decoded). A page of 100 full orders is well under 2 MiB."""
DEFAULT_MAX_RATE_LIMIT_WAIT = 120.0
"""Seconds one call may spend waiting out rate limits before it gives up with `RateLimited`."""
RATE_LIMIT_WAIT_SPENT = "rate_limit_wait_spent"
"""The `code` of the `RateLimited` raised when a call's rate-limit wait is spent: do not wait again."""


@dataclass
class CallBudget:
    """What is left of one logical call's limits, shared by every attempt and every `send` of that call."""

    deadline: float
    """`time.monotonic()` value by which the call must be over."""
    rate_limit_wait_left: float
    rate_limit_waited: float = 0.0

    def remaining(self) -> float:
        return self.deadline - time.monotonic()


class _Watchdog:
    """One thread per process that fires every call's deadline: starting a timer thread per call cost more
    CPU than an idle poll's whole request (issue 19)."""

    def __init__(self) -> None:
        self._due: list[tuple[float, int, _Watch]] = []
        self._seq = 0
        self._wake = threading.Condition()
        self._thread: threading.Thread | None = None
        self._sleep_until = 0.0  # when the thread wakes next (it sleeps towards the earliest deadline)

    def schedule(self, watch: _Watch) -> None:
        with self._wake:
            while self._due and self._due[0][2].cancelled:
                heapq.heappop(self._due)  # calls end in about the order they began: the heap stays small
            self._seq += 1
            heapq.heappush(self._due, (watch.deadline, self._seq, watch))
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="http-deadline-watchdog", daemon=True)
                self._thread.start()
            elif watch.deadline < self._sleep_until:
                self._wake.notify()  # earlier than the thread's wake-up; not per call, a switch costs CPU

    def _run(self) -> None:
        while True:
            with self._wake:
                while self._due and self._due[0][2].cancelled:
                    heapq.heappop(self._due)  # finished calls leave their entry; dropped here, unfired
                now = time.monotonic()
                wait = self._due[0][0] - now if self._due else 60.0
                if wait > 0:
                    self._sleep_until = now + wait
                    self._wake.wait(wait)
                    self._sleep_until = 0.0
                    continue
                _, _, watch = heapq.heappop(self._due)
            watch.expire()


_watchdog = _Watchdog()


class _Watch:
    """Shuts down the sockets of the connections one call uses once its deadline passes."""

    def __init__(self, deadline: float) -> None:
        self.deadline = deadline
        self.fired = False
        self.cancelled = False
        self._connections: list[Any] = []
        self._scheduled = False
        self._lock = threading.Lock()

    def arm(self, connection: Any) -> None:
        with self._lock:
            self._connections.append(connection)
            schedule = not self._scheduled and not self.fired
            self._scheduled = True
        if schedule:
            _watchdog.schedule(self)
        if self.fired:
            self._fire()

    def expire(self) -> None:
        """The deadline passed (called by the watchdog thread)."""
        if not self.cancelled:
            self._fire()

    def _fire(self) -> None:
        with self._lock:
            self.fired = True
            connections = list(self._connections)
        for connection in connections:
            sock = getattr(connection, "sock", None)
            if isinstance(sock, socket.socket):
                # A pool that later hands this connection out sees it dropped and opens a new one.
                with suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)

    def cancel(self) -> None:
        with self._lock:
            self.cancelled = True
            self._connections.clear()


_current = threading.local()


@contextmanager
def watching(deadline: float) -> Iterator[_Watch]:
    """Within this block, connections the calling thread sends on are shut down at `deadline`."""
    watch = _Watch(deadline)
    previous = getattr(_current, "watch", None)
    _current.watch = watch
    try:
        yield watch
    finally:
        watch.cancel()
        _current.watch = previous


def on_sending(callback: Callable[[], None] | None) -> None:
    """Call `callback` in this thread just before each request is written (None: stop). A page read ahead
    (`connector_core.read_ahead`) tells the page loop its request is leaving, so the loop's own work does
    not hold the GIL while the request is still being prepared."""
    _current.sending = callback


def _arm(connection: Any) -> None:
    watch = getattr(_current, "watch", None)
    if watch is not None:
        watch.arm(connection)
    sending = getattr(_current, "sending", None)
    if sending is not None:
        sending()


class _WatchedHTTPPool(HTTPConnectionPool):
    def _make_request(self, conn: Any, *args: Any, **kwargs: Any) -> Any:
        _arm(conn)
        return super()._make_request(conn, *args, **kwargs)


class _WatchedHTTPSPool(HTTPSConnectionPool):
    def _make_request(self, conn: Any, *args: Any, **kwargs: Any) -> Any:
        _arm(conn)
        return super()._make_request(conn, *args, **kwargs)


class WatchedAdapter(HTTPAdapter):
    """A requests adapter whose connection pools report each connection to the current call's watchdog."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _WatchedHTTPPool, "https": _WatchedHTTPSPool}


def limit_read_wait(raw: Any, seconds: float) -> None:
    """Make the next socket read of a streaming body wait at most `seconds`. Answers not backed by a
    socket (cassette replay) have nothing to limit."""
    sock = getattr(getattr(raw, "connection", None), "sock", None)
    if isinstance(sock, socket.socket):
        sock.settimeout(max(seconds, 0.001))


_CONTROL = re.compile("[\x00-\x08\x0a-\x1f\x7f]")
"""The characters no header value may hold: the C0 controls but tab, and DEL."""


def has_control(text: str) -> bool:
    """True when `text` holds a character no header value may hold (one regex scan: every request's
    headers are checked)."""
    return _CONTROL.search(text) is not None
