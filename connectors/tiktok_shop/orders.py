"""Order import: search by update-time window, 100 a page, oldest update first; detail by id, 50 at a time."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from connector_core import ConnectorContext, Order, OrderPage, OrderProblem, OrderWindow
from connector_core.clock import to_unix
from connector_core.errors import ChannelError, ChannelUnavailable, RateLimited

from .client import TOKEN_REJECTED, TikTokClient
from .order_mapping import map_or_report

log = logging.getLogger("connectors.tiktok_shop.orders")

PAGE_SIZE = 100
DETAIL_BATCH = 50


def _mapper(ctx: ConnectorContext) -> Any:
    return lambda status, raw: ctx.map_status(status, raw)


def map_page(
    ctx: ConnectorContext, raw_orders: Sequence[Any], resume: str | None, total: int | None
) -> OrderPage:
    """Map a page; malformed orders become problems; unpaid ones are dropped unless the settings want them."""
    keep_unpaid = bool(ctx.settings.get("import_unpaid_orders", False))
    account_id = ctx.account.id if ctx.account else None
    mapper = _mapper(ctx)
    orders: list[Order] = []
    problems: list[OrderProblem] = []
    unpaid = 0
    for raw in raw_orders:
        if not keep_unpaid and isinstance(raw, Mapping) and raw.get("status") == "UNPAID":
            unpaid += 1
            continue
        result = map_or_report(raw, mapper, account_id)
        if isinstance(result, OrderProblem):
            log.warning("skipped %s", result.message)
            problems.append(result)
        else:
            orders.append(result)
    left_out = {"unpaid (settings: import_unpaid_orders is off)": unpaid} if unpaid else {}
    return OrderPage(orders=orders, problems=problems, resume=resume, total=total, left_out=left_out)


def fetch_orders(ctx: ConnectorContext, window: OrderWindow, resume: str | None) -> Iterator[OrderPage]:
    """Every page of the window; a stale resume token restarts the window rather than fail for ever."""
    client = TikTokClient(ctx)
    path = client.path("order", "orders/search")
    body = {"update_time_ge": to_unix(window.since), "update_time_lt": to_unix(window.until)}
    token = resume
    while True:
        query: dict[str, Any] = {"page_size": PAGE_SIZE, "sort_field": "update_time", "sort_order": "ASC"}
        if token:
            query["page_token"] = token
        try:
            data = client.post(path, body, query, safe_to_repeat=True)
        except ChannelError as exc:
            if token != resume or resume is None or not _may_be_stale_token(exc):
                raise
            log.warning("resume token refused (%s); restarting the window from its start", exc.code)
            token = resume = None
            continue
        next_token = data.get("next_page_token") or None
        raw_orders = data.get("orders") or []
        yield map_page(ctx, raw_orders, next_token, data.get("total_count"))
        if not next_token or not raw_orders:
            return
        token = next_token


def _may_be_stale_token(exc: ChannelError) -> bool:
    # Auth, rate-limit and outage errors are not about the token; anything else on a resumed first call may be.
    if isinstance(exc, (RateLimited, ChannelUnavailable)):
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
