"""The worker's tasks, each idempotent and guarded by the store's leases (the flows take them).

Duplicates from the broker (a task delivered twice after a lost acknowledgement), two schedulers firing
together, a retry after a kill: each repeats work whose effect is recorded in the store (cursors, intents,
the stock ledger, the delivery ledger), so the repeat finds it done. A task that finds its lease taken
retries later (Celery's retry with a countdown) instead of failing. A channel outage, a spent rate-limit
wait or a store that cannot be reached retries later too; a re-authorization stops the integration's work
with one warning; bad input is one line naming what to fix, never a traceback.

Tasks take and return JSON-able values only (ids, dicts), so any broker serializer carries them.
"""

from __future__ import annotations

import base64
import logging
import random
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any, NoReturn

from pydantic import ValidationError

from ..errors import ChannelUnavailable, ConnectorError, RateLimited, ReauthorizationRequired
from ..flows import Integration, LeaseBusy
from ..flows.webhooks import WebhookRejected
from ..models import LabelParcel, Money, Shipment, StockLevel, WebhookEvent
from ..store import StoreUnavailable
from ..store.platform_records import DueShop
from ..work import outbox, reconcile
from ..work.delivery import deliver, require_receiver
from ..work.return_delivery import deliver_returns, require_return_receiver
from . import schedule
from .runtime import current_runtime

log = logging.getLogger("connector_core.worker.tasks")

PREFIX = "channel_connectors."
LEASE_RETRY_SECONDS = (5.0, 20.0)
"""A task whose lease is taken comes back after a random delay in this range (spread, so twins part)."""
MAX_LEASE_RETRIES = 30
OUTAGE_RETRY_SECONDS = 60.0
MAX_OUTAGE_RETRIES = 10
Result = dict[str, Any]


def _later(task: Any, exc: BaseException, seconds: float, max_retries: int) -> NoReturn:
    raise task.retry(exc=exc, countdown=seconds, max_retries=max_retries)


def _guarded(task: Any, what: str, work: Callable[[], Result]) -> Result:
    """Run `work`; the outcomes that are not a result become a retry or a one-line report."""
    try:
        return work()
    except LeaseBusy as exc:
        log.info("%s: %s; trying again later", what, exc)
        _later(task, exc, random.uniform(*LEASE_RETRY_SECONDS), MAX_LEASE_RETRIES)
    except (ChannelUnavailable, RateLimited, StoreUnavailable) as exc:
        wait = max(getattr(exc, "retry_after", None) or 0.0, OUTAGE_RETRY_SECONDS * random.uniform(0.5, 1.0))
        log.warning("%s: %s; trying again in %.0fs", what, exc, wait)
        _later(task, exc, wait, MAX_OUTAGE_RETRIES)
    except ReauthorizationRequired as exc:
        log.warning("%s: %s", what, exc)
        return {"ok": False, "reauthorization_required": True, "error": str(exc)}
    except (ConnectorError, ValidationError, ValueError) as exc:
        text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        log.warning("%s: %s", what, text)
        return {"ok": False, "error": text}


def _open(integration_id: str) -> Integration:
    return current_runtime().integrations.open(integration_id)


# --- orders -------------------------------------------------------------------------------------------------


