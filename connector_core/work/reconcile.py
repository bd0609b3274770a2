"""The reconciliation sweep: what a dropped webhook did not announce, caught by reading a recent window.

Webhooks are best effort (the channel retries a few times, then gives up). Every after-sales event also moves
something readable by time: a cancellation or an address change bumps the order's `updated_at`, a return's
change moves the return's. The sweep reads, per served shop and per event family, the last `window` of
changes (at most `page_cap` pages per family and run, so one busy shop cannot hold a worker), without
touching the imports' cursors, and hands what it read over through the same exactly-once hand-overs as the
imports (`deliver` for orders, `deliver_returns` for returns): a version already delivered, by a webhook
re-read or an import, is not handed over again. Families:

- ``orders``: order changes (status, address, packages);
- ``cancellations``: the same order read (a cancellation is an order change); counted apart, as the orders
  handed over that carry a cancellation or an open cancellation request;
- ``returns``: the returns read (skipped, and said so, when no host takes returns).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from itertools import islice

from ..aftersales import FAMILIES as FAMILIES  # re-exported: callers name them from here
from ..aftersales import SWEEP_PAGE_CAP as SWEEP_PAGE_CAP
from ..aftersales import SWEEP_WINDOW as SWEEP_WINDOW
from ..flows import Integration
from ..flows.orders import flag_unknown_statuses
from ..flows.shops import remember_order_shops
from ..models import OrderWindow
from .delivery import OrderReceiver, _newest_unseen, deliver
from .return_delivery import ReturnReceiver, deliver_returns


@dataclass
class ShopSweep:
    shop: str
    pages: dict[str, int] = field(default_factory=dict)
    handed_over: dict[str, int] = field(default_factory=dict)
    capped: list[str] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        return {
            "shop": self.shop,
            "pages": self.pages,
            "handed_over": self.handed_over,
            "capped": self.capped,
            "skipped": self.skipped,
        }


def reconcile(
    integration: Integration,
    *,
    window: timedelta = SWEEP_WINDOW,
    page_cap: int = SWEEP_PAGE_CAP,
    families: Sequence[str] = FAMILIES,
    shop: str | None = None,
    receiver: OrderReceiver | None = None,
    return_receiver: ReturnReceiver | None = None,
) -> list[ShopSweep]:
    """Sweep every served shop (or `shop`) for the families named; one report per shop."""
    unknown = sorted(set(families) - set(FAMILIES))
    if unknown:
        raise ValueError(f"unknown event family {unknown[0]!r}; one of {', '.join(FAMILIES)}")
    if page_cap < 1:
        raise ValueError("page_cap: at least 1")
    views = [integration.shop(shop)] if shop else integration.served()
    return [_sweep_shop(view, window, page_cap, families, receiver, return_receiver) for view in views]


def _sweep_shop(
    view: Integration,
    window: timedelta,
    page_cap: int,
    families: Sequence[str],
    receiver: OrderReceiver | None,
    return_receiver: ReturnReceiver | None,
) -> ShopSweep:
    report = ShopSweep(shop=view.account_id)
    session = view.session
    now = session.clock.now()
    span = OrderWindow(since=now - window, until=now)
    ctx = session.context()
    if "orders" in families or "cancellations" in families:
        pages = orders = cancellations = 0
        for page in islice(session.connector.fetch_orders(ctx, span, None), page_cap + 1):
            if pages == page_cap:
                report.capped += [f for f in ("orders", "cancellations") if f in families]
                break
            pages += 1
            page = flag_unknown_statuses(ctx, page)
            remember_order_shops(session, page)
            # Which of them are new to the host (read before the hand-over, for the count only).
            known = view.store.delivered(view.id, view.account_id, {o.id for o in page.orders})
            new = _newest_unseen(known, page.orders)
            orders += deliver(view, page, receiver)
            cancellations += sum(
                1 for o in new if o.cancellation is not None or o.cancellation_request is not None
            )
        for family, count in (("orders", orders), ("cancellations", cancellations)):
            if family in families:
                report.pages[family], report.handed_over[family] = pages, count
    if "returns" in families:
        if return_receiver is None and not view.connector.implements("return_pages_ready"):
            report.skipped["returns"] = "no host plugin implements return_pages_ready"
        else:
            pages = handed = 0
            for rpage in islice(session.connector.fetch_returns(ctx, span, None), page_cap + 1):
                if pages == page_cap:
                    report.capped.append("returns")
                    break
                pages += 1
                handed += deliver_returns(view, rpage, return_receiver)
            report.pages["returns"], report.handed_over["returns"] = pages, handed
    return report
