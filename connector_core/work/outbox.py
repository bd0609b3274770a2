"""Recording work before it is acknowledged, running it, and finding what was recorded but not done.

Two producers write to the store's outbox (connector_core/store/outbox.py):
- the webhook receiver, one row per event (key: the event id), before it answers 200; recording is the
  de-duplication, so an overlapping retry of the same delivery finds the row and is a duplicate only once
  the work is durably taken;
- the host, one row per request (`record_request`: push stock, confirm a shipment, buy labels), before it
  is told the request was accepted.
Whoever runs the work (a worker task, the web app's in-process sink) calls `run_work`; a sweeper calls
`due_work` to hand out again what was recorded but never finished (a lost broker message, an emptied
Redis, a killed worker). Running twice is harmless: each flow is exactly once (intents, ledgers, leases).
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable, Mapping, Sequence
from datetime import timedelta
from typing import Any

from pydantic import ValidationError

from ..errors import ChannelUnavailable, ConnectorError, RateLimited, ReauthorizationRequired
from ..flows import Integration, Integrations
from ..flows.webhooks import REREAD_EVENTS, WEBHOOK_WORK, needs_reread, record_events
from ..leases import LeaseBusy, hold
from ..models import HandoverChoice, LabelParcel, Shipment, StockLevel, WebhookEvent
from ..store import Store, StoreUnavailable
from .delivery import NoOrderReceiver, OrderReceiver, deliver, require_receiver

log = logging.getLogger("connector_core.work.outbox")

WEBHOOK = WEBHOOK_WORK
PUSH_STOCK = "push_stock"
CONFIRM_SHIPMENT = "confirm_shipment"
CREATE_LABELS = "create_labels"
MAX_ATTEMPTS = 25
"""Starts of one item before it is given up as failed (its outcome says so: reported, not dropped)."""
DEFAULT_GRACE = timedelta(seconds=30)
"""Pending work not started again within this long is handed out again by the sweeper."""
WORK_LEASE_TTL = timedelta(seconds=30)
"""A request's lease, renewed in the background every third of this while it runs (the core's lease): a
killed holder's lapses within it, on any machine."""
WEBHOOK_BATCH = 50
KEEP_FINISHED = timedelta(days=8)
"""Finished work is kept this long: longer than a webhook may be replayed (7 days), so its row still
de-duplicates it."""
TRANSIENT = (LeaseBusy, ChannelUnavailable, RateLimited, StoreUnavailable)
"""Errors after which the item stays pending: its runner retries, or the sweeper hands it out again."""
ORDER_EVENTS = REREAD_EVENTS
"""Events naming an order whose new version the host must be handed (re-read, then delivered once)."""
Result = dict[str, Any]


# --- recording -------------------------------------------------------------------------------------------


def record_webhook_events(integration: Integration, events: Sequence[WebhookEvent]) -> list[WebhookEvent]:
    """Check the events of a verified delivery for this integration, record each new one, and return those
    (the one recording every path shares: connector_core/flows/webhooks.py `record_events`)."""
    return record_events(integration.session, list(events), max_age=_max_age(integration))


def _max_age(integration: Integration) -> timedelta:
    return getattr(integration, "webhook_max_age", timedelta(days=7))


_needs_reread = needs_reread


def record_request(
    store: Store, integration_id: str, kind: str, payload: Mapping[str, Any], key: str | None = None
) -> str:
    """Record a host request; returns its key (the one given, an idempotency key, or a new one).

    The payload is checked here, so bad input is refused at once in one line and never queued."""
    parse = _PARSERS.get(kind)
    if parse is None:
        raise ValueError(f"work kind {kind!r} is not a request; use one of {', '.join(sorted(_PARSERS))}")
    parse(payload)
    store.get_integration(integration_id)  # unknown -> UnknownIntegration, before anything is recorded
    key = key or secrets.token_hex(16)
    store.add_work(integration_id, kind, key, payload)
    return key


def _stock(payload: Mapping[str, Any]) -> tuple[list[StockLevel], bool]:
    return [StockLevel.model_validate(level) for level in payload["levels"]], bool(payload.get("force"))


def _shipment(payload: Mapping[str, Any]) -> Shipment:
    return Shipment.model_validate(payload["shipment"])


def _labels(payload: Mapping[str, Any]) -> tuple[str, list[LabelParcel | list[str]], str | None, Any]:
    boxes: list[LabelParcel | list[str]] = [
        LabelParcel.model_validate(box) if isinstance(box, Mapping) else [str(line) for line in box]
        for box in payload["boxes"]
    ]
    handover = payload.get("handover")
    choice = None if handover is None else HandoverChoice.model_validate(handover)
    return str(payload["order_id"]), boxes, payload.get("service_id"), choice


_PARSERS: dict[str, Callable[[Mapping[str, Any]], object]] = {
    PUSH_STOCK: _stock,
    CONFIRM_SHIPMENT: _shipment,
    CREATE_LABELS: _labels,
}


def _perform(integration: Integration, kind: str, payload: Mapping[str, Any]) -> Result:
    if kind == PUSH_STOCK:
        levels, force = _stock(payload)
        return {"report": integration.push_stock(levels, force=force).model_dump(mode="json")}
    if kind == CONFIRM_SHIPMENT:
        return {"report": integration.confirm_shipment(_shipment(payload)).model_dump(mode="json")}
    order_id, boxes, service_id, handover = _labels(payload)
    report = integration.create_labels(order_id, boxes, service_id, handover)
    return {"report": report.model_dump(mode="json")}


