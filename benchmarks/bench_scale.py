"""Many sellers under one app (issue 19): what routing, the beat tick, the store and the processes cost at
10 to 100,000 connections, on SQLite and PostgreSQL, and the CPU of an idle poll.

Per backend and size: a fresh store holds N connections (sellers the emulator mints in bulk, 1-3 shops
each, under one app). Then:
- webhook routing: a signed delivery for a random shop, verified once with the app's secret, parsed once,
  and routed through the shop index (p50/p99; target: p99 at the largest size within 2x of p99 at 10);
- a beat tick: the due shops through the `next_pull_at` index, with nothing due and with a batch due
  (target: flat in N, like routing);
- store size per connection, and the peak RSS of a web and a worker process (scale_child.py);
- at the largest size: CPU per idle poll of one shop (open the connection, one search that finds nothing;
  target <= 3 ms), the emulator in its own process.
"""

from __future__ import annotations

import base64
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from bench_store import fresh_schema, postgres_base_url
from bench_support import HERE, REPO, EmulatorProcess, Result
from cryptography.fernet import Fernet
from scale_population import Population, cpu_seconds, populate, store_bytes, vacuum

from connector_core import ConnectorHost, Integrations
from connector_core.store import Store, open_store
from connectors.tiktok_shop import webhooks
from tiktok_shop_emulator import webhook_signature

IDLE_POLL_TARGET_MS = 3.0
ROUTING_RATIO = 2.0
TICK_BATCH = 100


@contextmanager
def _backends(workdir: Path) -> Iterator[list[tuple[str, Any]]]:
    """(label, a function giving a fresh store URL as a context) per backend."""

    @contextmanager
    def sqlite(label: str) -> Iterator[str]:
        yield f"sqlite://{workdir / f'scale-{label}.sqlite3'}"

    found: list[tuple[str, Any]] = [("SQLite", sqlite)]
    base = postgres_base_url()
    if base:
        found.append(("PostgreSQL", lambda label: fresh_schema(base)))
    else:
        print(
            "scale benchmark: PostgreSQL skipped (no CHANNEL_CONNECTORS_TEST_POSTGRES_URL)", file=sys.stderr
        )
    yield found


def _delivery(population: Population, shop_id: str, order: int) -> tuple[bytes, str]:
    payload = {
        "type": 1,
        "tts_notification_id": str(7327112393057371000 + order),
        "shop_id": shop_id,
        "timestamp": int(time.time()),
        "data": {"order_id": str(576461413038000000 + order), "order_status": "AWAITING_SHIPMENT"},
    }
    body = json.dumps(payload, separators=(",", ":")).encode()
    return body, webhook_signature(population.app_key, population.app_secret, body)


def _routing(store: Store, population: Population, deliveries: int) -> tuple[list[float], int]:
    """Milliseconds per delivery: verify once with the app's secret, parse once, route by the shop index."""
    app = store.get_app(population.app_id)
    key, secret = str(app.credentials["app_key"]), app.credentials.secret("app_secret")
    sample = population.sample_shops(deliveries)
    signed = [_delivery(population, shop_id, n) for n, (_, shop_id, _) in enumerate(sample)]
    timings, misrouted = [], 0
    for (expected, _, _), (body, signature) in zip(sample, signed, strict=True):
        began = time.perf_counter()
        assert webhooks.verify(key, secret, body, signature)
        shop_id = str(json.loads(body)["shop_id"])
        routed = store.route_webhook_shop(app.id, shop_id)
        timings.append((time.perf_counter() - began) * 1000)
        misrouted += routed != [expected]
    return timings, misrouted


def _tick(store: Store, repeat: int = 20) -> tuple[float, float, int]:
    """Milliseconds of `due_shops` with nothing due (before any shop's time) and with a batch due (now)."""
    long_ago = datetime.now(timezone.utc) - timedelta(days=1)
    now = datetime.now(timezone.utc) + timedelta(seconds=1)
    idle, busy, found = [], [], 0
    for _ in range(repeat):
        began = time.perf_counter()
        store.due_shops(long_ago, TICK_BATCH)
        idle.append((time.perf_counter() - began) * 1000)
        began = time.perf_counter()
        found = len(store.due_shops(now, TICK_BATCH))
        busy.append((time.perf_counter() - began) * 1000)
    return statistics.median(idle), statistics.median(busy), found


