"""The limits that bound one HTTP call whatever the other side does: the defaults, the per-call budget, and
the deadline watchdog.

Socket timeouts bound each read, not a call: a server sending one byte every few seconds never trips them.
Two mechanisms make the deadline hold. While the body streams, each read waits at most the time left
(`limit_read_wait`). Before that, while the request is sent and the status line and headers arrive, a
watchdog timer shuts the connection's socket down when the deadline passes, which ends the blocked read at
once; the pools of `WatchedAdapter` hand each connection to the watchdog of the call using it.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
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


class _Watch:
    """Shuts down the sockets of the connections one call uses once its deadline passes."""

    def __init__(self, deadline: float) -> None:
        self.deadline = deadline
        self.fired = False
        self._connections: list[Any] = []
        self._timer: threading.Timer | None = None
        self._lock = threading.Lock()

    def arm(self, connection: Any) -> None:
        with self._lock:
            self._connections.append(connection)
            if self._timer is None and not self.fired:
                self._timer = threading.Timer(max(self.deadline - time.monotonic(), 0.0), self._fire)
                self._timer.daemon = True
                self._timer.start()
        if self.fired:
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
            timer, self._timer = self._timer, None
            self._connections.clear()
        if timer is not None:
            timer.cancel()


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


def _arm(connection: Any) -> None:
    watch = getattr(_current, "watch", None)
    if watch is not None:
        watch.arm(connection)


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


def is_control(char: str) -> bool:
    """A character no header value may hold (tab excepted)."""
    return (ord(char) < 0x20 and char != "\t") or ord(char) == 0x7F
