"""Real `celery worker` (and `celery beat`) processes of `connector_core.worker.app`, for tests and
benchmarks that exercise the runtime as a host deploys it: separate processes on a broker, each in a
session of its own so it can be killed mid-task by its pid (never by name: other people's workers may
share the machine)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from .local_processes import wait_or_kill

APP = "connector_core.worker.app"


def celery_command(*arguments: str) -> list[str]:
    """`python -m celery -A connector_core.worker.app ...` with this interpreter."""
    return [sys.executable, "-m", "celery", "-A", APP, *arguments]


class CeleryWorkers:
    """`celery worker` processes started with one environment, each logging to `log_folder`.

    `cwd`, `loglevel`, `include` (extra task modules each worker imports) and `grace` (seconds a stopping
    worker gets before SIGKILL) are the same for every worker; `start` says how many, their pool and lanes.
    """

    def __init__(
        self,
        env: Mapping[str, str],
        log_folder: Path,
        *,
        cwd: Path | None = None,
        loglevel: str = "INFO",
        include: Sequence[str] = (),
        grace: float = 15,
    ) -> None:
        self.env = dict(env)
        self.log_folder = log_folder
        self.cwd = cwd
        self.loglevel = loglevel
        self.include = tuple(include)
        self.grace = grace
        self.processes: list[subprocess.Popen[bytes]] = []

    def start(
        self, count: int = 1, *, concurrency: int = 1, name: str = "w", queues: Sequence[str] = ()
    ) -> None:
        """`count` more workers named `<name><index>`: one task at a time each (solo pool) unless
        `concurrency` > 1 (prefork); serving `queues` only, or every lane when none are given."""
        for _ in range(count):
            label = f"{name}{len(self.processes)}"
            command = celery_command(
                "worker", "--pool", "solo" if concurrency == 1 else "prefork", "--concurrency", str(concurrency),
                *(arg for module in self.include for arg in ("--include", module)),
                "--hostname", f"{label}@%h", "--without-gossip", "--without-mingle", "--without-heartbeat",
                "--loglevel", self.loglevel,
                *(["-Q", ",".join(queues)] if queues else []),
            )  # fmt: skip
            log = (self.log_folder / f"worker-{label}.log").open("ab")
            self.processes.append(
                subprocess.Popen(
                    command,
                    env=self.env,
                    cwd=self.cwd,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            )

    def kill(self, index: int) -> None:
        """SIGKILL worker `index` and whatever it forked, mid-task if it is in one."""
        process = self.processes[index]
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def stop(self) -> None:
        """SIGTERM to every worker at once (each finishes its task), then SIGKILL whichever outlasts `grace`."""
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            wait_or_kill(process, grace=self.grace)

    def logs(self) -> str:
        """The end of every worker's log, for a failing test's message."""
        return "\n".join(
            p.read_text(errors="replace")[-4000:] for p in sorted(self.log_folder.glob("worker-*.log"))
        )


def start_beat(env: Mapping[str, str], folder: Path) -> subprocess.Popen[bytes]:
    """A `celery beat` process (its schedule file and log in `folder`); stop it with
    local_processes.stop_process_group."""
    log = (folder / "beat.log").open("wb")
    return subprocess.Popen(
        celery_command("beat", "--loglevel", "INFO", "--schedule", str(folder / "beat-schedule")),
        env=dict(env),
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
