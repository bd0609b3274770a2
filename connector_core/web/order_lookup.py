"""Orders as an operator looks at them: the recent ones and one by id, read from the channel without moving
any cursor (the import's position is never touched by looking).

Each order shows its mapped status beside the channel's own, and an order the import leaves out says
why: a problem the connector reported for it (a line it could not map, a missing address), or one of
the reasons the page counts orders left out on purpose (e.g. unpaid ones the settings leave out).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from .. import read_ahead
from ..flows import Integration
from ..models import Order, OrderPage, OrderWindow
from .facts import iso

RECENT_DAYS = 7
RECENT_LIMIT = 50
MAX_ORDER_ID = 64


def order_row(order: Order) -> dict[str, Any]:
    return {
        "id": order.id,
        "status": order.status.value,
        "channel_status": order.channel_status,
        "created_at": iso(order.created_at),
        "updated_at": iso(order.updated_at),
        "shop_id": order.account_id,
        "total": f"{order.total.amount} {order.total.currency}",
        "lines": len(order.lines),
        "imported": True,
        "reason": None,
    }


def _rows(page: OrderPage) -> list[dict[str, Any]]:
    rows = [order_row(o) for o in page.orders]
    rows += [
        {
            "id": p.order_id or "(no id)",
            "status": None,
            "channel_status": None,
            "created_at": None,
            "updated_at": None,
            "shop_id": None,
            "total": None,
            "lines": 0,
            "imported": False,
            "reason": p.message,
        }
        for p in page.problems
    ]
    return rows


def recent_orders(
    integration: Integration, days: int = RECENT_DAYS, limit: int = RECENT_LIMIT
) -> dict[str, Any]:
    """The first page of orders updated in the last `days` days, as the channel lists them."""
    now = integration.clock.now()
    window = OrderWindow(since=now - timedelta(days=days), until=now)
    with read_ahead.off():  # one page is all it shows: asking for the next would spend a call for nothing
        pages = iter(integration.connector.fetch_orders(integration.context(), window, None))
        page = next(pages, None) or OrderPage(orders=[])
        close = getattr(pages, "close", None)
        if close is not None:
            close()
    rows = _rows(page)[:limit]
    return {"items": rows, "left_out": dict(page.left_out), "total": page.total, "days": days}


def find_order(integration: Integration, order_id: str) -> dict[str, Any]:
    """One order by its channel id: found (with its statuses), left out (and why), or not found."""
    wanted = order_id.strip()[:MAX_ORDER_ID]
    page = integration.get_orders([wanted])
    rows = [r for r in _rows(page) if r["id"] == wanted] or _rows(page)
    reasons = [reason for reason, count in page.left_out.items() if count]
    if not rows and reasons:
        rows = [
            {
                "id": wanted,
                "status": None,
                "channel_status": None,
                "created_at": None,
                "updated_at": None,
                "shop_id": None,
                "total": None,
                "lines": 0,
                "imported": False,
                "reason": "left out: " + "; ".join(reasons),
            }
        ]
    return {"items": rows, "left_out": dict(page.left_out), "total": len(rows), "days": None}
