"""Interception: no parcel shipped or labelled for an order the channel says must not ship.

The most expensive mistake a host makes is shipping an order the buyer asked to cancel, an order with
cancelled units, an order the channel's own warehouse fulfils, or a parcel to an address the buyer changed
after the host last saw the order. Before a shipment or label is planned, the core reads the order's
CURRENT state from the channel (`get_orders`, never only the host's copy) and refuses with one line naming
the order and what to do. A host that decided knowingly overrides a reason explicitly (`Interception`);
a cancelled order and a channel-fulfilled order are refused without override (the channel refuses too).

"The host's copy" of the address is the digest of the ship-to address of the last version handed to the
host (`record_handed_over`, called by the worker's hand-over); an order never handed over has no copy to
compare with, so only the other checks apply to it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Collection, Iterable
from datetime import datetime

from ..errors import ShipmentNotAllowed
from ..models import Fulfilment, Interception, Order, OrderStatus
from ..store import Store
from .session import Session

ADDRESS_NAMESPACE = "interception.address"
NOT_OURS = frozenset({Fulfilment.CHANNEL_WAREHOUSE, Fulfilment.THIRD_PARTY})


class OrderIntercepted(ShipmentNotAllowed):
    """The order must not ship (or get a label) now; the message names the order and what to do.

    `reason` is the `Interception` a host may override, or None when no override exists.
    """

    def __init__(self, order_id: str, message: str, reason: Interception | None) -> None:
        self.order_id = order_id
        self.reason = reason
        super().__init__(message)


def address_digest(order: Order) -> str:
    """What identifies the ship-to address of one order version (masking does not count as a change)."""
    fields = order.ship_to.model_dump(mode="json", exclude={"is_masked"})
    return hashlib.sha256(json.dumps(fields, sort_keys=True).encode()).hexdigest()[:32]


def address_namespace(account_id: str) -> str:
    return f"{ADDRESS_NAMESPACE}@{account_id}"


def record_handed_over(store: Store, integration_id: str, account_id: str, orders: Iterable[Order]) -> None:
    """The host now holds these versions: their addresses are the host's copy."""
    digests = {order.id: address_digest(order) for order in orders}
    if digests:
        store.cache_put(integration_id, address_namespace(account_id), digests)


def _when(moment: datetime | None) -> str:
    return f"{moment:%Y-%m-%d %H:%M} UTC" if moment else "an unknown time"


def current_order(session: Session, order_id: str) -> Order | None:
    """The order as the channel has it now (None when the channel does not list it for this shop)."""
    if not session.connector.implements("get_orders"):
        return None
    page = session.connector.get_orders(session.context(), [order_id])
    return next((order for order in page.orders if order.id == order_id), None)


def refusal(
    session: Session,
    order: Order,
    overrides: Collection[Interception],
    line_ids: Collection[str] | None = None,
    action: str = "ship",
) -> OrderIntercepted | None:
    """Why `order` (as the channel has it now) must not `action`, or None; `line_ids`: the parcel's units."""
    oid = order.id
    if order.status == OrderStatus.CANCELLED:
        return OrderIntercepted(oid, f"order {oid} was cancelled on the channel: do not {action} it", None)
    if order.fulfilment in NOT_OURS:
        who = "the channel's warehouse" if order.fulfilment == Fulfilment.CHANNEL_WAREHOUSE else "a partner"
        return OrderIntercepted(
            oid, f"order {oid} is fulfilled by {who}, not by the seller: there is nothing to {action}", None
        )
    request = order.cancellation_request
    if request is not None and Interception.CANCELLATION_REQUESTED not in overrides:
        who = request.requested_by or "someone"
        deadline = f" by {_when(request.respond_by)}" if request.respond_by else ""
        return OrderIntercepted(
            oid,
            f"order {oid}: the {who} asked to cancel it on {_when(request.requested_at)}; decide the request"
            f"{deadline} (`channel-connectors cancellation approve|reject {session.id} {oid}`) before you "
            f"{action} it, or override '{Interception.CANCELLATION_REQUESTED.value}' to {action} anyway",
            Interception.CANCELLATION_REQUESTED,
        )
    cancelled = {i for line in order.lines for i in line.cancelled_line_ids}
    hit = cancelled if line_ids is None else cancelled & set(line_ids)
    if hit and Interception.LINES_CANCELLED not in overrides:
        return OrderIntercepted(
            oid,
            f"order {oid}: line item(s) {', '.join(sorted(hit))} were cancelled on the channel; leave them out "
            f"of the parcel (re-read the order), or override '{Interception.LINES_CANCELLED.value}'",
            Interception.LINES_CANCELLED,
        )
    seen = session.store.cache_get(session.id, address_namespace(session.account_id), oid)
    if seen is not None and seen != address_digest(order) and Interception.ADDRESS_CHANGED not in overrides:
        return OrderIntercepted(
            oid,
            f"order {oid}: the buyer changed the ship-to address after the version you were handed; take the "
            f"new version (pull orders) and {action} to the new address, or override "
            f"'{Interception.ADDRESS_CHANGED.value}'",
            Interception.ADDRESS_CHANGED,
        )
    return None


def check(
    session: Session,
    order_id: str,
    overrides: Collection[Interception] = (),
    line_ids: Collection[str] | None = None,
    action: str = "ship",
) -> Order | None:
    """Read the order from the channel and raise `OrderIntercepted` if it must not `action` now."""
    order = current_order(session, order_id)
    if order is not None:
        problem = refusal(session, order, overrides, line_ids, action)
        if problem is not None:
            raise problem
    return order
