"""The outbox: work recorded durably before anyone is told it was taken.

A webhook is answered 200, and a host's request (push stock, confirm a shipment, buy a label) is accepted,
only once a row here says what must be done. The broker then only carries a hint to start it soon: a lost
message, an emptied Redis or a killed worker delays the work until the sweeper hands the row out again,
but cannot lose it. A row is identified by (integration, kind, key): recording the same key twice is one
row (a webhook event's id, a host's idempotency key), so an overlapping retry finds the work already taken.

- `OutboxRole`: what a backend implements (both backends; `StoreContract` checks it).
- `WorkItem`: the record it returns.
- `OutboxDelegate`: the `Store` front's pass-through, with the checks every backend would repeat.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal, Protocol

WorkStatus = Literal["pending", "done", "failed"]
"""pending: recorded, not finished (maybe running, maybe lost in the broker: the sweeper re-sends it);
done: its outcome is recorded; failed: given up, the outcome says why (reported, never silently dropped)."""
FinalWorkStatus = Literal["done", "failed"]
WORK_STATUSES: tuple[WorkStatus, ...] = ("pending", "done", "failed")
MAX_WORK_KIND_LENGTH = 40


@dataclass(frozen=True)
class WorkItem:
    integration_id: str
    kind: str
    key: str
    payload: dict[str, Any]
    status: WorkStatus
    outcome: dict[str, Any] | None
    attempts: int
    """How many times a worker started it."""
    created_at: datetime
    queued_at: datetime
    """When it was last handed to the broker (or recorded): the sweeper re-sends pending work older than this."""
    finished_at: datetime | None


class OutboxRole(Protocol):
    def add_work(
        self,
        integration_id: str,
        kind: str,
        key: str,
        payload: Mapping[str, Any],
        *,
        status: WorkStatus = "pending",
    ) -> bool:
        """One statement: record the work unless (integration, kind, key) is recorded; True when new.
        A concurrent twin waits for the first one's transaction and then finds it (False)."""
        ...

    def get_work(self, integration_id: str, kind: str, key: str) -> WorkItem | None: ...

    def start_work(self, integration_id: str, kind: str, key: str) -> WorkItem | None:
        """Count one more start (attempts+1) and return the item; None when no such work was recorded."""
        ...

    def finish_work(
        self, integration_id: str, kind: str, key: str, status: FinalWorkStatus, outcome: Mapping[str, Any]
    ) -> None:
        """Record the outcome of pending work; a finished item stays as it is (the first outcome wins)."""
        ...

    def requeue_due_work(self, grace: timedelta, limit: int) -> list[WorkItem]:
        """One transaction: pending work last queued more than `grace` ago (oldest first, at most `limit`),
        marked queued now and returned, so two sweepers never both re-send the same item."""
        ...

    def list_work(
        self, integration_id: str, *, kind: str | None = None, status: WorkStatus | None = None
    ) -> list[WorkItem]:
        """Ordered by created_at, then key."""
        ...

    def fresh_work(self, integration_id: str, kind: str, limit: int) -> list[str]:
        """The keys of the connection's pending work of this kind that nobody started yet, oldest first, at
        most `limit` (what a drain runs; work started before and still pending is the sweep's to re-send):
        read through the pending rows' index, so the finished rows kept for de-duplication cost nothing."""
        ...

    def prune_work(self, finished_before: datetime) -> int:
        """Delete finished work older than that; returns how many rows went."""
        ...


def _text(value: str, what: str) -> str:
    if "\x00" in value:
        raise ValueError(
            f"{what} {value[:60]!r} holds a NUL character, which the store cannot keep: remove it"
        )
    return value


def _kind(kind: str) -> str:
    _text(kind, "work kind")
    if not kind or len(kind) > MAX_WORK_KIND_LENGTH:
        raise ValueError(f"work kind {kind[:60]!r} must be 1 to {MAX_WORK_KIND_LENGTH} characters")
    return kind


class OutboxDelegate:
    """Mixed into the `Store` front (`SealedStore`): the backend's outbox rows, inputs checked once here."""

    _outbox: OutboxRole

    def add_work(
        self,
        integration_id: str,
        kind: str,
        key: str,
        payload: Mapping[str, Any],
        *,
        status: WorkStatus = "pending",
    ) -> bool:
        if status not in WORK_STATUSES:
            raise ValueError(f"work is recorded 'pending', 'done' or 'failed', not {status!r}")
        return self._outbox.add_work(
            integration_id, _kind(kind), _text(key, "work key"), dict(payload), status=status
        )

    def get_work(self, integration_id: str, kind: str, key: str) -> WorkItem | None:
        return self._outbox.get_work(integration_id, _text(kind, "work kind"), _text(key, "work key"))

    def start_work(self, integration_id: str, kind: str, key: str) -> WorkItem | None:
        return self._outbox.start_work(integration_id, _text(kind, "work kind"), _text(key, "work key"))

    def finish_work(
        self, integration_id: str, kind: str, key: str, status: FinalWorkStatus, outcome: Mapping[str, Any]
    ) -> None:
        if status not in ("done", "failed"):
            raise ValueError(f"work finishes 'done' or 'failed', not {status!r}")
        self._outbox.finish_work(
            integration_id, _text(kind, "work kind"), _text(key, "work key"), status, dict(outcome)
        )

    def requeue_due_work(self, grace: timedelta, limit: int) -> list[WorkItem]:
        return self._outbox.requeue_due_work(max(grace, timedelta(0)), max(0, limit))

    def list_work(
        self, integration_id: str, *, kind: str | None = None, status: WorkStatus | None = None
    ) -> list[WorkItem]:
        return self._outbox.list_work(integration_id, kind=kind, status=status)

    def fresh_work(self, integration_id: str, kind: str, limit: int) -> list[str]:
        return self._outbox.fresh_work(integration_id, _text(kind, "work kind"), max(0, limit))

    def prune_work(self, finished_before: datetime) -> int:
        return self._outbox.prune_work(finished_before)
