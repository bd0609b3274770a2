"""Concurrent `pull-orders --output FILE` writers never duplicate an order version: the second writer of a
file is refused at once, naming the first (before: four processes writing one file wrote the same order
version three times), and a killed writer leaves nothing held."""

from __future__ import annotations

import multiprocessing
import os
import signal
from pathlib import Path
from typing import Any

import pytest

from connector_core.cli.inputs import InputError
from connector_core.cli.order_file import OrderFile


def _hold(path: str, ready: Any) -> None:
    with OrderFile(path):
        ready.put(os.getpid())
        signal.pause()


def test_a_second_writer_is_refused_naming_the_first_and_a_killed_writer_frees_the_file(
    tmp_path: Path,
) -> None:
    path = tmp_path / "orders.jsonl"
    context = multiprocessing.get_context("spawn")
    ready = context.Queue()
    writer = context.Process(target=_hold, args=(str(path), ready))
    writer.start()
    try:
        pid = ready.get(timeout=60)
        with pytest.raises(InputError) as refused, OrderFile(str(path)):
            pass
        message = str(refused.value)
        assert f"pid {pid}" in message and "is writing it now" in message
        assert "\n" not in message
    finally:
        os.kill(writer.pid, signal.SIGKILL)  # type: ignore[arg-type]
        writer.join(timeout=30)
    with OrderFile(str(path)) as out:  # the kernel dropped the dead writer's lock
        assert out.written == 0


def test_one_process_may_reopen_the_file_after_closing_it(tmp_path: Path) -> None:
    path = tmp_path / "orders.jsonl"
    for _ in range(2):
        with OrderFile(str(path)):
            pass
