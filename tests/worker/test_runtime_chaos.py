"""The chaos run, extended to the runtime: real `celery worker` processes and a `celery beat` on the test's
store (PostgreSQL when configured) and a Redis of its own, the web receiver taking bursts of webhooks with
overlapping retries, and the host submitting shipments and stock levels through the outbox; meanwhile
seeded faults: workers SIGKILLed, Redis stalled, restarted or emptied, the store's PostgreSQL backends
terminated. Invariants after every step: no order version handed over twice, no parcel shipped twice, no
request reported twice; at the end, once the work has drained: every acknowledged webhook handled, every
accepted request done or reported, TikTok's stock equal to the host's newest level.

`RUNTIME_CHAOS_SEED=n` reproduces a run, `RUNTIME_CHAOS_STEPS=n` lengthens it (CI runs one quick seed). It
prints its seed and figures.
"""

from __future__ import annotations

import os
import random
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from host_plugin import received
from postgres_support import URL_ENV as POSTGRES_URL_ENV
from test_worker_tasks import client_app, gb_shop, order_event
from worker_support import PrivateRedis, Workers, connect, start_beat, stop_process

from connector_core import ConnectorHost, Integration, Integrations
from connector_core.models import Shipment, ShipmentParcel
from connector_core.store import open_store
from connector_core.worker import CelerySink, submit_request
from tiktok_shop_emulator import EmulatorConfig, TikTokShopEmulator

pytestmark = pytest.mark.slow
SEED = int(os.environ.get("RUNTIME_CHAOS_SEED") or random.SystemRandom().randrange(1, 10**6))
STEPS = int(os.environ.get("RUNTIME_CHAOS_STEPS", "24"))
DRAIN_TIMEOUT = 300.0
"""A shipment or stock call of a worker killed mid-call is sent again only once that call can no longer land
(the HTTP call deadline, 120 s, after the death was seen): draining may take that long."""
GRACE, SWEEP = 2, 1
FAULTS = ("kill_worker", "stall_redis", "restart_redis", "empty_redis", "terminate_postgres")


@pytest.fixture
def emu() -> Iterator[TikTokShopEmulator]:
    with TikTokShopEmulator(EmulatorConfig(orders=400, seed=7)) as emulator:
        yield emulator


@pytest.fixture
def chaos_store(store_location: str) -> str:
    """The test's store, its PostgreSQL connections named so the run can terminate exactly those."""
    if store_location.startswith("postgres"):
        return f"{store_location}&application_name=rtchaos_{os.getpid()}"
    return store_location


