"""The seeded order world and order search: pagination, windows, sorting, filters and the order object's shape."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from emulator_support import SAMPLES, SCHEMAS, OpenApi, make_config

from tiktok_shop_emulator import TikTokShopEmulator

SEARCH = "/order/202309/orders/search"
STATUSES = {
    "UNPAID",
    "ON_HOLD",
    "AWAITING_SHIPMENT",
    "PARTIALLY_SHIPPING",
    "AWAITING_COLLECTION",
    "IN_TRANSIT",
    "DELIVERED",
    "COMPLETED",
    "CANCELLED",
}


@pytest.fixture
def big() -> Iterator[tuple[TikTokShopEmulator, OpenApi]]:
    with TikTokShopEmulator(make_config(orders=3000)) as emu, requests.Session() as session:
        session.trust_env = False
        yield emu, OpenApi(emu, session)


def _all_pages(
    api: OpenApi,
    shop: str,
    body: dict[str, Any],
    page_size: int,
    sort_field: str = "update_time",
    sort_order: str = "ASC",
    between_pages: Any = None,
) -> tuple[list[dict[str, Any]], list[int]]:
    orders: list[dict[str, Any]] = []
    totals: list[int] = []
    token = None
    while True:
        params: dict[str, Any] = {"page_size": page_size, "sort_field": sort_field, "sort_order": sort_order}
        if token:
            params["page_token"] = token
        data = api.ok("POST", SEARCH, params, body, shop=shop)
        orders += data["orders"]
        totals.append(data["total_count"])
        token = data["next_page_token"]
        if not token:
            return orders, totals
        if between_pages:
            between_pages(orders)


def _expected(emu: TikTokShopEmulator, cipher: str, keep: Any) -> list[str]:
    return [i for i in emu.order_ids(shop_cipher=cipher) if keep(emu.order(i))]


def test_update_time_window_paginates_without_gaps_or_duplicates(
    big: tuple[TikTokShopEmulator, OpenApi],
) -> None:
    emu, api = big
    cipher = emu.shops[1]["cipher"]
    start = emu.clock.start
    window = {"update_time_ge": start - 20 * 86400, "update_time_lt": start - 5 * 86400}
    orders, totals = _all_pages(api, cipher, window, page_size=37)
    ids = [o["id"] for o in orders]
    expected = _expected(
        emu, cipher, lambda o: window["update_time_ge"] <= o["update_time"] < window["update_time_lt"]
    )
    assert len(ids) == len(set(ids)) == len(expected) > 300
    assert set(ids) == set(expected)
    assert set(totals) == {len(expected)}
    times = [o["update_time"] for o in orders]
    assert times == sorted(times)
    assert len(totals) == -(-len(expected) // 37)


def test_create_time_descending_with_status_filter(big: tuple[TikTokShopEmulator, OpenApi]) -> None:
    emu, api = big
    cipher = emu.shops[0]["cipher"]
    body = {"order_status": "COMPLETED", "create_time_ge": emu.clock.start - 25 * 86400}
    orders, totals = _all_pages(api, cipher, body, page_size=100, sort_field="create_time", sort_order="DESC")
    assert {o["status"] for o in orders} == {"COMPLETED"}
    created = [o["create_time"] for o in orders]
    assert created == sorted(created, reverse=True)
    expected = _expected(
        emu, cipher, lambda o: o["status"] == "COMPLETED" and o["create_time"] >= body["create_time_ge"]
    )
    assert sorted(o["id"] for o in orders) == sorted(expected) and totals[0] == len(expected)


def test_default_sort_is_create_time_desc_and_shipping_type_filters(
    api: OpenApi, ciphers: dict[str, str]
) -> None:
    data = api.ok("POST", SEARCH, {"page_size": 100}, {"shipping_type": "TIKTOK"}, shop=ciphers["US"])
    created = [o["create_time"] for o in data["orders"]]
    assert created == sorted(created, reverse=True)
    assert {o["shipping_type"] for o in data["orders"]} == {"TIKTOK"}


def test_an_order_changed_mid_pagination_is_not_served_twice(big: tuple[TikTokShopEmulator, OpenApi]) -> None:
    emu, api = big
    cipher = emu.shops[1]["cipher"]
    body = {"update_time_ge": emu.clock.start - 30 * 86400}
    candidates = [i for i in emu.order_ids(shop_cipher=cipher, status="AWAITING_SHIPMENT")]
    moved: list[str] = []

    def change_one(served: list[dict[str, Any]]) -> None:
        if not moved:
            seen = {o["id"] for o in served}
            target = next(i for i in candidates if i not in seen)
            emu.clock.advance(5)
            emu.set_order_status(target, "CANCELLED")
            moved.append(target)

    orders, _ = _all_pages(api, cipher, body, page_size=50, between_pages=change_one)
    ids = [o["id"] for o in orders]
    assert len(ids) == len(set(ids))
    # The window's upper bound was pinned at the first page, so the change (update_time = now) falls outside it.
    assert moved[0] not in ids
    assert len(ids) == len(emu.order_ids(shop_cipher=cipher)) - 1
    later = api.ok(
        "POST",
        SEARCH,
        {"page_size": 10, "sort_field": "update_time"},
        {"update_time_ge": emu.clock.unix() - 1},
        shop=cipher,
    )
    assert moved[0] in [o["id"] for o in later["orders"]]


def test_last_page_token_is_empty_and_bad_tokens_are_refused(api: OpenApi, ciphers: dict[str, str]) -> None:
    data = api.ok("POST", SEARCH, {"page_size": 100}, {}, shop=ciphers["GB"])
    assert data["next_page_token"] == "" and data["total_count"] == len(data["orders"]) == 100
    first = api.ok("POST", SEARCH, {"page_size": 10}, {}, shop=ciphers["GB"])
    assert first["next_page_token"]
    assert api.fails("POST", SEARCH, {"page_size": 10, "page_token": "garbage"}, {}, shop=ciphers["GB"])[
        :2
    ] == (400, 36009004)
    other_query = {"page_size": 10, "page_token": first["next_page_token"]}
    assert (
        api.fails("POST", SEARCH, other_query, {"order_status": "UNPAID"}, shop=ciphers["GB"])[1] == 36009004
    )


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ({"order_status": "SHIPPED"}, "order_status"),
        ({"shipping_type": "DHL"}, "shipping_type"),
        ({"update_time_ge": "yesterday"}, "update_time_ge"),
    ],
)
def test_bad_filters_are_refused(
    api: OpenApi, ciphers: dict[str, str], body: dict[str, Any], fragment: str
) -> None:
    status, code, message = api.fails("POST", SEARCH, {"page_size": 10}, body, shop=ciphers["GB"])
    assert (status, code) == (400, 36009004) and fragment in message


def test_every_shop_has_every_status_in_both_shipping_types(emu: TikTokShopEmulator) -> None:
    for shop in emu.shops:
        for shipping in ("SELLER", "TIKTOK"):
            found = {
                s
                for s in STATUSES
                if emu.order_ids(status=s, shop_cipher=shop["cipher"], shipping_type=shipping)
            }
            assert found == STATUSES, (shop["region"], shipping)


def test_update_times_spread_over_the_history_before_the_clock_start(
    big: tuple[TikTokShopEmulator, OpenApi],
) -> None:
    emu, _ = big
    times = [emu.order(i)["update_time"] for i in emu.order_ids()[::50]]
    start = emu.clock.start
    assert all(start - 30 * 86400 <= t < start for t in times)
    assert max(times) - min(times) > 25 * 86400


def test_tiktok_shipping_orders_are_masked_and_seller_ones_are_not(
    emu: TikTokShopEmulator, ciphers: dict[str, str]
) -> None:
    tiktok = emu.order(emu.order_ids(shop_cipher=ciphers["GB"], shipping_type="TIKTOK")[0])[
        "recipient_address"
    ]
    assert "***" in tiktok["name"] and "*" in tiktok["phone_number"] and "***" in tiktok["full_address"]
    assert tiktok["first_name"][1:] == "*" * (len(tiktok["first_name"]) - 1)
    seller = emu.order(emu.order_ids(shop_cipher=ciphers["GB"], shipping_type="SELLER")[0])[
        "recipient_address"
    ]
    assert "*" not in seller["name"] + seller["phone_number"] + seller["full_address"]


def test_line_items_are_one_per_unit(emu: TikTokShopEmulator) -> None:
    multi = [
        o
        for o in map(emu.order, emu.order_ids())
        if max(Counter(li["sku_id"] for li in o["line_items"]).values()) > 1
    ]
    assert multi, "the world should hold multi-unit orders"
    for order in multi:
        ids = [li["id"] for li in order["line_items"]]
        assert len(ids) == len(set(ids))
        assert all("quantity" not in li for li in order["line_items"])


def test_packages_before_shipping_depend_on_the_market(
    emu: TikTokShopEmulator, ciphers: dict[str, str]
) -> None:
    # US orders and UK seller-shipping orders get a package only when shipped; UK TikTok Shipping (4PL) orders
    # have one from payment (reference.md#labels, the UK/EU guide), like every order elsewhere.
    unpackaged = [("US", None), ("GB", "SELLER")]
    for region, shipping_type in unpackaged:
        for order_id in emu.order_ids(
            status="AWAITING_SHIPMENT", shop_cipher=ciphers[region], shipping_type=shipping_type
        ):
            order = emu.order(order_id)
            assert order["packages"] == []
            assert all("package_id" not in li for li in order["line_items"])
    for order_id in emu.order_ids(
        status="AWAITING_SHIPMENT", shop_cipher=ciphers["GB"], shipping_type="TIKTOK"
    ):
        assert len(emu.order(order_id)["packages"]) == 1
    for order_id in emu.order_ids(status="AWAITING_SHIPMENT", shop_cipher=ciphers["DE"]):
        order = emu.order(order_id)
        assert len(order["packages"]) == 1
        assert {li["package_status"] for li in order["line_items"]} == {"TO_FULFILL"}


def test_shipped_orders_carry_tracking_and_packages(emu: TikTokShopEmulator) -> None:
    for order_id in emu.order_ids(status="IN_TRANSIT")[:20]:
        order = emu.order(order_id)
        assert order["tracking_number"] and order["rts_time"] and order["packages"]
        assert all(li["package_id"] and li["display_status"] == "IN_TRANSIT" for li in order["line_items"])


def test_cancelled_orders_have_cancellation_fields(emu: TikTokShopEmulator) -> None:
    for order_id in emu.order_ids(status="CANCELLED")[:20]:
        order = emu.order(order_id)
        assert order["cancel_reason"] and order["cancellation_initiator"] in {"BUYER", "SELLER", "SYSTEM"}
        assert order["cancel_time"] == order["update_time"]
        assert {li["display_status"] for li in order["line_items"]} == {"CANCELLED"}
        assert all(li["cancel_user"] == order["cancellation_initiator"] for li in order["line_items"])


def test_unpaid_orders_have_no_paid_time(emu: TikTokShopEmulator) -> None:
    assert all("paid_time" not in emu.order(i) for i in emu.order_ids(status="UNPAID"))


def test_types_ids_strings_times_ints_money_strings(emu: TikTokShopEmulator) -> None:
    order = emu.order(emu.order_ids(status="AWAITING_COLLECTION")[0])
    assert isinstance(order["id"], str) and isinstance(order["create_time"], int)
    assert all(isinstance(v, str) for v in order["payment"].values())
    line = order["line_items"][0]
    assert isinstance(line["sku_id"], str) and isinstance(line["sale_price"], str)


def _sample_orders() -> list[dict[str, Any]]:
    names = (
        "order_search_response.json",
        "order_detail_response.json",
        "order_detail_cancelled_response.json",
    )
    return [o for n in names for o in json.loads((SAMPLES / n).read_text())["data"]["orders"]]


def test_orders_carry_the_sample_keys_and_only_fields_of_the_official_model(emu: TikTokShopEmulator) -> None:
    samples = _sample_orders()
    model = json.loads((SCHEMAS / "order.schema.json").read_text())["properties"]
    served = [emu.order(i) for i in emu.order_ids()]
    always = set.intersection(*(set(o) for o in samples)) - {"paid_time"}
    assert all(always <= set(o) for o in served)
    assert {k for o in served for k in o} <= set(model)
    parts = {"payment": samples[0]["payment"], "recipient_address": samples[0]["recipient_address"]}
    for part, sample in parts.items():
        assert all(set(sample) <= set(o[part]) <= set(model[part]["properties"]) for o in served), part
    line_model = set(model["line_items"]["items"]["properties"])
    sample_line_keys = set.intersection(*(set(li) for o in samples for li in o["line_items"]))
    assert all(sample_line_keys <= set(li) <= line_model for o in served for li in o["line_items"])


def test_same_seed_same_world_other_seed_other_world() -> None:
    with (
        TikTokShopEmulator(make_config()) as one,
        TikTokShopEmulator(make_config()) as two,
        TikTokShopEmulator(make_config(seed=8)) as three,
    ):
        ids = one.order_ids()[:20]
        assert [one.order(i) for i in ids] == [two.order(i) for i in ids]
        assert one.shops == two.shops
        assert [one.order(i) for i in ids] != [three.order(i) for i in ids]