def _child(mode: str, url: str, args: dict[str, Any], workdir: Path) -> dict[str, Any]:
    path = workdir / f"scale-{mode}-args.json"
    path.write_text(json.dumps(args))
    done = subprocess.run(
        [sys.executable, str(HERE / "scale_child.py"), mode, url, str(path)],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=600,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"scale child {mode} failed: {done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def idle_poll(store: Store, population: Population, polls: int, batches: int = 5) -> tuple[float, float]:
    """CPU and wall milliseconds per idle poll of one shop: open the connection, pull, find nothing. The
    least disturbed of `batches` batches counts (as in the mapping benchmark): the machine is shared."""
    integrations = Integrations(ConnectorHost().load(), store)
    integration_id, shops = population.connections[0]
    first = integrations.open(integration_id)
    if not first.account_id and hasattr(first, "select_account"):  # the model before every shop is served
        first.select_account(shops[0][0])
    for _ in integrations.open(integration_id).pull_orders():  # sets the watermark: the rest are incremental
        pass
    best_cpu = best_wall = float("inf")
    for _ in range(batches):
        cpu, wall = cpu_seconds(), time.perf_counter()
        for _ in range(polls):
            for _ in integrations.open(integration_id).pull_orders():
                pass
        best_cpu = min(best_cpu, (cpu_seconds() - cpu) / polls * 1000)
        best_wall = min(best_wall, (time.perf_counter() - wall) / polls * 1000)
    return best_cpu, best_wall


def connections_at_scale(sizes: list[int], deliveries: int, polls: int, workdir: Path) -> list[Result]:
    results = []
    key = Fernet.generate_key().decode()
    previous, os.environ["CHANNEL_CONNECTORS_KEY"] = os.environ.get("CHANNEL_CONNECTORS_KEY"), key
    try:
        with (
            EmulatorProcess(orders=30, seed=19, sellers=max(sizes) + 2) as emu,
            _backends(workdir) as backends,
        ):
            for label, fresh in backends:
                results.append(_one_backend(emu, label, fresh, sizes, deliveries, polls, workdir))
    finally:
        if previous is None:
            os.environ.pop("CHANNEL_CONNECTORS_KEY", None)
        else:
            os.environ["CHANNEL_CONNECTORS_KEY"] = previous
    return results


def _one_backend(
    emu: EmulatorProcess, label: str, fresh: Any, sizes: list[int], deliveries: int, polls: int, workdir: Path
) -> Result:
    result = Result(f"connections at scale ({label}, {', '.join(f'{n:,}' for n in sizes)})")
    p99: dict[int, float] = {}
    ticks: dict[int, float] = {}
    details: dict[str, Any] = {}
    for size in sizes:
        with fresh(f"{label}-{size}") as url:
            store = open_store(url)
            try:
                population = populate(emu, store, size)
                timings, misrouted = _routing(store, population, deliveries)
                idle_ms, busy_ms, due = _tick(store)
                vacuum(url)
                per_connection = store_bytes(url) / size
                sample = [c for c, _ in population.connections[:20]]
                deliveries_b64 = [
                    [base64.b64encode(body).decode(), sig]
                    for body, sig in (
                        _delivery(population, s, n)
                        for n, (_, s, _) in enumerate(population.sample_shops(200))
                    )
                ]
                web = _child("web", url, {"app_id": population.app_id, "deliveries": deliveries_b64}, workdir)
                worker = _child("worker", url, {"connections": sample, "batch": 500}, workdir)
                poll = idle_poll(store, population, polls) if size == sizes[-1] else None
            finally:
                store.close()
        quantiles = statistics.quantiles(timings, n=100)
        p50, p99[size], ticks[size] = statistics.median(timings), quantiles[98], idle_ms
        prefix = f"{size:,}"
        result.add(f"{prefix}: setup", size / population.setup_seconds, "connections/s", timing=True)
        result.add(f"{prefix}: webhook routing p50", p50, "ms", timing=True)
        result.add(f"{prefix}: webhook routing p99", p99[size], "ms", timing=True)
        result.add(f"{prefix}: misrouted deliveries", misrouted, target="= 0", ok=misrouted == 0)
        result.add(f"{prefix}: tick, nothing due", idle_ms, "ms", timing=True)
        result.add(f"{prefix}: tick, {due} due (batch of {TICK_BATCH})", busy_ms, "ms", timing=True)
        result.add(f"{prefix}: store per connection", per_connection / 1024, "KiB")
        result.add(f"{prefix}: web process peak RSS", web["peak_rss_kib"] / 1024, "MB")
        result.add(f"{prefix}: worker process peak RSS", worker["peak_rss_kib"] / 1024, "MB")
        details[str(size)] = {
            "shops": population.shops,
            "setup_seconds": population.setup_seconds,
            "routing_ms": {"p50": p50, "p99": p99[size], "max": max(timings)},
            "tick_ms": {"nothing_due": idle_ms, "batch_due": busy_ms, "due_found": due},
            "store_bytes_per_connection": per_connection,
            "web": web,
            "worker": worker,
        }
        if poll is not None:
            cpu_ms, wall_ms = poll
            result.add(
                f"{prefix}: CPU per idle poll of one shop",
                cpu_ms,
                "ms",
                target=f"<= {IDLE_POLL_TARGET_MS:.0f} ms",
                ok=cpu_ms <= IDLE_POLL_TARGET_MS,
                timing=True,
            )
            details["idle_poll"] = {"cpu_ms": cpu_ms, "wall_ms": wall_ms, "polls": polls}
    smallest, largest = sizes[0], sizes[-1]
    ratio = p99[largest] / p99[smallest]
    result.add(
        f"routing p99 {largest:,} / {smallest:,}",
        ratio,
        "x",
        target=f"<= {ROUTING_RATIO:.0f} x",
        ok=ratio <= ROUTING_RATIO,
        timing=True,
    )
    tick_ratio = ticks[largest] / ticks[smallest]
    result.add(
        f"idle tick {largest:,} / {smallest:,}",
        tick_ratio,
        "x",
        target=f"<= {ROUTING_RATIO:.0f} x",
        ok=tick_ratio <= ROUTING_RATIO,
        timing=True,
    )
    result.details = details
    return result
