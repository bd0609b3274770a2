"""One writer at a time: a named lease in the store, taken with a short bounded wait, renewed while held.

The store's lease works across processes and machines and expires on its own, so a killed holder never
blocks the work for longer than the lease's time to live. A loser does not queue: it waits briefly (a
twin started a moment later usually finds the work done) and then reports who holds the lease and since
when, so an operator can tell a running job from a stuck one.

A holder on this machine whose process is gone is not waited out to the lease's expiry, but neither is its
lease taken at once where the work changes the channel: the request it had on the wire when it died may
still be applied by the channel after the next holder's call (a stock level set late overwrites a newer
one). Such a lease is taken over only once `settle` has passed since the holder was seen dead: the call
deadline bounds how long any call of the dead holder can take, so nothing of it can land after that.
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


def _dead_holder(store: LeaseRole, name: str) -> Lease | None:
    """The lease's holder if it is a process on this machine that is gone (SIGKILL, crash): it can neither
    renew nor release its lease. Holders on other machines are never judged dead: their leases expire."""
    holder = store.lease_holder(name)
    if holder is None:
        return None
    host, _, rest = holder.owner.partition(":")
    pid_text = rest.partition(":")[0]
    if host != socket.gethostname() or not pid_text.isdigit() or _alive(int(pid_text)):
        return None
    return holder


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
def hold(
    store: LeaseRole,
    name: str,
    *,
    what: str,
    ttl: timedelta,
    wait: timedelta,
    settle: timedelta = timedelta(0),
) -> Iterator[HeldLease]:
    """Take lease `name` (waiting at most `wait`), yield it, release it; raise `LeaseBusy` when taken.

    `settle`: for work that changes the channel, how long a dead holder's last call may still take to land
    (the HTTP call deadline); its lease is taken over only once that much time has passed since it was
    seen dead, and the wait is stretched to allow for it. Read-only work passes 0."""
    owner = lease_owner()
    deadline = time.monotonic() + wait.total_seconds()
    pause = POLL_SECONDS
    dead: tuple[str, float] | None = None  # (the dead holder's owner name, when it was first seen dead)
    takeovers = 3  # dead holders taken over in one call, at most (a few processes may have died)
    while not store.try_lock(name, owner, ttl):
        holder = _dead_holder(store, name) if takeovers else None
        if holder is not None:
            if dead is None or dead[0] != holder.owner:
                dead = (holder.owner, time.monotonic())
                deadline = max(deadline, dead[1] + settle.total_seconds() + wait.total_seconds())
            if time.monotonic() - dead[1] >= settle.total_seconds():
                store.unlock(name, holder.owner)
                takeovers -= 1
                continue
        if time.monotonic() >= deadline:
            raise LeaseBusy(what, store.lease_holder(name))
        time.sleep(pause)
        pause = min(pause * 2, MAX_POLL_SECONDS)
    try:
        yield HeldLease(store, name, owner, ttl)
    finally:
        store.unlock(name, owner)
