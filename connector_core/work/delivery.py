"""Handing orders to the host exactly once per order version, whichever process read them.

The one hand-over path: the worker's tasks and the web app's in-process sink both come through here, so
the delivery ledger holds whichever of them read an order.

Imports overlap their windows (a few minutes, so no late update is missed), the broker may deliver a task
twice, two schedulers may both fire, and a webhook re-read may race an import: all of them read the same
order versions. Under one lease per (integration, shop), a page is cut down to the versions not handed
over yet (order id and `updated_at`, newer than the last one handed over), given to the host's
`order_pages_ready`, and only then recorded. A kill between the two repeats that page once, with the
same `delivery_id`; nothing is ever lost, because nothing is recorded before the host returned.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime, timedelta

from ..errors import ConnectorError
from ..flows import Integration
from ..flows.interception import record_handed_over
from ..flows.leases import hold
from ..models import Order, OrderPage, OrderProblem
from ..store.deliveries import Delivered

DELIVERY_LEASE_TTL = timedelta(minutes=2)
DELIVERY_LEASE_WAIT = timedelta(seconds=30)
"""Handing over one page is quick; a second hand-over for the same shop waits for it."""
_NONE = Delivered(None, None)

OrderReceiver = Callable[[str, str, OrderPage, str], None]
"""`(integration_id, account_id, page, delivery_id)`: who takes the orders. Default: the host plugins'
`order_pages_ready` hook; the web app's in-process sink passes its own handler."""


class NoOrderReceiver(ConnectorError):
    """Orders were read but nothing receives them: refused before any cursor moves past them."""


def require_receiver(integration: Integration, receiver: OrderReceiver | None = None) -> None:
    if receiver is None and not integration.connector.implements("order_pages_ready"):
        raise NoOrderReceiver(
            f"integration {integration.id}: no host plugin implements order_pages_ready, so imported "
            "orders would be lost; declare the module holding it in the channel_connectors.host_plugins "
            "entry-point group (or, for a test run, name it in CHANNEL_CONNECTORS_HOST_PLUGINS)"
        )


def delivery_id(
    integration_id: str, account_id: str, orders: list[Order], problems: list[OrderProblem]
) -> str:
    digest = hashlib.sha256(f"{integration_id}\0{account_id}".encode())
    for order in sorted(orders, key=lambda o: o.id):
        digest.update(f"\0{order.id}@{order.updated_at.isoformat()}".encode())
    for problem in problems:
        digest.update(f"\0!{problem.order_id}:{problem.message}".encode())
    return digest.hexdigest()[:32]


def deliver(integration: Integration, page: OrderPage, receiver: OrderReceiver | None = None) -> int:
    """Hand the page's new order versions (and new problems) to the host; returns how many orders went."""
    require_receiver(integration, receiver)
    if not page.orders and not page.problems:
        return 0  # an idle poll's empty page: nothing to hand over, so no lease to take
    shop = integration.account_id
    store = integration.store
    with hold(
        store,
        f"deliver:{integration.id}:{shop}",
        what=f"a hand-over of orders for integration {integration.id}",
        ttl=DELIVERY_LEASE_TTL,
        wait=DELIVERY_LEASE_WAIT,
    ):
        named = {o.id for o in page.orders} | {p.order_id or "" for p in page.problems}
        known = store.delivered(integration.id, shop, named)  # one query for the whole page
        fresh = _newest_unseen(known, page.orders)
        problems = [p for p in page.problems if (known.get(p.order_id or "") or _NONE).problem != p.message]
        if not fresh and not problems:
            return 0
        handed = page.model_copy(update={"orders": fresh, "problems": problems})
        take = receiver or integration.connector.order_pages_ready
        take(integration.id, shop, handed, delivery_id(integration.id, shop, fresh, problems))
        store.record_delivered(
            integration.id,
            shop,
            versions={o.id: o.updated_at.isoformat() for o in fresh},
            problems={p.order_id or "": p.message for p in problems},  # no id: one row ""
        )
        # The host now holds these addresses: a later change is refused until it has seen that one too.
        record_handed_over(store, integration.id, shop, fresh)
    return len(fresh)


def _newest_unseen(known: dict[str, Delivered], orders: list[Order]) -> list[Order]:
    latest: dict[str, Order] = {}
    for order in orders:  # a page listing an order twice hands over its newest version once
        seen = latest.get(order.id)
        if seen is None or order.updated_at > seen.updated_at:
            latest[order.id] = order
    fresh = []
    for order in latest.values():
        version = (known.get(order.id) or _NONE).version
        if version is None or order.updated_at > datetime.fromisoformat(version):
            fresh.append(order)
    return fresh
