"""What buyers and TikTok do to orders outside the seller's API: cancellation requests, address changes, FBT.

Tests, the demo and the control endpoint drive these; each goes through the order book (a new
``update_time``) and fires the webhook TikTok would send.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tiktok_shop_emulator.state import cancelling
from tiktok_shop_emulator.wire.error_codes import ApiError

if TYPE_CHECKING:
    from tiktok_shop_emulator.state.backend import Backend

ADDRESS_CHANGEABLE = ("UNPAID", "ON_HOLD", "AWAITING_SHIPMENT")


def _located(backend: Backend, order_id: str) -> tuple[int, Any]:
    index = backend.space.index_of(order_id)
    if index is None:
        raise KeyError(order_id)
    return index, backend.book.shop_of(index)


def request_cancellation(backend: Backend, order_id: str) -> dict[str, Any]:
    """The buyer asks to cancel (reference.md#cancellations); returns the cancellation record."""
    _, shop = _located(backend, order_id)
    return dict(cancelling.request(backend, shop, order_id))


def change_address(backend: Backend, order_id: str, street: str = "1 Changed Street") -> dict[str, Any]:
    """The buyer changes the ship-to address before shipment: RECIPIENT_ADDRESS_UPDATE (3) follows."""
    index, shop = _located(backend, order_id)
    with backend.book.change(index) as order:
        if order["status"] not in ADDRESS_CHANGEABLE:
            raise ApiError(21011006, f"The address cannot change in status {order['status']}.")
        address = order["recipient_address"]
        address["address_line1"] = street
        address["address_detail"] = street
        address["full_address"] = ", ".join(
            part
            for part in (street, address.get("address_line2", ""), address.get("postal_code", ""))
            if part
        )
        order["has_updated_recipient_address"] = True
    changed = backend.book.order(index)
    backend.webhooks.publish(
        shop.id, "RECIPIENT_ADDRESS_UPDATE", {"order_id": order_id, "update_time": changed["update_time"]}
    )
    return changed


def fulfil_by_tiktok(backend: Backend, order_id: str) -> dict[str, Any]:
    """Make the order an FBT order (reference.md#fulfilment-type): TikTok's warehouse ships it."""
    index, _ = _located(backend, order_id)
    with backend.book.change(index) as order:
        order["fulfillment_type"] = "FULFILLMENT_BY_TIKTOK"
        order["shipping_type"] = "TIKTOK"
    return backend.book.order(index)
