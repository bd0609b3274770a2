"""TikTok order statuses and the default mapping onto the canonical `OrderStatus` (DESIGN.md's table)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from connector_core import OrderStatus

DEFAULT_STATUS_MAP: dict[str, OrderStatus] = {
    "UNPAID": OrderStatus.AWAITING_PAYMENT,
    "ON_HOLD": OrderStatus.ON_HOLD,
    "AWAITING_SHIPMENT": OrderStatus.AWAITING_SHIPMENT,
    "PARTIALLY_SHIPPING": OrderStatus.PARTIALLY_SHIPPED,
    "AWAITING_COLLECTION": OrderStatus.SHIPPED,
    "IN_TRANSIT": OrderStatus.SHIPPED,
    "DELIVERED": OrderStatus.DELIVERED,
    "COMPLETED": OrderStatus.DELIVERED,
    "CANCELLED": OrderStatus.CANCELLED,
}

# Legacy (202212 and older) numeric codes, in case an old payload or webhook still carries one.
LEGACY_NUMERIC = {
    "100": "UNPAID",
    "111": "AWAITING_SHIPMENT",
    "112": "AWAITING_COLLECTION",
    "114": "PARTIALLY_SHIPPING",
    "121": "IN_TRANSIT",
    "122": "DELIVERED",
    "130": "COMPLETED",
    "140": "CANCELLED",
}

UNKNOWN_STATUS_WARNING = (
    "TikTok status {status!r} is not known to this connector: imported as on_hold so it is not shipped; "
    "map it with the 'status_overrides' setting"
)


SPELLINGS = {"CANCEL": "CANCELLED"}
"""The order-status webhook page spells the end state CANCEL, the order API CANCELLED: accept both."""


def normalise(channel_status: str) -> str:
    status = str(channel_status).strip().upper()
    status = LEGACY_NUMERIC.get(status, status)
    return SPELLINGS.get(status, status)


HELD_BY_CANCELLATION_REQUEST = frozenset({"ON_HOLD", "AWAITING_SHIPMENT", "PARTIALLY_SHIPPING"})
"""Statuses in which a buyer's open cancellation request holds the order (reference.md#cancellation-fields)."""


def known_status(channel_status: str, channel_order: Mapping[str, Any] | None = None) -> OrderStatus | None:
    """TikTok's default table; None for a status it does not know (the core then puts the order on hold).

    An order awaiting shipment with an open cancellation request is `on_hold`: the host must not ship it
    until the request is decided (the seller's 'status_overrides', applied by the core first, still win)."""
    status = normalise(channel_status)
    if (
        channel_order is not None
        and channel_order.get("is_buyer_request_cancel") is True
        and status in HELD_BY_CANCELLATION_REQUEST
    ):
        return OrderStatus.ON_HOLD
    return DEFAULT_STATUS_MAP.get(status)


def map_status(
    channel_status: str, settings: Mapping[str, Any], channel_order: Mapping[str, Any] | None = None
) -> OrderStatus | None:
    """The settings' override if any, else TikTok's rules: what the hook chain answers, for callers outside
    a plugin manager (the mapping tests, tools reading raw orders)."""
    status = normalise(channel_status)
    overrides = settings.get("status_overrides") or {}
    for key, value in overrides.items():
        if key.upper() == status:
            return OrderStatus(value)
    return known_status(status, channel_order)
