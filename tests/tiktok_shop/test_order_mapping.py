"""Mapping raw TikTok orders: units grouped into quantities, money as Decimal, masking, bad orders reported."""

from __future__ import annotations

import copy
from datetime import timezone
from decimal import Decimal

import pytest

from connector_core import OrderProblem, OrderStatus
from connectors.tiktok_shop.order_mapping import MASKED_WARNING, map_or_report, map_order
from connectors.tiktok_shop.statuses import map_status


def default_mapper(status, raw):
    return map_status(status, {})


@pytest.fixture
def seller_order(sample):
    return sample("order_search_response.json")["data"]["orders"][0]


@pytest.fixture
def tiktok_order(sample):
    return sample("order_search_response.json")["data"]["orders"][1]


def test_units_are_grouped_per_sku_keeping_every_line_item_id(tiktok_order):
    order = map_order(tiktok_order, default_mapper)
    by_sku = {line.sku: line for line in order.lines}
    assert by_sku["TSHIRT-RED-M"].quantity == 2
    assert by_sku["TSHIRT-RED-M"].channel_line_ids == ["577086512123755111", "577086512123755112"]
    assert by_sku["TSHIRT-BLUE-L"].quantity == 1
    assert sum(line.quantity for line in order.lines) == len(tiktok_order["line_items"])


def test_money_is_decimal_and_times_are_utc(tiktok_order):
    order = map_order(tiktok_order, default_mapper)
    assert order.total.amount == Decimal("40.99") and order.total.currency == "GBP"
    assert order.lines[0].unit_price.amount == Decimal("12.50")
    assert order.created_at.tzinfo == timezone.utc
    assert int(order.updated_at.timestamp()) == tiktok_order["update_time"]


def test_masked_address_is_flagged_with_the_seller_shipping_hint(tiktok_order):
    order = map_order(tiktok_order, default_mapper)
    assert order.ship_to.is_masked
    assert MASKED_WARNING in order.warnings
    assert order.shipping_by == "channel"
    assert order.status is OrderStatus.SHIPPED


def test_seller_shipping_address_is_complete(seller_order):
    order = map_order(seller_order, default_mapper)
    assert not order.ship_to.is_masked
    assert order.shipping_by == "seller"
    assert order.ship_to.country_code == seller_order["recipient_address"]["region_code"]
    assert order.ship_to.lines
    assert order.channel_data["shipping_type"] == "SELLER"


def test_packages_and_tracking_are_kept(tiktok_order):
    order = map_order(tiktok_order, default_mapper)
    assert [p.id for p in order.parcels] == ["1153132168123859002"]
    assert order.parcels[0].tracking_number == "INV000000001GB"
    assert len(order.parcels[0].channel_line_ids) == 3


def test_cancellation_fields_are_kept(sample):
    raw = sample("order_detail_cancelled_response.json")["data"]["orders"][0]
    order = map_order(raw, default_mapper)
    assert order.status is OrderStatus.CANCELLED
    assert order.cancellation is not None
    assert order.cancellation.initiator == "BUYER"
    assert order.cancellation.reason == "No longer needed"
    assert order.cancellation.cancelled_at is not None


def test_unknown_status_is_held_with_a_warning(seller_order):
    raw = {**seller_order, "status": "AWAITING_TELEPORT"}
    order = map_order(raw, default_mapper)
    assert order.status is OrderStatus.ON_HOLD
    assert order.channel_status == "AWAITING_TELEPORT"
    assert any("AWAITING_TELEPORT" in w for w in order.warnings)


def test_order_without_address_is_reported_not_imported(seller_order):
    raw = {k: v for k, v in seller_order.items() if k != "recipient_address"}
    result = map_or_report(raw, default_mapper)
    assert isinstance(result, OrderProblem)
    assert result.order_id == seller_order["id"]
    assert "ship-to address" in result.message


@pytest.mark.parametrize(
    ("mutate", "field"),
    [
        (lambda o: o["payment"].update(total_amount="abc"), "payment.total_amount"),
        (lambda o: o.update(create_time="yesterday"), "create_time"),
        (lambda o: o.update(line_items=[]), "line_items"),
        (lambda o: o["payment"].update(currency=None), "payment.currency"),
    ],
)
def test_malformed_order_names_its_id_and_field(seller_order, mutate, field):
    raw = copy.deepcopy(seller_order)
    mutate(raw)
    result = map_or_report(raw, default_mapper)
    assert isinstance(result, OrderProblem)
    assert seller_order["id"] in result.message and field in result.message


def test_not_an_object_is_reported():
    assert isinstance(map_or_report(["nope"], default_mapper), OrderProblem)


def test_deadline_and_milestone_times_map_to_ship_by_collected_at_and_delivered_at(tiktok_order):
    raw = copy.deepcopy(tiktok_order) | {
        "status": "DELIVERED",
        "collection_time": 1735700000,
        "delivery_time": 1735900000,
    }
    order = map_order(raw, default_mapper)
    assert order.ship_by is not None and order.ship_by.timestamp() == tiktok_order["rts_sla_time"]
    assert order.collected_at is not None and order.collected_at.timestamp() == 1735700000
    assert order.delivered_at is not None and order.delivered_at.timestamp() == 1735900000
    assert order.delivered_at.tzinfo == timezone.utc


def test_an_order_not_yet_collected_has_no_collection_or_delivery_time(seller_order):
    order = map_order(seller_order, default_mapper)
    assert order.collected_at is None and order.delivered_at is None


def test_a_damaged_milestone_time_is_a_problem_naming_the_field(tiktok_order):
    raw = copy.deepcopy(tiktok_order) | {"delivery_time": "yesterday"}
    problem = map_or_report(raw, default_mapper)
    assert isinstance(problem, OrderProblem)
    assert "delivery_time" in problem.message and tiktok_order["id"] in problem.message
