"""Servers a test or benchmark starts on this machine: a free loopback port, and ending a process group.

The processes these helpers start run in a session of their own (`start_new_session=True`), so ending one
ends whatever it forked (a prefork worker's children) and nothing else: never a broad kill by name on a
machine other people's processes share.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess


def free_port() -> int:
    """A loopback port nothing listens on right now (the OS picks it)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def stop_process_group(process: subprocess.Popen[bytes], *, grace: float = 15) -> None:
    """SIGTERM to the process's group, SIGKILL after `grace` seconds; nothing if it already ended."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        wait_or_kill(process, grace=grace)


def wait_or_kill(process: subprocess.Popen[bytes], *, grace: float) -> None:
    """Wait `grace` seconds for a process told to stop, then SIGKILL its group (a stuck shutdown)."""
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
