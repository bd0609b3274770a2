"""The reconciliation sweep: what a dropped webhook missed, found by re-reading each connection's recent
window of changes (see work/reconcile.py), and the schedule's tick that queues one sweep per connection."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ...work import reconcile
from ..runtime import current_runtime
from .guard import PREFIX, Result, guarded, open_integration


def reconcile_events(task: Any, integration_id: str, families: Sequence[str] = reconcile.FAMILIES) -> Result:
    """The reconciliation sweep of one connection: each served shop's recent window of order, cancellation
    and return changes, handed over once (what a dropped webhook missed; see work/reconcile.py)."""

    def work() -> Result:
        integration = open_integration(integration_id)
        if integration.tokens.tokens() is None:
            return {"ok": True, "skipped": "not authorized"}
        reports = reconcile.reconcile(integration, families=families)
        return {"ok": True, "shops": [r.as_dict() for r in reports]}

    return guarded(task, f"reconciliation sweep for integration {integration_id}", work)


def reconcile_all(task: Any) -> Result:
    """The schedule's reconciliation tick: one `reconcile_events` task per connection."""
    sent = 0
    # Ids only, from the store's index: nothing is opened or decrypted to queue a connection's sweep.
    for integration_id in current_runtime().integrations.store.find_integration_ids({}):
        task.app.send_task(f"{PREFIX}reconcile_events", args=[integration_id], ignore_result=True)
        sent += 1
    return {"ok": True, "queued": sent}
