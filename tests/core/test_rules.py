"""The host rules the core owns for every connector (connector_core.rules), shown on the fake connector,
which implements none of them: unknown status -> on hold with a warning, the seller's status overrides,
the stock and shipment switches; and how a host overrides them the pluggy way."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from core_support import FAKE_ID, GOOD_CREDENTIALS, FakeChannel, FakeConnector

from connector_core import (
    ConnectorContext,
    ConnectorHost,
    Integrations,
    OffsetClock,
    OrderStatus,
    Shipment,
    ShipmentNotAllowed,
    ShipmentParcel,
    SQLiteStore,
    StatusOverride,
    StockLevel,
    hookimpl,
)
from connector_core.rules import StockSyncOff


def connect(host: ConnectorHost, store: SQLiteStore, clock: OffsetClock, settings: dict[str, Any]) -> Any:
    integrations = Integrations(host, store, clock=clock)
    record = integrations.create(FAKE_ID, GOOD_CREDENTIALS, settings, name="Fake shop")
    state = integrations.open(record.id).begin_connect().split("state=")[1]
    return integrations.complete_connect({"code": "good-code", "state": state})


def host_with(fake_connector: FakeConnector, *plugins: object, **options: Any) -> ConnectorHost:
    host = ConnectorHost(plugins, group="no.such.group", environ={}, **options)
    host.add(FAKE_ID, fake_connector)
    return host


def an_order(channel: FakeChannel, clock: OffsetClock, status: str) -> None:
    channel.add_order("o-new", status, clock.now() - timedelta(minutes=1))


def test_a_status_no_one_knows_is_put_on_hold_by_the_core_with_the_raw_status_and_a_warning(
    fake_connector: FakeConnector, channel: FakeChannel, store: SQLiteStore, clock: OffsetClock
) -> None:
    an_order(channel, clock, "AWAITING_TELEPATHY")
    integration = connect(host_with(fake_connector), store, clock, {})

    [order] = integration.get_orders(["o-new"]).orders

    assert order.status is OrderStatus.ON_HOLD and order.channel_status == "AWAITING_TELEPATHY"
    assert order.warnings == [
        "channel status 'AWAITING_TELEPATHY' is not known to connector 'fake': imported as on_hold so it "
        "is not shipped; map it with the 'status_overrides' setting"
    ]
    [imported] = [o for page in integration.pull_orders() for o in page.orders]
    assert imported.status is OrderStatus.ON_HOLD and len(imported.warnings) == 1


def test_the_sellers_status_overrides_come_before_the_connectors_table_and_a_host_plugin_before_both(
    fake_connector: FakeConnector, channel: FakeChannel, store: SQLiteStore, clock: OffsetClock
) -> None:
    an_order(channel, clock, "SENT")
    overrides = {"status_overrides": {"sent": "delivered", "AWAITING_TELEPATHY": "awaiting_shipment"}}
    integration = connect(host_with(fake_connector), store, clock, overrides)
    [order] = integration.get_orders(["o-new"]).orders
    assert order.status is OrderStatus.DELIVERED and order.warnings == []

    host = host_with(fake_connector, StatusOverride({"SENT": "cancelled"}))
    channel.valid_codes.add("good-code")
    [order] = connect(host, store, clock, overrides).get_orders(["o-new"]).orders
    assert order.status is OrderStatus.CANCELLED


class UnknownMeansCancelled:
    """A host's own last word on unknown statuses (asked before the core's default)."""

    @hookimpl(trylast=True)
    def map_order_status(self, ctx: ConnectorContext, channel_status: str) -> OrderStatus | None:
        return OrderStatus.CANCELLED


def test_a_host_overrides_the_on_hold_default_with_a_trylast_plugin_of_its_own(
    fake_connector: FakeConnector, channel: FakeChannel, store: SQLiteStore, clock: OffsetClock
) -> None:
    an_order(channel, clock, "AWAITING_TELEPATHY")
    integration = connect(host_with(fake_connector, UnknownMeansCancelled()), store, clock, {})

    [order] = integration.get_orders(["o-new"]).orders

    assert order.status is OrderStatus.CANCELLED and order.warnings == []


def test_stock_sync_off_refuses_before_the_connector_is_called(
    fake_connector: FakeConnector, channel: FakeChannel, store: SQLiteStore, clock: OffsetClock
) -> None:
    integration = connect(host_with(fake_connector), store, clock, {"stock_sync": False})

    with pytest.raises(StockSyncOff, match="stock sync is off; enable 'stock_sync'"):
        integration.push_stock([StockLevel(sku="A", quantity=1)])
    assert channel.calls["push_stock"] == 0


def test_push_shipments_off_refuses_before_the_connector_is_called(
    fake_connector: FakeConnector, channel: FakeChannel, store: SQLiteStore, clock: OffsetClock
) -> None:
    integration = connect(host_with(fake_connector), store, clock, {"push_shipments": False})
    shipment = Shipment(order_id="o1", parcels=[ShipmentParcel(tracking_number="T1", carrier="DHL")])

    with pytest.raises(ShipmentNotAllowed, match=r"switched off .*'push_shipments'"):
        integration.confirm_shipment(shipment)
    assert channel.calls["confirm_shipment"] == 0


def test_a_host_may_drop_the_core_rules(
    fake_connector: FakeConnector, channel: FakeChannel, store: SQLiteStore, clock: OffsetClock
) -> None:
    integration = connect(host_with(fake_connector, rules=list), store, clock, {"stock_sync": False})
    assert integration.context().map_status("NOBODY_KNOWS", {}) is None  # the connector's answer only

    integration.push_stock([StockLevel(sku="A", quantity=1)])

    assert channel.calls["push_stock"] == 1
