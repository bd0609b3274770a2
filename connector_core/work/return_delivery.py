"""Handing returns to the host exactly once per return version, whichever run read them.

The returns import overlaps its windows and the reconciliation sweep re-reads a recent window, so the same
return version is read more than once. Like orders (`work/delivery.py`), a page is cut down under one
lease per (integration, shop) to the versions newer than the last one handed over, given to the host's
`return_pages_ready`, and only then recorded, in the same delivery ledger under a `return:` key (a
return id never collides with an order id). A kill between the two repeats that page once; nothing is lost.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from ..aftersales import Return, ReturnPage
from ..flows import Integration
from ..flows.leases import hold
from ..store.deliveries import Delivered
from .delivery import DELIVERY_LEASE_TTL, DELIVERY_LEASE_WAIT, NoOrderReceiver

ReturnReceiver = Callable[[str, str, ReturnPage], None]
"""`(integration_id, account_id, page)`; default: the host plugins' `return_pages_ready` hook."""
KEY_PREFIX = "return:"


def require_return_receiver(integration: Integration, receiver: ReturnReceiver | None = None) -> None:
    if receiver is None and not integration.connector.implements("return_pages_ready"):
        raise NoOrderReceiver(
            f"integration {integration.id}: no host plugin implements return_pages_ready, so imported "
            "returns would be lost; declare the module holding it in the channel_connectors.host_plugins "
            "entry-point group (or, for a test run, name it in CHANNEL_CONNECTORS_HOST_PLUGINS)"
        )


def deliver_returns(
    integration: Integration, page: ReturnPage, receiver: ReturnReceiver | None = None
) -> int:
    """Hand the page's new return versions to the host; returns how many went."""
    require_return_receiver(integration, receiver)
    shop = integration.account_id
    store = integration.store
    with hold(
        store,
        f"deliver-returns:{integration.id}:{shop}",
        what=f"a hand-over of returns for integration {integration.id}",
        ttl=DELIVERY_LEASE_TTL,
        wait=DELIVERY_LEASE_WAIT,
    ):
        known = store.delivered(integration.id, shop, {KEY_PREFIX + r.id for r in page.returns})
        fresh = _newest_unseen(known, page.returns)
        if not fresh:
            return 0
        take = receiver or integration.connector.return_pages_ready
        take(integration.id, shop, page.model_copy(update={"returns": fresh}))
        store.record_delivered(
            integration.id,
            shop,
            versions={KEY_PREFIX + r.id: r.updated_at.isoformat() for r in fresh},
            problems={},
        )
    return len(fresh)


def _newest_unseen(known: dict[str, Delivered], returns: list[Return]) -> list[Return]:
    latest: dict[str, Return] = {}
    for item in returns:
        seen = latest.get(item.id)
        if seen is None or item.updated_at > seen.updated_at:
            latest[item.id] = item
    fresh = []
    for item in latest.values():
        row = known.get(KEY_PREFIX + item.id)
        version = row.version if row is not None else None
        if version is None or item.updated_at > datetime.fromisoformat(version):
            fresh.append(item)
    return fresh
