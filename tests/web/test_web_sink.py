"""InProcessSink: the default WorkSink does the work on a thread, under the pull lease, and says when it is full."""

from __future__ import annotations

import json
import threading
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from web_support import Web

from connector_core import OrderPage
from connector_core.web import InProcessSink, JsonLinesOrders, NoOrderHandler, WorkSink


def test_pull_now_writes_every_order_once_to_the_handler(make_web: Any, tmp_path: Path) -> None:
    web: Web = make_web()
    web.connect()
    sink = InProcessSink(web.integrations, JsonLinesOrders(tmp_path / "orders"))
    assert isinstance(sink, WorkSink)
    try:
        sink.pull_now(web.integration_id)
        assert sink.join(timeout=60)
    finally:
        sink.close()
    lines = (tmp_path / "orders" / f"{web.integration_id}.jsonl").read_text().splitlines()
    ids = [json.loads(line)["id"] for line in lines]
    assert ids and len(ids) == len(set(ids))


def test_pull_now_without_an_order_handler_is_refused_so_no_cursor_moves(web: Web) -> None:
    web.connect()
    sink = InProcessSink(web.integrations)
    with pytest.raises(NoOrderHandler, match="--orders-to"):
        sink.pull_now(web.integration_id)
    sink.close()
    assert web.integrations.store.get_cursor(web.integration_id, "orders") is None


def test_a_pull_whose_lease_is_held_elsewhere_is_skipped(web: Web) -> None:
    web.connect()
    pages: list[OrderPage] = []
    assert web.integrations.store.try_lock(
        f"web-pull:{web.integration_id}", "other-host:1:x", timedelta(minutes=5)
    )
    sink = InProcessSink(web.integrations, lambda _id, page: pages.append(page))
    sink.pull_now(web.integration_id)
    assert sink.join(timeout=30)
    sink.close()
    assert pages == []


def test_webhook_events_make_the_sink_re_read_the_order_from_the_channel(make_web: Any) -> None:
    received: list[tuple[str, OrderPage]] = []
    holder: dict[str, InProcessSink] = {}

    def factory(web_integrations: Any) -> InProcessSink:
        holder["sink"] = InProcessSink(web_integrations, lambda i, p: received.append((i, p)))
        return holder["sink"]

    web = _web_with_sink(make_web, factory)
    web.connect()
    order_id = web.emu.order_ids(shop_cipher=web.emu.shops[0]["cipher"])[2]
    body, headers = web.delivery(web.shop_ids()[0], order_id=order_id)
    assert web.client.post("/webhooks/tiktok_shop", content=body, headers=headers).status_code == 200
    assert holder["sink"].join(timeout=30)
    holder["sink"].close()
    [(integration_id, page)] = received
    assert integration_id == web.integration_id
    assert [o.id for o in page.orders] == [order_id]


def test_a_full_sink_still_acknowledges_recorded_events_and_the_sweeper_does_the_work(
    make_web: Any,
) -> None:
    release = threading.Event()
    holder: dict[str, InProcessSink] = {}
    received: list[str] = []

    def blocking(_id: str, page: OrderPage) -> None:
        release.wait(timeout=30)
        received.extend(o.id for o in page.orders)

    def factory(web_integrations: Any) -> InProcessSink:
        # grace 0: the sweep hands out again whatever is pending (the test calls sweep() itself)
        holder["sink"] = InProcessSink(
            web_integrations, blocking, max_pending=1, sweep_every=timedelta(hours=1), grace=timedelta(0)
        )
        return holder["sink"]

    web = _web_with_sink(make_web, factory)
    web.connect()
    orders = web.emu.order_ids(shop_cipher=web.emu.shops[0]["cipher"])
    first, first_headers = web.delivery(
        web.shop_ids()[0], notification="7327112393057371111", order_id=orders[0]
    )
    second, second_headers = web.delivery(
        web.shop_ids()[0], notification="7327112393057372222", order_id=orders[1]
    )
    sink = holder["sink"]
    try:
        assert (
            web.client.post("/webhooks/tiktok_shop", content=first, headers=first_headers).status_code == 200
        )
        # The sink is full, but the event is recorded: acknowledged, and the channel's retry is a duplicate.
        for _ in range(2):
            answer = web.client.post("/webhooks/tiktok_shop", content=second, headers=second_headers)
            assert answer.status_code == 200
        assert answer.json()["new_events"] == 0
        store = web.integrations.store
        assert store.get_work(web.integration_id, "webhook", "7327112393057372222") is not None
        release.set()
        assert sink.join(timeout=30)
        assert sink.sweep() >= 1  # what the full sink did not take is handed out again
        assert sink.join(timeout=30)
        assert sorted(received) == sorted([orders[0], orders[1]])
        assert [w.status for w in store.list_work(web.integration_id)] == ["done", "done"]
    finally:
        release.set()
        sink.close()


def _web_with_sink(make_web: Any, factory: Any) -> Web:
    """A Web whose app uses a real InProcessSink built on the same Integrations."""
    web: Web = make_web()
    from starlette.testclient import TestClient
    from web_support import BASE_URL

    from connector_core.web import create_app

    sink = factory(web.integrations)
    web.client.close()
    web.client = TestClient(
        create_app(web.integrations, base_url=BASE_URL, sink=sink), follow_redirects=False
    )
    return web
