"""Webhook deliveries: verified, then each event checked for its shop and its age, then de-duplicated.

A correctly signed event is still not trusted blindly: it must name one of the integration's shops (a
delivery captured from another seller's integration does not apply here) and be recent (a replayed old
delivery is refused). A deauthorization disables the integration only when it names the shop served.

De-duplication is the store's outbox (connector_core/store/outbox.py): each accepted event is recorded
there once, keyed by its id, whichever path received it (the web receiver, a worker's `receive_webhook`
task, or `Integration.receive_webhook` called by a host), so an event acknowledged by any path is handled
exactly once. An order event is recorded as pending work that a worker (or the outbox sweeper) re-reads;
an authorization event is applied here and recorded as done.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta

from ..errors import ConnectorError
from ..models import WebhookEvent, WebhookKind
from ..store.outbox import WorkStatus
from .session import Session

DEFAULT_WEBHOOK_MAX_AGE = timedelta(days=7)
WEBHOOK_WORK = "webhook"
"""The outbox kind of a received webhook event (its key: the event id)."""
REREAD_EVENTS = frozenset(
    {
        WebhookKind.ORDER_STATUS_CHANGED,
        WebhookKind.ORDER_CANCELLATION,
        WebhookKind.PACKAGE_UPDATED,
        WebhookKind.ADDRESS_CHANGED,  # the order is re-read and its new address handed over (interception)
        WebhookKind.RETURN_CHANGED,
    }
)
"""Events whose order a worker must re-read: recorded as pending work; any other event is done once recorded."""


class WebhookRejected(ConnectorError):
    """A delivery that is not trusted (bad signature, another shop, too old): nothing in it is applied."""


def receive_webhook(
    session: Session, headers: Mapping[str, str], body: bytes, *, max_age: timedelta = DEFAULT_WEBHOOK_MAX_AGE
) -> list[WebhookEvent]:
    """Verify, check, record and apply a delivery; returns only events no path recorded before.

    The returned order events are pending work in the outbox: a worker's `run_work` (or the sweep) re-reads
    their orders and hands them over, once. Raises `WebhookRejected` when the signature does not verify
    or when every event in it was refused
    (each refusal is named); events refused inside an otherwise good delivery are logged and dropped.
    """
    lowered = {k.lower(): v for k, v in headers.items()}
    ctx = session.bare_context()
    if not session.connector.verify_webhook(ctx, lowered, body):
        raise WebhookRejected(
            f"integration {session.id}: webhook signature does not verify; delivery ignored"
        )
    events = session.connector.parse_webhook(ctx, lowered, body)
    return record_events(session, events, max_age=max_age)


def record_events(
    session: Session, events: list[WebhookEvent], *, max_age: timedelta = DEFAULT_WEBHOOK_MAX_AGE
) -> list[WebhookEvent]:
    """Check the events of a verified delivery, record each new one in the outbox, and return those.

    An authorization event is applied before it is recorded (applying it twice is harmless), so a crash
    between the two repeats it on the channel's retry instead of losing it. Raises `WebhookRejected` when
    every event was refused."""
    store = session.store
    fresh = []
    for event in check_events(session, list(events), max_age=max_age):
        if store.get_work(session.id, WEBHOOK_WORK, event.id) is None:
            apply_authorization_event(session, event)
        status: WorkStatus = "pending" if needs_reread(event) else "done"
        if store.add_work(session.id, WEBHOOK_WORK, event.id, event.model_dump(mode="json"), status=status):
            fresh.append(event)
    return fresh


def needs_reread(event: WebhookEvent) -> bool:
    return bool(event.order_id) and event.kind in REREAD_EVENTS


def check_events(
    session: Session, events: list[WebhookEvent], *, max_age: timedelta = DEFAULT_WEBHOOK_MAX_AGE
) -> list[WebhookEvent]:
    """The events of a verified, parsed delivery that apply to this integration (its shops, recent enough).

    Raises `WebhookRejected` when there were events and every one was refused (each refusal is named)."""
    shops = {a.id for a in session.store.list_accounts(session.id)}
    accepted: list[WebhookEvent] = []
    refusals: list[str] = []
    for event in events:
        refusal = _refusal(session, event, shops, max_age)
        if refusal:
            refusals.append(refusal)
            session.log.warning("webhook event %s refused: %s", event.id, refusal)
        else:
            accepted.append(event)
    if events and not accepted:
        raise WebhookRejected(f"integration {session.id}: delivery ignored: {'; '.join(refusals)}")
    return accepted


def _refusal(session: Session, event: WebhookEvent, shops: set[str], max_age: timedelta) -> str | None:
    if shops and event.account_id not in shops:
        named = f"shop {event.account_id}" if event.account_id else "no shop"
        return f"event {event.channel_type} names {named}, not one of this integration's shops"
    if event.occurred_at is not None:
        age = session.clock.now() - event.occurred_at
        if age > max_age:
            return (
                f"event {event.channel_type} is from {event.occurred_at:%Y-%m-%d %H:%M} UTC, older than "
                f"{max_age.days} days: a replay, not a fresh notification"
            )
    return None


def apply_authorization_event(session: Session, event: WebhookEvent) -> None:
    """Apply what an authorization event says (idempotent: applying it twice is applying it once)."""
    if event.kind is WebhookKind.DEAUTHORIZED:
        shop = event.account_id
        if shop and session.store.get_shop(session.id, shop) is not None:
            # The shop leaves: no longer pulled, pushed to or routed, and nothing for it is retried.
            session.store.set_shop_status(session.id, shop, "left", "the seller deauthorized it")
            if session.store.list_accounts(session.id) and shop != session.record.account_id:
                session.log.warning(
                    "integration %s: shop %s withdrew the authorization; its other shops are still served",
                    session.id,
                    shop,
                )
                return
        session.tokens.mark_reauthorization_needed("the seller withdrew the authorization")
    elif event.kind is WebhookKind.AUTHORIZATION_EXPIRING and event.reauthorize_by is not None:
        session.tokens.set_deadline(event.reauthorize_by)
