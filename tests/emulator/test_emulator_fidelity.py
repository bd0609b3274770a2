"""What independent TikTok clients send and read: `[]` filters, refresh grant types, newer versions (issue 10)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from emulator_support import OpenApi, make_config

from tiktok_shop_emulator import TikTokShopEmulator

ORDER_SEARCH = "/order/202309/orders/search"
INVENTORY_SEARCH = "/product/202309/inventory/search"
PRODUCT_SEARCHES = (
    "/product/202309/products/search",
    "/product/202312/products/search",
    "/product/202502/products/search",
)
FILTER_PATHS = (ORDER_SEARCH, INVENTORY_SEARCH, *PRODUCT_SEARCHES)
PAGE = {"page_size": 20}


# --- `[]` is an empty filter ---------------------------------------------------------------------------------


@pytest.mark.parametrize("path", FILTER_PATHS)
def test_an_empty_json_array_body_is_the_empty_filter(
    api: OpenApi, ciphers: dict[str, str], path: str
) -> None:
    as_array = api.ok("POST", path, PAGE, b"[]", shop=ciphers["GB"])
    as_object = api.ok("POST", path, PAGE, b"{}", shop=ciphers["GB"])

    assert as_array == as_object
    assert as_array.get("orders") or as_array.get("products") or as_array.get("inventory")


def test_the_signature_covers_the_exact_bytes_of_an_array_body(api: OpenApi, ciphers: dict[str, str]) -> None:
    # Signed as if no body (or `{}`) was sent, while `[]` travels: the bytes differ, so the sign does not match.
    for signed in (b"", b"{}"):
        status, code, _ = api.fails("POST", ORDER_SEARCH, PAGE, b"[]", shop=ciphers["GB"], sign_body=signed)
        assert (status, code) == (401, 106001)


def test_a_non_empty_array_and_an_array_on_a_command_endpoint_are_still_refused(
    api: OpenApi, emu: TikTokShopEmulator, ciphers: dict[str, str]
) -> None:
    refused = api.fails("POST", ORDER_SEARCH, PAGE, b'["AWAITING_SHIPMENT"]', shop=ciphers["GB"])
    assert refused == (400, 36009004, "Invalid param. The request body must be a JSON object.")
    package = emu.order(emu.order_ids(status="AWAITING_SHIPMENT", shop_cipher=ciphers["DE"])[0])["packages"][
        0
    ]
    ship = f"/fulfillment/202309/packages/{package['id']}/ship"
    assert api.fails("POST", ship, body=b"[]", shop=ciphers["DE"])[1] == 36009004


# --- token refresh is not stricter than the evidence -----------------------------------------------------------


@pytest.mark.parametrize("grant_type", ["refresh_token", "authorized_code", None])
def test_refresh_accepts_the_grant_types_clients_send(api: OpenApi, grant_type: str | None) -> None:
    creds = api.emu.credentials
    params = {
        "app_key": creds["app_key"],
        "app_secret": creds["app_secret"],
        "refresh_token": api.tokens["refresh_token"],
    }
    if grant_type is not None:
        params["grant_type"] = grant_type

    response = api.session.get(api.emu.auth_base_url + "/api/v2/token/refresh", params=params)

    document = response.json()
    assert (response.status_code, document["code"]) == (200, 0), document
    assert document["data"]["access_token"]


def test_refresh_still_refuses_a_wrong_refresh_token_whatever_the_grant_type(api: OpenApi) -> None:
    document = api.token_refresh("ROW_not-a-token", grant_type="authorized_code").json()
    assert document["code"] == 36004005


def test_token_get_still_requires_authorized_code(api: OpenApi, emu: TikTokShopEmulator) -> None:
    assert api.token_get(emu.authorize(), grant_type="refresh_token").json()["code"] == 36009004


# --- newer versions ------------------------------------------------------------------------------------------------


def test_order_detail_202507_is_the_202309_order_plus_its_new_fields(
    api: OpenApi, emu: TikTokShopEmulator, ciphers: dict[str, str]
) -> None:
    ids = ",".join(emu.order_ids(shop_cipher=ciphers["GB"])[:10])
    old = api.ok("GET", "/order/202309/orders", {"ids": ids}, shop=ciphers["GB"])["orders"]
    new = api.ok("GET", "/order/202507/orders", {"ids": ids}, shop=ciphers["GB"])["orders"]

    assert [o["id"] for o in new] == [o["id"] for o in old] and len(new) == 10
    for before, after in zip(old, new, strict=True):
        added = set(after) - set(before)
        assert added == {
            "channel_entity_national_registry_id",
            "payment_auth_code",
            "payment_card_type",
            "payment_method_code",
        }
        assert set(after["payment"]) - set(before["payment"]) == {"item_insurance_tax"}
        assert (
            after["recipient_address"]["post_town"]
            == before["recipient_address"]["district_info"][2]["address_name"]
        )
        assert all({"gift_retail_price", "pfand_fee"} <= set(line) for line in after["line_items"])
        assert {
            k: v
            for k, v in after.items()
            if k in before and k not in ("payment", "recipient_address", "line_items")
        } == {k: v for k, v in before.items() if k not in ("payment", "recipient_address", "line_items")}
    # The stored order is shared between versions: serving 202507 must not have changed the 202309 answer.
    assert api.ok("GET", "/order/202309/orders", {"ids": ids}, shop=ciphers["GB"])["orders"] == old


def test_product_search_versions_add_their_fields(api: OpenApi, ciphers: dict[str, str]) -> None:
    base, v202312, v202502 = (
        api.ok("POST", path, PAGE, {}, shop=ciphers["US"])["products"] for path in PRODUCT_SEARCHES
    )
    assert [p["id"] for p in base] == [p["id"] for p in v202312] == [p["id"] for p in v202502]
    newer_fields = {"audit", "integrated_platform_statuses", "is_not_for_sale", "listing_quality_tier"}
    assert set(v202312[0]) - set(base[0]) == newer_fields
    assert set(v202502[0]) - set(v202312[0]) == {"product_families"}
    assert set(v202312[0]["skus"][0]) - set(base[0]["skus"][0]) == {"list_price", "external_list_prices"}
    sku = v202312[0]["skus"][0]
    assert sku["list_price"] == {"amount": sku["price"]["sale_price"], "currency": "USD"}


def test_product_search_202312_filters_by_sku_ids(api: OpenApi, ciphers: dict[str, str]) -> None:
    everything = api.ok("POST", PRODUCT_SEARCHES[1], PAGE, {}, shop=ciphers["GB"])["products"]
    wanted = everything[3]["skus"][0]["id"]
    found = api.ok("POST", PRODUCT_SEARCHES[1], PAGE, {"sku_ids": [wanted]}, shop=ciphers["GB"])["products"]
    assert [p["id"] for p in found] == [everything[3]["id"]]
    too_many = {"sku_ids": [wanted] * 11}
    assert api.fails("POST", PRODUCT_SEARCHES[1], PAGE, too_many, shop=ciphers["GB"])[1] == 36009004


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/order/202507/orders/search"),  # order search exists in 202309 only (#newer-versions)
        ("GET", "/order/202511/orders"),
        ("POST", "/product/202610/products/search"),
        ("GET", "/authorization/202507/shops"),
        ("POST", "/product/202502/inventory/search"),
    ],
)
def test_versions_that_do_not_exist_for_an_endpoint_are_404(
    api: OpenApi, ciphers: dict[str, str], method: str, path: str
) -> None:
    shop = None if path.startswith("/authorization/") else ciphers["GB"]
    assert api.fails(method, path, PAGE, {} if method == "POST" else None, shop=shop)[:2] == (404, 36009009)


# --- the order model's other fields: present and consistent --------------------------------------------------------


def test_milestone_times_follow_the_status(emu: TikTokShopEmulator) -> None:
    for order_id in emu.order_ids():
        order = emu.order(order_id)
        status = order["status"]
        assert ("collection_time" in order) == (status in ("IN_TRANSIT", "DELIVERED", "COMPLETED"))
        assert ("delivery_time" in order) == (status in ("DELIVERED", "COMPLETED"))
        if "collection_time" in order:
            assert (
                order["rts_time"]
                <= order["collection_time"]
                <= order.get("delivery_time", order["update_time"])
            )
            assert order.get("delivery_time", order["collection_time"]) <= order["update_time"]
        if status == "IN_TRANSIT":
            assert order["collection_time"] == order["update_time"]
        if status == "DELIVERED":
            assert order["delivery_time"] == order["update_time"]


def test_deadlines_are_ordered_after_payment(emu: TikTokShopEmulator) -> None:
    for order_id in emu.order_ids()[::7]:
        order = emu.order(order_id)
        start = order.get("paid_time", order["create_time"])
        assert (
            start < order["rts_sla_time"] <= order["fast_dispatch_sla_time"] <= order["pick_up_cut_off_time"]
        )
        assert order["pick_up_cut_off_time"] <= order["collection_due_time"] < order["delivery_sla_time"]
        assert (
            order["delivery_sla_time"]
            < order["delivery_option_required_delivery_time"]
            < order["delivery_due_time"]
        )
        assert order["handling_duration"] == {"days": "2", "type": "CALENDAR_DAY"}


def test_live_status_changes_stamp_collection_and_delivery_times(emu: TikTokShopEmulator) -> None:
    order_id = emu.order_ids(status="AWAITING_SHIPMENT", shipping_type="SELLER")[0]
    emu.set_order_status(order_id, "AWAITING_COLLECTION")
    emu.clock.advance(3600)
    collected = emu.set_order_status(order_id, "IN_TRANSIT")
    assert collected["collection_time"] == emu.clock.unix() == collected["update_time"]
    emu.clock.advance(86400)
    delivered = emu.set_order_status(order_id, "DELIVERED")
    assert delivered["collection_time"] == collected["collection_time"]
    assert delivered["delivery_time"] == emu.clock.unix()
    emu.clock.advance(86400)
    completed = emu.set_order_status(order_id, "COMPLETED")
    assert completed["delivery_time"] == delivered["delivery_time"] < completed["update_time"]


def test_jumping_straight_to_completed_stamps_both_times(emu: TikTokShopEmulator) -> None:
    order_id = emu.order_ids(status="AWAITING_SHIPMENT", shipping_type="SELLER")[1]
    done = emu.set_order_status(order_id, "COMPLETED")
    assert done["collection_time"] == done["delivery_time"] == emu.clock.unix()


def test_replacements_and_exchanges_point_at_an_earlier_order_of_the_same_shop() -> None:
    with TikTokShopEmulator(make_config(orders=6000)) as emu:
        orders = [emu.order(i) for i in emu.order_ids()]
        replacements = [o for o in orders if o["is_replacement_order"]]
        exchanges = [o for o in orders if o["is_exchange_order"]]
        assert replacements and exchanges
        for order in orders:
            source = order["replaced_order_id"] or order["exchange_source_order_id"]
            assert bool(source) == (order["is_replacement_order"] or order["is_exchange_order"])
            if source:
                assert int(source) < int(order["id"]) and (int(order["id"]) - int(source)) % 3 == 0
                assert not (order["is_replacement_order"] and order["is_exchange_order"])
        assert {emu.order(o["id"])["recipient_address"]["region_code"] for o in exchanges} <= {"US", "GB"}


def test_payment_fees_are_zero_and_the_totals_still_add_up(emu: TikTokShopEmulator) -> None:
    fees = ("retail_delivery_fee", "small_order_fee", "buyer_service_fee", "handling_fee", "item_insurance_fee",
            "shipping_insurance_fee", "shipping_fee_cofunded_discount")  # fmt: skip
    for order_id in emu.order_ids()[::5]:
        pay = emu.order(order_id)["payment"]
        assert all(pay[fee] == "0" for fee in fees)
        parts = (pay["sub_total"], pay["shipping_fee"], pay["tax"], pay["retail_delivery_fee"])
        assert sum(Decimal(p) for p in parts) == Decimal(pay["total_amount"])


# --- products and inventory ----------------------------------------------------------------------------------------


def test_product_detail_carries_the_model_fields_consistently(api: OpenApi, ciphers: dict[str, str]) -> None:
    details = {}
    for region in ("US", "GB"):
        product = api.ok("POST", PRODUCT_SEARCHES[0], PAGE, {}, shop=ciphers[region])["products"][0]
        details[region] = api.ok("GET", f"/product/202309/products/{product['id']}", shop=ciphers[region])
    us, gb = details["US"], details["GB"]
    assert gb["category_chains"][-1]["is_leaf"] and not gb["category_chains"][0]["is_leaf"]
    assert gb["category_chains"][0]["parent_id"] == "0"
    assert [c["parent_id"] for c in gb["category_chains"][1:]] == [
        c["id"] for c in gb["category_chains"][:-1]
    ]
    assert gb["category_chains"] == us["category_chains"]  # the same article in every shop
    assert gb["package_weight"]["unit"] == "KILOGRAM" and us["package_weight"]["unit"] == "POUND"
    pounds = Decimal(us["package_weight"]["value"])
    assert abs(pounds - Decimal(gb["package_weight"]["value"]) * Decimal("2.20462")) < Decimal("0.01")
    assert gb["package_dimensions"]["unit"] == "CENTIMETER" and us["package_dimensions"]["unit"] == "INCH"
    assert len(gb["main_images"]) == 3 and all(i["urls"] and i["thumb_urls"] for i in gb["main_images"])
    assert gb["brand"]["name"] and gb["video"]["url"].endswith(".mp4")
    assert gb["audit"]["status"] == "APPROVED" and gb["product_attributes"][0]["values"]
    assert gb["size_chart"]["image"]["urls"]  # the T-shirt has a size chart


def test_inventory_distribution_is_all_in_shop_stock(api: OpenApi, ciphers: dict[str, str]) -> None:
    data = api.ok("POST", INVENTORY_SEARCH, body={}, shop=ciphers["US"])
    skus = [sku for entry in data["inventory"] for sku in entry["skus"]]
    assert skus
    for sku in skus:
        split = sku["total_available_inventory_distribution"]
        assert split["in_shop_inventory"]["quantity"] == sku["total_available_quantity"]
        assert split["campaign_inventory"] == [] and split["creator_inventory"] == []


def test_random_text_uses_only_its_alphabet_at_its_length_and_follows_the_seed() -> None:
    import random

    from tiktok_shop_emulator.state.mixing import random_text

    one, two = random.Random(5), random.Random(5)
    drawn = [random_text(one, "0123456789", 18) for _ in range(200)]
    assert drawn == [random_text(two, "0123456789", 18) for _ in range(200)]
    assert all(len(text) == 18 and text.isdigit() for text in drawn)
    assert len(set(drawn)) == 200 and {text[0] for text in drawn} == set("0123456789")  # leading zeros kept
    letters = random_text(one, "AB", 64)
    assert set(letters) == {"A", "B"} and len(letters) == 64
