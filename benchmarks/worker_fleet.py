"""The worker benchmarks' processes and servers: a Redis (the shared test one, or our own on loopback), a
store (a fresh PostgreSQL schema, or SQLite), `celery worker` processes ended by their own pids, and the
environment those workers run in."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bench_store import fresh_schema, postgres_base_url
from bench_support import HERE, REPO

from connector_core.testing.celery_workers import CeleryWorkers
from connector_core.testing.redis_server import flush, private_redis, redis_binary

__all__ = ["environment", "flush", "redis", "start_workers", "store_url"]

REDIS_URL_ENV = "CHANNEL_CONNECTORS_TEST_REDIS_URL"


@contextmanager
def redis(private: bool = False) -> Iterator[str | None]:
    """The shared test Redis, or (`private`, or without one) a redis-server of our own: a shared Redis
    also serves other people's workers, which would take our tasks and find none of our connections."""
    url = os.environ.get(REDIS_URL_ENV, "").strip()
    if url and not (private and redis_binary()):
        yield url
        return
    if redis_binary() is None:
        yield None
        return
    with private_redis() as own:
        yield own


@contextmanager
def store_url(workdir: Path, label: str) -> Iterator[str]:
    base = postgres_base_url()
    if base:
        with fresh_schema(base) as url:
            yield url
    else:
        yield f"sqlite://{workdir / f'{label}.sqlite3'}"


def start_workers(env: dict[str, str], count: int, logs: Path) -> CeleryWorkers:
    """`count` `celery worker` processes serving every lane, one task at a time each, ended by their pids."""
    workers = CeleryWorkers(env, logs, cwd=REPO, loglevel="WARNING", grace=30)
    workers.start(count, name="bench")
    return workers


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
