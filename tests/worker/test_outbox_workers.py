"""The outbox on real `celery worker` processes and a real `celery beat`, with a Redis of the test's own
that it stalls, restarts and empties: work acknowledged or accepted is never lost, and a killed worker's
work runs again within seconds (the sweep), not after Redis's visibility timeout.

Before the outbox: with the Celery sink and a stalled then restarted Redis, 4 of 5 and 5 of 5 acknowledged
webhooks were never processed; a Redis restart lost 6 of 10 queued confirmations; a SIGKILLed worker's
tasks had not run again 150 s later (visibility timeout 3,600 s)."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from host_plugin import SLOW_ONCE_ENV, order_versions
from test_worker_tasks import client_app, gb_shop, order_event, wait_for
from worker_support import PrivateRedis, Workers, connect, start_beat, stop_process

from connector_core import ConnectorHost, Integrations
from connector_core.models import Shipment, ShipmentParcel
from connector_core.store import open_store
from connector_core.worker import CelerySink, submit_request
from tiktok_shop_emulator import EmulatorConfig, TikTokShopEmulator

pytestmark = pytest.mark.slow
GRACE, SWEEP = 2, 1
"""Seconds: the outbox grace and the beat's sweep interval the test's processes run with."""


@pytest.fixture
def emu() -> Iterator[TikTokShopEmulator]:
    with TikTokShopEmulator(EmulatorConfig(orders=400, seed=5)) as emulator:
        yield emulator


@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[PrivateRedis]:
    folder = tmp_path / "redis"
    folder.mkdir()
    redis = PrivateRedis(folder).start()
    yield redis
    redis.stop()


@pytest.fixture
def env(worker_env: dict[str, str], own_redis: PrivateRedis) -> dict[str, str]:
    return {
        **worker_env,
        "CHANNEL_CONNECTORS_BROKER_URL": own_redis.url,
        "CHANNEL_CONNECTORS_RATE_LIMIT": "off",
        "CHANNEL_CONNECTORS_OUTBOX_GRACE": str(GRACE),
        "CHANNEL_CONNECTORS_OUTBOX_SWEEP_INTERVAL": str(SWEEP),
    }


@pytest.fixture
def runtime(env: dict[str, str], tmp_path: Path) -> Iterator[tuple[Workers, Any]]:
    """Workers (started by the test) and a beat that sweeps every second."""
    folder = tmp_path / "runtime-logs"
    folder.mkdir()
    workers = Workers(env, folder)
    beat = start_beat(env, folder)
    yield workers, beat
    workers.stop()
    stop_process(beat)


def _web(env: dict[str, str], store_location: str) -> Any:
    from starlette.testclient import TestClient

    from connector_core.web import create_app as create_web_app

    integrations = Integrations(ConnectorHost().load(), open_store(store_location))
    return TestClient(create_web_app(integrations, sink=CelerySink(client_app(env), integrations.store)))


def test_webhooks_acknowledged_while_redis_stalls_and_restarts_are_all_handled(
    emu: TikTokShopEmulator, store_location: str, env: dict[str, str], own_redis: PrivateRedis,
    runtime: tuple[Workers, Any], orders_dir: Path,
) -> None:  # fmt: skip
    workers, _ = runtime
    integration = connect(emu, store_location)
    web = _web(env, store_location)
    orders = emu.order_ids(shop_cipher=gb_shop(emu)["cipher"])[:5]
    own_redis.stall()
    started = time.monotonic()
    answers = [
        web.post("/webhooks/tiktok_shop", content=body, headers=headers)
        for body, headers in (
            order_event(emu, order, f"70000000000000010{i}") for i, order in enumerate(orders)
        )
    ]
    stalled_answer_seconds = (time.monotonic() - started) / len(orders)
    assert [a.status_code for a in answers] == [200] * 5
    assert (
        stalled_answer_seconds < 1.0
    )  # the answer never waits on the broker (before: 5 s, its socket timeout)
    own_redis.restart()  # stalled, then restarted without persistence: whatever it held is gone
    workers.start(1)

    wait_for(
        lambda: {o for o, _ in order_versions(orders_dir)} == set(orders), "every acknowledged event", workers
    )
    store = integration.store
    # The order reaches the host before its outbox row is marked done (at least once, then the mark):
    # wait for the mark too rather than read it the instant the file appears.
    wait_for(
        lambda: {w.status for w in store.list_work(integration.id, kind="webhook")} == {"done"},
        "every acknowledged event marked done",
        workers,
    )
    print(f"answer while Redis stalled: {stalled_answer_seconds:.1f}s per delivery")


def test_queued_host_requests_survive_an_emptied_redis_and_ship_once(
    emu: TikTokShopEmulator, store_location: str, env: dict[str, str], own_redis: PrivateRedis,
    runtime: tuple[Workers, Any],
) -> None:  # fmt: skip
    workers, _ = runtime
    candidates = emu.order_ids(shop_cipher=gb_shop(emu)["cipher"], shipping_type="SELLER")
    orders = [
        o for o in candidates if not any(li.get("tracking_number") for li in emu.order(o)["line_items"])
    ]
    assert len(orders) >= 10
    for order_id in orders[:10]:
        emu.set_order_status(order_id, "AWAITING_SHIPMENT")
    integration = connect(emu, store_location)
    app = client_app(env)
    keys = []
    for n, order_id in enumerate(orders[:10]):
        shipment = Shipment(
            order_id=order_id, parcels=[ShipmentParcel(tracking_number=f"RQ{n:04d}GB", carrier="DPD")]
        )
        payload = {"shipment": shipment.model_dump(mode="json")}
        keys.append(
            submit_request(app, integration.store, integration.id, "confirm_shipment", payload, f"host-{n}")
        )
    # The host submits one of them again (its own retry): one request, by its idempotency key.
    assert (
        submit_request(app, integration.store, integration.id, "confirm_shipment", payload, "host-9")
        == "host-9"
    )
    own_redis.empty()  # every queued message is gone
    workers.start(2)

    def finished() -> bool:
        return all(
            (w := integration.store.get_work(integration.id, "confirm_shipment", key))
            and w.status != "pending"
            for key in keys
        )

    wait_for(finished, "every accepted request", workers)
    for n, (key, order_id) in enumerate(zip(keys, orders[:10], strict=True)):
        work = integration.store.get_work(integration.id, "confirm_shipment", key)
        assert work is not None and work.status == "done", work
        tracked = {li.get("tracking_number") for li in emu.order(order_id)["line_items"]}
        assert tracked == {f"RQ{n:04d}GB"}, (order_id, tracked)
    assert len(integration.store.list_work(integration.id)) == 10


def test_a_worker_killed_mid_task_has_its_work_run_again_within_seconds(
    emu: TikTokShopEmulator, store_location: str, env: dict[str, str], tmp_path: Path,
    runtime: tuple[Workers, Any], orders_dir: Path,
) -> None:  # fmt: skip
    workers, _ = runtime
    marker = tmp_path / "slow-once"
    workers.env[SLOW_ONCE_ENV] = str(marker)
    integration = connect(emu, store_location)
    web = _web(env, store_location)
    order_id = emu.order_ids(shop_cipher=gb_shop(emu)["cipher"])[0]
    workers.start(2)

    body, headers = order_event(emu, order_id, "7000000000000000201")
    assert web.post("/webhooks/tiktok_shop", content=body, headers=headers).status_code == 200
    wait_for(lambda: marker.exists() and marker.read_text().isdigit(), "the slow hand-over", workers)
    holder = int(marker.read_text())
    index = next(i for i, p in enumerate(workers.processes) if p.pid == holder)
    workers.kill(index)  # SIGKILL, in the middle of handing the order over
    killed = time.monotonic()

    wait_for(lambda: order_versions(orders_dir), "the killed worker's task, run again", workers, timeout=60)
    rerun_seconds = time.monotonic() - killed
    time.sleep(GRACE + SWEEP + 1)  # a late duplicate would show now
    versions = order_versions(orders_dir)
    assert [o for o, _ in versions] == [order_id], versions  # handed over once
    work = integration.store.get_work(integration.id, "webhook", "7000000000000000201")
    assert work is not None and work.status == "done"
    assert rerun_seconds < 30, rerun_seconds
    print(f"killed worker's task ran again after {rerun_seconds:.1f}s")
    assert os.environ.get(SLOW_ONCE_ENV) is None


def test_a_worker_that_starts_sweeps_once_so_work_recorded_while_none_ran_needs_no_beat(
    emu: TikTokShopEmulator, store_location: str, env: dict[str, str], own_redis: PrivateRedis, tmp_path: Path,
    orders_dir: Path,
) -> None:  # fmt: skip
    integration = connect(emu, store_location)
    web = _web(env, store_location)
    order_id = emu.order_ids(shop_cipher=gb_shop(emu)["cipher"])[1]
    body, headers = order_event(emu, order_id, "7000000000000000301")
    assert web.post("/webhooks/tiktok_shop", content=body, headers=headers).status_code == 200
    time.sleep(1)  # the hint reached Redis ...
    own_redis.empty()  # ... and is gone; no beat runs in this test
    time.sleep(GRACE + 0.5)
    workers = Workers(env, tmp_path)
    try:
        workers.start(1)
        wait_for(
            lambda: (
                (w := integration.store.get_work(integration.id, "webhook", "7000000000000000301"))
                is not None
                and w.status == "done"
            ),
            "the work recorded while no worker ran",
            workers,
            timeout=60,
        )
    finally:
        workers.stop()
    assert [o for o, _ in order_versions(orders_dir)] == [order_id]
