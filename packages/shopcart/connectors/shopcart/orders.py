"""Order import: ShopCart's `orders.json` by update-time window, oldest first, paged by cursor.

ShopCart pages with a `Link: <...?page_info=...>; rel="next"` header; the cursor carries the window, so
a follow-up request sends only `limit` and `page_info` (ShopCart refuses filters beside a cursor). The page
loop and its consistency check are the core's (`connector_core.paging`): this module says only where an
answer keeps its orders and cursor, how to ask for one page, and how to map it. ShopCart gives no total.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from connector_core import ConnectorContext, Order, OrderPage, OrderProblem, OrderStatus, OrderWindow
from connector_core.errors import ChannelError, ChannelUnavailable, RateLimited
from connector_core.models import Address, Fulfilment, Money, OrderLine, Parcel
from connector_core.paging import PageCheck, RawPage, no_page_calls, page_through

from .client import CHANNEL, Answer, ShopCartClient
from .statuses import channel_status

PAGE_SIZE = 50
ID_BATCH = 50


class OrderPageCheck(PageCheck):
    channel = CHANNEL
    page_size = PAGE_SIZE
    records_field = "orders"
    token_field = "page_info"  # noqa: S105 - a field's name, not a secret
    records_word = "orders"

    def read(self, data: Any) -> RawPage:
        answer: Answer = data
        return RawPage(records=answer.body.get("orders"), next_token=answer.next_cursor, total=None)

    def record_key(self, raw: Any) -> tuple[str | None, str | None]:
        if not isinstance(raw, Mapping) or raw.get("id") is None:
            return None, None
        return str(raw["id"]), str(raw.get("updated_at"))


def _iso(when: Any) -> str:
    return str(when.isoformat()).replace("+00:00", "Z")


def fetch_orders(ctx: ConnectorContext, window: OrderWindow, resume: str | None) -> Iterator[OrderPage]:
    client = ShopCartClient(ctx)
    path = client.path("orders")
    first_query = {
        "limit": PAGE_SIZE,
        "updated_at_min": _iso(window.since),
        "updated_at_max": _iso(window.until),
        "order": "updated_at asc",
        "status": "any",
    }

    def new_check(resumed: bool, seen: int, emitted: dict[tuple[str, str], float | None]) -> PageCheck:
        return OrderPageCheck(path, resumed=resumed, seen=seen, emitted=emitted)

    def fetch(cursor: str | None, check: PageCheck) -> Answer:
        query = {"limit": PAGE_SIZE, "page_info": cursor} if cursor else first_query
        return client.call("GET", path, query=query, safe_to_repeat=True, check=check)

    def stale(exc: ChannelError) -> bool:  # ShopCart answers 400 to a cursor it no longer knows
        return not isinstance(exc, (RateLimited, ChannelUnavailable)) and exc.http_status == 400

    return page_through(
        resume=resume,
        new_check=new_check,
        fetch=fetch,
        to_page=lambda raw, page_resume, _total: map_page(ctx, raw, page_resume),
        may_be_stale=stale,
        page_calls=no_page_calls,  # mapping calls nothing: the next page is read ahead while one is mapped
    )


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
    ids = [i for i in order_ids if i.isdigit()]  # ShopCart's ids are numbers: anything else is not found
    for start in range(0, len(ids), ID_BATCH):
        batch = ids[start : start + ID_BATCH]
        data = client.get(client.path("orders"), {"ids": ",".join(batch), "status": "any", "limit": ID_BATCH})
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
