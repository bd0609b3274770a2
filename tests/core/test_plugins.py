"""Host-wide plugins: a tryfirst status override beats the connector, a wrapper counts every call, and both
are registered into every connector's manager."""

from __future__ import annotations

from pathlib import Path

import pytest
from core_support import FAKE_ID, FakeChannel, FakeConnector
from pydantic import SecretStr

from connector_core import (
    Capability,
    ConnectorContext,
    ConnectorHost,
    HookMetrics,
    Manifest,
    OrderStatus,
    StatusOverride,
    StockLevel,
    hookimpl,
)


class Second(FakeConnector):
    """Another connector, to check that host plugins reach every manager."""

    @hookimpl
    def connector_manifest(self) -> Manifest:
        return super().connector_manifest().model_copy(update={"id": "second"})


@pytest.fixture
def metrics() -> HookMetrics:
    return HookMetrics()


@pytest.fixture
def override() -> StatusOverride:
    return StatusOverride({"READY": "on_hold", "new_status": OrderStatus.SHIPPED})


@pytest.fixture
def host(
    metrics: HookMetrics, override: StatusOverride, channel: FakeChannel, fake_schema_dir: Path
) -> ConnectorHost:
    host = ConnectorHost([override, metrics], group="none", environ={})
    host.add(FAKE_ID, FakeConnector(channel, fake_schema_dir))
    host.add("second", Second(FakeChannel(), fake_schema_dir))
    return host


def test_the_override_answers_before_the_connector(
    host: ConnectorHost, bare_context: ConnectorContext
) -> None:
    connector = host.get(FAKE_ID)

    assert (
        connector.map_order_status(bare_context, "READY", {}) is OrderStatus.ON_HOLD
    )  # the fake says awaiting_shipment
    assert connector.map_order_status(bare_context, "NEW_STATUS", {}) is OrderStatus.SHIPPED  # upper-cased


def test_the_override_wins_because_of_tryfirst_not_registration_order(
    host: ConnectorHost, bare_context: ConnectorContext
) -> None:
    class LateMapper:
        """Registered after the override: pluggy would ask it first, were the override not tryfirst."""

        @hookimpl
        def map_order_status(self, channel_status: str) -> OrderStatus:
            return OrderStatus.CANCELLED

    connector = host.get(FAKE_ID)
    connector.pm.register(LateMapper(), name="late")

    assert connector.map_order_status(bare_context, "READY", {}) is OrderStatus.ON_HOLD
    assert connector.map_order_status(bare_context, "SENT", {}) is OrderStatus.CANCELLED


def test_statuses_the_override_does_not_list_fall_through(
    host: ConnectorHost, bare_context: ConnectorContext
) -> None:
    assert host.get(FAKE_ID).map_order_status(bare_context, "SENT", {}) is OrderStatus.SHIPPED
    assert host.get(FAKE_ID).map_order_status(bare_context, "NOBODY_KNOWS", {}) is OrderStatus.ON_HOLD
    assert host.get(FAKE_ID).map_known_status(bare_context, "NOBODY_KNOWS", {}) is None


def test_an_override_can_be_limited_to_one_connector(
    channel: FakeChannel, fake_schema_dir: Path, bare_context: ConnectorContext
) -> None:
    host = ConnectorHost(
        [StatusOverride({"READY": "cancelled"}, connector="second")], group="none", environ={}
    )
    fake = host.add(FAKE_ID, FakeConnector(channel, fake_schema_dir))

    assert fake.map_order_status(bare_context, "READY", {}) is OrderStatus.AWAITING_SHIPMENT


def test_an_invalid_override_status_fails_when_it_is_built() -> None:
    with pytest.raises(ValueError, match="'shipped_ish'"):
        StatusOverride({"READY": "shipped_ish"})


def test_host_plugins_are_registered_into_every_manager(
    host: ConnectorHost, metrics: HookMetrics, override: StatusOverride
) -> None:
    for connector in host:
        assert connector.pm.is_registered(metrics), connector.id
        assert connector.pm.is_registered(override), connector.id
        assert "map_order_status" in connector.implemented_hooks()  # the connector's own, not the override's


def test_metrics_count_calls_across_connectors(
    host: ConnectorHost, metrics: HookMetrics, bare_context: ConnectorContext
) -> None:
    host.get(FAKE_ID).push_stock(bare_context, [StockLevel(sku="A", quantity=1)])
    host.get("second").push_stock(bare_context, [StockLevel(sku="A", quantity=1)])
    host.get(FAKE_ID).map_order_status(bare_context, "READY", {})

    snapshot = metrics.snapshot()
    assert snapshot["push_stock"]["calls"] == 2
    assert snapshot["push_stock"]["failures"] == 0
    assert snapshot["push_stock"]["seconds"] >= 0
    assert snapshot["map_order_status"]["calls"] == 1


def test_metrics_count_failures_and_let_the_error_through(
    host: ConnectorHost, metrics: HookMetrics, bare_context: ConnectorContext
) -> None:
    with pytest.raises(ValueError, match="unknown code"):
        host.get(FAKE_ID).exchange_code(bare_context, SecretStr("not-a-code"), {})

    assert metrics.snapshot()["exchange_code"] == {
        "calls": 1,
        "failures": 1,
        "seconds": pytest.approx(0, abs=1),
    }


def test_metrics_time_every_hook_not_only_those_of_a_capability_table(
    host: ConnectorHost, metrics: HookMetrics, bare_context: ConnectorContext
) -> None:
    from connector_core import Shipment, ShipmentParcel

    shipment = Shipment(order_id="o1", parcels=[ShipmentParcel(tracking_number="T", carrier="DHL")])
    host.get(FAKE_ID).pm.hook.plan_shipment(ctx=bare_context, shipment=shipment, held_line_ids=[])

    snapshot = metrics.snapshot()
    assert snapshot["plan_shipment"]["calls"] == 1  # optional hook, no implementation: still timed
    assert snapshot["connector_manifest"]["calls"] == 2  # once per connector, when it loaded


def test_capabilities_are_unchanged_by_host_plugins(host: ConnectorHost) -> None:
    assert host.get(FAKE_ID).capabilities == frozenset(Capability)
