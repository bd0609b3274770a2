"""Products and stock: seller_sku lookup, inventory update rules and per-SKU errors (reference.md#inventory-update)."""

from __future__ import annotations

from typing import Any

import pytest
from emulator_support import OpenApi

from tiktok_shop_emulator import TikTokShopEmulator

PRODUCTS = "/product/202309/products/search"
INVENTORY = "/product/202309/inventory/search"


def _update_path(product_id: str) -> str:
    return f"/product/202309/products/{product_id}/inventory/update"


def _product(emu: TikTokShopEmulator, cipher: str, status: str = "ACTIVATE") -> dict[str, Any]:
    return next(p for p in emu.products(cipher) if p["status"] == status)


def test_product_search_maps_seller_sku_to_ids(api: OpenApi, ciphers: dict[str, str]) -> None:
    data = api.ok(
        "POST",
        PRODUCTS,
        {"page_size": 20},
        {"seller_skus": ["MUG-WHITE"], "status": "ACTIVATE"},
        shop=ciphers["GB"],
    )
    assert data["total_count"] == 1 and data["next_page_token"] == ""
    product = data["products"][0]
    assert product["title"] == "Ceramic Mug" and product["sales_regions"] == ["GB"]
    assert "MUG-WHITE" in [s["seller_sku"] for s in product["skus"]]


def test_product_search_paginates(api: OpenApi, ciphers: dict[str, str], emu: TikTokShopEmulator) -> None:
    seen: list[str] = []
    token = None
    while True:
        params: dict[str, Any] = {"page_size": 3} | ({"page_token": token} if token else {})
        data = api.ok("POST", PRODUCTS, params, {}, shop=ciphers["US"])
        seen += [p["id"] for p in data["products"]]
        token = data["next_page_token"]
        if not token:
            break
    assert seen == [p["id"] for p in emu.products(ciphers["US"])]


def test_product_search_limits(api: OpenApi, ciphers: dict[str, str]) -> None:
    eleven = [f"SKU-{i}" for i in range(11)]
    assert (
        api.fails("POST", PRODUCTS, {"page_size": 10}, {"seller_skus": eleven}, shop=ciphers["GB"])[1]
        == 12019027
    )
    assert api.fails("POST", PRODUCTS, {"page_size": 101}, {}, shop=ciphers["GB"])[1] == 36009004


def test_inventory_update_shows_in_search_and_detail(
    api: OpenApi, emu: TikTokShopEmulator, ciphers: dict[str, str]
) -> None:
    product = _product(emu, ciphers["GB"])
    sku = product["skus"][0]["id"]
    data = api.ok(
        "POST",
        _update_path(product["id"]),
        body={"skus": [{"id": sku, "inventory": [{"quantity": 42}]}]},
        shop=ciphers["GB"],
    )
    assert data == {}
    assert list(emu.inventory(sku).values()) == [42]
    found = api.ok("POST", INVENTORY, body={"sku_ids": [sku]}, shop=ciphers["GB"])["inventory"]
    assert found[0]["product_id"] == product["id"]
    assert found[0]["skus"][0]["total_available_quantity"] == 42
    assert found[0]["skus"][0]["warehouse_inventory"][0]["available_quantity"] == 42
    detail = api.ok("GET", f"/product/202309/products/{product['id']}", shop=ciphers["GB"])
    assert next(s for s in detail["skus"] if s["id"] == sku)["inventory"][0]["quantity"] == 42


def test_multi_warehouse_shop_needs_warehouse_ids(
    api: OpenApi, emu: TikTokShopEmulator, ciphers: dict[str, str]
) -> None:
    product = _product(emu, ciphers["US"])
    sku = product["skus"][0]["id"]
    status, code, _ = api.fails(
        "POST",
        _update_path(product["id"]),
        body={"skus": [{"id": sku, "inventory": [{"quantity": 5}]}]},
        shop=ciphers["US"],
    )
    assert (status, code) == (400, 12019028)
    warehouses = next(s for s in emu.shops if s["region"] == "US")["warehouse_ids"]
    body = {
        "skus": [
            {
                "id": sku,
                "inventory": [
                    {"warehouse_id": warehouses[0], "quantity": 5},
                    {"warehouse_id": warehouses[1], "quantity": 7},
                ],
            }
        ]
    }
    assert api.ok("POST", _update_path(product["id"]), body=body, shop=ciphers["US"]) == {}
    assert emu.inventory(sku) == {warehouses[0]: 5, warehouses[1]: 7}


