"""Host requests through the outbox, run by the in-process sink: recorded before they are accepted, bad
input refused at once in one line, a repeated key one request, a failure reported on its row."""

from __future__ import annotations

from datetime import timedelta

import pytest
from web_support import Web

from connector_core.work.outbox import record_request, run_work
from connector_core.work.sink import InProcessSink


def test_a_stock_request_is_recorded_run_once_and_its_outcome_kept(web: Web) -> None:
    web.connect()
    store = web.integrations.store
    sku = web.emu.seller_skus(web.emu.shops[0]["cipher"])[0]
    payload = {"levels": [{"sku": sku, "quantity": 12}]}
    key = record_request(store, web.integration_id, "push_stock", payload, key="host-1")
    assert record_request(store, web.integration_id, "push_stock", {"levels": []}, key="host-1") == "host-1"
    assert store.get_work(web.integration_id, "push_stock", key).status == "pending"  # type: ignore[union-attr]
    first = run_work(web.integrations, web.integration_id, "push_stock", [key])
    again = run_work(web.integrations, web.integration_id, "push_stock", [key])
    work = store.get_work(web.integration_id, "push_stock", key)
    assert work is not None and work.status == "done" and work.attempts == 1
    assert first["ok"] and again["ok"]
    assert again["work"][key]["status"] == "done"  # the second run read the outcome, sent nothing


def test_bad_input_is_refused_before_anything_is_recorded(web: Web) -> None:
    web.connect()
    with pytest.raises(ValueError) as refused:
        record_request(web.integrations.store, web.integration_id, "push_stock", {"levels": [{"sku": ""}]})
    assert "\n" not in str(refused.value).splitlines()[0]
    with pytest.raises(ValueError, match="not a request"):
        record_request(web.integrations.store, web.integration_id, "webhook", {})
    assert web.integrations.store.list_work(web.integration_id) == []


def test_a_request_the_channel_refuses_is_reported_failed_on_its_row(web: Web) -> None:
    web.connect()
    store = web.integrations.store
    shipment = {"order_id": "no-such-order", "parcels": [{"tracking_number": "T1", "carrier": "DPD"}]}
    sink = InProcessSink(web.integrations, sweep_every=timedelta(hours=1))
    try:
        key = record_request(store, web.integration_id, "confirm_shipment", {"shipment": shipment})
        sink.run_recorded(web.integration_id, "confirm_shipment", [key])
        assert sink.join(timeout=60)
    finally:
        sink.close()
    work = store.get_work(web.integration_id, "confirm_shipment", key)
    assert work is not None and work.status == "failed"
    assert work.outcome and "no-such-order" in work.outcome["error"]
