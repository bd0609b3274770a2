"""Benchmark workers for the lanes: `celery worker` processes serving every lane or one lane alone, each
with `task_clock` loaded (when each task started and ended), and the Redis lengths of the lanes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

from bench_support import REPO

from connector_core.worker.lanes import URGENT


class LaneWorkers:
    """`celery worker` processes (solo pool: one task at a time each), ended by their own pids."""

    def __init__(self, env: dict[str, str], logs: Path, *, every_lane: int, urgent_only: int) -> None:
        plans = [("all", None)] * every_lane + [("urgent", URGENT)] * urgent_only
        self.processes = [
            subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "connector_core.worker.app", "worker", "--pool", "solo",
                 "--include", "task_clock", "--hostname", f"{kind}{n}@%h", "--without-gossip",
                 "--without-mingle", "--without-heartbeat", "--loglevel", "WARNING",
                 *(["-Q", queue] if queue else [])],
                env=env,
                cwd=REPO,
                stdout=(logs / f"worker-{kind}{n}.log").open("ab"),
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            for n, (kind, queue) in enumerate(plans)
        ]  # fmt: skip

    def stop(self) -> None:
        for process in self.processes:
            os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)


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
