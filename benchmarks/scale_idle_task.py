"""CPU per idle run of the worker's pull task for one shop: the path a scheduled poll really takes (open the
connection, check the shop, pull, find nothing, schedule the next pull), called in this process without
Celery or Redis, so the figure is the kit's own work and the store's."""

from __future__ import annotations

import os
import tempfile
import time
from typing import Any

from scale_population import Population, cpu_seconds

from connector_core.store import Store
from connector_core.worker import WorkerSettings, build_runtime
from connector_core.worker import runtime as worker_runtime
from connector_core.worker.tasks import pull_orders

ORDERS_DIR_ENV = "BENCH_WORKER_ORDERS_DIR"  # worker_host_plugin.py writes each handed-over page there


def idle_pull_task(store: Store, population: Population, polls: int, batches: int = 5) -> tuple[float, float]:
    """CPU and wall milliseconds per idle pull task of the first connection's first shop (the least disturbed
    of `batches` batches: the machine is shared)."""
    integration_id, shops = population.connections[0]
    shop_id = shops[0][0]
    runtime = build_runtime(WorkerSettings(host_plugins=("worker_host_plugin",), rates={}), store)
    pid, saved_env = os.getpid(), os.environ.get(ORDERS_DIR_ENV)
    saved_runtime = worker_runtime._runtimes.get(pid)
    with tempfile.TemporaryDirectory() as orders_dir:
        os.environ[ORDERS_DIR_ENV] = orders_dir
        worker_runtime._runtimes[pid] = runtime
        try:
            for _ in range(2):  # the first may import; then the watermark is set and polls are idle
                result: dict[str, Any] = pull_orders(None, integration_id, shop_id)
            if not result.get("ok") or result.get("orders_delivered"):
                raise RuntimeError(f"the idle pull task did not run idle: {result}")
            best_cpu = best_wall = float("inf")
            for _ in range(batches):
                cpu, wall = cpu_seconds(), time.perf_counter()
                for _ in range(polls):
                    pull_orders(None, integration_id, shop_id)
                best_cpu = min(best_cpu, (cpu_seconds() - cpu) / polls * 1000)
                best_wall = min(best_wall, (time.perf_counter() - wall) / polls * 1000)
        finally:
            if saved_runtime is None:
                worker_runtime._runtimes.pop(pid, None)
            else:
                worker_runtime._runtimes[pid] = saved_runtime
            if saved_env is None:
                os.environ.pop(ORDERS_DIR_ENV, None)
            else:
                os.environ[ORDERS_DIR_ENV] = saved_env
    return best_cpu, best_wall
