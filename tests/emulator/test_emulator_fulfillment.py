"""Shipping paths by market: mark package shipped (US/GB), ship by package (elsewhere), tracking fixes, batch ship."""

from __future__ import annotations

from typing import Any

import requests
from emulator_support import OpenApi, World

from tiktok_shop_emulator import TikTokShopEmulator


def _order(
    emu: TikTokShopEmulator, cipher: str, shipping: str, min_lines: int = 1, status: str = "AWAITING_SHIPMENT"
) -> dict[str, Any]:
    for order_id in emu.order_ids(status=status, shop_cipher=cipher, shipping_type=shipping):
        order = emu.order(order_id)
        if len(order["line_items"]) >= min_lines:
            return order
    raise AssertionError("no such order in the seeded world")


def _providers(api: OpenApi, cipher: str, order: dict[str, Any]) -> list[dict[str, str]]:
    path = f"/logistics/202309/delivery_options/{order['delivery_option_id']}/shipping_providers"
    return api.ok("GET", path, shop=cipher)["shipping_providers"]


def _mark(
    api: OpenApi, cipher: str, order_id: str, lines: list[str], tracking: str, provider: str
) -> requests.Response:
    return api.request(
        "POST",
        f"/fulfillment/202309/orders/{order_id}/packages",
        body={"order_line_item_ids": lines, "tracking_number": tracking, "shipping_provider_id": provider},
        shop=cipher,
    )


def test_delivery_option_resolves_to_carriers(world: World) -> None:
    emu, api, ciphers = world
    order = _order(emu, ciphers["GB"], "SELLER")
    names = [p["name"] for p in _providers(api, ciphers["GB"], order)]
    assert names[:2] == ["Royal Mail", "DPD"]
    warehouses = api.ok("GET", "/logistics/202309/warehouses", shop=ciphers["GB"])["warehouses"]
    options = api.ok(
        "GET", f"/logistics/202309/warehouses/{warehouses[0]['id']}/delivery_options", shop=ciphers["GB"]
    )["delivery_options"]
    assert order["delivery_option_id"] in [o["id"] for o in options]
    assert {o["type"] for o in options} == {"SEND_BY_SELLER", "STANDARD", "EXPRESS"}
    us = _order(emu, ciphers["US"], "SELLER")
    assert {"USPS", "UPS", "FedEx"} <= {p["name"] for p in _providers(api, ciphers["US"], us)}


def test_mark_package_shipped_in_two_parcels(world: World) -> None:
    emu, api, ciphers = world
    order = _order(emu, ciphers["GB"], "SELLER", min_lines=2)
    lines = [li["id"] for li in order["line_items"]]
    provider = _providers(api, ciphers["GB"], order)[0]["id"]
    emu.clock.advance(10)
    first = _mark(api, ciphers["GB"], order["id"], lines[:1], "RM000000001GB", provider)
    assert first.status_code == 200 and first.json()["code"] == 0, first.text
    data = first.json()["data"]
    assert data["order_id"] == order["id"] and data["order_line_item_ids"] == lines[:1]
    after = emu.order(order["id"])
    assert after["status"] == "PARTIALLY_SHIPPING" and after["update_time"] > order["update_time"]
    shipped = after["line_items"][0]
    assert shipped["package_id"] == data["package_id"] and shipped["tracking_number"] == "RM000000001GB"
    assert (
        shipped["shipping_provider_name"] == "Royal Mail"
        and shipped["display_status"] == "AWAITING_COLLECTION"
    )
    assert all("package_id" not in li for li in after["line_items"][1:])
    second = _mark(api, ciphers["GB"], order["id"], lines[1:], "RM000000002GB", provider).json()
    assert second["code"] == 0 and second["data"]["package_id"] != data["package_id"]
    final = emu.order(order["id"])
    assert final["status"] == "AWAITING_COLLECTION"
    assert [p["id"] for p in final["packages"]] == [data["package_id"], second["data"]["package_id"]]


def test_lines_already_shipped_are_rejected_and_nothing_changes(world: World) -> None:
    emu, api, ciphers = world
    order = _order(emu, ciphers["US"], "SELLER", min_lines=2)
    lines = [li["id"] for li in order["line_items"]]
    provider = _providers(api, ciphers["US"], order)[0]["id"]
    assert _mark(api, ciphers["US"], order["id"], lines[:1], "9400111", provider).json()["code"] == 0
    before = emu.order(order["id"])
    again = _mark(api, ciphers["US"], order["id"], lines, "9400222", provider)
    assert again.status_code == 400 and again.json()["code"] == 21004031
    assert lines[0] in again.json()["message"]
    assert emu.order(order["id"]) == before


