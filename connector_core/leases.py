"""One writer at a time: THE lease of the core, used by every flow, the token manager and the sinks.

A lease is a named row in the store that works across processes and machines and expires on its own, so a
killed holder never blocks the work for longer than the lease's time to live. `hold()` is the only way the
core takes one, and it gives every holder the same four guarantees:

- **A bounded wait.** A loser does not queue: it waits at most `wait` (a twin started a moment later
  usually finds the work done), then raises `LeaseBusy` naming who holds the lease and since when, so an
  operator can tell a running job from a stuck one. `wait=0` means "skip if busy".
- **Renewal during long calls.** While the block runs, one background thread per process renews every
  held lease a third of its time to live after the last renewal. A 120 s HTTP call therefore never
  outlives a 2-minute lease, and a run longer than its lease never overlaps a retry. A lease that could
  not be kept (the store refused the renewal past the expiry, or someone else holds it now) is marked
  lost: `check()` and `confirm()` raise `LeaseLost`, so the holder stops before reporting an outcome a
  newer holder will report too.
- **Dead-holder takeover only once its call can no longer land.** A holder on this machine whose process
  is gone is not waited out to the lease's expiry, but where the work changes the channel its lease is
  taken over only once `settle` (the HTTP call deadline) has passed since it was seen dead: a request it
  had on the wire may still be applied by the channel until then (a stock level set late overwrites a
  newer one). Holders on other machines are never judged dead: their leases expire.
- **A release that survives a dropped connection.** Releasing is retried a few times (each on a fresh
  connection, the backends see to that); only if the store stays unreachable is the lease left to expire,
  with a warning naming it.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from .errors import ConnectorError
from .store import Lease, LeaseRole, lease_owner

log = logging.getLogger("connector_core.leases")

POLL_SECONDS = 0.05
MAX_POLL_SECONDS = 0.5
RENEW_FRACTION = 3
"""A held lease is renewed once a third of its time to live has passed since the last renewal."""
RETRY_RENEWAL_SECONDS = 1.0
"""After a failed renewal (store unreachable), try again this soon: the lease is still ours until it expires."""
RELEASE_ATTEMPTS = 5
RELEASE_PAUSE_SECONDS = 0.1


class LeaseBusy(ConnectorError):
    """Someone else holds the lease for this work; the message says who and since when."""

    def __init__(self, what: str, holder: Lease | None) -> None:
        self.what = what
        self.holder = holder
        super().__init__(_busy_text(what, holder))


class LeaseLost(LeaseBusy):
    """The lease lapsed while its holder worked (a stall longer than its time to live): another run may
    hold it now and report the same work, so this one must stop without reporting an outcome."""

    def __init__(self, what: str, holder: Lease | None) -> None:
        super().__init__(what, holder)
        self.args = (
            f"{what} lost its lease while it ran (it stalled past the lease's expiry); "
            "another run may hold it now, so this one stopped: read the ledger for the outcome",
        )


def _busy_text(what: str, holder: Lease | None) -> str:
    if holder is None:
        return f"{what} is running in another process; try again in a moment"
    host_and_pid = ":".join(holder.owner.split(":")[:2])
    return (
        f"{what} is running since {holder.acquired_at:%Y-%m-%d %H:%M:%S} UTC (owner {host_and_pid}); "
        "try again when it has finished"
    )


class HeldLease:
    """A lease this process holds. The background renewer keeps it; `check()`/`confirm()` say if it was lost."""

    def __init__(self, store: LeaseRole, name: str, owner: str, ttl: timedelta, what: str) -> None:
        self.store = store
        self.name = name
        self.owner = owner
        self.ttl = ttl
        self.what = what
        self.lost = False
        self.released = False
        self.renewed_at = time.monotonic()
        self._lock = threading.Lock()  # renewal and release never interleave (a renewal after a release
        # would take the lease again)

    @property
    def renew_every(self) -> float:
        return max(self.ttl.total_seconds() / RENEW_FRACTION, 0.01)

    def check(self) -> None:
        """Raise `LeaseLost` if the renewer found the lease gone (no store call)."""
        if self.lost:
            raise LeaseLost(self.what, self.store.lease_holder(self.name))

    def renew(self) -> None:
        """Between steps of long work: renew now if a renewal is due; raise `LeaseLost` if it was lost."""
        if time.monotonic() - self.renewed_at >= self.renew_every:
            self._renew_now()
        self.check()

    def confirm(self) -> None:
        """Before reporting an outcome: prove the lease was held without a gap until now (one round trip
        more than `check`), and push its expiry out so the report is written well inside it."""
        self._renew_now()
        self.check()

    def _renew_now(self) -> None:
        with self._lock:
            if self.released or self.lost:
                return
            holder = self.store.lease_holder(self.name)
            # Renewing is only honest while the lease is still ours and unexpired: `try_lock` would also
            # take a lease that lapsed meanwhile, hiding a gap in which another run may have worked.
            if (
                holder is None
                or holder.owner != self.owner
                or not self.store.try_lock(self.name, self.owner, self.ttl)
            ):
                self.lost = True
                log.warning("%s: lease %s lapsed while held", self.what, self.name)
                return
            self.renewed_at = time.monotonic()

    def release(self) -> None:
        """Give the lease back; retried on a fresh connection, so a dropped one does not keep it held."""
        with self._lock:
            if self.released:
                return
            self.released = True
        _renewer.forget(self)
        if self.lost:
            return  # not ours any more: releasing would free another holder's lease
        release(self.store, self.name, self.owner)


def release(store: LeaseRole, name: str, owner: str) -> None:
    """Delete `owner`'s lease `name`, retried a few times; if the store stays unreachable, say so and let the
    lease expire (a release is idempotent: deleting an already deleted lease changes nothing)."""
    pause = RELEASE_PAUSE_SECONDS
    for attempt in range(1, RELEASE_ATTEMPTS + 1):
        try:
            store.unlock(name, owner)
            return
        except Exception as exc:
            if attempt == RELEASE_ATTEMPTS:
                log.warning("lease %s could not be released (%s); it stays held until it expires", name, exc)
                return
            time.sleep(pause)
            pause *= 2


class _Renewer:
    """One daemon thread per process renewing every held lease when its renewal is due."""

    def __init__(self) -> None:
        self._held: set[HeldLease] = set()
        self._wake = threading.Condition()
        self._pid: int | None = None

    def add(self, held: HeldLease) -> None:
        with self._wake:
            if self._pid != os.getpid():  # first use, or a forked child: its parent's thread is not here
                self._held = set()
                self._pid = os.getpid()
                threading.Thread(target=self._run, name="lease-renewer", daemon=True).start()
            self._held.add(held)
            self._wake.notify()

    def forget(self, held: HeldLease) -> None:
        with self._wake:
            self._held.discard(held)

    def _run(self) -> None:
        pid = os.getpid()
        while True:
            with self._wake:
                if self._pid != pid:
                    return
                now = time.monotonic()
                due = [h for h in self._held if now - h.renewed_at >= h.renew_every]
                if not due:
                    waits = [h.renewed_at + h.renew_every - now for h in self._held]
                    self._wake.wait(timeout=min(waits) if waits else None)
                    continue
            for held in due:
                try:
                    held._renew_now()
                except Exception as exc:
                    log.warning("lease %s: renewal failed (%s); retrying", held.name, exc)
                    # Retry soon, but not in a tight loop: the lease stays ours until it expires.
                    held.renewed_at = time.monotonic() - held.renew_every + RETRY_RENEWAL_SECONDS
                if held.lost or held.released:
                    self.forget(held)


_renewer = _Renewer()


def dead_holder(store: LeaseRole, name: str) -> Lease | None:
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


def acquire(
    store: LeaseRole,
    name: str,
    *,
    what: str,
    ttl: timedelta,
    wait: timedelta,
    settle: timedelta = timedelta(0),
    owner: str | None = None,
) -> HeldLease:
    """Take lease `name` (waiting at most `wait`) and start renewing it; raise `LeaseBusy` when taken.
    Prefer `hold()`, which also releases it; whoever calls this must call `release()`."""
    owner = owner or lease_owner()
    deadline = time.monotonic() + wait.total_seconds()
    pause = POLL_SECONDS
    dead: tuple[str, float] | None = None  # (the dead holder's owner name, when it was first seen dead)
    takeovers = 3  # dead holders taken over in one call, at most (a few processes may have died)
    while not store.try_lock(name, owner, ttl):
        holder = dead_holder(store, name) if takeovers else None
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
        time.sleep(min(pause, max(deadline - time.monotonic(), 0.0)) or POLL_SECONDS)
        pause = min(pause * 2, MAX_POLL_SECONDS)
    held = HeldLease(store, name, owner, ttl, what)
    _renewer.add(held)
    return held


@contextmanager
def hold(
    store: LeaseRole,
    name: str,
    *,
    what: str,
    ttl: timedelta,
    wait: timedelta,
    settle: timedelta = timedelta(0),
    owner: str | None = None,
    deferrable: bool = False,
) -> Iterator[HeldLease]:
    """Take lease `name` (see `acquire`), yield it renewed in the background, release it however the block
    ends. `settle`: for work that changes the channel, how long a dead holder's last call may still take to
    land (the HTTP call deadline); read-only work passes 0. `owner`: a caller that must recognise its own
    lease across calls (the token manager) names it; otherwise each hold is a fresh owner. `deferrable`:
    when the block ends normally inside `releases_deferred()`, the lease is handed to that block instead
    of released here (still renewed until then)."""
    held = acquire(store, name, what=what, ttl=ttl, wait=wait, settle=settle, owner=owner)
    try:
        yield held
    except BaseException:
        held.release()
        raise
    pending = _deferred.pending if deferrable else None
    if pending is None:
        held.release()
    else:
        pending.append(held)


class _Deferred(threading.local):
    pending: list[HeldLease] | None = None


_deferred = _Deferred()


@contextmanager
def releases_deferred() -> Iterator[list[HeldLease]]:
    """Within this block (in this thread), a `deferrable` hold that ends normally leaves its lease held and
    adds it to the list yielded, so the block's owner can give it back in the same store round trip as a
    write of its own (`take_deferred`): the worker's pull task releases the shop's import lease with the
    shop's next pull. Whatever is still on the list when the block ends is released as usual, however the
    block ends, so a lease is never kept past it."""
    previous = _deferred.pending
    pending: list[HeldLease] = []
    _deferred.pending = pending
    try:
        yield pending
    finally:
        _deferred.pending = previous
        while pending:
            pending.pop().release()


def release_deferred() -> None:
    """Release now every lease deferred in this thread's `releases_deferred` block (before queuing work that
    needs them: the next slice of a paused import must not find its lease still held)."""
    pending = _deferred.pending
    while pending:
        pending.pop().release()


def take_deferred(pending: list[HeldLease]) -> HeldLease | None:
    """The first lease on `pending` still ours, off the list and marked released (its renewals stop): the
    caller deletes it in its own write, and if that write fails, calls `release()` on it (module function)
    so it is released all the same. None when there is none (a lease lost meanwhile is dropped: releasing it
    would free another holder's lease)."""
    while pending:
        held = pending.pop(0)
        with held._lock:
            if held.released:
                continue
            held.released = True
        _renewer.forget(held)
        if not held.lost:
            return held
    return None
