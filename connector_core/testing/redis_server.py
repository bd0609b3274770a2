"""A throw-away `redis-server` on a free loopback port, for tests and benchmarks of the Celery workers.

Each caller starts its own: workers on one shared Redis take each other's tasks and find none of their
connections. Nothing is persisted (`--save ""`, no append-only file), so stopping it loses every queue, as
a crashed Redis without persistence does; tests of the runtime stall, restart and empty it on purpose.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .local_processes import free_port

START_SECONDS = 10


def redis_binary() -> str | None:
    """The `redis-server` on the PATH, or None (Debian: apt-get install -y redis-server)."""
    return shutil.which("redis-server")


def answers(port: int) -> bool:
    """Whether a Redis on this loopback port answers PING."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2) as conn:
            conn.sendall(b"PING\r\n")
            return conn.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def flush(url: str) -> None:
    """Empty the Redis database at `url` (queued tasks, rate-limit windows)."""
    import redis

    client = redis.Redis.from_url(url, socket_timeout=5)
    try:
        client.flushdb()
    finally:
        client.close()


class RedisServer:
    """One redis-server process of the caller's own, its files in `folder`, ended by its pid."""

    def __init__(self, folder: Path, binary: str | None = None) -> None:
        found = binary or redis_binary()
        if found is None:
            raise FileNotFoundError("redis-server is not installed (apt-get install -y redis-server)")
        self.binary = found
        self.folder = folder
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> RedisServer:
        """Start it and wait until it answers PING; RuntimeError when it does not within 10 s."""
        self.process = subprocess.Popen(
            [self.binary, "--bind", "127.0.0.1", "--port", str(self.port), "--save", "", "--appendonly", "no",
             "--dir", str(self.folder)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + START_SECONDS
        while not answers(self.port):
            if time.monotonic() > deadline or self.process.poll() is not None:
                self.stop()
                raise RuntimeError(f"redis-server did not start within {START_SECONDS} s")
            time.sleep(0.05)
        return self

    def stall(self) -> None:
        """Freeze it (SIGSTOP): connections stay open and nothing answers, as on a hung server."""
        assert self.process is not None
        os.kill(self.process.pid, signal.SIGSTOP)

    def resume(self) -> None:
        assert self.process is not None
        os.kill(self.process.pid, signal.SIGCONT)

    def stop(self) -> None:
        """Kill it (SIGKILL, resumed first if stalled): with nothing persisted, a gentler stop keeps nothing
        more, and tests of lost queues want exactly a crashed server."""
        if self.process is not None and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGCONT)
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None

    def restart(self) -> None:
        """A new, empty server on the same port (clients reconnect to the same URL)."""
        self.stop()
        self.start()

    def empty(self) -> None:
        flush(self.url)


@contextmanager
def private_redis() -> Iterator[str]:
    """The URL of a redis-server of the caller's own, for the length of the block (FileNotFoundError
    without the binary; check `redis_binary()` first to skip instead)."""
    with tempfile.TemporaryDirectory(prefix="private-redis-") as folder:
        server = RedisServer(Path(folder)).start()
        try:
            yield server.url
        finally:
            server.stop()
