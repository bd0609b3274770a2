"""The flows keep truthful ledgers when an answer is lost, a quantity is impossible, a page is refused
or a twin runs at the same time (fake channel; the emulator versions are in tests/reliability)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from core_support import FAKE_ID, GOOD_CREDENTIALS, FakeChannel, FakeConnector

from connector_core import (
    ChannelUnavailable,
    ConnectorContext,
    ConnectorHost,
    Integration,
    Integrations,
    LeaseBusy,
    OrderPage,
    OrderWindow,
    Shipment,
    ShipmentParcel,
    SQLiteStore,
    StockLevel,
    StockReport,
    hookimpl,
)
from connector_core.clock import OffsetClock
from connector_core.flows import shipments, stream_name
from connector_core.store import lease_owner


class LossyConnector(FakeConnector):
    """Applies every stock push, then loses the answer while `lose` is set."""

    lose = False

    @hookimpl
    def push_stock(self, levels: Sequence[StockLevel]) -> StockReport:
        report = super().push_stock(levels)
        if self.lose:
            raise ChannelUnavailable("Fake Channel", 0, "the connection dropped before the answer arrived")
        return report


class RefusingSecondPage(FakeConnector):
    """Serves the first page, then a page the connector cannot believe (retried, then reported)."""

    @hookimpl
    def fetch_orders(
        self, ctx: ConnectorContext, window: OrderWindow, resume: str | None
    ) -> Iterator[OrderPage]:
        pages = super().fetch_orders(ctx, window, resume)
        yield next(pages)
        raise ChannelUnavailable("Fake Channel", 0, "page 2 carries no data; retried 3 times")


def connected_with(connector: FakeConnector, store: SQLiteStore, clock: OffsetClock) -> Integration:
    host = ConnectorHost(group="none", environ={})
    host.add(FAKE_ID, connector)
    integrations = Integrations(host, store, clock=clock)
    record = integrations.create(FAKE_ID, GOOD_CREDENTIALS, {"stock_sync": True})
    state = integrations.open(record.id).begin_connect().split("state=")[1]
    return integrations.complete_connect({"code": "good-code", "state": state})


@pytest.fixture
def lossy(
    fake_schema_dir: Path, store: SQLiteStore, clock: OffsetClock
) -> tuple[Integration, LossyConnector]:
    connector = LossyConnector(FakeChannel(stock={"A": 0, "B": 0}), fake_schema_dir)
    return connected_with(connector, store, clock), connector


def test_a_level_whose_answer_was_lost_is_pending_and_sent_again_even_if_unchanged(lossy: Any) -> None:
    integration, connector = lossy
    integration.push_stock([StockLevel(sku="A", quantity=5)])

    connector.lose = True
    with pytest.raises(ChannelUnavailable):
        integration.push_stock([StockLevel(sku="A", quantity=50)])  # TikTok applied 50; we never heard
    row = integration.store.stock_levels(integration.id, integration.account_id)[("A", None)]
    assert (row.quantity, row.pending) == (5, 50)
    assert integration.status().uncertain_stock == ["A"]

    connector.lose = False
    report = integration.push_stock([StockLevel(sku="A", quantity=5)])  # the host's level is 5 again

    assert [r.outcome for r in report.results] == ["updated"], "the old level was skipped as unchanged"
    assert connector.channel.stock["A"] == 5
    row = integration.store.stock_levels(integration.id, integration.account_id)[("A", None)]
    assert (row.quantity, row.pending) == (5, None)


def test_an_impossible_quantity_is_invalid_by_name_and_the_rest_still_goes(lossy: Any) -> None:
    integration, connector = lossy

    report = integration.push_stock([StockLevel(sku="A", quantity=10**20), StockLevel(sku="B", quantity=3)])

    by_sku = {r.sku: r for r in report.results}
    assert by_sku["A"].outcome == "invalid"
    assert "SKU 'A': quantity 100000000000000000000 is outside 0..2147483647" in (by_sku["A"].message or "")
    assert by_sku["B"].outcome == "updated" and connector.channel.stock == {"A": 0, "B": 3}
    assert set(integration.store.stock_levels(integration.id, integration.account_id)) == {("B", None)}


def test_a_refused_page_fails_the_run_and_the_watermark_stays(
    fake_schema_dir: Path, store: SQLiteStore, clock: OffsetClock
) -> None:
    channel = FakeChannel()
    for n in range(1, 6):
        channel.add_order(f"o{n}", "READY", clock.now() - timedelta(hours=6 - n))
    integration = connected_with(RefusingSecondPage(channel, fake_schema_dir), store, clock)

    taken = []
    with pytest.raises(ChannelUnavailable, match="page 2 carries no data"):
        for page in integration.pull_orders():
            taken.extend(o.id for o in page.orders)

    cursor = integration.store.get_cursor(integration.id, stream_name(integration.session, None, None, None))
    assert taken == ["o1", "o2"]
    assert cursor is None or "watermark" not in cursor, "a failed run moved the watermark"
    run = integration.store.last_runs(integration.id, flow="pull_orders")[0]
    assert not run.ok and "page 2 carries no data" in run.summary["error"]


@pytest.fixture
def connected_shipper(connected: Integration, monkeypatch: pytest.MonkeyPatch) -> Integration:
    monkeypatch.setattr(shipments, "SHIPMENT_LEASE_WAIT", timedelta(seconds=0.2))
    return connected


def one_parcel(tracking: str = "T-1") -> Shipment:
    return Shipment(order_id="o1", parcels=[ShipmentParcel(tracking_number=tracking, carrier="DHL")])


def lease_name(integration: Integration) -> str:
    return f"shipments:{integration.id}:{integration.account_id}:o1"


def test_a_twin_that_finds_the_confirmation_done_reports_it_done(connected_shipper: Integration) -> None:
    connected_shipper.confirm_shipment(one_parcel())
    other = lease_owner()
    assert connected_shipper.store.try_lock(lease_name(connected_shipper), other, timedelta(minutes=1))

    report = connected_shipper.confirm_shipment(one_parcel())

    assert [p.outcome for p in report.parcels] == ["already_confirmed"] and report.calls == 0


def test_a_twin_that_finds_the_confirmation_running_says_who_runs_it_since_when(
    connected_shipper: Integration, channel: FakeChannel
) -> None:
    assert connected_shipper.store.try_lock(
        lease_name(connected_shipper), "ship-host:4242:abcd", timedelta(minutes=1)
    )

    with pytest.raises(
        LeaseBusy, match=r"a confirmation of order o1 is running since .* UTC \(owner ship-host:4242\)"
    ):
        connected_shipper.confirm_shipment(one_parcel())
    assert channel.calls["confirm_shipment"] == 0


def test_runs_are_recorded_for_status_pages(lossy: Any) -> None:
    integration, _ = lossy
    integration.push_stock([StockLevel(sku="A", quantity=2), StockLevel(sku="GHOST", quantity=1)])

    [run] = integration.store.last_runs(integration.id, flow="push_stock")
    assert run.ok and run.account_id == integration.account_id
    assert run.summary["updated"] == 1 and run.summary["unknown_sku"] == 1
    assert integration.status().last_runs[0] == run


def test_a_confirmation_from_before_per_shop_ledgers_counts_but_a_cursor_under_no_shop_is_no_shops(
    connected: Integration, channel: FakeChannel, clock: OffsetClock
) -> None:
    # Rows under no shop (the store's migration moves them to the shop the old release served; these are
    # written after it). Order ids are the channel's, so a done shipment still counts; a cursor is a
    # position in one shop's orders, so no shop starts from it (issue 22: the new shop imported nothing).
    shipment = one_parcel("OLD-1")
    key = f"o1/{shipments.parcel_fingerprint('o1', shipment.parcels[0])}"
    payload = {"order_id": "o1", "tracking_number": "OLD-1", "carrier": "DHL", "line_ids": ["l1"]}
    connected.store.begin_intent(connected.id, "", "shipment", key, payload)
    connected.store.finish_intent(connected.id, "", "shipment", key, "done", {"package_id": "p-old"})
    watermark = clock.now() - timedelta(hours=1)
    connected.store.set_cursor(connected.id, "orders", f'{{"watermark": "{watermark.isoformat()}"}}')

    report = connected.confirm_shipment(shipment)
    list(connected.pull_orders())

    assert [p.outcome for p in report.parcels] == ["already_confirmed"] and channel.calls[
        "confirm_shipment"
    ] == 0
    assert channel.fetch_windows[-1].since < watermark - timedelta(minutes=5)
