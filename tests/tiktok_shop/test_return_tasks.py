"""The worker's `pull_returns` and `reconcile_events` tasks, run in-process against the emulator: each return
version reaches the host's `return_pages_ready` once, however often the import or the sweep reads it, a host
that refuses a page leaves it to be handed over again, and a worker with no returns receiver moves no
cursor past returns nobody took."""

from __future__ import annotations

import os
from datetime import timedelta
from typing import Any

import pytest

from connector_core import ConnectorHost, Integrations, hookimpl
from connector_core.aftersales import ReturnPage
from connector_core.models import OrderPage
from connector_core.worker import runtime as worker_runtime
from connector_core.worker import tasks
from connector_core.worker.runtime import Runtime
from connector_core.worker.settings import WorkerSettings
from connectors.tiktok_shop.devtools import emulator_form


class Host:
    """A host plugin: what `return_pages_ready` and `order_pages_ready` received; can refuse once."""

    def __init__(self) -> None:
        self.returns: list[tuple[str, str]] = []
        self.orders = 0
        self.refuse_once = False

    @hookimpl
    def return_pages_ready(self, integration_id: str, account_id: str, page: ReturnPage) -> None:
        if self.refuse_once:
            self.refuse_once = False
            raise RuntimeError("the host's database is down")
        self.returns += [(r.id, r.updated_at.isoformat()) for r in page.returns]

    @hookimpl
    def order_pages_ready(
        self, integration_id: str, account_id: str, page: OrderPage, delivery_id: str
    ) -> None:
        self.orders += len(page.orders)


class NoTask:
    """The Celery task argument: these tasks only use it to retry, which none of these cases must do."""

    def retry(self, **_: Any) -> Exception:
        raise AssertionError("the task asked for a retry")


def runtime_for(world: Any, monkeypatch: pytest.MonkeyPatch, *plugins: object) -> None:
    integrations = Integrations(
        ConnectorHost(list(plugins)).load(), world.integrations.store, clock=world.clock
    )
    runtime = Runtime(WorkerSettings(broker_url="memory://", rates={}), integrations, None)
    # This process's runtime, where every task module finds it (`current_runtime` keeps one per process).
    monkeypatch.setitem(worker_runtime._runtimes, os.getpid(), runtime)


def pull_returns(world: Any) -> dict[str, Any]:
    # The next change gets a later second (a version is its `update_time`, in whole seconds), and our
    # clock moves past the second the emulator stamped the last change with.
    world.emu.clock.advance(2)
    world.clock.advance(timedelta(seconds=4))
    return tasks.pull_returns(NoTask(), world.integration.id)


def open_return(world: Any, n: int) -> str:
    order_id = world.emu.order_ids(status="DELIVERED", shop_cipher=world.shop("GB")["cipher"])[n]
    return str(world.emu.open_return(order_id)["return_id"])


def test_each_return_version_reaches_the_host_once(make_world: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    world = make_world(orders=600)
    host = Host()
    runtime_for(world, monkeypatch, host)
    first = open_return(world, 0)

    assert pull_returns(world)["returns"] == 1
    assert pull_returns(world)["returns"] == 0  # the overlap re-reads it: not handed over again
    world.integration.decide_return(first, "approve_return")
    second = open_return(world, 1)
    assert pull_returns(world)["returns"] == 2  # the first one's new version, and the new return

    ids = [rid for rid, _ in host.returns]
    assert sorted(ids) == sorted([first, first, second]) and len(set(host.returns)) == 3
    # The sweep reads the same versions again: the ledger hands none of them over a second time.
    swept = tasks.reconcile_events(NoTask(), world.integration.id)
    assert swept["ok"] and swept["shops"][0]["handed_over"]["returns"] == 0 and len(host.returns) == 3


def test_a_refused_page_is_handed_over_again_by_the_next_run(
    make_world: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = make_world(orders=600)
    host = Host()
    runtime_for(world, monkeypatch, host)
    return_id = open_return(world, 0)
    host.refuse_once = True

    with pytest.raises(RuntimeError, match="database is down"):
        pull_returns(world)
    assert host.returns == []
    assert pull_returns(world)["returns"] == 1 and [rid for rid, _ in host.returns] == [return_id]


def test_without_a_returns_receiver_the_task_refuses_before_reading(
    make_world: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = make_world(orders=600)
    runtime_for(world, monkeypatch)  # no host plugin
    open_return(world, 0)

    result = pull_returns(world)

    assert result["ok"] is False and "return_pages_ready" in result["error"]
    assert (
        world.integrations.store.get_cursor(world.integration.id, f"returns@{world.integration.account_id}")
        is None
    )
    host = Host()
    runtime_for(world, monkeypatch, host)
    assert pull_returns(world)["returns"] == 1


class SentTasks:
    """The Celery task argument of a schedule tick: records what it queues."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, list[Any]]] = []
        self.app = self

    def send_task(self, name: str, args: list[Any], **_: Any) -> None:
        self.sent.append((name, args))


def test_the_hourly_sweep_queues_one_reconciliation_per_connection(
    make_world: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = make_world(orders=20)
    second = world.integrations.create("tiktok_shop", emulator_form(world.emu), {"stock_sync": True})
    runtime_for(world, monkeypatch)
    tick = SentTasks()
    assert tasks.reconcile_all(tick) == {"ok": True, "queued": 2}
    assert sorted(args[0] for _, args in tick.sent) == sorted([world.integration.id, second.id])
    assert {name for name, _ in tick.sent} == {f"{tasks.PREFIX}reconcile_events"}
