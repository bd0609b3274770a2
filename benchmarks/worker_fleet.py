"""The worker benchmarks' processes and servers: a Redis (the shared test one, or our own on loopback), a
store (a fresh PostgreSQL schema, or SQLite), `celery worker` processes ended by their own pids, and the
environment those workers run in."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bench_store import fresh_schema, postgres_base_url
from bench_support import HERE, REPO
from bench_web import _free_port

REDIS_URL_ENV = "CHANNEL_CONNECTORS_TEST_REDIS_URL"


@contextmanager
def redis(private: bool = False) -> Iterator[str | None]:
    """The shared test Redis, or (`private`, or without one) a redis-server of our own: a shared Redis
    also serves other people's workers, which would take our tasks and find none of our connections."""
    url = os.environ.get(REDIS_URL_ENV, "").strip()
    if url and not (private and shutil.which("redis-server")):
        yield url
        return
    binary = shutil.which("redis-server")
    if binary is None:
        yield None
        return
    port = _free_port()
    with tempfile.TemporaryDirectory(prefix="bench-redis-") as folder:
        server = subprocess.Popen(
            [
                binary,
                "--bind",
                "127.0.0.1",
                "--port",
                str(port),
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                folder,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                    break
                except OSError:
                    time.sleep(0.05)
            yield f"redis://127.0.0.1:{port}/0"
        finally:
            server.terminate()
            server.wait(timeout=10)


@contextmanager
def store_url(workdir: Path, label: str) -> Iterator[str]:
    base = postgres_base_url()
    if base:
        with fresh_schema(base) as url:
            yield url
    else:
        yield f"sqlite://{workdir / f'{label}.sqlite3'}"


class Workers:
    """`celery worker` processes (one task at a time each), ended by their own pids."""

    def __init__(self, env: dict[str, str], count: int, logs: Path) -> None:
        self.processes = [
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "connector_core.worker.app",
                    "worker",
                    "--pool",
                    "solo",
                    "--hostname",
                    f"bench{n}@%h",
                    "--without-gossip",
                    "--without-mingle",
                    "--without-heartbeat",
                    "--loglevel",
                    "WARNING",
                ],
                env=env,
                cwd=REPO,
                stdout=(logs / f"worker-{n}.log").open("wb"),
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            for n in range(count)
        ]

    def stop(self) -> None:
        for process in self.processes:
            os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)


def flush(url: str) -> None:
    import redis as redis_client

    client = redis_client.Redis.from_url(url)
    client.flushdb()
    client.close()


def environment(redis_url: str, store: str, orders_dir: Path, rate: str) -> dict[str, str]:
    return {
        **os.environ,
        "CHANNEL_CONNECTORS_BROKER_URL": redis_url,
        "CHANNEL_CONNECTORS_DATABASE_URL": store,
        "CHANNEL_CONNECTORS_HOST_PLUGINS": "worker_host_plugin",
        "CHANNEL_CONNECTORS_RATE_LIMIT": rate,
        "BENCH_WORKER_ORDERS_DIR": str(orders_dir),
        "PYTHONPATH": os.pathsep.join(p for p in (str(HERE), os.environ.get("PYTHONPATH", "")) if p),
    }
