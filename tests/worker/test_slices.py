"""The returns import and the reconciliation sweep in slices, on real workers: a seller with a big returns
backlog takes one page per turn of the pulls lane while another shop's work queued behind it finishes
first; a second request for a shop whose chain of slices is under way does not start a second chain; a
worker killed mid-slice loses nothing and hands nothing over twice; two workers at once read each page
once."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
from host_plugin import SLOW_RETURNS_ONCE_ENV, SLOW_RETURNS_PAGE_ENV, received_returns, return_versions
from test_lanes import connect_every_shop
from worker_support import Workers, connect

from connector_core.worker import PREFIX, WorkerSettings, create_app
from tiktok_shop_emulator import EmulatorConfig, TikTokShopEmulator

pytestmark = pytest.mark.slow
TASK_TIMEOUT = 120
BACKLOG = 170
"""Returns of the busy shop: four pages of 50 (never a multiple of 50, so no empty last page)."""
PAGES = 4


def client_app(env: dict[str, str]) -> Any:
    return create_app(WorkerSettings(broker_url=env["CHANNEL_CONNECTORS_BROKER_URL"], rates={}))


def open_returns(emu: TikTokShopEmulator, shop: dict[str, Any], count: int) -> set[str]:
    delivered = emu.order_ids(status="DELIVERED", shop_cipher=shop["cipher"])[:count]
    assert len(delivered) == count
    return {str(emu.open_return(order_id)["return_id"]) for order_id in delivered}


def returns_cursor(integration: Any, shop_id: str) -> dict[str, Any]:
    raw = integration.store.get_cursor(integration.id, f"returns@{shop_id}")
    return {} if raw is None else dict(json.loads(raw))


def return_searches(emu: TikTokShopEmulator) -> int:
    return sum(n for path, n in emu.stats.by_path().items() if path.endswith("/returns/search"))


def wait_for(condition: Any, what: str, workers: Workers) -> None:
    deadline = time.monotonic() + TASK_TIMEOUT
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"{what} did not happen within {TASK_TIMEOUT}s\n{workers.logs()}")
        time.sleep(0.2)


def test_a_big_returns_backlog_takes_one_page_per_turn_behind_another_shops_import(
    store_location: str, worker_env: dict[str, str], workers: Workers, orders_dir: Path
) -> None:
    with TikTokShopEmulator(EmulatorConfig(orders=3_000, seed=5)) as emu:
        busy_shop, other_shop = emu.shops[:2]
        expected = open_returns(emu, busy_shop, BACKLOG) | open_returns(emu, other_shop, 1)
        integration = connect_every_shop(emu, store_location)
        busy, other = str(busy_shop["id"]), str(other_shop["id"])
        app = client_app(worker_env)
        workers.env["CHANNEL_CONNECTORS_SLICE_SECONDS"] = "0.001"  # every slice stops after its first page
        searches = return_searches(emu)
        first = app.send_task(f"{PREFIX}pull_returns", args=[integration.id, busy])
        behind = app.send_task(f"{PREFIX}pull_returns", args=[integration.id, other])
        # The host asks again while the busy shop's chain is under way: no second chain.
        again = app.send_task(f"{PREFIX}pull_returns", args=[integration.id, busy])
        workers.start(1)  # one process: what it runs is in the order the lane gives it

        started = first.get(timeout=TASK_TIMEOUT)
        assert started["ok"] and started["pages"] == 1 and started["done"] is False, workers.logs()
        assert behind.get(timeout=TASK_TIMEOUT)["done"] is True, workers.logs()
        # The other shop's import ended while the busy shop's still had pages to go.
        assert "watermark" not in returns_cursor(integration, busy)
        assert again.get(timeout=TASK_TIMEOUT) == {
            "ok": True, "pages": 0, "returns": 0, "done": True, "already_queued": [busy]
        }  # fmt: skip

        wait_for(lambda: "watermark" in returns_cursor(integration, busy), "the busy shop's import", workers)
        versions = return_versions(orders_dir)
        assert len(versions) == len(set(versions)) and {r for r, _ in versions} == expected
        # One page per slice, each slice after the last: every page was read once.
        assert [len(p["returns"]) for p in received_returns(orders_dir) if p["account_id"] == busy] == [  # type: ignore[arg-type]
            50, 50, 50, 20
        ]  # fmt: skip
        assert return_searches(emu) - searches == PAGES + 1


def test_a_worker_killed_mid_slice_resumes_without_loss_or_a_second_hand_over(
    store_location: str, worker_env: dict[str, str], workers: Workers, orders_dir: Path, tmp_path: Path
) -> None:
    with TikTokShopEmulator(EmulatorConfig(orders=3_000, seed=5)) as emu:
        busy_shop = emu.shops[0]
        expected = open_returns(emu, busy_shop, BACKLOG)
        integration = connect_every_shop(emu, store_location)
        busy = str(busy_shop["id"])
        app = client_app(worker_env)
        marker = tmp_path / "slow-returns"
        workers.env.update(
            {
                "CHANNEL_CONNECTORS_SLICE_SECONDS": "0.001",
                # The second slice's page hangs in the host: the worker is killed with it in hand.
                SLOW_RETURNS_ONCE_ENV: str(marker),
                SLOW_RETURNS_PAGE_ENV: "2",
            }
        )
        searches = return_searches(emu)
        app.send_task(f"{PREFIX}pull_returns", args=[integration.id, busy], ignore_result=True)
        workers.start(1)
        wait_for(marker.exists, "the second page in the host's hands", workers)
        time.sleep(0.3)
        workers.kill(0)
        assert len(received_returns(orders_dir)) == 1  # the first page taken, the second in hand

        # The killed slice still holds the shop's turn, and its message waits in the broker for the
        # visibility timeout. The next request sees its holder is dead and goes on from the saved place.
        workers.start(1)
        resumed = app.send_task(f"{PREFIX}pull_returns", args=[integration.id, busy]).get(
            timeout=TASK_TIMEOUT
        )
        assert resumed["ok"] and resumed["pages"] == 1 and "already_queued" not in resumed, workers.logs()
        wait_for(lambda: "watermark" in returns_cursor(integration, busy), "the rest of the import", workers)
        # Each page read once, but the one in the host's hands when the worker died: read again.
        assert return_searches(emu) - searches == PAGES + 1

    versions = return_versions(orders_dir)
    assert len(versions) == len(set(versions)) and {r for r, _ in versions} == expected


def test_two_workers_at_once_run_one_chain_per_shop_and_read_each_page_once(
    store_location: str, worker_env: dict[str, str], workers: Workers, orders_dir: Path
) -> None:
    with TikTokShopEmulator(EmulatorConfig(orders=3_000, seed=5)) as emu:
        gb = next(shop for shop in emu.shops if shop["region"] == "GB")
        expected = open_returns(emu, gb, BACKLOG)
        integration = connect(emu, store_location)  # serves the GB shop
        app = client_app(worker_env)
        workers.env["CHANNEL_CONNECTORS_SLICE_SECONDS"] = "0.001"
        searches = return_searches(emu)
        # The same shop asked for three times (a host's timer, a button, a retry), and two sweeps: every
        # later request is queued before the first one's next slice, so each finds that slice queued.
        pulls = [app.send_task(f"{PREFIX}pull_returns", args=[integration.id]) for _ in range(3)]
        sweeps = [app.send_task(f"{PREFIX}reconcile_events", args=[integration.id]) for _ in range(2)]
        workers.start(2)

        results = [r.get(timeout=TASK_TIMEOUT) for r in pulls + sweeps]
        assert all(r["ok"] for r in results), (results, workers.logs())
        shop = integration.account_id
        # One request of each kind started the chain (whichever worker got there first); the others found it.
        skipped = [shop in r.get("already_queued", []) for r in results]
        assert sorted(skipped[:3]) == [False, True, True] and sorted(skipped[3:]) == [False, True], results
        wait_for(lambda: "watermark" in returns_cursor(integration, shop), "the import", workers)
        place = f"reconcile@{shop}"
        wait_for(lambda: not integration.store.get_cursor(integration.id, place), "the sweep", workers)

        versions = return_versions(orders_dir)
        assert len(versions) == len(set(versions)) and {r for r, _ in versions} == expected
        # One chain of the import and one of the sweep, four pages each: none read twice.
        assert return_searches(emu) - searches == 2 * PAGES
