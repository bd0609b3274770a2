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

The worker's sweep (`sweep_slice`) runs in slices like the imports: its place (the window it started with,
the family it is reading, the page token after the last page handed over, the pages read so far against
the cap) is a cursor of its own per shop, `reconcile@<shop>`, moved under the import lease of that stream
once a page was handed over; when the worker's budget says stop, the sweep pauses there and its next slice
resumes after that page, neither reading a page twice nor skipping one. A finished sweep clears its cursor,
so the next starts a fresh window. `reconcile` (the command line, Python) runs a whole sweep at once and
keeps its place in memory only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from ..aftersales import FAMILIES as FAMILIES  # re-exported: callers name them from here
from ..aftersales import SWEEP_PAGE_CAP as SWEEP_PAGE_CAP
from ..aftersales import SWEEP_WINDOW as SWEEP_WINDOW
from ..flows import Integration
from ..flows.leases import hold
from ..flows.orders import (
    IMPORT_LEASE_TTL,
    IMPORT_LEASE_WAIT,
    _save_cursor,
    flag_unknown_statuses,
    load_cursor,
)
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


SWEEP_STREAM = "reconcile"
READS = {"orders": ("orders", "cancellations"), "returns": ("returns",)}
"""What the sweep reads, in order, and the families each read reports (cancellations are order changes)."""


def stream_name(view: Integration) -> str:
    """The sweep's cursor (and lease) within the served shop."""
    return f"{SWEEP_STREAM}@{view.account_id}" if view.account_id else SWEEP_STREAM


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
    """Sweep every served shop (or `shop`) for the families named, each to its end; one report per shop."""
    _check(families, page_cap)
    views = [integration.shop(shop)] if shop else integration.served()
    reports = []
    for view in views:
        report, reads = _start(view, families, return_receiver)
        now = view.session.clock.now()
        place = _Place(now - window, now, reads[0] if reads else None, None, 0, list(families))
        _run(view, place, page_cap, report, receiver, return_receiver, lambda _: None, None)
        reports.append(report)
    return reports


def sweep_slice(
    view: Integration,
    *,
    more: Callable[[], bool],
    window: timedelta = SWEEP_WINDOW,
    page_cap: int = SWEEP_PAGE_CAP,
    families: Sequence[str] = FAMILIES,
    receiver: OrderReceiver | None = None,
    return_receiver: ReturnReceiver | None = None,
) -> tuple[ShopSweep, bool]:
    """One slice of the shop's sweep, resumed from its cursor (or a fresh window); `more` is asked after each
    page handed over. Returns this slice's report and whether the sweep is done (False: paused, its place
    saved). A sweep already under way goes on with the window and families it started with."""
    _check(families, page_cap)
    session = view.session
    name = stream_name(view)
    with hold(
        view.store,
        f"import:{view.id}:{name}",
        what=f"the reconciliation sweep of {name} for integration {view.id}",
        ttl=IMPORT_LEASE_TTL,
        wait=IMPORT_LEASE_WAIT,
    ) as lease:
        saved = load_cursor(session, name)
        if "until" in saved and "since" in saved:
            families = list(saved.get("families") or families)
        report, reads = _start(view, families, return_receiver)
        if "until" in saved and "since" in saved and saved.get("read") in reads:
            place = _Place(saved["since"], saved["until"], saved["read"], saved.get("resume"),
                           int(saved.get("pages") or 0), list(families))  # fmt: skip
        else:
            now = session.clock.now()
            place = _Place(now - window, now, reads[0] if reads else None, None, 0, list(families))

        def save(place: _Place) -> None:
            lease.renew()
            if place.read is None:
                session.store.set_cursor(view.id, name, None)  # done: the next sweep starts a fresh window
            else:
                _save_cursor(session, name, place.as_cursor())

        done = _run(view, place, page_cap, report, receiver, return_receiver, save, more)
        if done and saved and not reads:
            save(place)  # nothing left to read (no host takes returns any more): retire the cursor
    return report, done