def pull_orders(task: Any, integration_id: str, account_id: str | None = None) -> Result:
    """Import new and changed orders of one shop (or of every shop the integration serves) and hand them
    to the host; then schedule the shop's next pull (an interval on, or a backoff after a failure)."""

    read: list[dict[str, Any]] = []  # the shop's settings as this pull read them: its next time follows them

    def work() -> Result:
        integration = _open(integration_id)
        if not account_id:
            views = integration.served()
        else:
            shop = integration.store.get_shop(integration_id, account_id)
            if shop is None or not shop.active:
                # Left the authorization (or forgotten): stop cleanly, nothing to retry.
                return {"ok": True, "skipped": f"shop {account_id} is not an active shop of the integration"}
            if integration.record.account_id and integration.record.account_id != account_id:
                return {"ok": True, "skipped": f"shop {account_id} is no longer the integration's shop"}
            read.append({**integration.record.settings, **shop.settings})
            views = [integration.serving(shop)]
        require_receiver(integration)  # before the import, so no cursor moves past orders nobody took
        stats = integration.http.stats
        calls_before, refused_before = stats.requests, stats.by_status.get(429, 0)
        pages = delivered = 0
        for view in views:
            for page in view.pull_orders():
                pages += 1
                delivered += deliver(view, page)
        return {
            "ok": True,
            "pages": pages,
            "orders_delivered": delivered,
            # this process's HTTP answers during the task (exact with one task at a time per process)
            "http_calls": stats.requests - calls_before,
            "http_429": stats.by_status.get(429, 0) - refused_before,
        }

    if not account_id:
        return _guarded(task, f"import for integration {integration_id}", work)
    try:
        result = _guarded(task, f"import for integration {integration_id} shop {account_id}", work)
    except Exception as exc:  # a retry (Celery's) or a crash: the schedule backs off meanwhile
        _reschedule(integration_id, account_id, str(exc) or type(exc).__name__)
        raise
    if result.get("ok") and "skipped" not in result:
        _reschedule(integration_id, account_id, None, read[0] if read else None)
    elif not result.get("ok"):
        _reschedule(integration_id, account_id, str(result.get("error")))
    return result


def _reschedule(
    integration_id: str, shop_id: str, error: str | None, settings: dict[str, Any] | None = None
) -> None:
    """The shop's next pull. After a success whose pull read the shop's `settings`, one write (an idle poll
    writes nothing else; the store leaves a shop that stopped being active unscheduled)."""
    runtime = current_runtime()
    store, now = runtime.integrations.store, runtime.integrations.clock.now()
    if error is None and settings is not None:
        interval = schedule.interval_for(settings, runtime.settings.pull_interval)
        store.schedule_shop(integration_id, shop_id, schedule.after_success(interval, now))
        return
    shop = store.get_shop(integration_id, shop_id)
    if shop is None or not shop.active:
        return
    record_settings = store.get_integration(integration_id).settings
    interval = schedule.interval_for({**record_settings, **shop.settings}, runtime.settings.pull_interval)
    if error is None:
        store.schedule_shop(integration_id, shop_id, schedule.after_success(interval, now))
    else:
        failures = shop.failures + 1
        when = schedule.after_failure(interval, now, failures)
        store.schedule_shop(integration_id, shop_id, when, failures=failures, last_error=error[:500])


BACKFILL_SLICE_PAGES = 5
"""Pages one backfill task imports before it queues its next slice behind the other work of its lane: a
100,000-order history never holds a worker process for more than a few seconds at a time."""


def backfill_orders(
    task: Any,
    integration_id: str,
    since: str,
    until: str,
    account_id: str | None = None,
    slice_pages: int = BACKFILL_SLICE_PAGES,
) -> Result:
    """Import the orders updated between `since` and `until` (ISO instants), a slice at a time. The window's
    cursor is in the store, so each slice starts where the last one stopped (its last page may be read
    twice: the hand-over ledger hands nothing over twice)."""

    def work() -> Result:
        opened = _open(integration_id)
        if not account_id:
            served = opened.served()
            if len(served) > 1 or served[0].account_id:
                # One backfill per shop, each with its own cursor, slices and hand-over ledger.
                for view in served:
                    task.app.send_task(
                        f"{PREFIX}backfill_orders",
                        args=[integration_id, since, until, view.account_id, slice_pages],
                        ignore_result=True,
                    )
                return {"ok": True, "shops": [v.account_id for v in served], "done": False}
            integration = opened
        else:
            shop = opened.store.get_shop(integration_id, account_id)
            selected = opened.record.account_id
            if shop is None or not shop.active or (selected and selected != account_id):
                return {"ok": True, "skipped": f"shop {account_id} is not served by the integration"}
            integration = opened.shop(account_id)
        require_receiver(integration)
        window = (datetime.fromisoformat(since), datetime.fromisoformat(until))
        pages = delivered = 0
        stream = integration.pull_orders(*window)
        try:
            for page in stream:
                pages += 1
                delivered += deliver(integration, page)
                if pages >= slice_pages:
                    break
            else:
                return {"ok": True, "pages": pages, "orders_delivered": delivered, "done": True}
        finally:
            closing = getattr(stream, "close", None)  # a generator: ends the import, releasing its lease
            if closing is not None:
                closing()
        task.app.send_task(
            f"{PREFIX}backfill_orders",
            args=[integration_id, since, until, account_id, slice_pages],
            ignore_result=True,
        )
        return {"ok": True, "pages": pages, "orders_delivered": delivered, "done": False}

    return _guarded(task, f"backfill for integration {integration_id}", work)


