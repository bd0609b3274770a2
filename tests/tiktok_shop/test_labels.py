"""TikTok Shipping labels through the integration, against the emulator: US buys, UK/EU split and ship."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest

from connector_core import (
    Dimensions,
    InvalidInput,
    LabelNotAllowed,
    LabelParcel,
    LabelVoidUnsupported,
    Shipment,
    ShipmentNotAllowed,
    ShipmentParcel,
    Weight,
)
from connector_core.models import HandoverChoice
from connectors.tiktok_shop.labels import check_split_rules

CREATE_PACKAGES = "/fulfillment/202309/packages"


def tiktok_shipping_order(
    world: Any, region: str, min_lines: int = 2, shipping: str = "TIKTOK"
) -> dict[str, Any]:
    cipher = world.shop(region)["cipher"]
    for order_id in world.emu.order_ids(
        status="AWAITING_SHIPMENT", shop_cipher=cipher, shipping_type=shipping
    ):
        order = world.emu.order(order_id)
        if len(order["line_items"]) >= min_lines:
            return order
    raise AssertionError("no such order in the seeded world")


def line_ids(order: dict[str, Any]) -> list[str]:
    return [line["id"] for line in order["line_items"]]


def two_boxes(order: dict[str, Any]) -> list[list[str]]:
    ids = line_ids(order)
    return [ids[:1], ids[1:]]


def calls(world: Any, path: str) -> int:
    return world.emu.stats.by_path().get(path, 0)


@pytest.fixture
def us(make_world: Any) -> Any:
    world = make_world(orders=600)
    world.use_shop("US")
    return world


@pytest.fixture
def gb(make_world: Any) -> Any:
    return make_world(orders=1200)


def test_a_us_order_gets_two_labels_once(us: Any) -> None:
    order = tiktok_shipping_order(us, "US")
    report = us.integration.create_labels(order["id"], two_boxes(order))
    assert [r.outcome for r in report.results] == ["created", "created"]
    labels = [r.label for r in report.results]
    assert all(label is not None for label in labels)
    assert len({label.package_id for label in labels}) == 2
    for label in labels:
        assert label.document.startswith(b"%PDF-") and label.tracking_number and label.carrier
        assert label.tracking_number.encode() in label.document
    assert us.emu.order(order["id"])["status"] == "AWAITING_COLLECTION"
    bought = calls(us, CREATE_PACKAGES)
    assert bought == 2

    again = us.integration.create_labels(order["id"], two_boxes(order))
    assert [r.outcome for r in again.results] == ["already_created", "already_created"]
    assert calls(us, CREATE_PACKAGES) == bought
    assert [r.label.document for r in again.results] == [label.document for label in labels]
    ledger = us.integration.labels(order["id"])
    assert sorted(label.package_id for label in ledger) == sorted(label.package_id for label in labels)


def test_weight_and_size_reach_tiktok_and_a_too_heavy_box_buys_nothing(us: Any) -> None:
    order = tiktok_shipping_order(us, "US", min_lines=1)
    heavy = LabelParcel(
        order_id=order["id"], channel_line_ids=line_ids(order), weight=Weight(value=Decimal(90), unit="kg")
    )
    refused = us.integration.create_labels(order["id"], [heavy])
    assert refused.results[0].outcome == "refused"
    assert "lower the weight" in (refused.results[0].message or "")
    assert us.emu.order(order["id"])["status"] == "AWAITING_SHIPMENT"
    # A refusal bought nothing, so the same box may be labelled with a new choice of weight.
    light = heavy.model_copy(
        update={
            "weight": Weight(value=Decimal("1.5"), unit="lb"),
            "dimensions": Dimensions(length=Decimal(20), width=Decimal(15), height=Decimal(5), unit="cm"),
        }
    )
    services = us.integration.shipping_services(light)
    assert services and sum(s.is_default for s in services) == 1 and all(s.price for s in services)
    ups = next(s for s in services if s.carrier == "UPS")
    created = us.integration.create_labels(order["id"], [light], service_id=ups.id)
    label = created.results[0].label
    assert label is not None and label.carrier == "UPS" and label.service == ups.name


def test_a_uk_order_is_split_then_each_package_shipped_by_drop_off(gb: Any) -> None:
    order = tiktok_shipping_order(gb, "GB")
    report = gb.integration.create_labels(order["id"], two_boxes(order))
    assert [r.outcome for r in report.results] == ["created", "created"]
    after = gb.emu.order(order["id"])
    assert len(after["packages"]) == 2 and after["status"] == "AWAITING_COLLECTION"
    assert all(r.label and r.label.handover and r.label.handover.method == "drop_off" for r in report.results)
    splits = calls(gb, f"/fulfillment/202309/orders/{order['id']}/split")
    assert splits == 1
    again = gb.integration.create_labels(order["id"], two_boxes(order))
    assert [r.outcome for r in again.results] == ["already_created", "already_created"]
    assert calls(gb, f"/fulfillment/202309/orders/{order['id']}/split") == splits


def test_a_uk_box_can_be_collected_in_an_offered_pickup_slot(gb: Any) -> None:
    order = tiktok_shipping_order(gb, "GB", min_lines=1)
    box = LabelParcel(order_id=order["id"], channel_line_ids=line_ids(order))
    choices = gb.integration.handover_choices(box)
    assert {c.method for c in choices} == {"drop_off", "pickup"}
    slot = next(c for c in choices if c.method == "pickup" and c.available)
    assert gb.integration.shipping_services(box) == []  # TikTok assigned the carrier with the order
    report = gb.integration.create_labels(order["id"], [box], handover=slot)
    label = report.results[0].label
    assert label is not None and label.handover == slot


def test_orders_tiktok_does_not_label_are_refused_with_what_to_do(us: Any) -> None:
    seller = tiktok_shipping_order(us, "US", min_lines=1, shipping="SELLER")
    with pytest.raises(LabelNotAllowed, match="Seller Shipping"):
        us.integration.create_labels(seller["id"], [line_ids(seller)])
    frozen = tiktok_shipping_order(us, "US", min_lines=1)
    us.emu.freeze_order(frozen["id"])
    report = us.integration.create_labels(frozen["id"], [line_ids(frozen)])
    assert report.results[0].outcome == "refused" and "freeze" in (report.results[0].message or "")
    with pytest.raises(LabelNotAllowed, match="not on the order"):
        us.integration.create_labels(frozen["id"], [["123"]])


def test_bad_boxes_name_the_box(us: Any) -> None:
    order = tiktok_shipping_order(us, "US")
    ids = line_ids(order)
    with pytest.raises(InvalidInput, match="box 2"):
        us.integration.create_labels(order["id"], [ids, ids[:1]])
    with pytest.raises(InvalidInput, match="at least one box"):
        us.integration.create_labels(order["id"], [])
    with pytest.raises(InvalidInput, match="box 1"):
        us.integration.create_labels(order["id"], [[" "]])


def test_reprint_fetches_a_fresh_copy_and_falls_back_to_the_kept_one_after_pickup(us: Any) -> None:
    order = tiktok_shipping_order(us, "US", min_lines=1)
    label = us.integration.create_labels(order["id"], [line_ids(order)]).results[0].label
    assert label is not None and label.document_url_expires_at is not None
    day = timedelta(hours=25)
    us.emu.clock.advance(day)
    us.clock.advance(day)
    fresh = us.integration.reprint(label.package_id)
    assert fresh.document.startswith(b"%PDF-") and fresh.document_url != label.document_url
    us.emu.set_order_status(order["id"], "IN_TRANSIT")
    kept = us.integration.reprint(label.package_id)
    assert kept.document.startswith(b"%PDF-") and "kept" in kept.warnings[0]


def test_void_says_to_use_seller_center(us: Any) -> None:
    with pytest.raises(LabelVoidUnsupported, match="Seller Center"):
        us.integration.void_label("1153132168000000000")


def test_confirming_a_tiktok_shipping_order_points_at_the_label_flow(gb: Any) -> None:
    order = tiktok_shipping_order(gb, "GB", min_lines=1)
    shipment = Shipment(order_id=order["id"], parcels=[ShipmentParcel(tracking_number="X1", carrier="DPD")])
    with pytest.raises(ShipmentNotAllowed, match="label"):
        gb.integration.confirm_shipment(shipment)


def test_markets_that_keep_a_skus_units_together_refuse_splitting_them() -> None:
    order = {
        "id": "1",
        "line_items": [
            {"id": "a", "sku_id": "S1", "seller_sku": "MUG"},
            {"id": "b", "sku_id": "S1", "seller_sku": "MUG"},
            {"id": "c", "sku_id": "S2", "seller_sku": "CAP"},
        ],
    }
    split_sku = [
        LabelParcel(order_id="1", channel_line_ids=["a"]),
        LabelParcel(order_id="1", channel_line_ids=["b", "c"]),
    ]
    with pytest.raises(LabelNotAllowed, match="MUG is in boxes 1 and 2"):
        check_split_rules(order, split_sku, "MY")
    check_split_rules(order, split_sku, "GB")  # item-level split markets take it
    by_sku = [
        LabelParcel(order_id="1", channel_line_ids=["a", "b"]),
        LabelParcel(order_id="1", channel_line_ids=["c"]),
    ]
    check_split_rules(order, by_sku, "MY")


def test_a_pickup_without_a_slot_is_refused_before_any_call(gb: Any) -> None:
    order = tiktok_shipping_order(gb, "GB", min_lines=1)
    with pytest.raises(LabelNotAllowed, match="time slot"):
        gb.integration.create_labels(order["id"], [line_ids(order)], handover=HandoverChoice(method="pickup"))
