"""TikTok Shipping label endpoints (reference.md#labels, #split): thin adapters over ``labels`` and ``label_docs``."""

from __future__ import annotations

from typing import Any

from tiktok_shop_emulator.state import label_docs, labels
from tiktok_shop_emulator.wire.call import Call


def eligible_shipping_services(call: Call) -> dict[str, Any]:
    """POST /fulfillment/202309/orders/{order_id}/shipping_services/query (US)."""
    return labels.eligible_services(call.backend, call.shop, call.params["order_id"], call.body)


def create_packages(call: Call) -> dict[str, Any]:
    """POST /fulfillment/202309/packages (US): buys a label for the given lines."""
    return labels.create_packages(call.backend, call.shop, call.body)


def split_attributes(call: Call) -> dict[str, Any]:
    """GET /fulfillment/202309/orders/split_attributes?order_ids=a,b."""
    raw = call.query.get("order_ids") or ""
    order_ids = [i for i in raw.split(",") if i]
    if not order_ids:
        raise labels.invalid("`order_ids` is required.")
    return labels.split_attributes(call.backend, call.shop, order_ids)


def split_order(call: Call) -> dict[str, Any]:
    """POST /fulfillment/202309/orders/{order_id}/split."""
    return labels.split_order(call.backend, call.shop, call.params["order_id"], call.body)


def handover_time_slots(call: Call) -> dict[str, Any]:
    """GET /fulfillment/202309/packages/{package_id}/handover_time_slots."""
    return label_docs.handover_time_slots(call.backend, call.shop, call.params["package_id"])


def shipping_documents(call: Call) -> dict[str, Any]:
    """GET /fulfillment/202309/packages/{package_id}/shipping_documents."""
    return label_docs.shipping_document(call.backend, call.shop, call.params["package_id"], call.query)


# Listed before the generic fulfillment routes: "orders/split_attributes" must not read as an order id.
ROUTES = (
    (
        "POST",
        "/fulfillment/202309/orders/{order_id}/shipping_services/query",
        eligible_shipping_services,
        True,
    ),
    ("POST", "/fulfillment/202309/packages", create_packages, True),
    ("GET", "/fulfillment/202309/orders/split_attributes", split_attributes, True),
    ("POST", "/fulfillment/202309/orders/{order_id}/split", split_order, True),
    ("GET", "/fulfillment/202309/packages/{package_id}/handover_time_slots", handover_time_slots, True),
    ("GET", "/fulfillment/202309/packages/{package_id}/shipping_documents", shipping_documents, True),
)
