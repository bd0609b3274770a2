"""What an operator wants to see at a glance: connection, token expiries, the last import, and anything
uncertain (a parcel or a stock level sent whose outcome is not known yet)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from ..context import SHIPMENT_INTENT
from ..models import Account, ReauthorizationState
from ..store import RunRecord
from .orders import stream_name
from .session import Session


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


def status(session: Session) -> IntegrationStatus:
    tokens = session.tokens.tokens()
    accounts = session.store.list_accounts(session.id)
    stream = stream_name(session, None, None, None)
    pending = session.store.list_intents(
        session.id, account_id=session.account_id, kind=SHIPMENT_INTENT, status="pending"
    )
    levels = session.store.stock_levels(session.id, session.account_id)
    return IntegrationStatus(
        integration_id=session.id,
        connector=session.connector.id,
        name=session.record.name,
        account=session.pick_account(accounts),
        connected=tokens is not None,
        access_expires_at=tokens.access_expires_at if tokens else None,
        refresh_expires_at=tokens.refresh_expires_at if tokens else None,
        reauthorization=session.tokens.reauthorization(),
        last_order_sync=session.store.cursor_updated_at(session.id, stream),
        order_cursor=session.store.get_cursor(session.id, stream),
        uncertain_shipments=[intent.key for intent in pending],
        uncertain_stock=sorted(
            f"{sku}@{warehouse}" if warehouse else sku
            for (sku, warehouse), record in levels.items()
            if record.pending is not None
        ),
        last_runs=session.store.last_runs(session.id, limit=5),
    )
