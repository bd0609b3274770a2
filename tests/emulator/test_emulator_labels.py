"""TikTok Shipping labels on the emulator: services, Create Packages, split, handover slots, documents."""

from __future__ import annotations

import io
from typing import Any

import pytest
import requests
from emulator_support import OpenApi, World
from pypdf import PdfReader

from tiktok_shop_emulator import TikTokShopEmulator

PACKAGES = "/fulfillment/202309/packages"


def _order(
    emu: TikTokShopEmulator, cipher: str, shipping: str = "TIKTOK", min_lines: int = 1
) -> dict[str, Any]:
    for order_id in emu.order_ids(status="AWAITING_SHIPMENT", shop_cipher=cipher, shipping_type=shipping):
        order = emu.order(order_id)
        if len(order["line_items"]) >= min_lines:
            return order
    raise AssertionError("no such order in the seeded world")


def _ids(order: dict[str, Any]) -> list[str]:
    return [line["id"] for line in order["line_items"]]


def _buy(api: OpenApi, cipher: str, order: dict[str, Any], lines: list[str], **extra: Any) -> Any:
    body = {"order_id": order["id"], "order_line_item_ids": lines, **extra}
    return api.ok("POST", PACKAGES, body=body, shop=cipher)


def test_services_are_priced_for_the_weight_and_one_is_default(world: World) -> None:
    emu, api, shops = world
    order = _order(emu, shops["US"])
    path = f"/fulfillment/202309/orders/{order['id']}/shipping_services/query"
    light = api.ok("POST", path, body={"weight": {"value": "1", "unit": "POUND"}}, shop=shops["US"])
    heavy = api.ok("POST", path, body={"weight": {"value": "100", "unit": "POUND"}}, shop=shops["US"])
    assert light["order_line_id"] == _ids(order)
    assert [s["is_default"] for s in light["shipping_services"]].count(True) == 1
    assert {s["shipping_provider_name"] for s in light["shipping_services"]} == {"USPS", "UPS"}
    # USPS stops at 70 lb: only UPS carries 100 lb.
    assert {s["shipping_provider_name"] for s in heavy["shipping_services"]} == {"UPS"}
    assert (
        api.fails("POST", path, body={"weight": {"value": "200", "unit": "POUND"}}, shop=shops["US"])[1]
        == 21011037
    )


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"weight": {"value": "-1", "unit": "GRAM"}}, 21001001),
        ({"weight": {"value": "1", "unit": "KILO"}}, 21001001),
        ({"weight": {"value": 1, "unit": "GRAM"}}, 21001001),
        ({"dimension": {"length": "10", "width": "10", "unit": "CM"}}, 21001001),
        ({"dimension": {"length": "300", "width": "10", "height": "10", "unit": "CM"}}, 11021014),
        ({"shipping_service_id": "999"}, 21004008),
    ],
)
def test_create_packages_checks_weight_dimensions_and_service(
    world: World, body: dict[str, Any], code: int
) -> None:
    emu, api, shops = world
    order = _order(emu, shops["US"])
    answer = api.fails("POST", PACKAGES, body={"order_id": order["id"], **body}, shop=shops["US"])
    assert answer[1] == code
    assert emu.order(order["id"])["status"] == "AWAITING_SHIPMENT"  # a refusal changes nothing


def test_two_parcels_buy_two_labels_and_a_third_buy_is_refused(world: World) -> None:
    emu, api, shops = world
    order = _order(emu, shops["US"], min_lines=2)
    ids = _ids(order)
    first = _buy(api, shops["US"], order, ids[:1], weight={"value": "500", "unit": "GRAM"})
    assert emu.order(order["id"])["status"] == "PARTIALLY_SHIPPING"
    second = _buy(api, shops["US"], order, ids[1:])
    assert first["package_id"] != second["package_id"]
    after = emu.order(order["id"])
    assert after["status"] == "AWAITING_COLLECTION"
    assert all(line["tracking_number"] for line in after["line_items"])
    assert (
        api.fails(
            "POST", PACKAGES, body={"order_id": order["id"], "order_line_item_ids": ids[:1]}, shop=shops["US"]
        )[1]
        == 21022025
    )
    assert len(after["packages"]) == 2


def test_labels_refuse_seller_shipping_frozen_and_other_markets(world: World) -> None:
    emu, api, shops = world
    seller = _order(emu, shops["US"], shipping="SELLER")
    assert api.fails("POST", PACKAGES, body={"order_id": seller["id"]}, shop=shops["US"])[1] == 21008017
    frozen = _order(emu, shops["US"])
    emu.freeze_order(frozen["id"])
    assert api.fails("POST", PACKAGES, body={"order_id": frozen["id"]}, shop=shops["US"])[1] == 10007014
    gb = _order(emu, shops["GB"])
    assert api.fails("POST", PACKAGES, body={"order_id": gb["id"]}, shop=shops["GB"])[1] == 21008106


