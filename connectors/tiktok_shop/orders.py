"""Order import: search by update-time window, 100 a page, oldest update first; detail by id, 50 at a time.

The page loop and its consistency check are the core's (`connector_core.paging`): a page is believed only
when it is consistent with itself and with the run so far: `data` with an `orders` list, a
`next_page_token` never seen before in the run, no more distinct orders than the largest `total_count` of
the run, and no last page while fewer than `total_count` orders were seen (a live shop's counts move while
it is paged; the check allows for that). Anything else is `InconsistentAnswer`: the core's call loop asks
for the same page again a few times, then the error ends the run, so the core never moves the watermark
past orders it did not get. An order seen twice in one run with the same `update_time` is emitted once.
This module says only where TikTok's answer keeps those fields, how to ask for a page and how to map it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from connector_core import ConnectorContext, Order, OrderPage, OrderProblem, OrderWindow, paging, read_ahead
from connector_core.clock import to_unix
from connector_core.errors import (
    ChannelError,
    ChannelUnavailable,
    InconsistentAnswer,
    RateLimited,
    ResponseTooLarge,
)

from .cancellations import open_requests
from .client import CHANNEL, TOKEN_REJECTED, TikTokClient
from .order_mapping import map_or_report

log = logging.getLogger("connectors.tiktok_shop.orders")

PAGE_SIZE = 100
DETAIL_BATCH = 50
MAX_PAGES = 20_000
"""Pages one run may take without a total to bound it (2 million orders in one window)."""


def _mapper(ctx: ConnectorContext) -> Any:
    # `ctx.map_status` calls the flow's mapper when there is one: call that directly, once per order.
    if ctx.status_mapper is not None:
        return ctx.status_mapper
    return lambda status, raw: ctx.map_status(status, raw)


def map_page(
    ctx: ConnectorContext,
    raw_orders: Sequence[Any],
    resume: str | None,
    total: int | None,
    requests: Mapping[str, dict[str, Any]] | None = None,
) -> OrderPage:
    """Map a page; malformed orders become problems; unpaid ones are dropped unless the settings want them.
    `requests`: the page's open cancellation requests, when already read (else one search reads them)."""
    keep_unpaid = bool(ctx.settings.get("import_unpaid_orders", False))
    account_id = ctx.account.id if ctx.account else None
    mapper = _mapper(ctx)
    if requests is None:
        requests = open_requests(ctx, raw_orders)  # one search for the page's open cancellation requests
    orders: list[Order] = []
    problems: list[OrderProblem] = []
    unpaid = 0
    # Mapping holds the GIL; the page read ahead is let in between records (read_ahead.taking_turns).
    for raw in read_ahead.taking_turns(raw_orders):
        # `type(raw) is dict` first: the abstract Mapping check is several times dearer, and pages hold dicts.
        if (
            not keep_unpaid
            and (type(raw) is dict or isinstance(raw, Mapping))
            and raw.get("status") == "UNPAID"
        ):
            unpaid += 1
            continue
        result = map_or_report(raw, mapper, account_id, requests)
        if isinstance(result, OrderProblem):
            log.warning("skipped %s", result.message)
            problems.append(result)
        else:
            orders.append(result)
    left_out = {"unpaid (settings: import_unpaid_orders is off)": unpaid} if unpaid else {}
    return OrderPage(orders=orders, problems=problems, resume=resume, total=total, left_out=left_out)


