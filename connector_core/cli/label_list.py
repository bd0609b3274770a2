"""`label ID --list`: which orders can take a channel label now, with the item ids a `--box` takes, so the
operator goes from this list straight to `label ID --order O --box ITEMS`.

It reads the orders of a recent window as a backfill (its own cursor, never the incremental import's), so
listing does not move what `pull-orders` imports next."""

from __future__ import annotations

import argparse
from datetime import timedelta
from typing import Any

from ..flows.interception import refusal
from ..integration import Integration
from ..models import Fulfilment, Order, OrderStatus
from .output import print_json
from .parsing import PROG

OPEN = (OrderStatus.AWAITING_SHIPMENT, OrderStatus.PARTIALLY_SHIPPED)


def _by_channel_label(order: Order) -> bool:
    if order.fulfilment is not None:
        return order.fulfilment == Fulfilment.CHANNEL_LABEL
    return order.shipping_by == "channel"


def open_item_ids(order: Order) -> list[str]:
    """The order's units not cancelled and not yet in a parcel: what the next boxes hold."""
    packed = {i for parcel in order.parcels for i in parcel.channel_line_ids}
    return [
        i
        for line in order.lines
        for i in line.channel_line_ids
        if i not in line.cancelled_line_ids and i not in packed
    ]


def labelable(integration: Integration, days: int) -> list[dict[str, Any]]:
    until = integration.clock.now()
    rows: list[dict[str, Any]] = []
    for page in integration.pull_orders(until - timedelta(days=days), until):
        for order in page.orders:
            items = open_item_ids(order)
            if order.status not in OPEN or not _by_channel_label(order) or not items:
                continue
            if refusal(integration.session, order, (), items, "label") is not None:
                continue
            rows.append(
                {
                    "order_id": order.id,
                    "status": order.status.value,
                    "created_at": order.created_at.isoformat() if order.created_at else None,
                    "item_ids": items,
                    "items": [
                        {"sku": line.sku, "title": line.title, "item_ids": [i for i in line.channel_line_ids if i in items]}
                        for line in order.lines
                        if any(i in items for i in line.channel_line_ids)
                    ],
                }
            )  # fmt: skip
    return rows


def cmd_list(integration: Integration, args: argparse.Namespace) -> int:
    rows = labelable(integration, args.days)
    if args.json:
        print_json({"integration": integration.id, "days": args.days, "orders": rows})
        return 0
    if not rows:
        print(f"no order of the last {args.days} days can take a channel label now")
        return 0
    print(f"{len(rows)} order(s) of the last {args.days} days can take a channel label:")
    for row in rows:
        print(f"  order {row['order_id']} ({row['status']}): items {','.join(row['item_ids'])}")
        for item in row["items"]:
            print(f"      {item['sku'] or '-'}  {item['title']}  [{','.join(item['item_ids'])}]")
    first = rows[0]
    print(
        f"label one box: {PROG} label {integration.id} --order {first['order_id']} "
        f"--box {','.join(first['item_ids'])}"
    )
    return 0
