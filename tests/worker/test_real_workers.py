"""Real `celery worker` processes against Redis and the store: duplicates never double anything."""

from __future__ import annotations

import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from host_plugin import order_versions
from worker_support import Workers, connect

from connector_core.worker import PREFIX, WorkerSettings, create_app
from tiktok_shop_emulator import TikTokShopEmulator

pytestmark = pytest.mark.slow
TASK_TIMEOUT = 120


def client_app(env: dict[str, str]) -> Any:
    return create_app(WorkerSettings(broker_url=env["CHANNEL_CONNECTORS_BROKER_URL"], rates={}))


def gb_orders(emu: TikTokShopEmulator) -> set[str]:
    cipher = next(shop["cipher"] for shop in emu.shops if shop["region"] == "GB")
    return set(emu.order_ids(shop_cipher=cipher))


def test_duplicate_pull_tasks_on_two_workers_hand_each_order_over_once(
    emu: TikTokShopEmulator,
    store_location: str,
    worker_env: dict[str, str],
    workers: Workers,
    orders_dir: Path,
) -> None:
    integration = connect(emu, store_location)
    app = client_app(worker_env)
    workers.start(2)

    # The same import four times at once (a broker redelivery, two beats, an operator's Pull now) ...
    results = [
        app.send_task(f"{PREFIX}pull_orders", args=[integration.id, integration.account_id]) for _ in range(4)
    ]
    outcomes = [r.get(timeout=TASK_TIMEOUT) for r in results]
    # ... and the schedule's tick on top: the pulls just moved the shop's next pull an interval on, so the
    # tick (which reads due shops through the schedule's index) queues nothing more.
    assert app.send_task(f"{PREFIX}pull_all").get(timeout=TASK_TIMEOUT) == {"ok": True, "queued": 0}

    assert all(o["ok"] for o in outcomes), (outcomes, workers.logs())
    assert sum(o["orders_delivered"] for o in outcomes) == len(gb_orders(emu))
    deadline = time.monotonic() + TASK_TIMEOUT
    while len(order_versions(orders_dir)) < len(gb_orders(emu)) and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(2)  # the tick's import has had time to hand anything over twice, if it were going to
    versions = order_versions(orders_dir)
    assert len(versions) == len(set(versions)), "an order version was handed over twice"
    assert {order_id for order_id, _ in versions} == gb_orders(emu)


def test_a_task_whose_lease_is_taken_retries_later_instead_of_failing(
    emu: TikTokShopEmulator, store_location: str, worker_env: dict[str, str], workers: Workers
) -> None:
    integration = connect(emu, store_location)
    stream_lease = f"import:{integration.id}:orders@{integration.account_id}"
    other = "another-host:1:abcd"  # an import running on another machine
    assert integration.store.try_lock(stream_lease, other, timedelta(minutes=5))
    app = client_app(worker_env)
    workers.start(1)

    result = app.send_task(f"{PREFIX}pull_orders", args=[integration.id, integration.account_id])
    deadline = time.monotonic() + TASK_TIMEOUT
    while result.state != "RETRY" and time.monotonic() < deadline:
        time.sleep(0.2)
    assert result.state == "RETRY", workers.logs()
    integration.store.unlock(stream_lease, other)  # the other import ends
    outcome = result.get(timeout=TASK_TIMEOUT)

    assert outcome["ok"] and outcome["orders_delivered"] == len(gb_orders(emu))


def test_stock_and_shipment_tasks_report_bad_input_in_one_line(
    emu: TikTokShopEmulator, store_location: str, worker_env: dict[str, str], workers: Workers
) -> None:
    integration = connect(emu, store_location)
    app = client_app(worker_env)
    workers.start(1)

    stock = app.send_task(f"{PREFIX}push_stock", args=[integration.id, [{"sku": "", "quantity": "many"}]])
    shipment = app.send_task(f"{PREFIX}confirm_shipment", args=[integration.id, {"order_id": 5}])

    for outcome in (stock.get(timeout=TASK_TIMEOUT), shipment.get(timeout=TASK_TIMEOUT)):
        assert outcome["ok"] is False and "\n" not in outcome["error"]
    assert "Traceback" not in workers.logs()


def test_a_stock_push_sent_twice_applies_once(
    emu: TikTokShopEmulator, store_location: str, worker_env: dict[str, str], workers: Workers
) -> None:
    integration = connect(emu, store_location)
    cipher = next(shop["cipher"] for shop in emu.shops if shop["region"] == "GB")
    sku = emu.seller_skus(cipher)[0]
    app = client_app(worker_env)
    workers.start(2)

    levels = [{"sku": sku, "quantity": 17}]
    first, second = (app.send_task(f"{PREFIX}push_stock", args=[integration.id, levels]) for _ in range(2))
    answers = [first.get(timeout=TASK_TIMEOUT), second.get(timeout=TASK_TIMEOUT)]
    assert all(a["ok"] for a in answers), answers
    reports = [a["report"] for a in answers]

    outcomes = sorted(r["results"][0]["outcome"] for r in reports)
    assert sum(r["calls"] for r in reports) == 1, reports
    assert outcomes[0] != outcomes[1], outcomes  # one sent it, the other found it unchanged
