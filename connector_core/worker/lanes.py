"""Priority lanes: four Celery queues, so a seller's label never waits behind another seller's backfill,
nor behind another seller's burst of webhooks.

- ``channel_connectors.urgent``: what a person or a parcel is waiting for: shipment confirmations, labels,
  stock pushes (an oversold item is worse than a late order), cancellation and return decisions, the
  outbox's recorded host requests;
- ``channel_connectors.events``: the re-reads webhooks ask for (one seller's bulk status change can be
  thousands of them), before any pull; each connection's are one drain at a time (tasks/webhooks.py), so a
  burst takes one turn of the lane per seller;
- ``channel_connectors.pulls``: the scheduled imports (a big one in slices that queue again behind other
  shops' pulls), token refreshes and the schedule's ticks;
- ``channel_connectors.backfill``: long imports of old history, in slices that queue again behind others.

Celery's own routing does it (``task_routes`` and ``task_queues``); the Redis transport is told to read the
queues in that order (``queue_order_strategy="priority"``), and a worker reserves no more tasks than its
processes are running (``task_acks_late`` with ``worker_prefetch_multiplier=1``, app.py: no backfill slice
waits reserved in a busy worker while urgent work queues), so an idle process always takes urgent work
first. A process busy with a task is not interrupted, which is why pulls and backfills run in slices of
about 0.2 s (tasks/slices.py) and why a host that promises label latency runs one process for the urgent
lane alone, with one core fewer for the others:

    celery -A connector_core.worker.app worker -Q channel_connectors.urgent --concurrency 1 -n urgent@%h
    celery -A connector_core.worker.app worker --concurrency 3 -n all@%h       # every lane, in order (4 cores)

A worker started without ``-Q`` consumes every lane (in order), so a one-worker host stays complete; a host
that names lanes with ``-Q`` must name the events lane too, or webhooks wait unanswered in the outbox.
See docs/scaling.md.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from ..work.outbox import WEBHOOK

URGENT = "channel_connectors.urgent"
EVENTS = "channel_connectors.events"
PULLS = "channel_connectors.pulls"
BACKFILL = "channel_connectors.backfill"
LANES = (URGENT, EVENTS, PULLS, BACKFILL)

LANE_OF: dict[str, str] = {
    "confirm_shipment": URGENT,
    "create_labels": URGENT,
    "decide_cancellation": URGENT,
    "cancel_order": URGENT,
    "decide_return": URGENT,
    "push_stock": URGENT,
    "process_webhook_events": EVENTS,
    "receive_webhook": EVENTS,
    "drain_webhooks": EVENTS,
    "run_work": URGENT,  # the outbox's host requests (shipments, stock, labels); its webhooks: EVENTS
    "sweep_outbox": URGENT,  # cheap, and what it re-sends is urgent work
    "pull_orders": PULLS,
    "pull_all": PULLS,
    "refresh_tokens": PULLS,
    "refresh_token": PULLS,
    "warn_reauthorization": PULLS,
    "pull_returns": PULLS,
    "reconcile_events": PULLS,
    "reconcile_all": PULLS,
    "backfill_orders": BACKFILL,
}
"""Each task's lane by short name; a task not named here goes to the pulls lane (the default queue)."""


def recorded_work_router(prefix: str) -> Callable[..., dict[str, str] | None]:
    """Celery router for `run_work`: the outbox's webhook work goes to the events lane, the host's requests
    (which a person or a parcel waits for) stay urgent. Other tasks are left to the lane map."""
    run_work = f"{prefix}run_work"

    def route(
        name: str, args: Sequence[Any] | None, kwargs: Mapping[str, Any] | None, options: Any, **_: Any
    ) -> dict[str, str] | None:
        if name != run_work:
            return None
        kind = args[1] if args and len(args) > 1 else (kwargs or {}).get("kind")
        return {"queue": EVENTS} if kind == WEBHOOK else None

    return route


def lane_settings(prefix: str, transport_options: dict[str, Any]) -> dict[str, Any]:
    """The Celery settings that make the lanes (merged into the app's configuration)."""
    return {
        # Celery's mapping form of queues (name -> options), in lane order: workers read them in this order.
        "task_queues": {name: {"exchange": name, "routing_key": name} for name in LANES},
        "task_default_queue": PULLS,
        # Routers in turn: the outbox's webhook work by its kind, then every task by its name.
        "task_routes": (
            recorded_work_router(prefix),
            {f"{prefix}{name}": {"queue": lane} for name, lane in LANE_OF.items()},
        ),
        "broker_transport_options": {**transport_options, "queue_order_strategy": "priority"},
    }
