"""Order import: API calls and throughput, mapping cost against json.loads, and behaviour under a rate limit."""

from __future__ import annotations

import json
import math
import statistics
import time
from pathlib import Path
from typing import Any

import requests
from bench_support import EmulatorProcess, Result, at_most, connect

from connector_core import Integration
from connectors.tiktok_shop.orders import PAGE_SIZE, map_page

SHOPS = 3  # the emulator spreads orders over its US, GB and DE shops; the benchmarks import the GB one
SEARCH = "/orders/search"


class ResponseLog:
    """Every answer the integration's HTTP session receives: arrival time, status, and search bodies."""

    def __init__(self, keep_bodies: int = 0) -> None:
        self.keep_bodies = keep_bodies
        self.events: list[tuple[float, int]] = []
        self.bodies: list[bytes] = []

    def attach(self, integration: Integration) -> None:
        integration.http.session.hooks["response"].append(self._hook)

    def _hook(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        self.events.append((time.perf_counter(), response.status_code))
        if len(self.bodies) < self.keep_bodies and SEARCH in response.url and response.status_code == 200:
            self.bodies.append(response.content)


def import_all(integration: Integration, emu: EmulatorProcess) -> dict[str, Any]:
    """Pull every order of the selected shop; the host keeps ids only (counts, duplicates, problems)."""
    since, until = emu.whole_history()
    seen: set[str] = set()
    duplicates = problems = pages = 0
    started = time.perf_counter()
    for page in integration.pull_orders(since, until):
        pages += 1
        problems += len(page.problems)
        for order in page.orders:
            duplicates += order.id in seen
            seen.add(order.id)
    return {
        "orders": len(seen),
        "pages": pages,
        "duplicates": duplicates,
        "problems": problems,
        "seconds": time.perf_counter() - started,
    }


def order_import(
    orders: int, workdir: Path, keep_bodies: int = 30
) -> tuple[Result, list[bytes], Integration]:
    """Import `orders` orders of one shop; count the requests the emulator received while doing it."""
    result = Result(f"order import ({orders:,} orders)")
    with EmulatorProcess(orders=orders * SHOPS, seed=7) as emu:
        log = ResponseLog(keep_bodies)
        integration = connect(emu, workdir / "import.sqlite3")
        log.attach(integration)
        expected = len(emu.call("order_ids", shop_cipher=emu.shop("GB")["cipher"]))
        emu.call("stats.reset")
        run = import_all(integration, emu)
        calls = emu.calls()
    limit = math.ceil(expected / PAGE_SIZE) + 2
    rate = run["orders"] / run["seconds"]
    result.add("orders imported", run["orders"], target=f"= {expected:,}", ok=run["orders"] == expected)
    result.add("API calls", calls, target=f"<= {limit} (ceil(n/100)+2)", ok=at_most(calls, limit))
    result.add("orders per second, end to end", rate, "orders/s", timing=True)
    result.details = {**run, "expected": expected, "api_calls": calls, "orders_per_second": rate}
    return result, log.bodies, integration


def mapping_cost(bodies: list[bytes], integration: Integration, repeat: int = 9) -> Result:
    """Map recorded search pages in process, against json.loads of the same bytes (the floor).

    Page by page, as an import does: parse the body (timed), then map its orders (timed), so one raw page
    is alive at a time. Each phase keeps the fastest of `repeat` passes over all pages, the pass least
    disturbed by the rest of the machine. Mapping goes through the real path: the connector's `map_page`
    with the integration's context, so the status hook (pluggy, host overrides first) is included.
    """
    ctx = integration.context()
    orders = sum(len(json.loads(body)["data"]["orders"]) for body in bodies)
    size = sum(len(b) for b in bodies)
    parse_time = map_time = float("inf")
    for _ in range(repeat):
        parsing = mapping = 0.0
        for body in bodies:
            started = time.perf_counter()
            raw = json.loads(body)
            parsed = time.perf_counter()
            map_page(ctx, raw["data"]["orders"], None, None)
            mapping += time.perf_counter() - parsed
            parsing += parsed - started
        parse_time, map_time = min(parse_time, parsing), min(map_time, mapping)
    ratio = map_time / parse_time
    result = Result(f"mapping ({orders:,} orders, {len(bodies)} recorded pages)")
    result.add("json.loads per order", parse_time / orders * 1e6, "us", timing=True)
    result.add("mapping per order", map_time / orders * 1e6, "us", timing=True)
    result.add("mapping / json.loads", ratio, "x", target="<= 2.00 x", ok=at_most(ratio, 2.0), timing=True)
    result.details = {
        "orders": orders,
        "pages": len(bodies),
        "bytes_per_order": size / orders,
        "json_loads_us_per_order": parse_time / orders * 1e6,
        "mapping_us_per_order": map_time / orders * 1e6,
        "ratio": ratio,
        "repeat": repeat,
    }
    return result


def rate_limited_import(orders: int, rps: int, runs: int, workdir: Path) -> Result:
    """Import with the emulator admitting `rps` requests per rolling second; every page must arrive.

    The sustained rate is taken from the first refusal (429) on, when the limit binds: successful answers
    after it, over the time from it to the last answer. Before it the client has a whole window's burst to
    spend, which says nothing about how well it paces itself.
    """
    result = Result(f"rate limit ({orders:,} orders at {rps} req/s)")
    per_run: list[dict[str, Any]] = []
    with EmulatorProcess(orders=orders * SHOPS, seed=7) as emu:
        expected = len(emu.call("order_ids", shop_cipher=emu.shop("GB")["cipher"]))
        for number in range(runs):
            integration = connect(emu, workdir / f"rate-{number}.sqlite3")
            log = ResponseLog()
            log.attach(integration)
            emu.call("faults.rate_limit", rps)
            failure = None
            started = time.perf_counter()
            try:
                run = import_all(integration, emu)
            except Exception as exc:  # a failed page ends the import: that is the figure
                failure = f"{type(exc).__name__}: {exc}"
                run = {"orders": 0, "pages": 0}
            elapsed = time.perf_counter() - started
            emu.call("faults.rate_limit", None)
            per_run.append({**run, **_rates(log.events, started, elapsed), "failure": failure})
            time.sleep(1.1)  # let the window empty before the next run connects
    sustained = statistics.median(r["sustained_rate"] for r in per_run)
    failed = sum(r["failure"] is not None or r["orders"] != expected for r in per_run)
    result.add("failed imports", failed, target="= 0", ok=failed == 0)
    result.add(
        "sustained rate while limited (median)",
        sustained,
        "req/s",
        target=f">= {0.9 * rps:.1f} req/s (90%)",
        ok=sustained >= 0.9 * rps,
        timing=True,
    )
    result.add("refused requests (429) per import", statistics.median(r["refused"] for r in per_run))
    result.details = {"rps": rps, "expected_orders": expected, "runs": per_run}
    return result


def _rates(events: list[tuple[float, int]], started: float, elapsed: float) -> dict[str, Any]:
    ok = [t for t, status in events if status == 200]
    refused = [t for t, status in events if status == 429]
    if refused and ok and ok[-1] > refused[0]:
        after = [t for t in ok if t > refused[0]]
        sustained = len(after) / (ok[-1] - refused[0])
    else:
        sustained = len(ok) / elapsed if elapsed else 0.0
    return {
        "seconds": elapsed,
        "answers_ok": len(ok),
        "refused": len(refused),
        "overall_rate": len(ok) / elapsed if elapsed else 0.0,
        "sustained_rate": sustained,
    }
