"""After-sales tasks: the seller's decisions on cancellation requests and returns, a seller's own
cancellation (each once, through intents), and the import of changed returns handed to the host."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ...flows import Integration, returns
from ...models import Money
from ...work.return_delivery import deliver_returns, require_return_receiver
from ..runtime import current_runtime
from .guard import Result, guarded, open_integration
from .slices import SliceBudget, in_turns, shop_views

RETURNS_SLICE_PAGES = 20
"""Pages one slice of a returns import takes at most (the time budget, `WorkerSettings.slice_seconds`,
usually ends it first)."""


def decide_cancellation(
    task: Any, integration_id: str, order_id: str, action: str, reason: str | None = None
) -> Result:
    """Approve or reject an order's open cancellation request; a repeat decides nothing new (intents)."""

    def work() -> Result:
        if action not in ("approve", "reject"):
            raise ValueError(f"action {action!r}: give approve or reject")
        report = open_integration(integration_id).decide_cancellation(order_id, action, reason)  # type: ignore[arg-type]
        return {"ok": True, "report": report.model_dump(mode="json")}

    return guarded(task, f"cancellation decision for integration {integration_id}", work)


def cancel_order(
    task: Any, integration_id: str, order_id: str, reason: str, line_ids: Sequence[str] = ()
) -> Result:
    """Cancel an order (or some units) as the seller, once (an intent; a retry reads back first)."""

    def work() -> Result:
        report = open_integration(integration_id).cancel_order(order_id, list(line_ids), reason)
        return {"ok": True, "report": report.model_dump(mode="json")}

    return guarded(task, f"seller cancellation for integration {integration_id}", work)


def decide_return(
    task: Any,
    integration_id: str,
    return_id: str,
    action: str,
    reason: str | None = None,
    amount: Mapping[str, Any] | None = None,
) -> Result:
    """Decide a return (approve_refund, approve_return, mark_received, reject, partial_refund), once."""

    def work() -> Result:
        money = Money.model_validate(amount) if amount else None
        report = open_integration(integration_id).decide_return(return_id, action, reason, None, money)  # type: ignore[arg-type]
        return {"ok": True, "report": report.model_dump(mode="json")}

    return guarded(task, f"return decision for integration {integration_id}", work)


def pull_returns(task: Any, integration_id: str, account_id: str | None = None) -> Result:
    """Import each served shop's changed returns (own cursor), or the named shop's, and hand each page to
    the host's `return_pages_ready`, once per return version (the delivery ledger; see
    work/return_delivery.py). In slices, as the order pulls: a shop with more than a slice of returns queues
    the rest as its next slice at the end of the pulls lane, one queued slice per shop (slices.py)."""

    def work() -> Result:
        integration = open_integration(integration_id)
        require_return_receiver(integration)  # before the import, so no cursor moves past returns nobody took
        views = shop_views(integration, account_id)
        if isinstance(views, str):
            return {"ok": True, "skipped": views}
        pages = handed = 0

        def run(view: Integration, budget: SliceBudget) -> bool:
            nonlocal pages, handed
            for page in view.pull_returns(more=budget.more):
                pages += 1
                handed += deliver_returns(view, page)
            return not budget.paused

        turns = in_turns(
            task,
            integration_id,
            views,
            stream=lambda view: returns.stream_name(view.session),
            pages=RETURNS_SLICE_PAGES,
            seconds=current_runtime().settings.slice_seconds,
            run=run,
            next_slice=lambda view: ("pull_returns", [integration_id, view.account_id or None]),
        )
        return {"ok": True, "pages": pages, "returns": handed, **turns}

    return guarded(task, f"returns import for integration {integration_id}", work)
