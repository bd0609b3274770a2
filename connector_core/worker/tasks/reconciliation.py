"""The reconciliation sweep: what a dropped webhook missed, found by re-reading each connection's recent
window of changes (see work/reconcile.py), and the schedule's tick that queues one sweep per connection."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ...work import reconcile
from ..runtime import current_runtime
from .guard import PREFIX, Result, guarded, open_integration
from .slices import SliceBudget, shop_views, take_turn

SWEEP_SLICE_PAGES = 20
"""Pages one slice of a sweep reads at most (the time budget, `WorkerSettings.slice_seconds`, usually ends it
first); the sweep itself stops at `SWEEP_PAGE_CAP` pages per shop and family."""


def reconcile_events(
    task: Any,
    integration_id: str,
    families: Sequence[str] = reconcile.FAMILIES,
    account_id: str | None = None,
) -> Result:
    """The reconciliation sweep of one connection: each served shop's recent window of order, cancellation
    and return changes (or the named shop's), handed over once (what a dropped webhook missed; see
    work/reconcile.py). In slices, as the imports: a shop whose sweep outlasts a slice queues the rest as
    its next slice at the end of the pulls lane, one queued slice per shop (slices.py)."""

    def work() -> Result:
        integration = open_integration(integration_id)
        if integration.tokens.tokens() is None:
            return {"ok": True, "skipped": "not authorized"}
        views = shop_views(integration, account_id)
        if isinstance(views, str):
            return {"ok": True, "skipped": views}
        reports = []
        paused: list[str] = []
        busy: list[str] = []
        for view in views:
            turn = take_turn(task, view.store, integration_id, reconcile.stream_name(view))
            if turn is None:
                busy.append(view.account_id)  # its sweep is queued or running: it covers this one
                continue
            budget = SliceBudget(SWEEP_SLICE_PAGES, current_runtime().settings.slice_seconds)
            try:
                report, done = reconcile.sweep_slice(view, more=budget.more, families=families)
            except BaseException:
                turn.release()  # a retry or the next sweep goes on from the saved place
                raise
            reports.append(report.as_dict())
            if done:
                turn.release()
            else:
                paused.append(view.account_id)
                turn.pass_on(
                    task, "reconcile_events", [integration_id, list(families), view.account_id or None]
                )
        result: Result = {"ok": True, "shops": reports, "done": not paused}
        if busy:
            result["already_queued"] = busy
        return result

    return guarded(task, f"reconciliation sweep for integration {integration_id}", work)


def reconcile_all(task: Any) -> Result:
    """The schedule's reconciliation tick: one `reconcile_events` task per connection."""
    sent = 0
    # Ids only, from the store's index: nothing is opened or decrypted to queue a connection's sweep.
    for integration_id in current_runtime().integrations.store.find_integration_ids({}):
        task.app.send_task(f"{PREFIX}reconcile_events", args=[integration_id], ignore_result=True)
        sent += 1
    return {"ok": True, "queued": sent}