def pull_all(task: Any) -> Result:
    """The schedule's tick: one `pull_orders` task per shop whose pull is due, found through the store's
    index on `next_pull_at` in batches; nothing is opened or decrypted (see worker/schedule.py)."""
    runtime = current_runtime()
    interval = timedelta(seconds=runtime.settings.pull_interval)

    def enqueue(shop: DueShop) -> None:
        task.app.send_task(
            f"{PREFIX}pull_orders", args=[shop.integration_id, shop.shop_id], ignore_result=True
        )

    sent = schedule.tick(runtime.integrations.store, runtime.integrations.clock.now(), interval, enqueue)
    return {"ok": True, "queued": sent}


# --- stock and shipments ------------------------------------------------------------------------------------


def push_stock(
    task: Any, integration_id: str, levels: Sequence[Mapping[str, Any]], force: bool = False
) -> Result:
    """Push absolute stock levels (`[{"sku", "quantity", "warehouse"?}]`); the ledger skips unchanged ones."""

    def work() -> Result:
        parsed = [StockLevel.model_validate(level) for level in levels]
        report = _open(integration_id).push_stock(parsed, force=force)
        return {"ok": True, "report": report.model_dump(mode="json")}

    return _guarded(task, f"stock push for integration {integration_id}", work)


def confirm_shipment(task: Any, integration_id: str, shipment: Mapping[str, Any]) -> Result:
    """Confirm a shipment; a repeat (or a retry after a lost answer) never ships twice (intents)."""

    def work() -> Result:
        report = _open(integration_id).confirm_shipment(Shipment.model_validate(shipment))
        return {"ok": True, "report": report.model_dump(mode="json")}

    return _guarded(task, f"shipment confirmation for integration {integration_id}", work)


def create_labels(
    task: Any, integration_id: str, order_id: str, boxes: Sequence[Any], service_id: str | None = None
) -> Result:
    """Buy one label per box (a list of channel line ids, or a full parcel); never bought twice."""

    def work() -> Result:
        parsed = [box if isinstance(box, list) else LabelParcel.model_validate(box) for box in boxes]
        report = _open(integration_id).create_labels(order_id, parsed, service_id)
        return {
            "ok": True,
            "report": report.model_dump(
                mode="json", exclude={"results": {"__all__": {"label": {"document"}}}}
            ),
        }

    return _guarded(task, f"labels of order {order_id} for integration {integration_id}", work)


def decide_cancellation(
    task: Any, integration_id: str, order_id: str, action: str, reason: str | None = None
) -> Result:
    """Approve or reject an order's open cancellation request; a repeat decides nothing new (intents)."""

    def work() -> Result:
        if action not in ("approve", "reject"):
            raise ValueError(f"action {action!r}: give approve or reject")
        report = _open(integration_id).decide_cancellation(order_id, action, reason)  # type: ignore[arg-type]
        return {"ok": True, "report": report.model_dump(mode="json")}

    return _guarded(task, f"cancellation decision for integration {integration_id}", work)


