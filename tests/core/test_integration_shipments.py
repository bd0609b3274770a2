"""Confirming shipments through a connector double: each parcel confirmed once (however it is spelled or
repeated), refused parcels not remembered, and a connector answering for the wrong parcels is an error."""

from __future__ import annotations

from typing import Any

import pytest
from core_support import (
    FakeChannel,
    FakeConnector,
    open_with,
)

from connector_core import (
    ConnectorError,
    Integration,
    Integrations,
    OffsetClock,
    Shipment,
    ShipmentReport,
    SQLiteStore,
    hookimpl,
)
from connector_core.flows import parcel_fingerprint


def shipment(tracking: str = "TRACK-1") -> Shipment:
    return Shipment(order_id="o1", parcels=[{"tracking_number": tracking, "carrier": "DHL"}])


def test_a_shipment_is_confirmed_once(connected: Integration, channel: FakeChannel) -> None:
    first = connected.confirm_shipment(shipment())

    assert [p.outcome for p in first.parcels] == ["confirmed"]
    assert first.calls == 1
    assert channel.calls["confirm_shipment"] == 1


def test_a_repeated_confirmation_makes_no_second_call(connected: Integration, channel: FakeChannel) -> None:
    connected.confirm_shipment(shipment())

    again = connected.confirm_shipment(shipment())

    assert [p.outcome for p in again.parcels] == ["already_confirmed"]
    assert again.parcels[0].package_id == "pkg-1"
    assert again.calls == 0
    assert channel.calls["confirm_shipment"] == 1


def test_the_repeat_matches_despite_case_and_spacing(connected: Integration, channel: FakeChannel) -> None:
    connected.confirm_shipment(shipment("track-1"))

    again = connected.confirm_shipment(
        Shipment(order_id="o1", parcels=[{"tracking_number": " TRACK-1 ", "carrier": " dhl"}])
    )

    assert [p.outcome for p in again.parcels] == ["already_confirmed"]
    assert channel.calls["confirm_shipment"] == 1


def test_a_new_parcel_on_a_confirmed_order_is_sent_alone(
    connected: Integration, channel: FakeChannel
) -> None:
    connected.confirm_shipment(shipment("TRACK-1"))

    report = connected.confirm_shipment(
        Shipment(
            order_id="o1",
            parcels=[
                {"tracking_number": "TRACK-1", "carrier": "DHL"},
                {"tracking_number": "TRACK-2", "carrier": "DHL"},
            ],
        )
    )

    assert [p.outcome for p in report.parcels] == ["already_confirmed", "confirmed"]
    assert [s["tracking"] for s in channel.shipments] == ["TRACK-1", "TRACK-2"]
    assert len(connected.context().previous_shipments("o1")) == 2


def test_a_rejected_parcel_is_not_remembered(
    integrations: Integrations, fake_schema_dir: Any, store: SQLiteStore, clock: OffsetClock
) -> None:
    channel = FakeChannel()

    class Rejecting(FakeConnector):
        @hookimpl
        def confirm_shipment(self, shipment: Shipment) -> ShipmentReport:
            self.channel.calls["confirm_shipment"] += 1
            return ShipmentReport(
                order_id=shipment.order_id,
                parcels=[
                    {
                        "tracking_number": p.tracking_number,
                        "carrier": p.carrier,
                        "outcome": "rejected",
                        "code": "E1",
                    }
                    for p in shipment.parcels
                ],
                calls=1,
            )

    integration = open_with(Rejecting(channel, fake_schema_dir), store, clock)

    integration.confirm_shipment(shipment())
    integration.confirm_shipment(shipment())

    assert channel.calls["confirm_shipment"] == 2
    intents = integration.store.list_intents(integration.id, kind="shipment", key_prefix="o1/")
    assert [i.status for i in intents] == ["refused"]


def test_a_connector_answering_for_the_wrong_number_of_parcels_is_an_error(
    fake_schema_dir: Any, store: SQLiteStore, clock: OffsetClock
) -> None:
    channel = FakeChannel()

    class Forgetful(FakeConnector):
        @hookimpl
        def confirm_shipment(self, shipment: Shipment) -> ShipmentReport:
            return ShipmentReport(order_id=shipment.order_id, parcels=[], calls=1)

    integration = open_with(Forgetful(channel, fake_schema_dir), store, clock)

    with pytest.raises(ConnectorError, match="0 parcel results for 1 parcel"):
        integration.confirm_shipment(shipment())


def test_the_fingerprint_ignores_line_order_but_not_lines() -> None:
    a = Shipment(
        order_id="o",
        parcels=[{"tracking_number": "T", "carrier": "c", "lines": [{"sku": "A"}, {"sku": "B"}]}],
    ).parcels[0]
    b = Shipment(
        order_id="o",
        parcels=[{"tracking_number": "T", "carrier": "c", "lines": [{"sku": "B"}, {"sku": "A"}]}],
    ).parcels[0]
    c = Shipment(
        order_id="o", parcels=[{"tracking_number": "T", "carrier": "c", "lines": [{"sku": "A"}]}]
    ).parcels[0]

    assert parcel_fingerprint("o", a) == parcel_fingerprint("o", b)
    assert parcel_fingerprint("o", a) != parcel_fingerprint("o", c)
    assert parcel_fingerprint("o", a) != parcel_fingerprint("other", a)


def test_a_parcel_listed_twice_in_one_shipment_is_sent_once(
    connected: Integration, channel: FakeChannel
) -> None:
    parcel = {"tracking_number": "TWICE-1", "carrier": "DHL"}
    report = connected.confirm_shipment(Shipment(order_id="o1", parcels=[parcel, parcel]))

    assert [p.outcome for p in report.parcels] == ["confirmed", "confirmed"]
    assert channel.calls["confirm_shipment"] == 1
    assert len(connected.store.list_intents(connected.id, kind="shipment", key_prefix="o1/")) == 1
