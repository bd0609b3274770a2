"""Every served response kind, and every reference sample, validates against connectors/tiktok_shop/schemas/api (draft-07)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from emulator_support import SAMPLES, SCHEMAS, OpenApi, Receiver, make_config
from jsonschema import Draft7Validator
from referencing import Registry, Resource

from tiktok_shop_emulator import TikTokShopEmulator

# Samples whose schema is not simply "<sample name>.schema.json".
SAMPLE_SCHEMA = {
    "batch_ship_packages_response_with_error": "batch_ship_packages_response",
    "inventory_update_response_item_errors": "inventory_update_response",
    "inventory_update_response_success": "inventory_update_response",
    "order_detail_cancelled_response": "order_detail_response",
    "token_get_response": "token_response",
    "token_refresh_response": "token_response",
}


def _schemas() -> dict[str, dict[str, Any]]:
    return {
        p.name.removesuffix(".schema.json"): json.loads(p.read_text()) for p in SCHEMAS.glob("*.schema.json")
    }


SCHEMA_DOCS = _schemas()
REGISTRY = Registry().with_resources(
    (doc["$id"], Resource.from_contents(doc)) for doc in SCHEMA_DOCS.values()
)


def validate(kind: str, document: Any) -> None:
    errors = sorted(Draft7Validator(SCHEMA_DOCS[kind], registry=REGISTRY).iter_errors(document), key=str)
    assert not errors, f"{kind}: " + "; ".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:5])


def test_schemas_are_valid_draft7() -> None:
    assert len(SCHEMA_DOCS) >= 20
    for doc in SCHEMA_DOCS.values():
        Draft7Validator.check_schema(doc)
        assert doc["$schema"] == "http://json-schema.org/draft-07/schema#"


def _samples(pattern: str) -> list[Path]:
    return sorted(SAMPLES.glob(pattern))


# The TikTok Shipping label samples arrive with the label flow (issue 14), which adds their schemas; until then
# they are checked for shape only by the label tests. Remove a name here as its schema lands.
AWAITING_LABEL_SCHEMAS = {
    "labels_create_packages_response",
    "labels_eligible_shipping_services_response",
    "labels_handover_time_slots_response",
    "labels_shipping_documents_response",
    "labels_split_order_response",
}


def test_every_response_sample_validates() -> None:
    samples = [p for p in _samples("*_response*.json") if p.stem not in AWAITING_LABEL_SCHEMAS]
    assert samples
    for path in samples:
        kind = SAMPLE_SCHEMA.get(path.stem, path.stem)
        assert kind in SCHEMA_DOCS, f"no schema for sample {path.name}"
        validate(kind, json.loads(path.read_text()))


def test_error_and_webhook_samples_validate() -> None:
    for path in _samples("error_*.json"):
        validate("error_response", json.loads(path.read_text()))
    for path in _samples("webhook_*.json"):
        validate("webhook_event", json.loads(path.read_text()))


@pytest.fixture
def served() -> Iterator[tuple[TikTokShopEmulator, OpenApi, dict[str, str]]]:
    with TikTokShopEmulator(make_config(orders=600)) as emu, requests.Session() as session:
        session.trust_env = False
        yield emu, OpenApi(emu, session), {s["region"]: s["cipher"] for s in emu.shops}


def _json(response: requests.Response) -> Any:
    return response.json()


def test_every_served_response_kind_validates(
    served: tuple[TikTokShopEmulator, OpenApi, dict[str, str]], receiver: Receiver
) -> None:
    emu, api, ciphers = served
    gb, de, us = ciphers["GB"], ciphers["DE"], ciphers["US"]
    seen: set[str] = set()

    def check(kind: str, response: requests.Response) -> Any:
        document = response.json()
        validate(kind, document)
        seen.add(kind)
        return document.get("data")

    tokens = check("token_response", api.token_get(emu.authorize()))
    check("token_response", api.token_refresh(tokens["refresh_token"]))
    check("error_response", api.token_get("ROW_unknown"))
    check("authorized_shops_response", api.request("GET", "/authorization/202309/shops"))
    check("active_shops_response", api.request("GET", "/seller/202309/shops"))
    for cipher in (gb, de, us):
        page = check(
            "order_search_response",
            api.request("POST", "/order/202309/orders/search", {"page_size": 100}, {}, shop=cipher),
        )
        ids = ",".join(o["id"] for o in page["orders"][:50])
        check("order_detail_response", api.request("GET", "/order/202309/orders", {"ids": ids}, shop=cipher))
    products = check(
        "product_search_response",
        api.request("POST", "/product/202309/products/search", {"page_size": 50}, {}, shop=gb),
    )["products"]
    active = next(p for p in products if p["status"] == "ACTIVATE")
    inactive = next(p for p in products if p["status"] != "ACTIVATE")
    check("product_detail_response", api.request("GET", f"/product/202309/products/{active['id']}", shop=gb))
    check(
        "inventory_search_response",
        api.request(
            "POST",
            "/product/202309/inventory/search",
            body={"product_ids": [p["id"] for p in products]},
            shop=gb,
        ),
    )
    for product in (active, inactive):
        check(
            "inventory_update_response",
            api.request(
                "POST",
                f"/product/202309/products/{product['id']}/inventory/update",
                body={"skus": [{"id": product["skus"][0]["id"], "inventory": [{"quantity": 3}]}]},
                shop=gb,
            ),
        )
    warehouses = check("warehouses_response", api.request("GET", "/logistics/202309/warehouses", shop=de))
    check(
        "delivery_options_response",
        api.request(
            "GET",
            f"/logistics/202309/warehouses/{warehouses['warehouses'][0]['id']}/delivery_options",
            shop=de,
        ),
    )

    de_orders = [
        emu.order(i)
        for i in emu.order_ids(status="AWAITING_SHIPMENT", shop_cipher=de, shipping_type="SELLER")
    ]
    providers = check(
        "shipping_providers_response",
        api.request(
            "GET",
            f"/logistics/202309/delivery_options/{de_orders[0]['delivery_option_id']}/shipping_providers",
            shop=de,
        ),
    )["shipping_providers"]
    shipment = {"self_shipment": {"tracking_number": "H1", "shipping_provider_id": providers[0]["id"]}}
    check(
        "package_detail_response",
        api.request("GET", f"/fulfillment/202309/packages/{de_orders[0]['packages'][0]['id']}", shop=de),
    )
    check(
        "ship_package_response",
        api.request(
            "POST",
            f"/fulfillment/202309/packages/{de_orders[0]['packages'][0]['id']}/ship",
            body=shipment,
            shop=de,
        ),
    )
    check(
        "batch_ship_packages_response",
        api.request(
            "POST",
            "/fulfillment/202309/packages/ship",
            body={
                "packages": [
                    {"id": de_orders[1]["packages"][0]["id"]} | shipment,
                    {"id": de_orders[2]["packages"][0]["id"]},
                ]
            },
            shop=de,
        ),
    )
    check(
        "update_shipping_info_response",
        api.request(
            "POST",
            f"/fulfillment/202309/orders/{de_orders[0]['id']}/shipping_info/update",
            body={"tracking_number": "H2", "shipping_provider_id": providers[1]["id"]},
            shop=de,
        ),
    )
    check(
        "package_detail_response",
        api.request("GET", f"/fulfillment/202309/packages/{de_orders[0]['packages'][0]['id']}", shop=de),
    )

    gb_order = emu.order(emu.order_ids(status="AWAITING_SHIPMENT", shop_cipher=gb, shipping_type="SELLER")[0])
    gb_provider = api.ok(
        "GET",
        f"/logistics/202309/delivery_options/{gb_order['delivery_option_id']}/shipping_providers",
        shop=gb,
    )["shipping_providers"][0]["id"]
    check(
        "webhook_change_response",
        api.request(
            "PUT",
            "/event/202309/webhooks",
            body={"address": receiver.url, "event_type": "ORDER_STATUS_CHANGE"},
            shop=gb,
        ),
    )
    check("webhooks_response", api.request("GET", "/event/202309/webhooks", shop=gb))
    marked = check(
        "mark_package_shipped_response",
        api.request(
            "POST",
            f"/fulfillment/202309/orders/{gb_order['id']}/packages",
            body={
                "order_line_item_ids": [li["id"] for li in gb_order["line_items"]],
                "tracking_number": "RM1",
                "shipping_provider_id": gb_provider,
            },
            shop=gb,
        ),
    )
    check(
        "update_shipping_info_response",
        api.request(
            "POST",
            f"/fulfillment/202309/packages/{marked['package_id']}/shipping_info/update",
            body={"tracking_number": "RM2", "shipping_provider_id": gb_provider},
            shop=gb,
        ),
    )
    check(
        "order_detail_response", api.request("GET", "/order/202309/orders", {"ids": gb_order["id"]}, shop=gb)
    )
    check(
        "webhook_change_response",
        api.request("DELETE", "/event/202309/webhooks", body={"event_type": "ORDER_STATUS_CHANGE"}, shop=gb),
    )
    check("error_response", api.request("GET", "/nope"))
    check("error_response", api.request("GET", "/authorization/202309/shops", sign="0" * 64))

    assert receiver.event.wait(5)
    validate("webhook_event", json.loads(receiver.received[0][1]))
    seen.add("webhook_event")
    assert seen == set(SCHEMA_DOCS) - {"order"}, set(SCHEMA_DOCS) - seen


def test_every_order_in_a_large_world_validates() -> None:
    with TikTokShopEmulator(make_config(orders=3000)) as emu:
        for order_id in emu.order_ids()[::3]:
            validate("order", emu.order(order_id))
