"""The reconciliation sweep: what a dropped webhook missed, found by re-reading each connection's recent
window of changes (see work/reconcile.py), and the schedule's tick that queues one sweep per connection."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ...flows import Integration
from ...work import reconcile
from ..runtime import current_runtime
from .guard import PREFIX, Result, guarded, open_integration
from .slices import SliceBudget, in_turns, shop_views

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
        reports: list[dict[str, Any]] = []

        def run(view: Integration, budget: SliceBudget) -> bool:
            report, done = reconcile.sweep_slice(view, more=budget.more, families=families)
            reports.append(report.as_dict())
            return done

        turns = in_turns(
            task,
            integration_id,
            views,
            stream=reconcile.stream_name,
            pages=SWEEP_SLICE_PAGES,
            seconds=current_runtime().settings.slice_seconds,
            run=run,
            next_slice=lambda view: (
                "reconcile_events",
                [integration_id, list(families), view.account_id or None],
            ),
        )
        return {"ok": True, "shops": reports, **turns}

    return guarded(task, f"reconciliation sweep for integration {integration_id}", work)


def reconcile_all(task: Any) -> Result:
    """The schedule's reconciliation tick: one `reconcile_events` task per connection."""
    sent = 0
    # Ids only, from the store's index: nothing is opened or decrypted to queue a connection's sweep.
    for integration_id in current_runtime().integrations.store.find_integration_ids({}):
        task.app.send_task(f"{PREFIX}reconcile_events", args=[integration_id], ignore_result=True)
        sent += 1
    return {"ok": True, "queued": sent}
