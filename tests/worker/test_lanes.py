"""Priority lanes on a real worker: a backlog of backfill slices does not delay a shipment confirmation."""

from __future__ import annotations

import json
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
import redis
from host_plugin import order_versions
from worker_support import Workers, connect

from connector_core import ConnectorHost, Integrations
from connector_core.store import open_store
from connector_core.worker import PREFIX, WorkerSettings, create_app
from connector_core.worker.lanes import BACKFILL, EVENTS, LANES, PULLS, URGENT
from connectors.tiktok_shop.devtools import emulator_form
from tiktok_shop_emulator import EmulatorConfig, TikTokShopEmulator

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
        "process_webhook_events": EVENTS,
        "pull_orders": PULLS,
        "pull_all": PULLS,
        "backfill_orders": BACKFILL,
    }
    for name in sends:
        app.send_task(f"{PREFIX}{name}", args=[], ignore_result=True)
    # The outbox's work by its kind: a host's request is urgent, a webhook's re-reads are events.
    app.send_task(f"{PREFIX}run_work", args=["i", "confirm_shipment", ["k"]], ignore_result=True)
    app.send_task(f"{PREFIX}run_work", args=["i", "webhook", ["k"]], ignore_result=True)
    queued = redis.Redis.from_url(redis_url)

    assert {lane: queued.llen(lane) for lane in LANES} == {URGENT: 3, EVENTS: 2, PULLS: 2, BACKFILL: 1}
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


def test_a_flood_of_webhook_re_reads_does_not_delay_a_shipment_confirmation(
    emu: TikTokShopEmulator, store_location: str, worker_env: dict[str, str], workers: Workers
) -> None:
    # One seller's burst of order events (a bulk status change): each is a re-read of an order.
    integration = connect(emu, store_location)
    app = client_app(worker_env)
    gb = next(shop for shop in emu.shops if shop["region"] == "GB")
    events = [
        {"id": f"burst-{n}", "kind": "order_status_changed", "channel_type": "ORDER_STATUS_CHANGE",
         "account_id": str(gb["id"]), "order_id": order_id}
        for n, order_id in enumerate(emu.order_ids(shop_cipher=gb["cipher"])[:BACKLOG])
    ]  # fmt: skip
    flood = [app.send_task(f"{PREFIX}process_webhook_events", args=[integration.id, [e]]) for e in events]
    order = emu.order(
        emu.order_ids(status="AWAITING_SHIPMENT", shop_cipher=gb["cipher"], shipping_type="SELLER")[0]
    )
    shipment = {
        "order_id": order["id"],
        "parcels": [
            {
                "tracking_number": "TRK-LANE-2",
                "carrier": "Royal Mail",
                "lines": [{"channel_line_ids": [line["id"] for line in order["line_items"]]}],
            }
        ],
    }
    confirmation = app.send_task(f"{PREFIX}confirm_shipment", args=[integration.id, shipment])
    workers.start(1)

    outcome = confirmation.get(timeout=TASK_TIMEOUT)
    finished_before = sum(result.ready() for result in flood)

    assert outcome["ok"], (outcome, workers.logs())
    assert finished_before <= 1, finished_before  # the re-reads wait behind what a parcel waits for
    assert all(r.get(timeout=TASK_TIMEOUT)["ok"] for r in flood), workers.logs()


def test_every_task_has_chosen_its_lane() -> None:
    from connector_core.worker.lanes import LANE_OF
    from connector_core.worker.tasks import TASKS

    assert set(TASKS) == set(LANE_OF), "a new task must say which lane it goes in (lanes.py)"


def test_a_shop_with_a_big_backlog_takes_its_turn_in_slices_behind_other_shops_pulls(
    store_location: str, worker_env: dict[str, str], workers: Workers, orders_dir: Path
) -> None:
    with TikTokShopEmulator(EmulatorConfig(orders=1_500, seed=5)) as emu:
        integration = connect_every_shop(emu, store_location)
        app = client_app(worker_env)
        busy, other = (integration.shop(shop["id"]) for shop in emu.shops[:2])
        # Each slice of a pull stops after its first page (a tiny time budget): the busy shop's first import
        # (some 500 orders, several pages) goes back to the end of the pulls lane after every page.
        workers.env["CHANNEL_CONNECTORS_SLICE_SECONDS"] = "0.001"
        first = app.send_task(f"{PREFIX}pull_orders", args=[integration.id, busy.account_id])
        behind = app.send_task(f"{PREFIX}pull_orders", args=[integration.id, other.account_id])
        workers.start(1)  # one process: what it runs is in the order the lane gives it

        started = first.get(timeout=TASK_TIMEOUT)
        assert started.get("done") is False, (started, workers.logs())
        assert behind.get(timeout=TASK_TIMEOUT)["ok"], workers.logs()
        # The other shop's pull ran while the busy shop's import still had pages to go.
        assert "watermark" not in cursor(integration, busy.account_id)

        deadline = time.monotonic() + TASK_TIMEOUT
        while not all("watermark" in cursor(integration, s.account_id) for s in (busy, other)):
            assert time.monotonic() < deadline, workers.logs()
            time.sleep(0.2)
        versions = order_versions(orders_dir)
        assert len(versions) == len(set(versions))  # every slice went on after the last, none read twice
        expected = {o for s in emu.shops[:2] for o in emu.order_ids(shop_cipher=s["cipher"])}
        assert {order_id for order_id, _ in versions} == expected


def cursor(integration: Any, shop_id: str) -> dict[str, Any]:
    raw = integration.store.get_cursor(integration.id, f"orders@{shop_id}")
    return {} if raw is None else dict(json.loads(raw))


def connect_every_shop(emu: TikTokShopEmulator, location: str) -> Any:
    """A connection serving every shop of the seller (none selected), its first import covering them all."""
    integrations = Integrations(ConnectorHost().load(), open_store(location))
    oldest = datetime.fromtimestamp(emu.clock.start - emu.config.history_seconds - 86400, tz=timezone.utc)
    settings = {"import_unpaid_orders": True, "import_orders_since": oldest.date().isoformat()}
    record = integrations.create("tiktok_shop", emulator_form(emu), settings)
    integrations.open(record.id).finish_connect({"code": emu.authorize()})
    return integrations.open(record.id)
