"""The outbox's tasks: run work recorded in the store (webhook events, host requests) and record its
outcome, and the schedule's sweep that sends again what nobody finished (see work/outbox.py)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from ...work import outbox
from ..runtime import current_runtime
from .guard import PREFIX, Result, guarded


def run_work(task: Any, integration_id: str, kind: str, keys: Sequence[str]) -> Result:
    """Run work recorded in the store's outbox (webhook events, host requests) and record its outcome.

    A transient failure retries through the broker; should that retry be lost too (an emptied Redis), the
    work is still pending in the outbox and the sweep sends it again."""

    def work() -> Result:
        return outbox.run_work(current_runtime().integrations, integration_id, kind, list(keys))

    return guarded(task, f"{kind} work of integration {integration_id}", work)


def sweep_outbox(task: Any) -> Result:
    """The schedule's sweep: send again the recorded work nobody finished within the grace (a lost broker
    message, a killed worker), and prune finished work older than the de-duplication window."""
    runtime = current_runtime()
    store = runtime.store
    sent = 0
    for integration_id, kind, keys in outbox.due_work(store, runtime.settings.outbox_grace):
        task.app.send_task(f"{PREFIX}run_work", args=[integration_id, kind, keys], ignore_result=True)
        sent += 1
    pruned = 0
    now = runtime.integrations.clock.now()
    if _last_prune.get("at") is None or now - _last_prune["at"] > PRUNE_EVERY:
        _last_prune["at"] = now  # a scan of finished rows once an hour per worker, not every sweep
        pruned = store.prune_work(now - outbox.KEEP_FINISHED)
    return {"ok": True, "sent": sent, "pruned": pruned}


PRUNE_EVERY = timedelta(hours=1)
_last_prune: dict[str, datetime] = {}
