"""Loaded into benchmark workers (`celery worker --include task_clock`): when each task started and ended,
one line per task in `$BENCH_TASK_CLOCK_DIR/<pid>.tsv` (a file per process, so lines never interleave).

The benchmark subtracts the time it sent a task from the time a worker started it: what the task waited in
its queue (what lanes and slices decide), apart from how long it ran (what the machine's cores decide)."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from celery.signals import task_postrun, task_prerun

CLOCK_DIR_ENV = "BENCH_TASK_CLOCK_DIR"
_started: dict[str, float] = {}


@task_prerun.connect
def _started_at(task_id: str = "", **_: Any) -> None:
    _started[task_id] = time.time()


@task_postrun.connect
def _ended_at(task_id: str = "", task: Any = None, **_: Any) -> None:
    folder = os.environ.get(CLOCK_DIR_ENV)
    began = _started.pop(task_id, None)
    if not folder or began is None:
        return
    name = str(getattr(task, "name", "")).rpartition(".")[2]
    with (Path(folder) / f"{os.getpid()}.tsv").open("a", encoding="utf-8") as out:
        out.write(f"{task_id}\t{name}\t{began:.6f}\t{time.time():.6f}\n")


def read(folder: Path) -> dict[str, tuple[str, float, float]]:
    """task id -> (short task name, started, ended), from every worker process."""
    found: dict[str, tuple[str, float, float]] = {}
    for path in folder.glob("*.tsv"):
        for line in path.read_text(encoding="utf-8").splitlines():
            task_id, name, began, ended = line.split("\t")
            found[task_id] = (name, float(began), float(ended))
    return found
