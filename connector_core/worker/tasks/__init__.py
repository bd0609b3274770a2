"""The worker's tasks, each idempotent and guarded by the store's leases (the flows take them).

One module per kind of work, all registered from `TASKS` below as `channel_connectors.<name>`:

- `orders`: scheduled pulls, backfills in slices, the pull tick;
- `fulfilment`: stock pushes, shipment confirmations, labels;
- `aftersales`: cancellation and return decisions, seller cancellations, the returns import;
- `reconciliation`: the sweep for what webhooks missed, and its tick;
- `webhooks`: verified events, raw deliveries, and each connection's drain of its recorded events;
- `recorded_work`: the outbox's recorded work and its sweep;
- `tokens`: token refreshes and re-authorization warnings;
- `guard`: what they share (the names' prefix, retries, one-line reports; see its docstring).

Tasks take and return JSON-able values only (ids, dicts), so any broker serializer carries them. Every name
a host imported from here before the split is still importable from here. The tasks find the process's
runtime through `connector_core.worker.runtime.current_runtime`, each in its own module, so this package
does not re-export it: a test that means to replace the runtime sets it there (see tests/tiktok_shop).
"""

from __future__ import annotations

from collections.abc import Callable

from .aftersales import cancel_order, decide_cancellation, decide_return, pull_returns
from .fulfilment import confirm_shipment, create_labels, push_stock
from .guard import (
    LEASE_RETRY_SECONDS,
    MAX_LEASE_RETRIES,
    MAX_OUTAGE_RETRIES,
    OUTAGE_RETRY_SECONDS,
    PREFIX,
    Result,
    log,
)
from .orders import BACKFILL_SLICE_PAGES, backfill_orders, pull_all, pull_orders
from .reconciliation import reconcile_all, reconcile_events
from .recorded_work import PRUNE_EVERY, run_work, sweep_outbox
from .tokens import REFRESH_TICK_LIMIT, refresh_token, refresh_tokens, warn_reauthorization
from .webhooks import ORDER_EVENTS, drain_webhooks, process_webhook_events, receive_webhook

TASKS: dict[str, Callable[..., Result]] = {
    "pull_orders": pull_orders,
    "backfill_orders": backfill_orders,
    "pull_all": pull_all,
    "push_stock": push_stock,
    "confirm_shipment": confirm_shipment,
    "decide_cancellation": decide_cancellation,
    "decide_return": decide_return,
    "pull_returns": pull_returns,
    "reconcile_events": reconcile_events,
    "reconcile_all": reconcile_all,
    "cancel_order": cancel_order,
    "create_labels": create_labels,
    "process_webhook_events": process_webhook_events,
    "drain_webhooks": drain_webhooks,
    "receive_webhook": receive_webhook,
    "refresh_tokens": refresh_tokens,
    "refresh_token": refresh_token,
    "warn_reauthorization": warn_reauthorization,
    "run_work": run_work,
    "sweep_outbox": sweep_outbox,
}
"""Every task by its short name; registered as `channel_connectors.<name>` by `create_app`."""

__all__ = [
    "BACKFILL_SLICE_PAGES",
    "LEASE_RETRY_SECONDS",
    "MAX_LEASE_RETRIES",
    "MAX_OUTAGE_RETRIES",
    "ORDER_EVENTS",
    "OUTAGE_RETRY_SECONDS",
    "PREFIX",
    "PRUNE_EVERY",
    "REFRESH_TICK_LIMIT",
    "TASKS",
    "Result",
    "backfill_orders",
    "cancel_order",
    "confirm_shipment",
    "create_labels",
    "decide_cancellation",
    "decide_return",
    "drain_webhooks",
    "log",
    "process_webhook_events",
    "pull_all",
    "pull_orders",
    "pull_returns",
    "receive_webhook",
    "reconcile_all",
    "reconcile_events",
    "refresh_token",
    "refresh_tokens",
    "run_work",
    "sweep_outbox",
    "warn_reauthorization",
]
