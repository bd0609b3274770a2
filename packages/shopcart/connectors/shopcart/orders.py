"""Order import: ShopCart's `orders.json` by update-time window, oldest first, paged by cursor.

ShopCart pages with a `Link: <...?page_info=...>; rel="next"` header; the cursor carries the window, so
a follow-up request sends only `limit` and `page_info` (ShopCart refuses filters beside a cursor). The
resume value handed to the core is the cursor itself. A cursor that repeats is an answer the connector
cannot believe (`InconsistentAnswer`), so the core never moves its watermark past orders it did not get.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import parse_qs, urlsplit

from connector_core import ConnectorContext, Order, OrderPage, OrderProblem, OrderStatus, OrderWindow
from connector_core.errors import InconsistentAnswer
from connector_core.models import Address, Fulfilment, Money, OrderLine, Parcel

from .client import CHANNEL, ShopCartClient
from .statuses import channel_status

PAGE_SIZE = 50
ID_BATCH = 50
_NEXT = re.compile(r'<([^>]+)>\s*;\s*rel="?next"?')


def next_cursor(link_header: str | None) -> str | None:
    """The `page_info` of the `rel="next"` link (only the cursor is taken: never the host it names)."""
    found = _NEXT.search(link_header or "")
    if not found:
        return None
    values = parse_qs(urlsplit(found.group(1)).query).get("page_info")
    return values[0] if values else None


def _iso(when: Any) -> str:
    return str(when.isoformat()).replace("+00:00", "Z")


def fetch_orders(ctx: ConnectorContext, window: OrderWindow, resume: str | None) -> Iterator[OrderPage]:
    client = ShopCartClient(ctx)
    path = client.path("orders")
    cursor, seen = resume, set()
    while True:
        if cursor:
            query: dict[str, Any] = {"limit": PAGE_SIZE, "page_info": cursor}
        else:
            query = {
                "limit": PAGE_SIZE,
                "updated_at_min": _iso(window.since),
                "updated_at_max": _iso(window.until),
                "order": "updated_at asc",
                "status": "any",
            }
        data, response = client.get(path, query)
        raw = data.get("orders")
        if not isinstance(raw, list):
            raise InconsistentAnswer(
                CHANNEL, "no_orders", f"GET {path} answered without an orders list", http_status=200
            )
        following = next_cursor(response.headers.get("Link"))
        if following is not None and (following in seen or not raw):
            raise InconsistentAnswer(
                CHANNEL, "cursor", f"GET {path}: the next-page cursor does not advance", http_status=200
            )
        if following:
            seen.add(following)
        yield map_page(ctx, raw, following)
        if not following:
            return
        cursor = following


def get_orders(ctx: ConnectorContext, order_ids: Sequence[str]) -> OrderPage:
    wanted = list(dict.fromkeys(str(i) for i in order_ids))
    page = map_page(ctx, raw_orders(ctx, wanted), None)
    found = {o.id for o in page.orders} | {p.order_id for p in page.problems}
    missing = [
        OrderProblem(order_id=i, message=f"order {i}: ShopCart has no such order")
        for i in wanted
        if i not in found
    ]
    return page.model_copy(update={"problems": [*page.problems, *missing]})


def raw_orders(ctx: ConnectorContext, order_ids: Sequence[str]) -> list[dict[str, Any]]:
    client = ShopCartClient(ctx)
    found: list[dict[str, Any]] = []
    ids = [
        i for i in order_ids if i.isdigit()
    ]  # ShopCart's ids are numbers; anything else is simply not found
    for start in range(0, len(ids), ID_BATCH):
        batch = ids[start : start + ID_BATCH]
        data, _ = client.get(
            client.path("orders"), {"ids": ",".join(batch), "status": "any", "limit": ID_BATCH}
        )
        found.extend(o for o in data.get("orders") or [] if isinstance(o, dict))
    return found


def map_page(ctx: ConnectorContext, raw: Sequence[Any], resume: str | None) -> OrderPage:
    orders: list[Order] = []
    problems: list[OrderProblem] = []
    for item in raw:
        try:
            orders.append(map_order(ctx, item))
        except (KeyError, TypeError, ValueError, InvalidOperation) as exc:
            order_id = str(item.get("id")) if isinstance(item, Mapping) else None
            problems.append(
                OrderProblem(
                    order_id=order_id,
                    message=f"order {order_id}: cannot be read ({type(exc).__name__}: {exc})",
                )
            )
    return OrderPage(orders=orders, problems=problems, resume=resume)


def _money(value: Any, currency: str) -> Money:
    return Money(amount=Decimal(str(value)), currency=currency)


def map_order(ctx: ConnectorContext, raw: Mapping[str, Any]) -> Order:
    currency = str(raw["currency"])
    status = channel_status(raw)
    mapped = ctx.map_status(status, raw) or OrderStatus.ON_HOLD  # the core's rules answer; never None
    address = raw.get("shipping_address") or {}
    lines = [
        OrderLine(
            sku=line.get("sku") or None,
            title=str(line["title"]),
            quantity=int(line["quantity"]),
            unit_price=_money(line["price"], currency),
            channel_line_ids=[str(line["id"])],
        )
        for line in raw["line_items"]
    ]
    parcels = [
        Parcel(
            id=str(f["id"]),
            tracking_number=f.get("tracking_number"),
            carrier=f.get("tracking_company"),
            channel_line_ids=[str(i["id"]) for i in f.get("line_items") or []],
        )
        for f in raw.get("fulfillments") or []
    ]
    return Order(
        id=str(raw["id"]),
        status=mapped,
        channel_status=status,
        created_at=raw["created_at"],
        updated_at=raw["updated_at"],
        account_id=ctx.account.id if ctx.account else None,
        currency=currency,
        subtotal=_money(raw["subtotal_price"], currency),
        shipping=_money(raw.get("total_shipping_price") or "0", currency),
        total=_money(raw["total_price"], currency),
        ship_to=Address(
            name=address.get("name"),
            lines=[x for x in (address.get("address1"), address.get("address2")) if x],
            city=address.get("city"),
            postal_code=address.get("zip"),
            country_code=address.get("country_code"),
        ),
        lines=lines,
        shipping_by="seller",  # ShopCart never ships for the seller
        fulfilment=Fulfilment.SELLER,
        parcels=parcels,
        channel_data={
            "name": raw.get("name"),
            "financial_status": raw.get("financial_status"),
            "fulfillment_status": raw.get("fulfillment_status"),
        },
    )
