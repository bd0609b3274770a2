"""What an operator wants to see at a glance: connection, token expiries, the last import, and anything
uncertain (a parcel or a stock level sent whose outcome is not known yet)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ..context import SHIPMENT_INTENT
from ..models import Account, ReauthorizationState
from ..store import RunRecord
from ..store.platform_records import ShopRecord
from .orders import stream_name
from .session import Session
from .subscriptions import seen


@dataclass(frozen=True)
class IntegrationStatus:
    """What an operator wants to see at a glance."""

    integration_id: str
    connector: str
    name: str
    account: Account | None
    connected: bool
    access_expires_at: datetime | None
    refresh_expires_at: datetime | None
    reauthorization: ReauthorizationState
    last_order_sync: datetime | None
    order_cursor: str | None
    uncertain_shipments: list[str] = field(default_factory=list)
    """Keys (order id / parcel) of confirmations sent whose outcome is unknown: the next attempt settles them."""
    uncertain_stock: list[str] = field(default_factory=list)
    """SKUs whose last level sent has no known outcome: the next push sends them again."""
    last_runs: list[RunRecord] = field(default_factory=list)
    shops: list[ShopRecord] = field(default_factory=list)
    """Every shop of the authorization: status (active, paused, left), settings overrides, next pull."""
    webhook_subscriptions: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Per shop, the last comparison with the events the kit needs: `checked_at`, `subscribed`, `missing`."""


def status(session: Session, served: list[Session] | None = None) -> IntegrationStatus:
    """`served`: the sessions of the shops served (every active shop); the uncertain items and the last
    import are gathered over all of them."""
    served = served or [session]
    tokens = session.tokens.tokens()
    accounts = session.store.list_accounts(session.id)
    streams = [(shop, stream_name(shop, None, None, None)) for shop in served]
    synced = [
        t for shop, name in streams if (t := session.store.cursor_updated_at(shop.id, name)) is not None
    ]
    pending = [
        intent
        for shop in served
        for intent in session.store.list_intents(
            session.id, account_id=shop.account_id, kind=SHIPMENT_INTENT, status="pending"
        )
    ]
    levels = {
        k: v for shop in served for k, v in session.store.stock_levels(session.id, shop.account_id).items()
    }
    return IntegrationStatus(
        integration_id=session.id,
        connector=session.connector.id,
        name=session.record.name,
        account=session.pick_account(accounts),
        connected=tokens is not None,
        access_expires_at=tokens.access_expires_at if tokens else None,
        refresh_expires_at=tokens.refresh_expires_at if tokens else None,
        reauthorization=session.tokens.reauthorization(),
        last_order_sync=max(synced, default=None),
        order_cursor=session.store.get_cursor(session.id, streams[0][1]) if len(streams) == 1 else None,
        uncertain_shipments=[intent.key for intent in pending],
        uncertain_stock=sorted(
            f"{sku}@{warehouse}" if warehouse else sku
            for (sku, warehouse), record in levels.items()
            if record.pending is not None
        ),
        last_runs=session.store.last_runs(session.id, limit=5),
        shops=session.store.list_shops(session.id),
        webhook_subscriptions=seen(session.store, session.id, [a.id for a in accounts]),
    )


def connection_state(status: IntegrationStatus) -> tuple[str, str | None]:
    """The connection as the last call found it, not just "tokens are stored": `connected`,
    `not_connected`, `needs_reauthorization` or `failing` (the latest run failed), with the reason to show.
    Tokens stay stored when the channel forgets them (an emulator restarted, an authorization revoked), so
    only a call tells; `channel-connectors check` makes a cheap one."""
    if status.reauthorization.needs_reauthorization:
        return "needs_reauthorization", status.reauthorization.reason
    if not status.connected:
        return "not_connected", "never connected"
    latest = status.last_runs[0] if status.last_runs else None
    if latest is not None and not latest.ok:
        error = str(latest.summary.get("error") or "failed")
        return (
            "failing",
            f"the last call ({latest.flow}, {latest.finished_at:%Y-%m-%d %H:%M} UTC) failed: {error}",
        )
    return "connected", None
