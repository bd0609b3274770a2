"""A store used across `os.fork()`, as a prefork worker pool does: the child must open connections of its
own and leave the parent's alone."""

from __future__ import annotations

import os

from connector_core.store import Store


def cursor_written_in_a_fork(store: Store, integration_id: str) -> str:
    """Fork; the child sets the `orders` cursor to "child" through the parent's store object and answers
    what it reads back (through a pipe); the parent waits for it and returns that answer."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child reports through the pipe
        try:
            store.set_cursor(integration_id, "orders", "child")
            os.write(write, (store.get_cursor(integration_id, "orders") or "").encode())
        finally:
            os._exit(0)
    os.close(write)
    answer = os.read(read, 100).decode()
    os.close(read)
    os.waitpid(pid, 0)
    return answer