@pytest.mark.parametrize("quantity", [-1, 100000, "5", 2.5, True])
def test_quantity_must_be_0_to_99999(
    api: OpenApi, emu: TikTokShopEmulator, ciphers: dict[str, str], quantity: Any
) -> None:
    product = _product(emu, ciphers["GB"])
    body = {"skus": [{"id": product["skus"][0]["id"], "inventory": [{"quantity": quantity}]}]}
    assert api.fails("POST", _update_path(product["id"]), body=body, shop=ciphers["GB"])[:2] == (
        400,
        12019024,
    )


def test_quantity_bounds_themselves_are_accepted(
    api: OpenApi, emu: TikTokShopEmulator, ciphers: dict[str, str]
) -> None:
    product = _product(emu, ciphers["GB"])
    skus = product["skus"]
    body = {
        "skus": [
            {"id": skus[0]["id"], "inventory": [{"quantity": 0}]},
            {"id": skus[1]["id"], "inventory": [{"quantity": 99999}]},
        ]
    }
    assert api.ok("POST", _update_path(product["id"]), body=body, shop=ciphers["GB"]) == {}


def test_skus_must_belong_to_the_product_in_the_path(
    api: OpenApi, emu: TikTokShopEmulator, ciphers: dict[str, str]
) -> None:
    products = [p for p in emu.products(ciphers["GB"]) if p["status"] == "ACTIVATE"]
    body = {"skus": [{"id": products[1]["skus"][0]["id"], "inventory": [{"quantity": 1}]}]}
    assert api.fails("POST", _update_path(products[0]["id"]), body=body, shop=ciphers["GB"])[1] == 12052037
    assert (
        api.fails(
            "POST", _update_path(products[0]["id"]), body={"skus": [{"inventory": []}]}, shop=ciphers["GB"]
        )[1]
        == 12052036
    )


def test_inactive_product_fails_per_sku_inside_top_level_success(
    api: OpenApi, emu: TikTokShopEmulator, ciphers: dict[str, str]
) -> None:
    product = _product(emu, ciphers["GB"], status="SELLER_DEACTIVATED")
    skus = [s["id"] for s in product["skus"]]
    before = emu.inventory(skus[0])
    response = api.request(
        "POST",
        _update_path(product["id"]),
        body={"skus": [{"id": s, "inventory": [{"quantity": 3}]} for s in skus]},
        shop=ciphers["GB"],
    )
    document = response.json()
    assert response.status_code == 200 and document["code"] == 0
    errors = document["data"]["errors"]
    assert [e["detail"]["sku_id"] for e in errors] == skus
    assert errors[0]["code"] == 12052990 and errors[0]["message"] == "batch update inventory error"
    assert errors[0]["detail"]["extra_errors"][0]["code"] == 12052003
    assert emu.inventory(skus[0]) == before


def test_unknown_and_foreign_products(api: OpenApi, emu: TikTokShopEmulator, ciphers: dict[str, str]) -> None:
    assert api.fails("GET", "/product/202309/products/1", shop=ciphers["GB"])[1] == 12019150
    foreign = _product(emu, ciphers["US"])["id"]
    assert api.fails("GET", f"/product/202309/products/{foreign}", shop=ciphers["GB"])[1] == 12052034


def test_inventory_search_limits_and_product_ids(
    api: OpenApi, emu: TikTokShopEmulator, ciphers: dict[str, str]
) -> None:
    product = _product(emu, ciphers["DE"])
    data = api.ok("POST", INVENTORY, body={"product_ids": [product["id"]]}, shop=ciphers["DE"])
    assert [s["id"] for s in data["inventory"][0]["skus"]] == [s["id"] for s in product["skus"]]
    assert api.fails("POST", INVENTORY, body={"product_ids": ["1"] * 101}, shop=ciphers["DE"])[1] == 12019120
    assert api.fails("POST", INVENTORY, body={"sku_ids": ["1"] * 601}, shop=ciphers["DE"])[1] == 12019015
    assert api.ok("POST", INVENTORY, body={}, shop=ciphers["DE"])[
        "inventory"
    ]  # an empty filter: the shop's stock


def test_seller_skus_helper(emu: TikTokShopEmulator, ciphers: dict[str, str]) -> None:
    skus = emu.seller_skus(ciphers["GB"])
    assert "TSHIRT-RED-M" in skus and skus == sorted(set(skus))
    assert set(emu.seller_skus()) >= set(skus)
