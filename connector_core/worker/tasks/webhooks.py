"""Webhook tasks: events the web app already verified and applied (re-read the orders they name), and raw
deliveries for hosts without the web app (verify, record in the outbox, then the same re-read)."""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from typing import Any

from ...flows import Integration
from ...flows.webhooks import WebhookRejected
from ...models import WebhookEvent
from ...work import outbox
from ...work.delivery import deliver
from ..runtime import current_runtime
from .guard import Result, guarded, open_integration

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
