"""Benchmark workers for the lanes: `celery worker` processes serving every lane or one lane alone, each
with `task_clock` loaded (when each task started and ended), and the Redis lengths of the lanes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bench_support import REPO

from connector_core.testing.celery_workers import CeleryWorkers
from connector_core.worker.lanes import URGENT


def start_lane_workers(
    env: dict[str, str], logs: Path, *, every_lane: int, urgent_only: int
) -> CeleryWorkers:
    """`every_lane` workers serving every lane, then `urgent_only` serving the urgent lane alone; one task at
    a time each, ended by their own pids."""
    workers = CeleryWorkers(env, logs, cwd=REPO, loglevel="WARNING", include=["task_clock"], grace=30)
    workers.start(every_lane, name="all")
    workers.start(urgent_only, name="urgent", queues=[URGENT])
    return workers


def warm(app: Any, integration_id: str, processes: int) -> None:
    """Each process opens the store and loads the connector once before anything is timed."""
    from connector_core.worker import PREFIX

    for sent in [
        app.send_task(f"{PREFIX}refresh_token", args=[integration_id]) for _ in range(processes * 2)
    ]:
        sent.get(timeout=120)


def queued(redis_url: str, lane: str) -> int:
    import redis as redis_client

    client = redis_client.Redis.from_url(redis_url)
    try:
        return int(client.llen(lane))
    finally:
        client.close()