def cancel_order(
    task: Any, integration_id: str, order_id: str, reason: str, line_ids: Sequence[str] = ()
) -> Result:
    """Cancel an order (or some units) as the seller, once (an intent; a retry reads back first)."""

    def work() -> Result:
        report = _open(integration_id).cancel_order(order_id, list(line_ids), reason)
        return {"ok": True, "report": report.model_dump(mode="json")}

    return _guarded(task, f"seller cancellation for integration {integration_id}", work)


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
        report = _open(integration_id).decide_return(return_id, action, reason, None, money)  # type: ignore[arg-type]
        return {"ok": True, "report": report.model_dump(mode="json")}

    return _guarded(task, f"return decision for integration {integration_id}", work)


def pull_returns(task: Any, integration_id: str) -> Result:
    """Import each served shop's changed returns (own cursor) and hand each page to the host's
    `return_pages_ready`, once per return version (the delivery ledger; see work/return_delivery.py)."""

    def work() -> Result:
        integration = _open(integration_id)
        require_return_receiver(integration)  # before the import, so no cursor moves past returns nobody took
        pages = handed = 0
        for view in integration.served():
            for page in view.pull_returns():
                pages += 1
                handed += deliver_returns(view, page)
        return {"ok": True, "pages": pages, "returns": handed}

    return _guarded(task, f"returns import for integration {integration_id}", work)


def reconcile_events(task: Any, integration_id: str, families: Sequence[str] = reconcile.FAMILIES) -> Result:
    """The reconciliation sweep of one connection: each served shop's recent window of order, cancellation
    and return changes, handed over once (what a dropped webhook missed; see work/reconcile.py)."""

    def work() -> Result:
        integration = _open(integration_id)
        if integration.tokens.tokens() is None:
            return {"ok": True, "skipped": "not authorized"}
        reports = reconcile.reconcile(integration, families=families)
        return {"ok": True, "shops": [r.as_dict() for r in reports]}

    return _guarded(task, f"reconciliation sweep for integration {integration_id}", work)


def reconcile_all(task: Any) -> Result:
    """The schedule's reconciliation tick: one `reconcile_events` task per connection."""
    sent = 0
    # Ids only, from the store's index: nothing is opened or decrypted to queue a connection's sweep.
    for integration_id in current_runtime().integrations.store.find_integration_ids({}):
        task.app.send_task(f"{PREFIX}reconcile_events", args=[integration_id], ignore_result=True)
        sent += 1
    return {"ok": True, "queued": sent}


# --- webhooks -----------------------------------------------------------------------------------------------

ORDER_EVENTS = outbox.ORDER_EVENTS
"""Events naming an order whose new version the host must be handed (one list, with the outbox's)."""


def process_webhook_events(task: Any, integration_id: str, events: Sequence[Mapping[str, Any]]) -> Result:
    """Events already verified and applied by the receiver (the web app): re-read the orders they name."""

    def work() -> Result:
        parsed = [WebhookEvent.model_validate(event) for event in events]
        return _act_on(_open(integration_id), parsed)

    return _guarded(task, f"webhook events for integration {integration_id}", work)


def receive_webhook(task: Any, integration_id: str, headers: Mapping[str, str], body_base64: str) -> Result:
    """A raw delivery, for hosts without the web app: verify it, record its new events in the outbox (the
    same de-duplication and durability as the web app's), apply de-authorization and expiry, then re-read
    the orders it names (the same hand-over path as every other re-read)."""

    def work() -> Result:
        integration = _open(integration_id)
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

    return _guarded(task, f"webhook delivery for integration {integration_id}", work)


