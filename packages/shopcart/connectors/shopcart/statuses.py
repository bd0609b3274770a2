"""ShopCart has no single order status: a (financial, fulfillment) pair, plus `cancelled_at`. The connector
names each order's channel status `financial/fulfillment` ("paid/unfulfilled") and maps the pairs it knows;
the core's rules handle the seller's overrides and anything unknown (on hold)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from connector_core import OrderStatus

FINANCIAL = {
    "pending": OrderStatus.AWAITING_PAYMENT,
    "authorized": OrderStatus.AWAITING_SHIPMENT,
    "paid": OrderStatus.AWAITING_SHIPMENT,
    "partially_paid": OrderStatus.AWAITING_PAYMENT,
    "partially_refunded": OrderStatus.AWAITING_SHIPMENT,
    "refunded": OrderStatus.CANCELLED,
    "voided": OrderStatus.CANCELLED,
}
FULFILLMENT = {"partial": OrderStatus.PARTIALLY_SHIPPED, "fulfilled": OrderStatus.SHIPPED}
SHIPPABLE = frozenset({"authorized", "paid", "partially_refunded"})


def channel_status(raw: Mapping[str, Any]) -> str:
    """`financial/fulfillment`, "cancelled" for a cancelled order (whatever its money did)."""
    if raw.get("cancelled_at"):
        return "cancelled"
    return f"{raw.get('financial_status') or 'unknown'}/{raw.get('fulfillment_status') or 'unfulfilled'}"


def known_status(status: str) -> OrderStatus | None:
    if status == "cancelled":
        return OrderStatus.CANCELLED
    financial, _, fulfillment = status.partition("/")
    money = FINANCIAL.get(financial)
    if money is None or fulfillment not in {"unfulfilled", *FULFILLMENT}:
        return None
    if money is OrderStatus.CANCELLED or fulfillment == "unfulfilled":
        return money
    return FULFILLMENT[fulfillment] if financial in SHIPPABLE else None


# Every pair the connector maps itself (what the contract suite expects an import to meet, on the emulator).
KNOWN_PAIRS = frozenset(
    f"{f}/{s}"
    for f in FINANCIAL
    for s in ("unfulfilled", *FULFILLMENT)
    if known_status(f"{f}/{s}") is not None
)