def test_document_url_serves_a_pdf_for_24_hours(world: World) -> None:
    emu, api, shops = world
    order = _order(emu, shops["US"])
    pkg = _buy(api, shops["US"], order, _ids(order))["package_id"]
    path = f"{PACKAGES}/{pkg}/shipping_documents"
    assert api.fails("GET", path, shop=shops["US"])[1] == 21001001  # document_type is required
    doc = api.ok("GET", path, {"document_type": "SHIPPING_LABEL"}, shop=shops["US"])
    assert doc["tracking_number"] == emu.order(order["id"])["line_items"][0]["tracking_number"]
    pdf = api.session.get(doc["doc_url"])
    assert pdf.status_code == 200 and pdf.headers["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-") and pdf.content.rstrip().endswith(b"%%EOF")
    assert doc["tracking_number"] in PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    emu.clock.advance(24 * 3600)
    assert api.session.get(doc["doc_url"]).status_code == 403
    again = api.ok("GET", path, {"document_type": "SHIPPING_LABEL"}, shop=shops["US"])
    assert again["doc_url"] != doc["doc_url"] and api.session.get(again["doc_url"]).status_code == 200


def test_document_before_shipping_and_after_pickup_is_refused(world: World) -> None:
    emu, api, shops = world
    order = _order(emu, shops["DE"])
    pkg = order["line_items"][0]["package_id"]
    path = f"{PACKAGES}/{pkg}/shipping_documents"
    assert api.fails("GET", path, {"document_type": "SHIPPING_LABEL"}, shop=shops["DE"])[1] == 21023035
    api.ok("POST", f"{PACKAGES}/{pkg}/ship", body={"handover_method": "DROP_OFF"}, shop=shops["DE"])
    api.ok("GET", path, {"document_type": "SHIPPING_LABEL"}, shop=shops["DE"])
    emu.set_order_status(order["id"], "IN_TRANSIT")
    assert api.fails("GET", path, {"document_type": "SHIPPING_LABEL"}, shop=shops["DE"])[1] == 21042102


def test_split_makes_one_package_per_group_and_notifies(world: World) -> None:
    emu, api, shops = world
    order = _order(emu, shops["GB"], min_lines=3)
    ids = _ids(order)
    attrs = api.ok(
        "GET", "/fulfillment/202309/orders/split_attributes", {"order_ids": order["id"]}, shop=shops["GB"]
    )
    assert attrs["split_attributes"][0]["can_split"] is True
    groups = [{"id": "1", "order_line_item_ids": ids[:1]}, {"id": "2", "order_line_item_ids": ids[1:]}]
    split = api.ok(
        "POST",
        f"/fulfillment/202309/orders/{order['id']}/split",
        body={"splittable_groups": groups},
        shop=shops["GB"],
    )
    packages = {p["splittable_group_id"]: p["id"] for p in split["packages"]}
    after = emu.order(order["id"])
    assert {line["package_id"] for line in after["line_items"][:1]} == {packages["1"]}
    assert {line["package_id"] for line in after["line_items"][1:]} == {packages["2"]}
    assert sorted(p["id"] for p in after["packages"]) == sorted(packages.values())
    slots = api.ok("GET", f"{PACKAGES}/{packages['1']}/handover_time_slots", shop=shops["GB"])
    offered = [s for s in slots["pickup_slots"] if s["avaliable"]]
    assert offered and slots["can_drop_off"] is True
    slot = {"start_time": offered[0]["start_time"], "end_time": offered[0]["end_time"]}
    api.ok(
        "POST",
        f"{PACKAGES}/{packages['1']}/ship",
        body={"handover_method": "PICKUP", "pickup_slot": slot},
        shop=shops["GB"],
    )
    assert emu.order(order["id"])["status"] == "PARTIALLY_SHIPPING"
    # A line already shipped cannot be split again.
    again = api.fails(
        "POST",
        f"/fulfillment/202309/orders/{order['id']}/split",
        body={"splittable_groups": groups},
        shop=shops["GB"],
    )
    assert again[1] == 21011035


def test_split_refuses_unknown_lines_and_us_orders(world: World) -> None:
    emu, api, shops = world
    order = _order(emu, shops["DE"], min_lines=2)
    bad = [{"id": "1", "order_line_item_ids": ["nope"]}]
    path = f"/fulfillment/202309/orders/{order['id']}/split"
    assert api.fails("POST", path, body={"splittable_groups": bad}, shop=shops["DE"])[1] == 21011005
    us = _order(emu, shops["US"], min_lines=2)
    attrs = api.ok(
        "GET", "/fulfillment/202309/orders/split_attributes", {"order_ids": us["id"]}, shop=shops["US"]
    )
    assert attrs["split_attributes"][0]["can_split"] is False and attrs["split_attributes"][0]["reason"]


def test_a_lost_create_packages_answer_still_bought_the_label(world: World) -> None:
    emu, api, shops = world
    order = _order(emu, shops["US"])
    emu.faults.lose_answer(r"^/fulfillment/202309/packages$")
    with pytest.raises(requests.ConnectionError):
        api.request("POST", PACKAGES, body={"order_id": order["id"]}, shop=shops["US"])
    assert emu.order(order["id"])["status"] == "AWAITING_COLLECTION"
    assert api.fails("POST", PACKAGES, body={"order_id": order["id"]}, shop=shops["US"])[1] == 21011006
