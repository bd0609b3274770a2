"""Priority lanes on a real worker: a backlog of backfill slices does not delay a shipment confirmation."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
import redis
from worker_support import Workers, connect

from connector_core.worker import PREFIX, WorkerSettings, create_app
from connector_core.worker.lanes import BACKFILL, LANES, PULLS, URGENT
from tiktok_shop_emulator import TikTokShopEmulator

pytestmark = pytest.mark.slow
TASK_TIMEOUT = 120
BACKLOG = 25


def client_app(env: dict[str, str]) -> Any:
    return create_app(WorkerSettings(broker_url=env["CHANNEL_CONNECTORS_BROKER_URL"], rates={}))


def test_each_task_is_routed_to_its_lane(redis_url: str) -> None:
    app = create_app(WorkerSettings(broker_url=redis_url, rates={}))
    sends = {
        "confirm_shipment": URGENT,
        "create_labels": URGENT,
        "process_webhook_events": URGENT,
        "pull_orders": PULLS,
        "pull_all": PULLS,
        "backfill_orders": BACKFILL,
    }
    for name in sends:
        app.send_task(f"{PREFIX}{name}", args=[], ignore_result=True)
    queued = redis.Redis.from_url(redis_url)

    assert {lane: queued.llen(lane) for lane in LANES} == {URGENT: 3, PULLS: 2, BACKFILL: 1}
    assert list(app.amqp.queues) == list(LANES)  # a worker without -Q serves all, in order


def test_a_backfill_backlog_does_not_delay_a_shipment_confirmation(
    emu: TikTokShopEmulator, store_location: str, worker_env: dict[str, str], workers: Workers
) -> None:
    integration = connect(emu, store_location)
    app = client_app(worker_env)
    until = datetime.now(timezone.utc)
    since = until - timedelta(days=60)
    backlog = [
        app.send_task(
            f"{PREFIX}backfill_orders",
            args=[integration.id, (since + timedelta(hours=n)).isoformat(), until.isoformat(), None, 1],
        )
        for n in range(BACKLOG)
    ]
    gb = next(shop["cipher"] for shop in emu.shops if shop["region"] == "GB")
    order = emu.order(emu.order_ids(status="AWAITING_SHIPMENT", shop_cipher=gb, shipping_type="SELLER")[0])
    shipment = {
        "order_id": order["id"],
        "parcels": [
            {
                "tracking_number": "TRK-LANE-1",
                "carrier": "Royal Mail",
                "lines": [{"channel_line_ids": [line["id"] for line in order["line_items"]]}],
            }
        ],
    }
    confirmation = app.send_task(f"{PREFIX}confirm_shipment", args=[integration.id, shipment])
    workers.start(1)  # one process: everything it does is in the order the lanes give it

    outcome = confirmation.get(timeout=TASK_TIMEOUT)
    finished_before = sum(result.ready() for result in backlog)

    assert outcome["ok"], (outcome, workers.logs())
    assert outcome["report"]["parcels"][0]["outcome"] == "confirmed"
    # Queued after all of them, run before (at most one slice had already started when it arrived).
    assert finished_before <= 1, finished_before
    results = [r.get(timeout=TASK_TIMEOUT) for r in backlog]
    assert all(r["ok"] for r in results), workers.logs()


def test_every_task_has_chosen_its_lane() -> None:
    from connector_core.worker.lanes import LANE_OF
    from connector_core.worker.tasks import TASKS

    assert set(TASKS) == set(LANE_OF), "a new task must say which lane it goes in (lanes.py)"
