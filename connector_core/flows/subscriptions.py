"""Webhook subscriptions: every shop subscribed to the events the kit relies on, and drift repaired.

The address is the host's public URL for the channel's webhooks: `CHANNEL_CONNECTORS_WEBHOOK_BASE_URL` plus
`/webhooks/<connector id>` (the web app's route), or one given explicitly. After Connect (and a renewed
authorization) the served shop is subscribed; `webhook subscriptions ID [--repair]` compares (and
subscribes what is missing or points elsewhere). Each comparison is recorded per shop, and `status` and the
admin connection page show the last one. Webhooks stay best effort: the imports' cursors (orders,
returns) are the reconciliation that catches what a lost delivery missed.
"""

from __future__ import annotations

import dataclasses
import logging
import os
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from ..errors import ChannelError, ConnectorError
from ..models import Account
from ..store import Store
from .session import Session

BASE_URL_VARIABLE = "CHANNEL_CONNECTORS_WEBHOOK_BASE_URL"
SEEN_NAMESPACE = "webhook_subscriptions"
"""Where the last comparison per shop is kept, so `status` and the admin page show it without a call."""
log = logging.getLogger("connector_core.flows.subscriptions")


class SubscriptionState(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    event: str
    state: Literal["subscribed", "missing", "elsewhere", "repaired", "extra"]
    address: str | None = None


def webhook_address(connector_id: str, explicit: str | None = None) -> str | None:
    """Where the channel should deliver: the explicit address, else the configured base URL's route."""
    if explicit:
        return explicit
    base = os.environ.get(BASE_URL_VARIABLE, "").strip().rstrip("/")
    return f"{base}/webhooks/{connector_id}" if base else None


def sync_webhooks(
    session: Session, address: str | None = None, repair: bool = False, account: Account | None = None
) -> list[SubscriptionState]:
    """Compare a shop's subscriptions (the served one, or `account`) with what the kit needs; with
    `repair`, subscribe the missing ones."""
    if not session.connector.implements("webhook_subscriptions"):
        return []
    target = webhook_address(session.connector.id, address)
    ctx = session.context()
    if account is not None:
        ctx = dataclasses.replace(ctx, account=account)
    states: list[SubscriptionState] = []
    for sub in session.connector.webhook_subscriptions(ctx):
        if not sub.needed:
            states.append(SubscriptionState(event=sub.event, state="extra", address=sub.address))
            continue
        right = sub.address is not None and (target is None or sub.address == target)
        if right:
            states.append(SubscriptionState(event=sub.event, state="subscribed", address=sub.address))
        elif repair and target is not None:
            session.connector.subscribe_webhook(ctx, sub.event, target)
            states.append(SubscriptionState(event=sub.event, state="repaired", address=target))
        else:
            state: Literal["missing", "elsewhere"] = "missing" if sub.address is None else "elsewhere"
            states.append(SubscriptionState(event=sub.event, state=state, address=sub.address))
    shop = account.id if account is not None else session.account_id
    session.store.cache_put(session.id, SEEN_NAMESPACE, {shop: summary(states, session.clock.now())})
    return states


def summary(states: list[SubscriptionState], checked_at: datetime) -> dict[str, Any]:
    """A shop's subscriptions as `status` shows them: what is subscribed, what is missing (absent or
    pointing elsewhere), and when that was last read from the channel."""
    return {
        "checked_at": checked_at.isoformat(),
        "subscribed": sorted(s.event for s in states if s.state in ("subscribed", "repaired")),
        "missing": sorted(s.event for s in states if s.state in ("missing", "elsewhere")),
    }


def seen(store: Store, integration_id: str, shop_ids: list[str]) -> dict[str, dict[str, Any]]:
    """The last comparison recorded per shop (a shop never checked is absent)."""
    found = {shop: store.cache_get(integration_id, SEEN_NAMESPACE, shop) for shop in shop_ids}
    return {shop: value for shop, value in found.items() if isinstance(value, dict)}


def subscribe_after_connect(session: Session) -> None:
    """Subscribe every shop the authorization covers when an address is configured; a failure is a warning
    (the next `check --repair` retries), never a failed Connect."""
    if webhook_address(session.connector.id) is None:
        return
    for account in session.store.list_accounts(session.id):
        try:
            states = sync_webhooks(session, repair=True, account=account)
        except (ChannelError, ConnectorError) as exc:
            log.warning("integration %s: subscribing shop %s failed: %s", session.id, account.id, exc)
            continue
        repaired = [s.event for s in states if s.state == "repaired"]
        if repaired:
            log.info("integration %s: shop %s subscribed to %s", session.id, account.id, ", ".join(repaired))
