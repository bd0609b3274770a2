"""Webhook routing while a worker commits (issue 19): what the web process of a large host sees.

bench_scale.py times routing while nothing else writes the store. A host with 100,000 connections is never
like that: its workers commit all the time (an idle poll of a shop moves the shop's `next_pull_at`: at a
5-minute poll, some hundreds of commits a second for 200,000 shops). On SQLite that changes what a delivery
costs: in WAL mode, a connection that reads after another connection has committed drops its whole page cache
first, so the delivery reads its index pages from the kernel again, and drops whatever the cache held (about
a quarter of a microsecond per page, measured). So routing is timed a second time, in turns with the
smallest store as before, while another connection of each store (a worker's) commits one schedule change
before every delivery, untimed.
"""

from __future__ import annotations

import gc
import statistics
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta, timezone
from typing import Any, Protocol

from bench_support import Result
from scale_population import Population

from connector_core.store import Store, open_store


class _Routes(Protocol):
    before: Callable[[], None] | None
    timings: list[float]
    misrouted: int

    def route(self, count: int) -> None: ...


def _commit_one_schedule(store: Store, population: Population) -> Callable[[], None]:
    """What a worker's idle poll commits: the next pull of one shop (the last connection's: the idle poll
    figures use the first)."""
    integration_id, shops = population.connections[-1]
    shop_id = shops[0][0]

    def commit() -> None:
        store.schedule_shop(integration_id, shop_id, datetime.now(timezone.utc) + timedelta(minutes=5))

    return commit


def route_while_committing(
    routers: Sequence[_Routes],
    stores: Sequence[tuple[Any, Population, str]],
    deliveries: int,
    block: int,
    warm_up: int,
) -> None:
    """Route `deliveries` (after `warm_up` untimed) through each router, in blocks taking turns, each
    delivery preceded by a commit from a store connection of its own."""
    writers = [open_store(url) for _, _, url in stores]
    try:
        for router, writer, (_, population, _) in zip(routers, writers, stores, strict=True):
            router.before = _commit_one_schedule(writer, population)
        gc.collect()
        gc.freeze()
        try:
            for router in routers:
                router.route(warm_up)
            for _ in range(0, deliveries, block):
                for router in routers:
                    router.route(block)
        finally:
            gc.unfreeze()
    finally:
        for router in routers:
            router.before = None
        for writer in writers:
            writer.close()


def add_commit_figures(
    result: Result,
    details: dict[str, Any],
    routers: Sequence[_Routes],
    size: int,
    smallest: int,
    target: float,
) -> None:
    """The figures of `route_while_committing`: the largest size's p99 and its ratio to the smallest's."""
    big, small = routers[0].timings, routers[1].timings
    ratio = _p99(big) / _p99(small)
    result.add(f"{size:,}: webhook routing p99, a worker committing between deliveries", _p99(big), "ms")
    result.add(
        f"routing p99 {size:,} / {smallest:,}, a worker committing between deliveries (in turns)",
        ratio,
        "x",
        target=f"<= {target:.0f} x",
        ok=ratio <= target,
        timing=True,
    )
    misrouted = routers[0].misrouted
    result.add(
        f"{size:,}: misrouted deliveries, a worker committing", misrouted, target="= 0", ok=misrouted == 0
    )
    details["routing_with_commits_ms"] = {
        "p50": statistics.median(big),
        "p99": _p99(big),
        "beside_smallest_p99": _p99(small),
    }


def _p99(timings: list[float]) -> float:
    return statistics.quantiles(timings, n=100)[98]