class PageCheck(paging.PageCheck):
    """The core's page check (`connector_core.paging`) reading TikTok's order search answer.

    A live shop moves while it is paged: an order taken on an early page changes, leaves the window (its
    new update time is past the window's end) and `total_count` falls; an order can change and come again
    later in the window; orders can enter a window that ends in the future and the count rises. The core's
    check allows for all of that and refuses only what no live shop produces.
    """

    channel = CHANNEL
    page_size = PAGE_SIZE
    max_pages = MAX_PAGES
    records_field = "data.orders"
    records_word = "orders"
    success_without_records = "answered code 0 (success) without {field}"

    def read(self, data: Any) -> paging.RawPage:
        total = data.get("total_count")
        total = total if isinstance(total, int) and not isinstance(total, bool) and total >= 0 else None
        return paging.RawPage(data.get("orders"), data.get("next_page_token"), total)

    def record_key(self, raw: Any) -> tuple[str | None, str | None]:
        # type() first: the abstract Mapping check is slow, and this runs twice per order.
        if not (type(raw) is dict or isinstance(raw, Mapping)) or raw.get("id") is None:
            return None, None
        return str(raw["id"]), str(raw.get("update_time"))

    def record_rank(self, raw: Any) -> float | None:
        # The search asks for sort_field=update_time, sort_order=ASC (fetch_orders below): an order that
        # changes comes again later with a later update_time, so the core may forget what pages passed.
        rank = raw.get("update_time") if type(raw) is dict or isinstance(raw, Mapping) else None
        return rank if type(rank) is int else None


def fetch_orders(ctx: ConnectorContext, window: OrderWindow, resume: str | None) -> Iterator[OrderPage]:
    """Every page of the window through the core's page loop (`connector_core.paging.page_through`): a
    stale resume token restarts the window rather than fail for ever. TikTok's part: the search request,
    its answer (`PageCheck.read`), and mapping each page."""
    client = TikTokClient(ctx)
    path = client.path("order", "orders/search")
    body = {"update_time_ge": to_unix(window.since), "update_time_lt": to_unix(window.until)}

    def fetch(token: str | None, check: paging.PageCheck) -> dict[str, Any]:
        query: dict[str, Any] = {"page_size": PAGE_SIZE, "sort_field": "update_time", "sort_order": "ASC"}
        if token:
            query["page_token"] = token
        return client.post(path, body, query, safe_to_repeat=True, check=check)

    # The page's one call (its open cancellation requests) is made before it is mapped, so the core can
    # ask for the next page while this one is mapped (`connector_core.read_ahead`).
    requests: dict[str, dict[str, Any]] = {}

    def page_calls(raw: list[Any]) -> None:
        requests.clear()
        requests.update(open_requests(ctx, raw))

    return paging.page_through(
        resume=resume,
        new_check=lambda resumed, seen, emitted: PageCheck(path, resumed=resumed, seen=seen, emitted=emitted),
        fetch=fetch,
        to_page=lambda raw, page_resume, total: map_page(ctx, raw, page_resume, total, requests),
        may_be_stale=_may_be_stale_token,
        page_calls=page_calls,
    )


def _may_be_stale_token(exc: ChannelError) -> bool:
    # Auth, rate-limit and outage errors are not about the token; anything else on a resumed first call may be.
    if isinstance(exc, (RateLimited, ChannelUnavailable, InconsistentAnswer, ResponseTooLarge)):
        return False
    return not (isinstance(exc.code, int) and exc.code in TOKEN_REJECTED)


def get_orders(ctx: ConnectorContext, order_ids: Sequence[str]) -> OrderPage:
    """Orders by id, in batches of 50 (TikTok's limit); ids TikTok does not return are reported."""
    wanted = list(dict.fromkeys(str(i) for i in order_ids))
    page = map_page(ctx, raw_orders(ctx, wanted), None, None)
    found = {o.id for o in page.orders} | {p.order_id for p in page.problems}
    missing = [
        OrderProblem(order_id=i, message=f"order {i}: TikTok returned no such order")
        for i in wanted
        if i not in found
    ]
    return page.model_copy(update={"problems": [*page.problems, *missing]})


def raw_orders(ctx: ConnectorContext, order_ids: Sequence[str]) -> list[dict[str, Any]]:
    """The raw detail objects (fulfillment needs line-item and package fields the canonical order drops)."""
    client = TikTokClient(ctx)
    path = client.path("order", "orders")
    found: list[dict[str, Any]] = []
    ids = list(order_ids)
    for start in range(0, len(ids), DETAIL_BATCH):
        found.extend(client.get(path, {"ids": ids[start : start + DETAIL_BATCH]}).get("orders") or [])
    return found