@dataclass
class _Place:
    since: datetime
    until: datetime
    read: str | None
    """"orders" or "returns": the read under way; None: the sweep is done."""
    resume: str | None
    pages: int
    families: list[str]

    def as_cursor(self) -> dict[str, Any]:
        return {"since": self.since, "until": self.until, "read": self.read, "resume": self.resume,
                "pages": self.pages, "families": self.families}  # fmt: skip


def _check(families: Sequence[str], page_cap: int) -> None:
    unknown = sorted(set(families) - set(FAMILIES))
    if unknown:
        raise ValueError(f"unknown event family {unknown[0]!r}; one of {', '.join(FAMILIES)}")
    if page_cap < 1:
        raise ValueError("page_cap: at least 1")


def _start(
    view: Integration, families: Sequence[str], return_receiver: ReturnReceiver | None
) -> tuple[ShopSweep, list[str]]:
    """The shop's report (counts at 0 for every family read) and the reads the families need, in order."""
    report = ShopSweep(shop=view.account_id)
    if (
        "returns" in families
        and return_receiver is None
        and not view.connector.implements("return_pages_ready")
    ):
        report.skipped["returns"] = "no host plugin implements return_pages_ready"
    reads = [r for r, named in READS.items() if any(f in families and f not in report.skipped for f in named)]
    for read in reads:
        for family in READS[read]:
            if family in families:
                report.pages[family], report.handed_over[family] = 0, 0
    return report, reads


def _run(
    view: Integration,
    place: _Place,
    page_cap: int,
    report: ShopSweep,
    receiver: OrderReceiver | None,
    return_receiver: ReturnReceiver | None,
    save: Callable[[_Place], None],
    more: Callable[[], bool] | None,
) -> bool:
    """Read from `place` on, handing each page over, then `save` the place after it; True once every read is
    done, False when `more` paused it."""
    session = view.session
    ctx = session.context()
    reads = [r for r in READS if r in _reads_of(report)]
    while place.read is not None:
        span = OrderWindow(since=place.since, until=place.until)
        fetch = session.connector.fetch_orders if place.read == "orders" else session.connector.fetch_returns
        pages: Iterator[Any] = iter(fetch(ctx, span, place.resume))
        try:
            for page in pages:
                _hand_over(view, place.read, page, place.families, report, receiver, return_receiver)
                place.pages += 1
                if page.resume is not None and place.pages < page_cap:
                    place.resume = page.resume
                else:
                    if page.resume is not None:  # more to read, past the cap: the imports read it
                        report.capped += [f for f in READS[place.read] if f in place.families]
                    following = reads[reads.index(place.read) + 1 :]
                    place.read, place.resume, place.pages = (following[0] if following else None), None, 0
                save(place)  # the host took the page: a resumed sweep starts after it
                if place.read is None:
                    return True
                if more is not None and not more():
                    return False
                if place.resume is None:
                    break  # the next read starts with its own fetch
            else:
                following = reads[reads.index(place.read) + 1 :]  # an iterator that ended without a last page
                place.read, place.resume, place.pages = (following[0] if following else None), None, 0
                save(place)
        finally:
            close = getattr(pages, "close", None)
            if close is not None:
                close()
    return True


def _reads_of(report: ShopSweep) -> set[str]:
    return {read for read, named in READS.items() if any(f in report.pages for f in named)}


def _hand_over(
    view: Integration,
    read: str,
    page: Any,
    families: Sequence[str],
    report: ShopSweep,
    receiver: OrderReceiver | None,
    return_receiver: ReturnReceiver | None,
) -> None:
    session = view.session
    if read == "returns":
        report.pages["returns"] += 1
        report.handed_over["returns"] += deliver_returns(view, page, return_receiver)
        return
    page = flag_unknown_statuses(session.context(), page)
    remember_order_shops(session, page)
    # Which of them are new to the host (read before the hand-over, for the count only).
    known = view.store.delivered(view.id, view.account_id, {o.id for o in page.orders})
    new = _newest_unseen(known, page.orders)
    handed = deliver(view, page, receiver)
    for family in READS["orders"]:
        if family in families:
            report.pages[family] += 1
    if "orders" in families:
        report.handed_over["orders"] += handed
    if "cancellations" in families:
        report.handed_over["cancellations"] += sum(
            1 for o in new if o.cancellation is not None or o.cancellation_request is not None
        )
