"""The credential form's version pin, end to end: chosen, validated, sent in the path, served by the emulator."""

from __future__ import annotations

import json
import logging
import re
from datetime import timedelta

import pytest

from connector_core import (
    ConnectorContext,
    ConnectorError,
    Credentials,
    HttpClient,
    InvalidInput,
    Shipment,
    ShipmentLine,
    ShipmentParcel,
    StockLevel,
    SystemClock,
    forms,
)
from connectors.tiktok_shop.api_versions import BASE_VERSION, SUPPORTED_VERSIONS, check_version, version_for
from connectors.tiktok_shop.client import TikTokClient
from connectors.tiktok_shop.schema_files import schema_file

ORDER_DETAIL = ("order", "orders")
ORDER_SEARCH = ("order", "orders/search")
PRODUCT_SEARCH = ("product", "products/search")
INVENTORY_UPDATE = ("product", "products/1/inventory/update")


def credentials_schema() -> dict:
    return json.loads(schema_file("credentials.schema.json").read_text())


@pytest.mark.parametrize(
    ("pinned", "order_detail", "product_search"),
    [
        ("202309", "202309", "202309"),
        ("202312", "202309", "202312"),
        ("202502", "202309", "202502"),
        ("202507", "202507", "202502"),
    ],
)
def test_each_endpoint_takes_its_newest_version_within_the_pin(
    pinned: str, order_detail: str, product_search: str
) -> None:
    assert version_for(pinned, *ORDER_DETAIL) == order_detail
    assert version_for(pinned, *PRODUCT_SEARCH) == product_search
    # Endpoints without a newer version stay at 202309 whatever the pin (order search has no 202507).
    assert version_for(pinned, *ORDER_SEARCH) == version_for(pinned, *INVENTORY_UPDATE) == BASE_VERSION


def test_the_form_offers_exactly_the_versions_the_connector_can_use() -> None:
    pattern = credentials_schema()["properties"]["version"]["then"][
        "pattern"
    ]  # the blank rule: non-empty only
    assert tuple(sorted(re.findall(r"[0-9]{6}", pattern))) == SUPPORTED_VERSIONS
    assert all(check_version(v) == v for v in SUPPORTED_VERSIONS)


@pytest.mark.parametrize("version", ["202610", "202401", "202309 ", "latest"])
def test_an_unknown_version_fails_validation_naming_the_field_and_the_supported_ones(version: str) -> None:
    values = {"environment": "production", "region": "non_us", "app_key": "6abc123", "app_secret": "s" * 16}
    errors = forms.validate({**values, "version": version}, credentials_schema())
    assert [e.field for e in errors] == ["version"]
    # The form's messages never quote the value typed (the same words show in the browser, where a value could
    # be a secret pasted into the wrong field); the field and the supported versions say what to do.
    assert all(v in errors[0].message for v in SUPPORTED_VERSIONS)


def test_a_stored_unknown_version_fails_at_the_first_call_with_one_clear_error() -> None:
    # A record saved before this check existed, or edited by hand, never reaches the form validator.
    ctx = ConnectorContext(
        connector_id="tiktok_shop",
        integration_id="tiktok_shop-old",
        credentials=Credentials({"app_key": "k1234", "version": "202610"}, {"app_secret": "secret-value"}),
        settings={},
        http=HttpClient("TikTok Shop"),
        clock=SystemClock(),
        log=logging.getLogger("test"),
    )
    with pytest.raises(ConnectorError) as caught:
        TikTokClient(ctx)
    message = str(caught.value)
    assert "'202610' is not supported" in message and ", ".join(SUPPORTED_VERSIONS) in message
    assert "secret-value" not in message


def test_creating_an_integration_with_an_unknown_version_is_refused(make_world) -> None:
    world = make_world(orders=10)
    from connectors.tiktok_shop.devtools import emulator_form

    with pytest.raises(InvalidInput, match="version"):
        world.integrations.create("tiktok_shop", emulator_form(world.emu, version="202610"), {})


@pytest.mark.parametrize("version", SUPPORTED_VERSIONS)
def test_the_whole_flow_runs_against_the_emulator_at_each_version(make_world, version: str) -> None:
    world = make_world(orders=300, form={"version": version})
    world.emu.stats.reset()
    integration = world.integration

    assert integration.check_connection().ok
    pulled = [o for page in integration.pull_orders(world.clock.now() - timedelta(days=60), world.clock.now())
              for o in page.orders]  # fmt: skip
    assert pulled
    by_id = integration.get_orders([o.id for o in pulled[:5]])
    assert [o.id for o in by_id.orders] == [o.id for o in pulled[:5]]
    delivered = [o for o in by_id.orders + pulled if o.channel_status in ("DELIVERED", "COMPLETED")]
    assert delivered and all(o.collected_at and o.delivered_at for o in delivered)
    products = world.emu.products(world.shop("GB")["cipher"])
    sku = next(p["skus"][0]["seller_sku"] for p in products if p["status"] == "ACTIVATE")
    assert [r.outcome for r in integration.push_stock([StockLevel(sku=sku, quantity=4)]).results] == [
        "updated"
    ]
    cipher = world.shop("GB")["cipher"]
    order = world.emu.order(
        world.emu.order_ids(status="AWAITING_SHIPMENT", shop_cipher=cipher, shipping_type="SELLER")[0]
    )
    shipment = Shipment(
        order_id=order["id"],
        parcels=[ShipmentParcel(tracking_number="RM1", carrier="Royal Mail",
                                lines=[ShipmentLine(channel_line_ids=[li["id"] for li in order["line_items"]])])],
    )  # fmt: skip
    assert [p.outcome for p in integration.confirm_shipment(shipment).parcels] == ["confirmed"]

    paths = world.emu.stats.by_path()
    assert f"/order/{version_for(version, *ORDER_DETAIL)}/orders" in paths
    assert f"/product/{version_for(version, *PRODUCT_SEARCH)}/products/search" in paths
    used = {p.split("/")[2] for p in paths if p.count("/") >= 3 and p.split("/")[2].isdigit()}
    assert used <= {v for v in SUPPORTED_VERSIONS if v <= version}