class Run:
    def __init__(self, emu: TikTokShopEmulator, store: str, env: dict[str, str], redis: PrivateRedis,
                 folder: Path, orders_dir: Path, rng: random.Random) -> None:  # fmt: skip
        self.emu, self.store_url, self.env, self.redis, self.rng = emu, store, env, redis, rng
        self.orders_dir = orders_dir
        self.workers = Workers(env, folder)
        self.beat = start_beat(env, folder)
        self.integration: Integration = connect(emu, store)
        self.integrations = Integrations(ConnectorHost().load(), open_store(store))
        self.app = client_app(env)
        self.figures: Counter[str] = Counter()
        self.acknowledged: set[str] = set()
        self.shipments: dict[str, tuple[str, str]] = {}  # request key -> (order id, tracking)
        self.stock: dict[str, int] = {}  # sku -> the host's newest level
        self.version = 0
        self.sku_ids = {
            s["seller_sku"]: s["id"]
            for p in emu.products(gb_shop(emu)["cipher"])
            if p["status"] == "ACTIVATE"
            for s in p["skus"]
        }
        self.sku = sorted(self.sku_ids)[:3]
        candidates = emu.order_ids(shop_cipher=gb_shop(emu)["cipher"], shipping_type="SELLER")
        self.to_ship = [
            o for o in candidates if not any(li.get("tracking_number") for li in emu.order(o)["line_items"])
        ]
        for order_id in self.to_ship:
            emu.set_order_status(order_id, "AWAITING_SHIPMENT")
        self.orders = emu.order_ids(shop_cipher=gb_shop(emu)["cipher"])
        self.workers.start(2)

    # --- operations -----------------------------------------------------------------------------------

    def webhook_burst(self) -> None:
        from starlette.testclient import TestClient

        from connector_core.web import create_app as create_web_app

        web = TestClient(
            create_web_app(self.integrations, sink=CelerySink(self.app, self.integrations.store)),
            raise_server_exceptions=False,
        )
        sends = []
        for _ in range(self.rng.randint(2, 6)):
            self.figures["webhooks"] += 1
            notification = f"71{self.figures['webhooks']:017d}"
            sends += [(notification, order_event(self.emu, self.rng.choice(self.orders), notification))] * (
                self.rng.randint(1, 3)  # the channel's retries, overlapping the first attempt
            )
        lock = threading.Lock()

        def send(item: tuple[str, tuple[bytes, dict[str, str]]]) -> None:
            notification, (body, headers) = item
            for _ in range(6):
                answer = web.post("/webhooks/tiktok_shop", content=body, headers=headers)
                if answer.status_code == 200:
                    with lock:
                        self.acknowledged.add(notification)
                    return
                self.figures[f"webhook_answer_{answer.status_code}"] += 1
                time.sleep(0.2)

        threads = [threading.Thread(target=send, args=(item,)) for item in sends]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        web.close()

    def ship(self) -> None:
        if not self.to_ship:
            return
        order_id = self.to_ship.pop()
        key = f"ship-{order_id}"
        tracking = f"RC{len(self.shipments):05d}GB"
        shipment = Shipment(
            order_id=order_id, parcels=[ShipmentParcel(tracking_number=tracking, carrier="DPD")]
        )
        payload = {"shipment": shipment.model_dump(mode="json")}
        for _ in range(self.rng.randint(1, 2)):  # the host's own retry: the same key
            self._submit("confirm_shipment", payload, key)
        self.shipments[key] = (order_id, tracking)

    def push_stock(self) -> None:
        self.version += 1
        sku = self.rng.choice(self.sku)
        level = self.rng.randint(0, 400)
        self.stock[sku] = level
        payload = {"levels": [{"sku": sku, "quantity": level, "as_of": self.version}]}
        self._submit("push_stock", payload, f"stock-{self.version}")

    def _submit(self, kind: str, payload: dict[str, Any], key: str) -> None:
        for _ in range(10):
            try:
                submit_request(self.app, self.integrations.store, self.integration.id, kind, payload, key)
                self.figures[f"requests_{kind}"] += 1
                return
            except Exception as exc:  # the store refused (a terminated backend): the host retries
                self.figures[f"submit_retry_{type(exc).__name__}"] += 1
                time.sleep(0.3)
        raise AssertionError(f"{kind} {key} could not be submitted")

    # --- faults ---------------------------------------------------------------------------------------

    def fault(self, name: str) -> None:
        self.figures[f"fault_{name}"] += 1
        if name == "kill_worker":
            live = [i for i, p in enumerate(self.workers.processes) if p.poll() is None]
            self.workers.kill(self.rng.choice(live))
            self.workers.start(1)
        elif name == "stall_redis":
            self.redis.stall()
            time.sleep(self.rng.uniform(0.5, 3))
            self.redis.resume()
        elif name == "restart_redis":
            self.redis.restart()
        elif name == "empty_redis":
            self.redis.empty()
        elif name == "terminate_postgres" and self.store_url.startswith("postgres"):
            import psycopg

            server = os.environ[POSTGRES_URL_ENV]
            with psycopg.connect(server, autocommit=True) as conn:
                killed = conn.execute(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = %s",
                    (self.store_url.rsplit("application_name=", 1)[1],),
                ).fetchone()
            self.figures["backends_terminated"] += int(killed[0]) if killed else 0

    # --- invariants -----------------------------------------------------------------------------------

    def check_now(self) -> list[str]:
        problems = []
        # A page handed over again after a kill carries the same delivery id (the host drops it); a version in
        # two different hand-overs would be a real duplicate.
        deliveries: dict[tuple[str, str], set[str]] = {}
        for page in received(self.orders_dir):
            for order in page["orders"]:  # type: ignore[union-attr]
                deliveries.setdefault((str(order[0]), str(order[1])), set()).add(str(page["delivery_id"]))
        twice = [v for v, ids in deliveries.items() if len(ids) > 1]
        if twice:
            problems.append(f"order versions handed over twice: {twice[:3]}")
        for key, (order_id, tracking) in self.shipments.items():
            lines = self.emu.order(order_id)["line_items"]
            numbers = {li.get("tracking_number") for li in lines if li.get("tracking_number")}
            if numbers - {tracking}:
                problems.append(f"{key}: order {order_id} shipped under {numbers}, the host asked {tracking}")
        return problems

    def drain(self) -> float:
        started = time.monotonic()
        store = self.integrations.store
        while time.monotonic() - started < DRAIN_TIMEOUT:
            try:
                pending = store.list_work(self.integration.id, status="pending")
            except Exception:
                pending = [None]  # type: ignore[list-item]
            if not pending:
                return time.monotonic() - started
            time.sleep(0.5)
        raise AssertionError(f"work still pending after {DRAIN_TIMEOUT:.0f}s\n{self.workers.logs()}")

    def check_end(self) -> list[str]:
        problems = self.check_now()
        store = self.integrations.store
        work = {(w.kind, w.key): w for w in store.list_work(self.integration.id)}
        for notification in self.acknowledged:
            item = work.get(("webhook", notification))
            if item is None or item.status != "done":
                problems.append(f"acknowledged webhook {notification}: {item and item.status}")
        for key in self.shipments:
            item = work.get(("confirm_shipment", key))
            if item is None or item.status == "pending":
                problems.append(f"accepted shipment {key}: {item and item.status}")
            elif item.status == "done":
                order_id, tracking = self.shipments[key]
                if not any(
                    li.get("tracking_number") == tracking for li in self.emu.order(order_id)["line_items"]
                ):
                    problems.append(f"shipment {key} reported done but TikTok has no parcel {tracking}")
            else:
                self.figures["requests_reported_failed"] += 1
        stock_items = [w for (kind, _), w in work.items() if kind == "push_stock"]
        if any(w.status == "pending" for w in stock_items):
            problems.append("a stock push is still pending")
        for sku, level in self.stock.items():
            on_tiktok = sum(self.emu.inventory(self.sku_ids[sku]).values())
            if on_tiktok != level:
                problems.append(f"SKU {sku}: TikTok {on_tiktok}, the host's newest {level}")
        return problems

    def close(self) -> None:
        self.workers.stop()
        stop_process(self.beat)


