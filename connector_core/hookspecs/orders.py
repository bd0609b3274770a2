"""The order hooks: importing orders page by page, re-reading some by id, and mapping channel statuses."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from .markers import hookspec

if TYPE_CHECKING:  # annotations only: importing the hooks stays cheap (no pydantic)
    from ..context import ConnectorContext
    from ..models import OrderPage, OrderStatus, OrderWindow


@hookspec(firstresult=True)
def fetch_orders(ctx: ConnectorContext, window: OrderWindow, resume: str | None) -> Iterator[OrderPage]:  # type: ignore[empty-body]
    """Stream the orders updated inside `window`, one page at a time, oldest update first.

    Called for every scheduled import and every manual backfill. `resume` is the opaque `OrderPage.resume`
    of the last page the host took in an interrupted run of the same window (None to start at the
    beginning). Returns an iterator (a generator) of `OrderPage`; each page's orders are already mapped
    (statuses through `ctx.map_status`, which calls `map_order_status`), a malformed order goes into
    `problems` and the rest of its page is kept. The core saves each page's `resume` only after the
    host took the page, so memory stays flat and nothing is skipped. ``firstresult``.
    """


@hookspec(firstresult=True)
def get_orders(ctx: ConnectorContext, order_ids: Sequence[str]) -> OrderPage:  # type: ignore[empty-body]
    """Fetch specific orders by the channel's ids.

    Called when a webhook named orders whose new state the host wants, or when the host re-reads an
    order (before printing a label, after a dispute). Returns one `OrderPage` holding those found, mapped
    like `fetch_orders` maps them; ids the channel does not know go into `problems`. ``firstresult``.
    """


@hookspec(firstresult=True)
def map_order_status(
    ctx: ConnectorContext, channel_status: str, channel_order: Mapping[str, Any]
) -> OrderStatus | None:
    """Map the channel's order status to the canonical `OrderStatus`.

    Called for every order imported and every order-status webhook. `channel_order` is the raw order (or
    webhook data) for rules that need more than the status. Returns an `OrderStatus`, or None to let the
    next implementation decide. ``firstresult``: a host plugin registered with ``tryfirst=True`` overrides
    the connector; the core applies the ``status_overrides`` setting before the connector's table, and
    maps a status no one else maps to ``on_hold`` (``trylast``) with a warning on the order: never ship
    what you cannot read (`connector_core.rules`). A connector answers with its own table only.
    """