def test_mark_package_shipped_rules(world: World) -> None:
    emu, api, ciphers = world
    gb = _order(emu, ciphers["GB"], "SELLER")
    provider = _providers(api, ciphers["GB"], gb)[0]["id"]
    line = gb["line_items"][0]["id"]
    assert _mark(api, ciphers["GB"], gb["id"], [line], "T1", "6617675021119438999").json()["code"] == 21004035
    assert _mark(api, ciphers["GB"], gb["id"], ["123"], "T1", provider).json()["code"] == 21004032
    assert _mark(api, ciphers["GB"], gb["id"], [line], "", provider).json()["code"] == 36009004
    assert _mark(api, ciphers["US"], gb["id"], [line], "T1", provider).json()["code"] == 21008111
    tiktok = _order(emu, ciphers["GB"], "TIKTOK")
    assert (
        _mark(api, ciphers["GB"], tiktok["id"], [tiktok["line_items"][0]["id"]], "T1", provider).json()[
            "code"
        ]
        == 21004034
    )
    done = _order(emu, ciphers["GB"], "SELLER", status="DELIVERED")
    assert (
        _mark(api, ciphers["GB"], done["id"], [done["line_items"][0]["id"]], "T1", provider).json()["code"]
        == 21004031
    )
    unpaid = _order(emu, ciphers["GB"], "SELLER", status="UNPAID")
    assert (
        _mark(api, ciphers["GB"], unpaid["id"], [unpaid["line_items"][0]["id"]], "T1", provider).json()[
            "code"
        ]
        == 21004030
    )


def test_non_us_uk_shop_cannot_mark_packages_shipped(world: World) -> None:
    emu, api, ciphers = world
    de = _order(emu, ciphers["DE"], "SELLER")
    provider = _providers(api, ciphers["DE"], de)[0]["id"]
    response = _mark(api, ciphers["DE"], de["id"], [de["line_items"][0]["id"]], "T1", provider)
    assert response.status_code == 400 and response.json()["code"] == 21004033


def test_ship_by_package_with_self_shipment_in_de(world: World) -> None:
    emu, api, ciphers = world
    order = _order(emu, ciphers["DE"], "SELLER")
    package = order["packages"][0]["id"]
    provider = _providers(api, ciphers["DE"], order)[1]
    path = f"/fulfillment/202309/packages/{package}/ship"
    assert api.fails("POST", path, body={"handover_method": "DROP_OFF"}, shop=ciphers["DE"])[1] == 21004041
    data = api.ok(
        "POST",
        path,
        body={"self_shipment": {"tracking_number": "H123", "shipping_provider_id": provider["id"]}},
        shop=ciphers["DE"],
    )
    assert data == {}
    after = emu.order(order["id"])
    assert after["status"] == "AWAITING_COLLECTION" and after["tracking_number"] == "H123"
    assert {li["package_status"] for li in after["line_items"]} == {"PROCESSING"}
    assert (
        api.fails(
            "POST",
            path,
            body={"self_shipment": {"tracking_number": "H124", "shipping_provider_id": provider["id"]}},
            shop=ciphers["DE"],
        )[1]
        == 21004030
    )
    detail = api.ok("GET", f"/fulfillment/202309/packages/{package}", shop=ciphers["DE"])
    assert detail["package_status"] == "PROCESSING" and detail["tracking_number"] == "H123"
    assert detail["order_line_item_ids"] == [li["id"] for li in order["line_items"]]


def test_ship_tiktok_package_needs_a_handover_method(world: World) -> None:
    emu, api, ciphers = world
    order = _order(emu, ciphers["DE"], "TIKTOK")
    path = f"/fulfillment/202309/packages/{order['packages'][0]['id']}/ship"
    assert api.fails("POST", path, body={}, shop=ciphers["DE"])[1] == 21004039
    slot = {"start_time": emu.clock.unix() + 3600, "end_time": emu.clock.unix() + 7200}
    api.ok("POST", path, body={"handover_method": "PICKUP", "pickup_slot": slot}, shop=ciphers["DE"])
    after = emu.order(order["id"])
    assert after["status"] == "AWAITING_COLLECTION" and after["tracking_number"].startswith("JJD")
    detail = api.ok("GET", f"/fulfillment/202309/packages/{order['packages'][0]['id']}", shop=ciphers["DE"])
    assert detail["handover_method"] == "PICKUP" and detail["pickup_slot"] == slot
    assert "***" in detail["recipient_address"]["name"]


def test_partially_shipped_de_order_ships_its_second_package(world: World) -> None:
    emu, api, ciphers = world
    order = _order(emu, ciphers["DE"], "SELLER", status="PARTIALLY_SHIPPING")
    pending = [li for li in order["line_items"] if li["package_status"] == "TO_FULFILL"]
    assert pending and len(order["packages"]) == 2
    provider = _providers(api, ciphers["DE"], order)[0]["id"]
    api.ok(
        "POST",
        f"/fulfillment/202309/packages/{pending[0]['package_id']}/ship",
        body={"self_shipment": {"tracking_number": "DHL1", "shipping_provider_id": provider}},
        shop=ciphers["DE"],
    )
    assert emu.order(order["id"])["status"] == "AWAITING_COLLECTION"