def test_the_runtime_keeps_its_promises_under_faults(
    emu: TikTokShopEmulator, chaos_store: str, worker_env: dict[str, str], tmp_path: Path, orders_dir: Path
) -> None:
    rng = random.Random(SEED)
    print(f"\nruntime chaos seed {SEED} (RUNTIME_CHAOS_SEED={SEED} reproduces this run)", flush=True)
    folder = tmp_path / "redis"
    folder.mkdir()
    redis = PrivateRedis(folder).start()
    env = {
        **worker_env,
        "CHANNEL_CONNECTORS_DATABASE_URL": chaos_store,
        "CHANNEL_CONNECTORS_BROKER_URL": redis.url,
        "CHANNEL_CONNECTORS_RATE_LIMIT": "off",
        "CHANNEL_CONNECTORS_OUTBOX_GRACE": str(GRACE),
        "CHANNEL_CONNECTORS_OUTBOX_SWEEP_INTERVAL": str(SWEEP),
    }
    run = Run(emu, chaos_store, env, redis, tmp_path, orders_dir, rng)
    started = time.monotonic()
    violations: list[str] = []
    try:
        for step in range(STEPS):
            operation = rng.choice((run.webhook_burst, run.webhook_burst, run.ship, run.push_stock))
            operation()
            if rng.random() < 0.4:
                run.fault(rng.choice(FAULTS))
            violations += [f"step {step}: {p}" for p in run.check_now()]
        drained = run.drain()
        violations += run.check_end()
    finally:
        run.close()
        redis.stop()
    figures = dict(sorted(run.figures.items()))
    print(
        f"\nruntime chaos seed={SEED} steps={STEPS} acknowledged={len(run.acknowledged)} "
        f"shipments={len(run.shipments)} stock_pushes={run.version} drained_in={drained:.1f}s "
        f"total={time.monotonic() - started:.0f}s figures={figures} violations={len(violations)}"
    )
    assert not violations, "\n".join(violations[:20])
