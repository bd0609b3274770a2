"""Order import: search by update-time window, 100 a page, oldest update first; detail by id, 50 at a time.

A page is believed only when it is consistent with itself and with the run so far (`PageCheck`): `data`
with an `orders` list, a `next_page_token` never seen before in the run, no more distinct orders than the
largest `total_count` of the run, and no last page while fewer than `total_count` orders were seen (a live
shop's counts move while it is paged; the check allows for that). Anything else is `InconsistentAnswer`:
the client asks for the same page again a few times, then the error ends the run, so the core never moves
the watermark past orders it did not get. An order seen twice in one run with the same `update_time` is
emitted once.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NoReturn

from connector_core import ConnectorContext, Order, OrderPage, OrderProblem, OrderWindow
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
    return lambda status, raw: ctx.map_status(status, raw)


def map_page(
    ctx: ConnectorContext, raw_orders: Sequence[Any], resume: str | None, total: int | None
) -> OrderPage:
    """Map a page; malformed orders become problems; unpaid ones are dropped unless the settings want them."""
    keep_unpaid = bool(ctx.settings.get("import_unpaid_orders", False))
    account_id = ctx.account.id if ctx.account else None
    mapper = _mapper(ctx)
    requests = open_requests(ctx, raw_orders)  # one search for the page's open cancellation requests
    orders: list[Order] = []
    problems: list[OrderProblem] = []
    unpaid = 0
    for raw in raw_orders:
        if not keep_unpaid and isinstance(raw, Mapping) and raw.get("status") == "UNPAID":
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


@dataclass
class PageCheck:
    """What one import run has seen, to judge whether the next page can be believed.

    A live shop moves while it is paged: an order taken on an early page changes, leaves the window (its
    new update time is past the window's end) and `total_count` falls; an order can change and come again
    later in the window; orders can enter a window that ends in the future and the count rises. So the
    check counts distinct orders, not rows, and compares them with the largest count TikTok gave in the
    run. A lie is what no live shop produces: a page without `orders`, a token that does not advance, more
    distinct orders than TikTok ever counted, a last page while TikTok still counts orders not served.
    """

    path: str
    resumed: bool
    """The run started from a saved page token: the orders of earlier pages were counted by another run."""
    seen: int = 0
    """Distinct orders taken in this window (those of earlier runs included, when resumed)."""
    pages: int = 0
    tokens: set[str] = field(default_factory=set)
    emitted: set[tuple[str, str]] = field(default_factory=set)
    ids: set[str] = field(default_factory=set)
    most: int = 0
    """The largest `total_count` of the run."""
    versions: int = 0
    """Orders that came again with a newer update time (changed while paging): pages they fill are due."""

    def __call__(self, data: dict[str, Any]) -> None:
        """Raise `InconsistentAnswer` when `data` cannot be the next page of this run (nothing is changed)."""
        orders = data.get("orders")
        total = data.get("total_count")
        total = total if isinstance(total, int) and not isinstance(total, bool) and total >= 0 else None
        if orders is None and total == 0 and not data.get("next_page_token"):
            return  # an empty window
        if not isinstance(orders, list):
            self._fail(
                "answered code 0 (success) without data.orders"
                if orders is None
                else "data.orders is not a list"
            )
        token = data.get("next_page_token") or None
        if token is not None and not isinstance(token, str):
            self._fail(f"next_page_token is a {type(token).__name__}, not text")
        if token is not None and token in self.tokens:
            self._fail(f"repeated next_page_token {token[:12]!r} after {self.pages + 1} pages")
        new_ids = {_order_id(raw) for raw in orders} - self.ids - {None}
        seen = self.seen + len(new_ids)
        most = max(self.most, total or 0)
        if total is not None and seen > most + most // 100 + 1:
            self._fail(f"{seen} distinct orders so far but total_count never said more than {most}")
        if token is None and total is not None and seen < total and not self.resumed:
            self._fail(f"a page without next_page_token after {seen} of total_count {total} orders")
        if token is not None and not orders and (total is None or seen < total):
            self._fail("an empty page with a next_page_token")
        due = MAX_PAGES if total is None else (most + self.versions) // PAGE_SIZE + 3
        if self.pages + 1 > due:
            self._fail(f"page {self.pages + 1} for total_count {total}: far more pages than orders")

    def accept(self, data: dict[str, Any]) -> tuple[list[Any], str | None, int | None]:
        """Record a checked page; its raw orders not yet emitted in this run (one per id and version)."""
        orders: list[Any] = data.get("orders") or []
        # An empty page can only pass the check once every order was seen: it ends the run, token or not.
        token = (data.get("next_page_token") or None) if orders else None
        if token is not None:
            self.tokens.add(token)
        self.pages += 1
        fresh = []
        for raw in orders:
            key = (str(raw.get("id")), str(raw.get("update_time"))) if isinstance(raw, Mapping) else None
            order_id = _order_id(raw)
            if order_id is not None and order_id not in self.ids:
                self.ids.add(order_id)
                self.seen += 1
            elif key is not None and key not in self.emitted:
                self.versions += 1  # changed since an earlier page of this run: a newer version
            if key is not None and key in self.emitted:
                log.info("order %s seen twice in one import (same update_time): emitted once", key[0])
                continue
            if key is not None:
                self.emitted.add(key)
            fresh.append(raw)
        total = data.get("total_count")
        if isinstance(total, int) and not isinstance(total, bool):
            self.most = max(self.most, total)
        return fresh, token, total if isinstance(total, int) else None

    def _fail(self, what: str) -> NoReturn:
        raise InconsistentAnswer(CHANNEL, "inconsistent_page", f"{self.path}: {what}", http_status=200)


def _order_id(raw: Any) -> str | None:
    return str(raw.get("id")) if isinstance(raw, Mapping) and raw.get("id") is not None else None


def fetch_orders(ctx: ConnectorContext, window: OrderWindow, resume: str | None) -> Iterator[OrderPage]:
    """Every page of the window; a stale resume token restarts the window rather than fail for ever.

    The resume value handed to the core is `"{orders seen}|{TikTok's page token}"`, so a resumed run still
    knows how many orders the window's earlier pages held (a bare token, saved by an older version, is
    taken as is, without that count)."""
    client = TikTokClient(ctx)
    path = client.path("order", "orders/search")
    body = {"update_time_ge": to_unix(window.since), "update_time_lt": to_unix(window.until)}
    seen_before, token = _split_resume(resume)
    check = PageCheck(path, resumed=resume is not None and seen_before is None, seen=seen_before or 0)
    first = True
    while True:
        query: dict[str, Any] = {"page_size": PAGE_SIZE, "sort_field": "update_time", "sort_order": "ASC"}
        if token:
            query["page_token"] = token
        try:
            data = client.post(path, body, query, safe_to_repeat=True, check=check)
        except InconsistentAnswer as exc:
            # Orders updated since the saved position left the window, so the saved count may no longer add
            # up: a resumed run that meets an inconsistency starts the window over once, or it would fail
            # the same way on every later run. A fresh run that meets one reports it.
            if resume is None:
                raise
            log.warning("%s; restarting the window from its start", exc.channel_message)
            token = resume = None
            check = PageCheck(path, resumed=False, emitted=check.emitted)
            continue
        except ChannelError as exc:
            if not first or resume is None or not _may_be_stale_token(exc):
                raise
            log.warning("resume token refused (%s); restarting the window from its start", exc.code)
            token = resume = None
            check = PageCheck(path, resumed=False)
            continue
        first = False
        raw_orders, next_token, total = check.accept(data)
        page_resume = f"{check.seen}|{next_token}" if next_token else None
        yield map_page(ctx, raw_orders, page_resume, total)
        if not next_token:
            return
        token = next_token


def _split_resume(resume: str | None) -> tuple[int | None, str | None]:
    """(orders seen before, page token) from a resume value; (None, token) for a bare token."""
    if not resume:
        return None, None
    count, bar, token = resume.partition("|")
    if bar and count.isdigit() and token:
        return int(count), token
    return None, resume


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
