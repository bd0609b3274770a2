"""Shipment confirmation against the emulator: multi-parcel, idempotency, lost answers, markets, carriers."""

from __future__ import annotations

import pytest
from seller_orders import carrier_for, carriers_for, seller_order

from connector_core import ChannelUnavailable, Shipment, ShipmentLine, ShipmentNotAllowed, ShipmentParcel


def parcel(tracking: str, carrier: str, *lines: ShipmentLine) -> ShipmentParcel:
    return ShipmentParcel(tracking_number=tracking, carrier=carrier, lines=list(lines))


def test_multi_parcel_confirmation_ships_each_parcel_as_its_own_package(make_world):
    world = make_world(orders=600)
    order = seller_order(world, min_units=2)
    carrier = carrier_for(world, order)
    first, *rest = order["line_items"]
    shipment = Shipment(
        order_id=order["id"],
        parcels=[
            parcel("TRK-A1", carrier, ShipmentLine(channel_line_ids=[first["id"]])),
            parcel("TRK-A2", carrier, ShipmentLine(channel_line_ids=[li["id"] for li in rest])),
        ],
    )
    report = world.integration.confirm_shipment(shipment)
    assert [p.outcome for p in report.parcels] == ["confirmed", "confirmed"]
    assert report.calls == 2
    packages = {p.package_id for p in report.parcels}
    assert len(packages) == 2 and None not in packages
    shipped = world.emu.order(order["id"])
    assert shipped["status"] == "AWAITING_COLLECTION"
    assert {li["tracking_number"] for li in shipped["line_items"]} == {"TRK-A1", "TRK-A2"}


def test_shipping_part_of_an_order_leaves_it_partially_shipped(make_world):
    world = make_world(orders=600)
    order = seller_order(world, min_units=2)
    sku = order["line_items"][0]["seller_sku"]
    report = world.integration.confirm_shipment(
        Shipment(
            order_id=order["id"],
            parcels=[parcel("TRK-P1", carrier_for(world, order), ShipmentLine(sku=sku, quantity=1))],
        )
    )
    assert report.parcels[0].outcome == "confirmed"
    assert world.emu.order(order["id"])["status"] == "PARTIALLY_SHIPPING"


def test_a_repeated_confirmation_makes_no_second_call(make_world):
    world = make_world(orders=600)
    order = seller_order(world)
    shipment = Shipment(order_id=order["id"], parcels=[parcel("TRK-R1", carrier_for(world, order))])
    assert world.integration.confirm_shipment(shipment).parcels[0].outcome == "confirmed"
    world.emu.stats.reset()
    again = world.integration.confirm_shipment(shipment)
    assert again.parcels[0].outcome == "already_confirmed" and again.calls == 0
    assert world.emu.stats.calls() == 0


def test_a_lost_answer_then_a_retry_ships_once(make_world):
    world = make_world(orders=600)
    order = seller_order(world)
    shipment = Shipment(order_id=order["id"], parcels=[parcel("TRK-L1", carrier_for(world, order))])
    world.emu.faults.lose_answer(rf"/fulfillment/202309/orders/{order['id']}/packages$")
    with pytest.raises(ChannelUnavailable, match="may or may not have been applied"):
        world.integration.confirm_shipment(shipment)
    retried = world.integration.confirm_shipment(shipment)
    assert retried.parcels[0].outcome == "already_confirmed"
    assert len(world.emu.order(order["id"])["packages"]) == 1
    done = world.integration.store.list_intents(
        world.integration.id, key_prefix=f"{order['id']}/", status="done"
    )
    assert len(done) == 1


def test_a_market_outside_us_uk_ships_by_package_id(make_world):
    world = make_world(orders=900)
    world.use_shop("DE")
    order = seller_order(world, region="DE")
    world.emu.stats.reset()
    report = world.integration.confirm_shipment(
        Shipment(order_id=order["id"], parcels=[parcel("TRK-DE1", carrier_for(world, order))])
    )
    assert report.parcels[0].outcome == "confirmed"
    by_path = world.emu.stats.by_path()
    assert any(path.endswith("/ship") for path in by_path)
    assert not any(path.endswith(f"orders/{order['id']}/packages") for path in by_path)


def test_carrier_names_are_matched_loosely_and_aliases_apply(make_world):
    world = make_world(orders=600, settings={"carrier_aliases": {"RM48": "Royal Mail"}})
    order = seller_order(world)
    if "Royal Mail" not in carriers_for(world, order):
        pytest.skip("Royal Mail is not offered for this order")
    report = world.integration.confirm_shipment(
        Shipment(order_id=order["id"], parcels=[parcel("TRK-C1", "rm 48")])
    )
    assert report.parcels[0].outcome == "confirmed"


def test_an_unknown_carrier_fails_with_the_valid_names(make_world):
    world = make_world(orders=600)
    order = seller_order(world)
    report = world.integration.confirm_shipment(
        Shipment(order_id=order["id"], parcels=[parcel("TRK-U1", "Pigeon Post")])
    )
    (result,) = report.parcels
    assert result.outcome == "rejected" and report.calls == 0
    assert all(name in result.message for name in carriers_for(world, order))


def test_a_tracking_correction_updates_the_shipping_info(make_world):
    world = make_world(orders=600)
    order = seller_order(world)
    carrier = carrier_for(world, order)
    world.integration.confirm_shipment(Shipment(order_id=order["id"], parcels=[parcel("TRK-OLD", carrier)]))
    correction = parcel("TRK-NEW", carrier).model_copy(update={"replaces": "TRK-OLD"})
    report = world.integration.confirm_shipment(Shipment(order_id=order["id"], parcels=[correction]))
    assert report.parcels[0].outcome == "tracking_updated"
    assert {li["tracking_number"] for li in world.emu.order(order["id"])["line_items"]} == {"TRK-NEW"}


def test_tiktok_shipping_orders_are_refused_clearly(make_world):
    world = make_world(orders=600)
    cipher = world.shop("GB")["cipher"]
    ids = world.emu.order_ids(status="AWAITING_SHIPMENT", shop_cipher=cipher, shipping_type="TIKTOK")
    if not ids:
        pytest.skip("no TikTok-shipped order awaiting shipment")
    with pytest.raises(ShipmentNotAllowed, match="TikTok Shipping"):
        world.integration.confirm_shipment(Shipment(order_id=ids[0], parcels=[parcel("T", "DPD")]))
