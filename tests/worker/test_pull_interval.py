"""A pull interval is the core's schedule setting: set per connection or per shop with the schedule, it
decides when a shop is pulled again whatever the connector's settings schema has (TikTok's has no such
field), the shop's own before its connection's, the worker's default when neither is set."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from worker_support import connect

from connector_core.store import Store, open_store
from connector_core.store.index_roles import CONNECTION_SCOPE
from connector_core.worker import WorkerSettings, build_runtime, schedule
from connector_core.worker import runtime as worker_runtime
from connector_core.worker.tasks import pull_orders
from tiktok_shop_emulator import EmulatorConfig, TikTokShopEmulator

DEFAULT = 300.0


@pytest.fixture
def worker_store(tmp_path: Path, orders_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Store]:
    store = open_store(f"sqlite://{tmp_path / 'store.sqlite3'}")
    runtime = build_runtime(
        WorkerSettings(host_plugins=("host_plugin",), rates={}, pull_interval=DEFAULT), store
    )
    monkeypatch.setitem(worker_runtime._runtimes, os.getpid(), runtime)
    try:
        yield store
    finally:
        store.close()


def _next_wait(store: Store, integration_id: str, shop: str) -> timedelta:
    before = store.clock.now()
    assert pull_orders(None, integration_id, shop)["ok"]
    found = store.get_shop(integration_id, shop)
    assert found is not None and found.next_pull_at is not None
    return found.next_pull_at - before


def _within(wait: timedelta, seconds: float) -> bool:
    return timedelta(seconds=seconds) <= wait <= timedelta(seconds=seconds * (1 + schedule.JITTER) + 5)


def test_the_shop_interval_beats_the_connection_interval_beats_the_worker_default(
    worker_store: Store,
) -> None:
    with TikTokShopEmulator(EmulatorConfig(orders=5, seed=5)) as emu:
        integration = connect(emu, "", worker_runtime.current_runtime().integrations)
        shop = integration.account_id
        assert "pull_interval" not in str(integration.connector.settings_schema())
        assert _within(_next_wait(worker_store, integration.id, shop), DEFAULT)

        worker_store.set_pull_interval(integration.id, CONNECTION_SCOPE, 900)
        assert _within(_next_wait(worker_store, integration.id, shop), 900)

        worker_store.set_pull_interval(integration.id, shop, 3600)
        assert _within(_next_wait(worker_store, integration.id, shop), 3600)

        worker_store.set_pull_interval(integration.id, shop, None)
        assert _within(_next_wait(worker_store, integration.id, shop), 900)