def test_batch_ship_reports_failures_inside_success(world: World) -> None:
    emu, api, ciphers = world
    orders = [
        emu.order(i)
        for i in emu.order_ids(status="AWAITING_SHIPMENT", shop_cipher=ciphers["DE"], shipping_type="SELLER")[
            :2
        ]
    ]
    provider = _providers(api, ciphers["DE"], orders[0])[0]["id"]
    good = {
        "id": orders[0]["packages"][0]["id"],
        "self_shipment": {"tracking_number": "B1", "shipping_provider_id": provider},
    }
    bad = {"id": orders[1]["packages"][0]["id"]}
    response = api.request(
        "POST", "/fulfillment/202309/packages/ship", body={"packages": [good, bad]}, shop=ciphers["DE"]
    )
    document = response.json()
    assert response.status_code == 200 and document["code"] == 0
    assert document["data"]["errors"] == [
        {
            "code": 21004041,
            "message": document["data"]["errors"][0]["message"],
            "detail": {"package_id": bad["id"]},
        }
    ]
    assert emu.order(orders[0]["id"])["status"] == "AWAITING_COLLECTION"
    assert emu.order(orders[1]["id"])["status"] == "AWAITING_SHIPMENT"


def test_us_gb_packages_do_not_exist_before_shipping(world: World) -> None:
    emu, api, ciphers = world
    order = _order(emu, ciphers["GB"], "SELLER")
    assert (
        api.fails(
            "POST", "/fulfillment/202309/packages/1153132168000000000/ship", body={}, shop=ciphers["GB"]
        )[1]
        == 21008111
    )
    assert order["packages"] == []


def test_update_shipping_info_within_72_hours_only(world: World) -> None:
    emu, api, ciphers = world
    order = _order(emu, ciphers["GB"], "SELLER")
    providers = _providers(api, ciphers["GB"], order)
    _mark(
        api, ciphers["GB"], order["id"], [li["id"] for li in order["line_items"]], "RM1", providers[0]["id"]
    )
    path = f"/fulfillment/202309/orders/{order['id']}/shipping_info/update"
    fix = {"tracking_number": "DPD2", "shipping_provider_id": providers[1]["id"]}
    assert api.ok("POST", path, body=fix, shop=ciphers["GB"]) == {}
    after = emu.order(order["id"])
    assert after["tracking_number"] == "DPD2" and after["shipping_provider"] == "DPD"
    assert {li["tracking_number"] for li in after["line_items"]} == {"DPD2"}
    emu.clock.advance(72 * 3600 + 1)
    assert api.fails("POST", path, body=fix, shop=ciphers["GB"])[:2] == (400, 21004036)


def test_update_shipping_info_on_split_orders_goes_per_package(world: World) -> None:
    emu, api, ciphers = world
    order = _order(emu, ciphers["US"], "SELLER", min_lines=2)
    provider = _providers(api, ciphers["US"], order)[0]["id"]
    lines = [li["id"] for li in order["line_items"]]
    _mark(api, ciphers["US"], order["id"], lines[:1], "A1", provider)
    package = _mark(api, ciphers["US"], order["id"], lines[1:], "A2", provider).json()["data"]["package_id"]
    fix = {"tracking_number": "A3", "shipping_provider_id": provider}
    order_path = f"/fulfillment/202309/orders/{order['id']}/shipping_info/update"
    assert api.fails("POST", order_path, body=fix, shop=ciphers["US"])[1] == 21004037
    api.ok(
        "POST", f"/fulfillment/202309/packages/{package}/shipping_info/update", body=fix, shop=ciphers["US"]
    )
    assert [li["tracking_number"] for li in emu.order(order["id"])["line_items"]] == ["A1"] + ["A3"] * (
        len(lines) - 1
    )


def test_update_shipping_info_is_for_seller_shipping(world: World) -> None:
    emu, api, ciphers = world
    order = _order(emu, ciphers["GB"], "TIKTOK", status="AWAITING_COLLECTION")
    path = f"/fulfillment/202309/orders/{order['id']}/shipping_info/update"
    assert (
        api.fails(
            "POST", path, body={"tracking_number": "X", "shipping_provider_id": "1"}, shop=ciphers["GB"]
        )[1]
        == 21004034
    )


def test_set_order_status_ships_and_bumps_update_time(world: World) -> None:
    emu, _, ciphers = world
    order = _order(emu, ciphers["GB"], "SELLER")
    emu.clock.advance(30)
    moved = emu.set_order_status(order["id"], "IN_TRANSIT")
    assert moved["status"] == "IN_TRANSIT" and moved["update_time"] >= emu.clock.unix() - 1
    assert all(li["package_id"] and li["display_status"] == "IN_TRANSIT" for li in moved["line_items"])
    assert emu.order(order["id"]) == moved