def _act_on(integration: Integration, events: Sequence[WebhookEvent]) -> Result:
    """Re-read the orders the events name, each in the shop it names (every served shop's own view)."""
    state = integration.reauthorization()
    result: Result = {"ok": True, "reread": 0, "reauthorization_required": state.needs_reauthorization}
    if not state.needs_reauthorization:
        for view, order_ids in integration.orders_by_shop([e for e in events if e.kind in ORDER_EVENTS]):
            result["reread"] += deliver(view, view.get_orders(order_ids))
    return result


# --- the outbox ---------------------------------------------------------------------------------------------


def run_work(task: Any, integration_id: str, kind: str, keys: Sequence[str]) -> Result:
    """Run work recorded in the store's outbox (webhook events, host requests) and record its outcome.

    A transient failure retries through the broker; should that retry be lost too (an emptied Redis), the
    work is still pending in the outbox and the sweep sends it again."""

    def work() -> Result:
        return outbox.run_work(current_runtime().integrations, integration_id, kind, list(keys))

    return _guarded(task, f"{kind} work of integration {integration_id}", work)


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


# --- tokens and authorization -------------------------------------------------------------------------------


REFRESH_TICK_LIMIT = 20_000
"""Refreshes one tick enqueues at most (soonest expiry first); the rest come with the next tick."""


def refresh_tokens(task: Any) -> Result:
    """The schedule's tick: one `refresh_token` task per connection whose access token expires within the
    margin plus one tick, found through the store's index on the expiry (nothing opened or decrypted)."""
    from .app import REFRESH_EVERY  # the tick's own period: a token expiring before the next tick is due now

    runtime = current_runtime()
    horizon = runtime.integrations.clock.now() + runtime.integrations.token_margin + REFRESH_EVERY
    due = runtime.integrations.store.connections_to_refresh(horizon, REFRESH_TICK_LIMIT)
    for integration_id in due:
        task.app.send_task(f"{PREFIX}refresh_token", args=[integration_id], ignore_result=True)
    return {"ok": True, "queued": len(due)}


def refresh_token(task: Any, integration_id: str) -> Result:
    """Refresh the access token if it expires within the margin (one refresh at a time across processes)."""

    def work() -> Result:
        integration = _open(integration_id)
        integration.access_token()
        tokens = integration.tokens.tokens()
        return {"ok": True, "access_expires_at": tokens.access_expires_at.isoformat() if tokens else None}

    return _guarded(task, f"token refresh for integration {integration_id}", work)


def warn_reauthorization(task: Any) -> Result:
    """Warn (log and a run record the status page shows) for each integration whose seller must
    re-authorize soon, or already must."""
    runtime = current_runtime()
    horizon = runtime.integrations.clock.now() + runtime.settings.reauthorization_warning
    warned = []
    # Only the connections the store says are due (an index on the deadline): nothing else is opened.
    for integration_id in runtime.integrations.store.connections_to_reauthorize(horizon, REFRESH_TICK_LIMIT):
        integration = runtime.integrations.open(integration_id)
        record = integration.record
        if integration.tokens.tokens() is None:
            continue
        state = integration.reauthorization()
        due = state.deadline is not None and state.deadline <= horizon
        if not (state.needs_reauthorization or due):
            continue
        when = f"by {state.deadline:%Y-%m-%d %H:%M} UTC" if state.deadline else "now"
        text = (
            f"integration {record.id} ({record.name}): the seller must re-authorize {when}"
            f"{': ' + state.reason if state.reason else ''}; send them a renewal link "
            f"(channel-connectors connect-link {record.id})"
        )
        log.warning("%s", text)
        started = runtime.integrations.clock.now()
        integration.session.record_run("reauthorization_warning", started, {"warning": text})
        warned.append(record.id)
    return {"ok": True, "warned": warned}


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
    "receive_webhook": receive_webhook,
    "refresh_tokens": refresh_tokens,
    "refresh_token": refresh_token,
    "warn_reauthorization": warn_reauthorization,
    "run_work": run_work,
    "sweep_outbox": sweep_outbox,
}
"""Every task by its short name; registered as `channel_connectors.<name>` by `create_app`."""
