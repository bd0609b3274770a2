"""Celery workers on Redis and the store (issue 15): imports by 1, 2 and 4 worker processes, the shared
per-shop rate limit, and webhooks acknowledged by the web app and acted on by the workers.

- scale: N integrations spread over the emulator's shops, every one imported once by `pull_orders` tasks;
  each order version must reach the host exactly once, none lost; the speed-up from 1 worker to 2 and 4
  (target: at least 0.8 x linear up to the machine's cores; printed either way);
- rate: integrations of one app and one shop, imported by 8 workers at once against an emulator that admits
  R calls per rolling second; the shared limit is set to 75% of R; 429 answers per 1,000 calls (< 5);
- webhooks: signed order-status deliveries posted to the web app whose sink queues worker tasks: answers
  per second and p99; the re-reads they cause hand over nothing twice (the versions were handed over).

PostgreSQL when CHANNEL_CONNECTORS_BENCH_POSTGRES_URL or CHANNEL_CONNECTORS_TEST_POSTGRES_URL is set (a
fresh schema per run), else SQLite (said in the figures). Redis from CHANNEL_CONNECTORS_TEST_REDIS_URL, else
a redis-server of our own on loopback; without either, the benchmark is skipped and says why.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

from bench_store import postgres_base_url
from bench_support import HERE, EmulatorProcess, Result, at_most, authorize
from bench_web import ACK_BUDGET_MS, _post_all, _wait_until_up
from cryptography.fernet import Fernet
from worker_fleet import environment, flush, redis, start_workers, store_url

from connector_core.testing.local_processes import free_port
from connector_core.worker.lanes import LANES
from tiktok_shop_emulator import webhook_signature

RATE_WORKERS = 8
TASK_TIMEOUT = 900


def _connect_many(emu: EmulatorProcess, store: str, regions: list[str]) -> list[tuple[str, str]]:
    """(integration id, shop cipher) of one connected integration per region listed; each imports the
    whole seeded history."""
    from connector_core import ConnectorHost, Integrations
    from connector_core.store import open_store

    opened = open_store(store)
    integrations = Integrations(ConnectorHost().load(), opened)
    first_day = emu.whole_history()[0].date().isoformat()
    made = []
    try:
        for region in regions:
            record = integrations.create(
                "tiktok_shop",
                emu.credentials_form(),
                {"import_unpaid_orders": True, "import_orders_since": first_day},
            )
            authorize(emu, integrations.open(record.id), region)
            made.append((record.id, emu.shop(region)["cipher"]))
    finally:
        opened.close()
    return made


def _received(orders_dir: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for path in orders_dir.glob("*.jsonl") for line in path.read_text().splitlines()]


def _import_all(
    env: dict[str, str], made: list[tuple[str, str]], workers: int, logs: Path
) -> tuple[float, list[dict[str, Any]]]:
    from connector_core.worker import PREFIX, WorkerSettings, create_app
    from connector_core.worker.settings import SLICE_SECONDS_ENV

    app = create_app(WorkerSettings(broker_url=env["CHANNEL_CONNECTORS_BROKER_URL"], rates={}))
    # One task per import, start to end: a pull in slices (the default, 0.2 s each) queues its rest as new
    # tasks this benchmark holds no handle on, so the workers were stopped with slices still queued and
    # their orders counted as lost. These benchmarks measure throughput and exactly-once, not slicing.
    env = {**env, SLICE_SECONDS_ENV: "3600"}
    running = start_workers(env, workers, logs)
    try:
        warm = [app.send_task(f"{PREFIX}refresh_token", args=[made[0][0]]) for _ in range(workers)]
        for task in warm:  # every worker has started and opened its store before the clock starts
            task.get(timeout=120)
        began = time.perf_counter()
        tasks = [app.send_task(f"{PREFIX}pull_orders", args=[integration_id]) for integration_id, _ in made]
        outcomes = [task.get(timeout=TASK_TIMEOUT) for task in tasks]
        return time.perf_counter() - began, outcomes
    finally:
        running.stop()


def _expected(emu: EmulatorProcess, made: list[tuple[str, str]]) -> dict[str, set[str]]:
    by_shop: dict[str, set[str]] = {}
    for _, cipher in made:
        if cipher not in by_shop:
            by_shop[cipher] = set(emu.call("order_ids", shop_cipher=cipher))
    return {integration_id: by_shop[cipher] for integration_id, cipher in made}


def scale(
    emu: EmulatorProcess, redis_url: str, integrations: int, counts: list[int], workdir: Path
) -> Result:
    backend = "PostgreSQL" if postgres_base_url() else "SQLite"
    result = Result(f"worker imports ({integrations} integrations, {backend}, Redis)")
    regions = [shop["region"] for shop in emu.info["shops"]]
    rates: dict[int, float] = {}
    for workers in counts:
        orders_dir = workdir / f"scale-{workers}"
        orders_dir.mkdir()
        with store_url(workdir, f"scale-{workers}") as store:
            made = _connect_many(emu, store, [regions[n % len(regions)] for n in range(integrations)])
            flush(redis_url)
            env = environment(redis_url, store, orders_dir, "off")
            elapsed, outcomes = _import_all(env, made, workers, orders_dir)
        expected = _expected(emu, made)
        versions = Counter((page["i"], o[0], o[1]) for page in _received(orders_dir) for o in page["o"])
        got = {(i, order_id) for i, order_id, _ in versions}
        lost = sum(1 for i, ids in expected.items() for order_id in ids if (i, order_id) not in got)
        twice = sum(n - 1 for n in versions.values() if n > 1)
        failed = sum(1 for o in outcomes if not o.get("ok"))
        delivered = sum(versions.values())
        rates[workers] = delivered / elapsed
        result.add(f"{workers} worker(s): orders/s", round(rates[workers]), "/s", timing=True)
        result.add(f"{workers} worker(s): lost", lost, target="= 0", ok=lost == 0 and failed == 0)
        result.add(f"{workers} worker(s): handed over twice", twice, target="= 0", ok=twice == 0)
    cores = os.cpu_count() or 1
    for workers in counts[1:]:
        speedup = rates[workers] / rates[counts[0]]
        want = 0.8 * min(workers, cores)
        result.add(
            f"speed-up 1 -> {workers}",
            round(speedup, 2),
            "x",
            f">= {want:.1f} ({cores} cores)",
            speedup >= want,
            timing=True,
        )
    return result


def rate(emu: EmulatorProcess, redis_url: str, integrations: int, rps: int, workdir: Path) -> Result:
    limit = max(1, int(rps * 0.75))
    result = Result(f"shared rate limit ({RATE_WORKERS} workers, one shop, channel {rps}/s, limit {limit}/s)")
    orders_dir = workdir / "rate"
    orders_dir.mkdir()
    region = emu.info["shops"][0]["region"]
    with store_url(workdir, "rate") as store:
        made = _connect_many(emu, store, [region] * integrations)
        flush(redis_url)
        env = environment(redis_url, store, orders_dir, f"tiktok_shop={limit}/second")
        emu.call("faults.rate_limit", rps, None, "^/(order|product|fulfillment)/")
        try:
            elapsed, outcomes = _import_all(env, made, RATE_WORKERS, orders_dir)
        finally:
            emu.call("faults.rate_limit", None)
    calls = sum(o.get("http_calls", 0) for o in outcomes)
    refused = sum(o.get("http_429", 0) for o in outcomes)
    per_thousand = 1000 * refused / max(calls, 1)
    result.add("calls", calls)
    result.add("calls/s", round(calls / elapsed, 1), "/s", f"<= {rps}", timing=True)
    result.add("429 per 1,000 calls", round(per_thousand, 2), "", "< 5", per_thousand < 5)
    result.add(
        "imports failed",
        sum(1 for o in outcomes if not o.get("ok")),
        target="= 0",
        ok=all(o.get("ok") for o in outcomes),
    )
    return result


def webhooks(emu: EmulatorProcess, redis_url: str, deliveries: int, workdir: Path) -> Result:
    from connector_core.worker import PREFIX, WorkerSettings, create_app

    result = Result(f"webhooks through the web app to 2 workers ({deliveries} deliveries)")
    orders_dir = workdir / "webhooks"
    orders_dir.mkdir()
    shops = emu.info["shops"]
    with store_url(workdir, "webhooks") as store:
        made = _connect_many(emu, store, [shop["region"] for shop in shops])
        flush(redis_url)
        env = environment(redis_url, store, orders_dir, "off")
        _import_all(env, made, 2, orders_dir)  # every version handed over once before the webhooks
        port = free_port()
        server = subprocess.Popen(
            [sys.executable, str(HERE / "worker_web_server.py"), str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        running = start_workers(env, 2, orders_dir)
        try:
            base = f"http://127.0.0.1:{port}"
            _wait_until_up(base, server)
            signed = _order_deliveries(emu, deliveries)
            latencies, statuses, elapsed = _post_all(base, signed)
            app = create_app(WorkerSettings(broker_url=redis_url, rates={}))
            drained = _drain(app, redis_url)
            for integration_id, _ in made:  # a task queued behind the re-reads: they are all done
                app.send_task(f"{PREFIX}refresh_token", args=[integration_id]).get(timeout=TASK_TIMEOUT)
        finally:
            server.send_signal(signal.SIGINT)
            server.wait(timeout=15)
            running.stop()
    versions = Counter((page["i"], o[0], o[1]) for page in _received(orders_dir) for o in page["o"])
    twice = sum(n - 1 for n in versions.values() if n > 1)
    ordered = sorted(latencies)
    p99 = ordered[max(0, int(len(ordered) * 0.99) - 1)] * 1000
    result.add(
        "answered 200", statuses.count(200), target=f"= {deliveries}", ok=statuses.count(200) == deliveries
    )
    result.add("deliveries/s", round(deliveries / elapsed, 1), "/s", timing=True)
    result.add(
        "p99 acknowledgement",
        round(p99, 1),
        "ms",
        f"< {ACK_BUDGET_MS:.0f} ms",
        at_most(p99, ACK_BUDGET_MS),
        timing=True,
    )
    result.add("queue drained", int(drained), target="= 1", ok=drained)
    result.add("versions handed over twice", twice, target="= 0", ok=twice == 0)
    return result


def _order_deliveries(emu: EmulatorProcess, count: int) -> list[tuple[bytes, str]]:
    creds = emu.info["credentials"]
    shops = emu.info["shops"]
    orders = {s["cipher"]: emu.call("order_ids", shop_cipher=s["cipher"])[:50] for s in shops}
    now = int(time.time())
    signed = []
    for number in range(count):
        shop = shops[number % len(shops)]
        ids = orders[shop["cipher"]]
        body = json.dumps(
            {
                "type": 1,
                "tts_notification_id": str(8_000_000_000 + number),
                "shop_id": str(shop["id"]),
                "timestamp": now,
                "data": {
                    "order_id": ids[number % len(ids)],
                    "order_status": "AWAITING_SHIPMENT",
                    "update_time": now,
                },
            },
            separators=(",", ":"),
        ).encode()
        signed.append((body, webhook_signature(creds["app_key"], creds["app_secret"], body)))
    return signed


def _drain(app: Any, redis_url: str, timeout: float = 300) -> bool:
    """Wait until the broker's queue is empty (bounded)."""
    import redis as redis_client

    client = redis_client.Redis.from_url(redis_url)
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            if sum(client.llen(lane) for lane in LANES) == 0:
                return True
            time.sleep(0.2)
        return False
    finally:
        client.close()


def worker_benchmarks(
    integrations: int, counts: list[int], rate_integrations: int, deliveries: int, orders: int, workdir: Path
) -> list[Result]:
    previous_key = os.environ.get("CHANNEL_CONNECTORS_KEY")
    os.environ["CHANNEL_CONNECTORS_KEY"] = Fernet.generate_key().decode()
    try:
        with redis() as redis_url:
            if redis_url is None:
                skipped = Result(
                    "workers: skipped (no Redis: set CHANNEL_CONNECTORS_TEST_REDIS_URL or install redis-server)"
                )
                return [skipped]
            with EmulatorProcess(orders=orders, seed=11) as emu:
                return [
                    scale(emu, redis_url, integrations, counts, workdir),
                    rate(emu, redis_url, rate_integrations, 20, workdir),
                    webhooks(emu, redis_url, deliveries, workdir),
                ]
    finally:
        if previous_key is None:
            os.environ.pop("CHANNEL_CONNECTORS_KEY", None)
        else:
            os.environ["CHANNEL_CONNECTORS_KEY"] = previous_key