# --- running ---------------------------------------------------------------------------------------------


def run_work(
    integrations: Integrations,
    integration_id: str,
    kind: str,
    keys: Sequence[str],
    receiver: OrderReceiver | None = None,
) -> Result:
    """Run recorded work and record its outcome. Transient errors (`TRANSIENT`) propagate with the work
    still pending; any other failure is recorded as the item's outcome ("failed", one line)."""
    integration = integrations.open(integration_id)
    if kind == WEBHOOK:
        return _run_webhook_events(integration, keys, receiver)
    results = {key: _run_request(integration, kind, key) for key in keys}
    return {"ok": all(r.get("ok") for r in results.values()), "work": results}


def _run_webhook_events(
    integration: Integration, keys: Sequence[str], receiver: OrderReceiver | None
) -> Result:
    store = integration.store
    events: list[WebhookEvent] = []
    for key in keys:
        item = store.start_work(integration.id, WEBHOOK, key)
        if item is None or item.status != "pending":
            continue
        if item.attempts > MAX_ATTEMPTS:
            store.finish_work(integration.id, WEBHOOK, key, "failed", {"error": _gave_up(item.attempts)})
            continue
        events.append(WebhookEvent.model_validate(item.payload))
    if not events:
        return {"ok": True, "reread": 0}
    # Each order is re-read in the shop its event names (every served shop's own view and ledger).
    by_shop = integration.orders_by_shop([e for e in events if _needs_reread(e)])
    order_ids = [order_id for _, ids in by_shop for order_id in ids]
    outcome: Result = {"reread": 0}
    if integration.reauthorization().needs_reauthorization:
        outcome["note"] = "re-authorization required: the import after it catches these orders up"
    elif order_ids:
        try:
            require_receiver(integration, receiver)
        except NoOrderReceiver as exc:
            outcome["note"] = str(exc)
        else:
            outcome["reread"] = sum(deliver(view, view.get_orders(ids), receiver) for view, ids in by_shop)
    for event in events:
        store.finish_work(integration.id, WEBHOOK, event.id, "done", outcome)
    return {"ok": True, **outcome}


def _run_request(integration: Integration, kind: str, key: str) -> Result:
    what = f"{kind} {key} of integration {integration.id}"
    name = f"outbox:{integration.id}:{kind}:{key}"
    held = False
    try:
        with hold(integration.store, name, what=what, ttl=WORK_LEASE_TTL, wait=timedelta(0)):
            held = True
            return _run_held(integration, kind, key, what)
    except LeaseBusy:
        if held:
            raise  # a lease the flow itself takes (the shop's stock lease): transient
        # A twin runs it now; should the twin die, its lease lapses and the sweeper hands the work out again.
        return {"ok": True, "running_elsewhere": True}


def _run_held(integration: Integration, kind: str, key: str, what: str) -> Result:
    store = integration.store
    item = store.start_work(integration.id, kind, key)
    if item is None:
        return {"ok": False, "error": f"{what} was never recorded"}
    if item.status != "pending":
        return {"ok": item.status == "done", "status": item.status, **(item.outcome or {})}
    if item.attempts > MAX_ATTEMPTS:
        store.finish_work(integration.id, kind, key, "failed", {"error": _gave_up(item.attempts)})
        return {"ok": False, "error": _gave_up(item.attempts)}
    try:
        outcome = _perform(integration, kind, item.payload)
    except TRANSIENT:
        raise
    except ReauthorizationRequired as exc:
        failed: Result = {"error": _line(exc), "reauthorization_required": True}
    except (ConnectorError, ValidationError, ValueError, KeyError) as exc:
        failed = {"error": _line(exc)}
    else:
        store.finish_work(integration.id, kind, key, "done", outcome)
        return {"ok": True, **outcome}
    log.warning("%s failed: %s", what, failed["error"])
    store.finish_work(integration.id, kind, key, "failed", failed)
    return {"ok": False, **failed}


def _gave_up(attempts: int) -> str:
    return f"given up after {attempts - 1} starts that never finished; see the worker logs"


def _line(exc: BaseException) -> str:
    text = str(exc)
    return text.splitlines()[0] if text else type(exc).__name__


# --- sweeping --------------------------------------------------------------------------------------------


def due_work(
    store: Store, grace: timedelta = DEFAULT_GRACE, limit: int = 500
) -> list[tuple[str, str, list[str]]]:
    """What to hand out again, as `(integration_id, kind, keys)` batches: pending work not handed out for
    `grace` (marked handed out now, so a second sweeper does not send it too)."""
    batches: dict[tuple[str, str], list[str]] = {}
    out: list[tuple[str, str, list[str]]] = []
    for item in store.requeue_due_work(grace, limit):
        if item.kind == WEBHOOK:
            batch = batches.setdefault((item.integration_id, WEBHOOK), [])
            batch.append(item.key)
            if len(batch) == WEBHOOK_BATCH:
                out.append((item.integration_id, WEBHOOK, batches.pop((item.integration_id, WEBHOOK))))
        else:
            out.append((item.integration_id, item.kind, [item.key]))
    out.extend((integration_id, kind, keys) for (integration_id, kind), keys in batches.items())
    return out
