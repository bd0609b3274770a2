"""Webhook tasks: events the web app already verified and applied (re-read the orders they name), raw
deliveries for hosts without the web app (verify, record in the outbox, then the same re-read), and the
drain of one connection's recorded webhook events in slices (`drain_webhooks`).

Why a drain: one seller's bulk status change is thousands of deliveries. Sent as one task each, they filled
the events lane first come, first served, and another seller's single webhook waited behind all of them.
The Celery sink now queues at most one `drain_webhooks` per connection (a marker in the store's leases,
owned by the queued task's id: slices.py); the drain re-reads that connection's pending outbox rows in
batches for one slice and, if rows are left, queues itself again at the end of the lane. A burst is then
one turn of the lane per seller, and its re-reads go out 50 orders to a call instead of one.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import Any

from ...flows import Integration
from ...flows.webhooks import WebhookRejected
from ...models import WebhookEvent
from ...store import Store
from ...work import outbox
from ...work.delivery import deliver
from ..runtime import current_runtime
from .guard import Result, guarded, log, open_integration
from .slices import SliceBudget, marker_name, take_turn

WEBHOOK_STREAM = "webhooks"
DRAIN_SLICE_BATCHES = 20
"""Batches of `outbox.WEBHOOK_BATCH` events one drain slice takes at most (the time budget, usually first)."""
DRAIN_MARKER_TTL = timedelta(minutes=1)
"""How long a queued drain keeps other hints from queueing one: should its message be lost, webhooks of the
connection wait at most this long before a hint queues a drain again (the outbox's sweep runs them meanwhile).
A drain that waits longer in the lane only meets a second one, which finds the rows done."""


def drain_marker(integration_id: str) -> str:
    """The marker a queued or running drain of the connection holds (the Celery sink checks it)."""
    return marker_name(integration_id, WEBHOOK_STREAM)


def drain_webhooks(task: Any, integration_id: str) -> Result:
    """Re-read the orders named by the connection's pending webhook events (recorded in the outbox), oldest
    first, in batches, for one slice; then queue the next slice behind the rest of the events lane if any
    are left. Each row is finished once (the outbox), each order version handed over once (the ledger)."""

    def work() -> Result:
        runtime = current_runtime()
        store = runtime.store
        turn = take_turn(task, store, integration_id, WEBHOOK_STREAM, DRAIN_MARKER_TTL)
        if turn is None:
            return {"ok": True, "already_queued": True}
        budget = SliceBudget(DRAIN_SLICE_BATCHES, runtime.settings.slice_seconds)
        events = reread = 0
        try:
            while keys := _fresh(store, integration_id, outbox.WEBHOOK_BATCH):
                events, reread = events + len(keys), reread + _run_batch(integration_id, keys)
                if not budget.more():
                    break
        except BaseException:
            turn.release()  # the retry, a hint or the outbox's sweep takes it up
            raise
        queued = turn.pass_on(
            task, "drain_webhooks", [integration_id], still=lambda: bool(_fresh(store, integration_id, 1))
        )
        return {"ok": True, "events": events, "reread": reread, "done": not queued}

    return guarded(task, f"webhook events of integration {integration_id}", work)


def _fresh(store: Store, integration_id: str, limit: int) -> list[str]:
    # Never started: a row that was (it failed, or its worker died) is the outbox sweep's to send again, after
    # the grace, so one that keeps failing does not come back first in every slice.
    return store.fresh_work(integration_id, outbox.WEBHOOK, limit)


def _run_batch(integration_id: str, keys: list[str]) -> int:
    """Run a batch of events (one re-read per shop); if it fails other than transiently (an order the host
    refuses, a channel answer we cannot use), each event alone, so one bad event holds back no other: it
    stays pending, started, for the sweep. Returns the orders handed over."""
    integrations = current_runtime().integrations
    try:
        return int(outbox.run_work(integrations, integration_id, outbox.WEBHOOK, keys).get("reread") or 0)
    except outbox.TRANSIENT:
        raise
    except Exception as exc:
        if len(keys) == 1:
            raise
        log.info("integration %s: a batch of webhook events failed (%s); each alone", integration_id, exc)
    reread = 0
    for key in keys:
        try:
            reread += int(
                outbox.run_work(integrations, integration_id, outbox.WEBHOOK, [key]).get("reread") or 0
            )
        except outbox.TRANSIENT:
            raise
        except Exception as exc:
            log.warning(
                "integration %s: webhook event %s: %s; the sweep tries it again", integration_id, key, exc
            )
    return reread


ORDER_EVENTS = outbox.ORDER_EVENTS
"""Events naming an order whose new version the host must be handed (one list, with the outbox's)."""


def process_webhook_events(task: Any, integration_id: str, events: Sequence[Mapping[str, Any]]) -> Result:
    """Events already verified and applied by the receiver (the web app): re-read the orders they name."""

    def work() -> Result:
        parsed = [WebhookEvent.model_validate(event) for event in events]
        return _act_on(open_integration(integration_id), parsed)

    return guarded(task, f"webhook events for integration {integration_id}", work)


def receive_webhook(task: Any, integration_id: str, headers: Mapping[str, str], body_base64: str) -> Result:
    """A raw delivery, for hosts without the web app: verify it, record its new events in the outbox (the
    same de-duplication and durability as the web app's), apply de-authorization and expiry, then re-read
    the orders it names (the same hand-over path as every other re-read)."""

    def work() -> Result:
        integration = open_integration(integration_id)
        body = base64.b64decode(body_base64, validate=True)
        lowered = {k.lower(): v for k, v in headers.items()}
        ctx = integration.session.bare_context()
        if not integration.connector.verify_webhook(ctx, lowered, body):
            raise WebhookRejected(f"integration {integration_id}: webhook signature does not verify; ignored")
        fresh = outbox.record_webhook_events(
            integration, integration.connector.parse_webhook(ctx, lowered, body)
        )
        result = outbox.run_work(
            current_runtime().integrations, integration_id, outbox.WEBHOOK, [e.id for e in fresh]
        )
        result["reauthorization_required"] = integration.reauthorization().needs_reauthorization
        return result

    return guarded(task, f"webhook delivery for integration {integration_id}", work)


def _act_on(integration: Integration, events: Sequence[WebhookEvent]) -> Result:
    """Re-read the orders the events name, each in the shop it names (every served shop's own view)."""
    state = integration.reauthorization()
    result: Result = {"ok": True, "reread": 0, "reauthorization_required": state.needs_reauthorization}
    if not state.needs_reauthorization:
        for view, order_ids in integration.orders_by_shop([e for e in events if e.kind in ORDER_EVENTS]):
            result["reread"] += deliver(view, view.get_orders(order_ids))
    return result
