"""How long one import task may hold its worker process before it queues the rest of its work again.

A worker process runs one task at a time and is never interrupted, so what an urgent task (a label, a
shipment confirmation) waits for on a worker that serves every lane is whatever that process has in hand.
Long imports therefore run in slices: after each page the task asks its budget whether to go on, and once
the budget is spent the import pauses (its place saved, `flows.orders.pull_orders(more=...)`) and the task
queues its next slice at the end of its lane, behind other sellers' work. A seller with a huge backlog then
holds a process for about one slice at a time and has one slice queued at a time: the others' pulls and
every urgent task get their turn between its slices.

The scheduled pull keeps one slice per shop through its schedule (every slice moves the shop's next pull an
interval on, so the tick does not queue it again meanwhile). Imports a host or the hourly tick may ask for
again while a chain of slices is under way (the returns import, the reconciliation sweep) keep it with a
`Turn`: a marker row per (connection, stream) in the store's leases, held by the Celery id of the slice that
is queued, or by the process running it. A request that finds another's marker skips that stream (the chain
in progress covers it), so a second request never doubles a seller's turns in the lane. The marker is a
lease with a time to live: a queued slice lost with its broker message frees the stream after
`QUEUED_SLICE_TTL`; a running slice killed on this machine frees it at once (its pid is gone).
"""

from __future__ import annotations

import os
import secrets
import socket
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from ...flows import Integration
from ...leases import dead_holder
from ...store import LeaseRole
from .guard import PREFIX

QUEUED_SLICE_TTL = timedelta(minutes=10)
"""How long a queued slice keeps its stream from other requests: longer than a slice waits in a busy lane;
past it (the message was lost), the next request for the stream resumes the chain from its saved place."""


@dataclass
class SliceBudget:
    """Pages and seconds one slice may take; `more` is what the import asks after each page it handed over."""

    pages: int
    seconds: float
    started: float = field(default_factory=time.monotonic)
    taken: int = 0
    paused: bool = False
    """The budget said stop while the import had more to read: the task queues the next slice."""

    def more(self) -> bool:
        self.taken += 1
        if self.taken >= self.pages or time.monotonic() - self.started >= self.seconds:
            self.paused = True
            return False
        return True

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self.started


@dataclass
class Turn:
    """This task's turn at one stream's chain of slices (see the module docstring); `None` from `take_turn`
    when another slice of the same stream is queued or running."""

    store: LeaseRole
    name: str
    owner: str
    ttl: timedelta = QUEUED_SLICE_TTL

    def release(self) -> None:
        """The chain ends here (done, or failed: the next request starts it again from the saved place)."""
        self.store.unlock(self.name, self.owner)

    def pass_on(
        self, task: Any, short_name: str, args: Sequence[Any], still: Callable[[], bool] | None = None
    ) -> bool:
        """Queue the next slice at the end of its lane, handing it the marker; False when nothing was queued:
        `still` (asked once the marker is released, so work recorded meanwhile is either seen here or finds
        the marker free) says there is nothing left, or another request took the stream in between (it goes
        on from the saved place)."""
        self.release()
        if still is not None and not still():
            return False
        return queue_turn(task.app, self.store, self.name, short_name, args, self.ttl)


def queue_turn(
    app: Any,
    store: LeaseRole,
    name: str,
    short_name: str,
    args: Sequence[Any],
    ttl: timedelta = QUEUED_SLICE_TTL,
) -> bool:
    """Send the task that takes the turn at marker `name`, unless another holds it (False: that one will)."""
    token = secrets.token_hex(16)
    owner = _owner(token)
    if not store.try_lock(name, owner, ttl):
        return False
    try:
        # The slice's Celery id is the marker's owner: a redelivery or a retry of it keeps the id.
        app.send_task(f"{PREFIX}{short_name}", args=list(args), task_id=token, ignore_result=True)
    except BaseException:
        store.unlock(name, owner)  # not queued: the next request (or the outbox's sweep) goes on
        raise
    return True


def marker_name(integration_id: str, stream: str) -> str:
    return f"slice:{integration_id}:{stream}"


def take_turn(
    task: Any, store: LeaseRole, integration_id: str, stream: str, ttl: timedelta = QUEUED_SLICE_TTL
) -> Turn | None:
    """This task's turn at `stream` of the connection, or None when another slice holds it.

    The marker is this task's when it was queued for it (owner: its Celery id), or held by an earlier run
    of it (a redelivery after a kill, a Celery retry: the same id), or free; or when its holder is a slice
    that died on this machine (its host and pid say so, as for every lease): that chain goes on here, from
    its saved place, rather than wait for the broker to give the dead slice back."""
    name = marker_name(integration_id, stream)
    request = getattr(task, "request", None)
    task_id = getattr(request, "id", None) or secrets.token_hex(16)
    mine = f"{socket.gethostname()}:{os.getpid()}:{RUNNING}{task_id}"  # a lease owner's host:pid form
    holder = store.lease_holder(name)
    if holder is not None and holder.owner != mine:
        ours = holder.owner == _owner(task_id) or holder.owner.endswith(f":{RUNNING}{task_id}")
        if ours or dead_holder(store, name) is not None:
            store.unlock(name, holder.owner)
    if not store.try_lock(name, mine, ttl):
        return None
    return Turn(store, name, mine, ttl)


RUNNING = "slice-"


def _owner(task_id: str) -> str:
    # Not a host:pid owner: a queued slice is never judged held by a dead process; it expires or is taken.
    return f"queued-slice:{task_id}"


def shop_views(opened: Integration, account_id: str | None) -> list[Integration] | str:
    """The views a sliced task works on: every served shop, or the one named (a slice carries its shop);
    a text saying why when the named shop is no longer served (it left the authorization: stop cleanly)."""
    if not account_id:
        return opened.served()
    shop = opened.store.get_shop(opened.id, account_id)
    selected = opened.record.account_id
    if shop is None or not shop.active or (selected and selected != account_id):
        return f"shop {account_id} is not served by the integration"
    return [opened.shop(account_id)]


def in_turns(
    task: Any,
    integration_id: str,
    views: Sequence[Integration],
    *,
    stream: Callable[[Integration], str],
    pages: int,
    seconds: float,
    run: Callable[[Integration, SliceBudget], bool],
    next_slice: Callable[[Integration], tuple[str, list[Any]]],
) -> dict[str, Any]:
    """One slice of a resumable stream for each shop, each under its `Turn`: `run(view, budget)` works until
    the budget pauses it and answers whether the stream is done; a paused shop queues `next_slice(view)`
    (task short name, args) at the end of its lane, a shop whose chain is already queued or running is
    skipped (that chain covers it). Answers the task result's `done` and, when any, `already_queued`."""
    paused: list[str] = []
    busy: list[str] = []
    for view in views:
        turn = take_turn(task, view.store, integration_id, stream(view))
        if turn is None:
            busy.append(view.account_id)
            continue
        try:
            done = run(view, SliceBudget(pages, seconds))
        except BaseException:
            turn.release()  # a retry or the next request starts again from the saved place
            raise
        if done:
            turn.release()
        else:
            paused.append(view.account_id)
            turn.pass_on(task, *next_slice(view))
    fields: dict[str, Any] = {"done": not paused}
    if busy:
        fields["already_queued"] = busy
    return fields
