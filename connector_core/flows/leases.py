"""One writer at a time: a named lease in the store, taken with a short bounded wait, renewed while held.

The store's lease works across processes and machines and expires on its own, so a killed holder never
blocks the work for longer than the lease's time to live. A loser does not queue: it waits briefly (a
twin started a moment later usually finds the work done) and then reports who holds the lease and since
when, so an operator can tell a running job from a stuck one.
"""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from ..errors import ConnectorError
from ..store import Lease, LeaseRole, lease_owner

POLL_SECONDS = 0.05
MAX_POLL_SECONDS = 0.5


class LeaseBusy(ConnectorError):
    """Someone else holds the lease for this work; the message says who and since when."""

    def __init__(self, what: str, holder: Lease | None) -> None:
        self.what = what
        self.holder = holder
        super().__init__(_busy_text(what, holder))


def _busy_text(what: str, holder: Lease | None) -> str:
    if holder is None:
        return f"{what} is running in another process; try again in a moment"
    host_and_pid = ":".join(holder.owner.split(":")[:2])
    return (
        f"{what} is running since {holder.acquired_at:%Y-%m-%d %H:%M:%S} UTC (owner {host_and_pid}); "
        "try again when it has finished"
    )


class HeldLease:
    """A lease this process holds; `renew()` pushes its expiry out while long work goes on."""

    def __init__(self, store: LeaseRole, name: str, owner: str, ttl: timedelta) -> None:
        self.store = store
        self.name = name
        self.owner = owner
        self.ttl = ttl

    def renew(self) -> None:
        """Extend the lease; raises `LeaseBusy` if it expired meanwhile and someone else took it."""
        if not self.store.try_lock(self.name, self.owner, self.ttl):
            raise LeaseBusy(f"the work guarded by {self.name!r}", self.store.lease_holder(self.name))


def _release_if_holder_died(store: LeaseRole, name: str) -> bool:
    """A holder on this machine whose process is gone (SIGKILL, crash) cannot renew or release its lease:
    release it for it instead of waiting out the expiry. Holders on other machines are waited for."""
    holder = store.lease_holder(name)
    if holder is None:
        return True  # released meanwhile: try again at once
    host, _, rest = holder.owner.partition(":")
    pid_text = rest.partition(":")[0]
    if host != socket.gethostname() or not pid_text.isdigit() or _alive(int(pid_text)):
        return False
    store.unlock(name, holder.owner)
    return True


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # it exists, owned by someone else
    return True


@contextmanager
def hold(store: LeaseRole, name: str, *, what: str, ttl: timedelta, wait: timedelta) -> Iterator[HeldLease]:
    """Take lease `name` (waiting at most `wait`), yield it, release it; raise `LeaseBusy` when taken."""
    owner = lease_owner()
    deadline = time.monotonic() + wait.total_seconds()
    pause = POLL_SECONDS
    quick_retries = 3  # after a dead holder's lease was released: try again at once, a few times
    while not store.try_lock(name, owner, ttl):
        if quick_retries and _release_if_holder_died(store, name):
            quick_retries -= 1
            continue
        if time.monotonic() >= deadline:
            raise LeaseBusy(what, store.lease_holder(name))
        time.sleep(pause)
        pause = min(pause * 2, MAX_POLL_SECONDS)
    try:
        yield HeldLease(store, name, owner, ttl)
    finally:
        store.unlock(name, owner)
