"""Never acknowledge what was not durably taken: a webhook answered 200 has its work in the outbox, whatever
the sink does, and an overlapping retry of the same delivery never makes an event vanish.

Before the outbox, the receiver remembered an event, handed it to the sink, and forgot it again when the
sink refused: a retry arriving in between was answered 200 as a duplicate and the event was never
processed (216 of 1,200 events lost in a burst where the sink refused 30%)."""

from __future__ import annotations

import random
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

from web_support import Web

from connector_core import WebhookEvent
from connector_core.store import StoreUnavailable
from connector_core.web import SinkFull
from connector_core.work.outbox import WEBHOOK, due_work, run_work

DELIVERIES = 150


class FlakySink:
    """Refuses about 30% of hand-offs, as a busy broker would; records what it took."""

    def __init__(self, seed: int) -> None:
        self.random = random.Random(seed)
        self.lock = threading.Lock()
        self.taken: list[str] = []

    def webhook_events(self, integration_id: str, events: Sequence[WebhookEvent]) -> None:
        with self.lock:
            if self.random.random() < 0.3:
                raise SinkFull("the queue is full")
            self.taken.extend(e.id for e in events)

    def pull_now(self, integration_id: str) -> None:
        raise SinkFull("busy")


def test_a_burst_with_a_refusing_sink_and_overlapping_retries_loses_no_acknowledged_event(
    make_web: Any,
) -> None:
    sink = FlakySink(seed=22)
    web: Web = make_web(sink=sink)
    web.connect()
    shop = web.shop_ids()[0]
    deliveries = [web.delivery(shop, notification=f"73271123930{n:08d}") for n in range(DELIVERIES)]
    acknowledged: set[str] = set()
    lock = threading.Lock()

    def send(index: int) -> None:
        body, headers = deliveries[index]
        for _ in range(5):  # the channel retries until it gets a 200
            if web.client.post("/webhooks/tiktok_shop", content=body, headers=headers).status_code == 200:
                with lock:
                    acknowledged.add(f"73271123930{index:08d}")
                return

    # Every delivery is sent twice at once: the retry overlaps the first attempt.
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(send, [i for i in range(DELIVERIES) for _ in range(2)]))

    store = web.integrations.store
    recorded = {w.key: w for w in store.list_work(web.integration_id, kind="webhook")}
    assert acknowledged == set(recorded), "every acknowledged event is recorded, nothing else is"
    assert len(acknowledged) == DELIVERIES
    assert len(sink.taken) == len(set(sink.taken)), "each event was handed over once"
    refused = set(recorded) - set(sink.taken)
    assert refused, "the sink refused some: the test exercised the refusal"
    # What the sink refused is still pending, and the sweeper hands every one of them out again.
    assert all(recorded[key].status == "pending" for key in refused)
    handed_again = {key for _, _, keys in due_work(store, grace=timedelta(0)) for key in keys}
    assert refused <= handed_again


def test_a_store_that_cannot_record_answers_503_so_the_channel_retries(web: Web) -> None:
    web.connect()
    body, headers = web.delivery(web.shop_ids()[0])
    store = web.integrations.store
    original = store.add_work

    def unavailable(*args: Any, **kwargs: Any) -> bool:
        raise StoreUnavailable("test-db:5432", "the connection dropped")

    store.add_work = unavailable  # type: ignore[method-assign]
    try:
        assert web.client.post("/webhooks/tiktok_shop", content=body, headers=headers).status_code == 503
    finally:
        store.add_work = original  # type: ignore[method-assign]
    answer = web.client.post("/webhooks/tiktok_shop", content=body, headers=headers)
    assert answer.status_code == 200
    assert answer.json()["new_events"] == 1
    assert web.sink.events and web.sink.events[0][0] == web.integration_id


def test_one_delivery_through_the_host_call_and_the_web_receiver_is_handled_once(web: Web) -> None:
    # A host that calls Integration.receive_webhook itself (or the worker's receive_webhook task) and the
    # web receiver record into one outbox: whichever takes the delivery first, the other finds it taken.
    web.connect()
    integration = web.integrations.open(web.integration_id)
    shop = web.shop_ids()[0]
    orders = web.emu.order_ids(shop_cipher=web.emu.shops[0]["cipher"])[1:3]
    first = web.delivery(shop, order_id=orders[0], notification="7327112393000000001")
    second = web.delivery(shop, order_id=orders[1], notification="7327112393000000002")

    body, headers = first  # the host's own call first, then the channel's retry reaches the web receiver
    assert len(integration.receive_webhook(headers, body)) == 1
    answer = web.client.post("/webhooks/tiktok_shop", content=body, headers=headers)
    assert answer.status_code == 200 and answer.json()["new_events"] == 0
    assert web.sink.events == []

    body, headers = second  # the other way round
    assert web.client.post("/webhooks/tiktok_shop", content=body, headers=headers).json()["new_events"] == 1
    assert integration.receive_webhook(headers, body) == []

    delivered: list[str] = []

    def receiver(integration_id: str, account_id: str, page: Any, delivery: str) -> None:
        delivered.extend(order.id for order in page.orders)

    keys = [item.key for item in web.integrations.store.list_work(web.integration_id, kind=WEBHOOK)]
    assert len(keys) == 2
    for _ in range(2):  # a redelivered task finds the work finished
        run_work(web.integrations, web.integration_id, WEBHOOK, keys, receiver)
    assert sorted(delivered) == sorted(orders)  # each order handed over once
    items = web.integrations.store.list_work(web.integration_id, kind=WEBHOOK)
    assert [(item.status, item.attempts) for item in items] == [("done", 1), ("done", 1)]
