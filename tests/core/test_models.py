"""Canonical models: UTC-only datetimes, exact money, frozen and strict shapes, and the published schemas."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from pydantic import SecretStr, ValidationError

from connector_core import schemagen
from connector_core.models import (
    CANONICAL_MODELS,
    Address,
    Manifest,
    Money,
    Order,
    OrderStatus,
    OrderWindow,
    Shipment,
    StockLevel,
    StockReport,
    StockResult,
    TokenSet,
    WebhookEvent,
)
from connector_core.resources import schemas_root

UTC = timezone.utc


def an_order(**overrides: Any) -> dict[str, Any]:
    price = {"amount": "10.50", "currency": "EUR"}
    order = {
        "id": "576461413038785752",
        "status": "awaiting_shipment",
        "channel_status": "AWAITING_SHIPMENT",
        "created_at": datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
        "updated_at": datetime(2026, 1, 2, 4, 0, tzinfo=UTC),
        "currency": "EUR",
        "subtotal": price,
        "shipping": {"amount": "0", "currency": "EUR"},
        "total": price,
        "ship_to": {"name": "A. Buyer", "lines": ["1 Street"], "country_code": "DE"},
        "lines": [
            {
                "sku": "SKU-1",
                "title": "Mug",
                "quantity": 2,
                "unit_price": {"amount": "5.25", "currency": "EUR"},
            }
        ],
        "shipping_by": "seller",
    }
    order.update(overrides)
    return order


# --- datetimes ------------------------------------------------------------------------------------------


def test_a_naive_datetime_is_refused() -> None:
    with pytest.raises(ValidationError, match="must be timezone-aware"):
        OrderWindow(since=datetime(2026, 1, 1), until=datetime(2026, 1, 2, tzinfo=UTC))


def test_an_aware_datetime_is_normalised_to_utc() -> None:
    plus_two = timezone(timedelta(hours=2))

    window = OrderWindow(
        since=datetime(2026, 1, 1, 12, tzinfo=plus_two), until=datetime(2026, 1, 2, tzinfo=UTC)
    )

    assert window.since == datetime(2026, 1, 1, 10, tzinfo=UTC)
    assert window.since.tzinfo == UTC


def test_token_expiries_are_absolute_utc_instants() -> None:
    with pytest.raises(ValidationError):
        TokenSet(access_token=SecretStr("a"), access_expires_at=datetime(2026, 1, 1))


# --- money ----------------------------------------------------------------------------------------------


def test_money_serialises_its_amount_as_a_string() -> None:
    money = Money(amount=Decimal("19.990"), currency="GBP")

    assert money.model_dump(mode="json") == {"amount": "19.990", "currency": "GBP"}
    assert json.loads(money.model_dump_json())["amount"] == "19.990"


def test_money_keeps_every_digit() -> None:
    assert Money(amount="0.1", currency="USD").amount + Money(amount="0.2", currency="USD").amount == Decimal(
        "0.3"
    )


def test_a_currency_is_three_letters() -> None:
    with pytest.raises(ValidationError, match="currency"):
        Money(amount="1", currency="EURO")


# --- orders ---------------------------------------------------------------------------------------------


def test_an_order_round_trips_through_json() -> None:
    order = Order.model_validate(an_order())

    again = Order.model_validate_json(order.model_dump_json())

    assert again == order
    assert again.status is OrderStatus.AWAITING_SHIPMENT
    assert again.ship_to.is_masked is False
    assert again.lines[0].channel_line_ids == []


def test_an_order_needs_a_line_and_each_line_a_quantity() -> None:
    with pytest.raises(ValidationError, match="lines"):
        Order.model_validate(an_order(lines=[]))
    line = an_order()["lines"][0]
    with pytest.raises(ValidationError, match="greater than or equal to 1"):
        Order.model_validate(an_order(lines=[{**line, "quantity": 0}]))


def test_models_refuse_unknown_fields_and_are_frozen() -> None:
    with pytest.raises(ValidationError, match="Extra inputs are not permitted"):
        Order.model_validate(an_order(colour="red"))
    order = Order.model_validate(an_order())
    with pytest.raises(ValidationError):
        order.id = "other"


def test_the_order_statuses_are_the_canonical_seven() -> None:
    assert [s.value for s in OrderStatus] == [
        "awaiting_payment",
        "on_hold",
        "awaiting_shipment",
        "partially_shipped",
        "shipped",
        "delivered",
        "cancelled",
    ]


def test_a_masked_address_says_so() -> None:
    assert Address(full_address="Bonn ***", is_masked=True).is_masked


# --- stock, shipments, webhooks, manifest ---------------------------------------------------------------


def test_a_stock_report_counts_outcomes() -> None:
    report = StockReport(
        results=[
            StockResult(sku="A", outcome="updated", quantity=1),
            StockResult(sku="B", outcome="updated", quantity=2),
            StockResult(sku="C", outcome="unknown_sku"),
        ],
        calls=1,
    )

    assert report.count("updated") == 2
    assert report.count("unknown_sku") == 1
    assert report.count("rejected") == 0


def test_a_stock_level_needs_a_sku() -> None:
    with pytest.raises(ValidationError):
        StockLevel(sku="", quantity=1)


def test_a_shipment_needs_a_parcel_with_tracking_and_carrier() -> None:
    with pytest.raises(ValidationError):
        Shipment(order_id="o", parcels=[])
    with pytest.raises(ValidationError):
        Shipment(order_id="o", parcels=[{"tracking_number": "", "carrier": "DHL"}])


def test_a_webhook_event_keeps_its_payload() -> None:
    event = WebhookEvent(
        id="n1", kind="order_status_changed", channel_type="ORDER_STATUS_CHANGE", payload={"a": 1}
    )

    assert event.payload == {"a": 1}


def test_a_manifest_id_is_a_python_identifier_in_lower_case() -> None:
    with pytest.raises(ValidationError, match="id"):
        Manifest(id="TikTok-Shop", name="x", version="1", capabilities=frozenset(), credentials_schema="/x")


# --- published schemas ----------------------------------------------------------------------------------


@pytest.mark.parametrize("model", CANONICAL_MODELS, ids=lambda m: m.__name__)
def test_the_published_schema_is_what_the_model_generates(model: Any) -> None:
    published = schemas_root() / "core" / schemagen.file_name(model)

    assert published.read_text(encoding="utf-8") == schemagen.render(model), (
        f"{published.name} is stale: run `python -m connector_core.schemagen`"
    )


def test_no_stray_schema_files_are_published() -> None:
    expected = {schemagen.file_name(m) for m in CANONICAL_MODELS}

    assert {p.name for p in (schemas_root() / "core").glob("*.schema.json")} == expected


def test_file_names_are_snake_case() -> None:
    assert schemagen.file_name(StockReport) == "stock_report.schema.json"
    assert schemagen.file_name(Order) == "order.schema.json"


def test_generate_writes_every_schema(tmp_path: Path) -> None:
    written = schemagen.generate(tmp_path / "out")

    assert sorted(p.name for p in written) == sorted(schemagen.file_name(m) for m in CANONICAL_MODELS)
    for path in written:
        Draft202012Validator.check_schema(json.loads(path.read_text()))


def test_an_order_dumped_to_json_validates_against_its_published_schema() -> None:
    schema = json.loads((schemas_root() / "core" / "order.schema.json").read_text())
    order = Order.model_validate(an_order())

    errors = list(Draft202012Validator(schema).iter_errors(json.loads(order.model_dump_json())))

    assert errors == []
    assert schema["properties"]["subtotal"]["$ref"].endswith("/Money")
    assert schema["$defs"]["Money"]["properties"]["amount"]["type"] == "string"
