"""Webhook deliveries: verified, then each event checked for its shop and its age, then de-duplicated.

A correctly signed event is still not trusted blindly: it must name one of the integration's shops (a
delivery captured from another seller's integration does not apply here) and be recent (a replayed old
delivery is refused). A deauthorization disables the integration only when it names the shop served.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta

from ..errors import ConnectorError
from ..models import WebhookEvent, WebhookKind
from .session import Session

DEFAULT_WEBHOOK_MAX_AGE = timedelta(days=7)


class WebhookRejected(ConnectorError):
    """A delivery that is not trusted (bad signature, another shop, too old): nothing in it is applied."""


def receive_webhook(
    session: Session, headers: Mapping[str, str], body: bytes, *, max_age: timedelta = DEFAULT_WEBHOOK_MAX_AGE
) -> list[WebhookEvent]:
    """Verify, check, de-duplicate and apply a delivery; returns only events not seen before.

    Raises `WebhookRejected` when the signature does not verify or when every event in it was refused
    (each refusal is named); events refused inside an otherwise good delivery are logged and dropped.
    """
    lowered = {k.lower(): v for k, v in headers.items()}
    ctx = session.bare_context()
    if not session.connector.verify_webhook(ctx, lowered, body):
        raise WebhookRejected(
            f"integration {session.id}: webhook signature does not verify; delivery ignored"
        )
    events = session.connector.parse_webhook(ctx, lowered, body)
    fresh = [
        e
        for e in check_events(session, events, max_age=max_age)
        if session.store.remember_event(session.id, e.id)
    ]
    for event in fresh:
        apply_authorization_event(session, event)
    return fresh


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
