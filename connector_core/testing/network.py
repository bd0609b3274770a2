"""Replay must not touch the network: while a replay runs, opening any connection raises.

`block_network()` patches the socket layer itself (``socket.socket.connect``/``connect_ex``,
``socket.create_connection`` and name resolution), so it holds whatever HTTP library a connector uses,
and it blocks loopback too: a replay that quietly reached a local emulator would prove nothing.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any


class NetworkBlocked(RuntimeError):
    """Something tried to open a connection while the network was blocked (a replay)."""


@dataclass
class NetworkGuard:
    """What the blocked code tried to reach, for the error message and for tests."""

    reason: str
    attempts: list[str] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def refuse(self, what: str) -> NetworkBlocked:
        with self._lock:
            self.attempts.append(what)
        return NetworkBlocked(f"network access blocked ({self.reason}): {what}")


_guard_lock = threading.Lock()


@contextmanager
def block_network(reason: str = "cassette replay") -> Iterator[NetworkGuard]:
    """Within the block, every connection attempt (loopback included) raises `NetworkBlocked`."""
    guard = NetworkGuard(reason)
    with _guard_lock:
        saved: dict[tuple[Any, str], Any] = {
            (socket.socket, "connect"): socket.socket.connect,
            (socket.socket, "connect_ex"): socket.socket.connect_ex,
            (socket, "create_connection"): socket.create_connection,
            (socket, "getaddrinfo"): socket.getaddrinfo,
        }

        def refusing(name: str) -> Callable[..., Any]:
            def refuse(*args: Any, **kwargs: Any) -> Any:
                target = args[1] if name.startswith("connect") and len(args) > 1 else args[:2]
                raise guard.refuse(f"{name}{target!r}")

            return refuse

        socket.socket.connect = refusing("connect")  # type: ignore[method-assign]
        socket.socket.connect_ex = refusing("connect_ex")  # type: ignore[method-assign]
        socket.create_connection = refusing("create_connection")
        socket.getaddrinfo = refusing("getaddrinfo")
    try:
        yield guard
    finally:
        with _guard_lock:
            for (owner, name), original in saved.items():
                setattr(owner, name, original)
