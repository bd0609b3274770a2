"""Returns and refunds (reference.md#returns): buyer requests after shipment and the seller's decisions.

Refund only: PENDING -> SUCCESS -> COMPLETE on approval. Return and refund: PENDING -> AWAITING_BUYER_SHIP
(approved) -> BUYER_SHIPPED_ITEM (the buyer ships, with tracking) -> SUCCESS -> COMPLETE when the seller
marks the parcel received (refused for FBT orders, 25011026). A partial-refund offer waits in
AWAITING_BUYER_RESPONSE. Rejections end in REFUND_OR_RETURN_REQUEST_REJECT or REJECT_RECEIVE_PACKAGE.
Every change fires RETURN_STATUS_CHANGE (12); approve/reject replay a repeated idempotency key.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from tiktok_shop_emulator.state.world import Shop
from tiktok_shop_emulator.wire.error_codes import ApiError

if TYPE_CHECKING:
    from tiktok_shop_emulator.state.backend import Backend

RETURN_ID_BASE = 4035318812340000000
PENDING = "RETURN_OR_REFUND_REQUEST_PENDING"
AWAITING_SHIP = "AWAITING_BUYER_SHIP"
SHIPPED = "BUYER_SHIPPED_ITEM"
SUCCESS = "RETURN_OR_REFUND_REQUEST_SUCCESS"
COMPLETE = "RETURN_OR_REFUND_REQUEST_COMPLETE"
REJECTED = "REFUND_OR_RETURN_REQUEST_REJECT"
RECEIPT_REJECTED = "REJECT_RECEIVE_PACKAGE"
AWAITING_BUYER = "AWAITING_BUYER_RESPONSE"
RETURNABLE_STATUSES = ("AWAITING_COLLECTION", "IN_TRANSIT", "DELIVERED", "COMPLETED")
TWO_DAYS = 2 * 86400
REJECT_REASONS = (
    ("seller_reject_apply_reason_is_unclear_or_lack_of_evidence", "The reason is unclear or lacks evidence"),
    ("seller_reject_apply_item_is_correct", "The item is correct"),
    ("reverse_reject_return_parcel_reason_1", "The returned item is not the item sent"),
)
NEXT_ACTION = {
    PENDING: {"REFUND": "SELLER_RESPOND_REFUND", "RETURN_AND_REFUND": "SELLER_RESPOND_RETURN"},
    SHIPPED: {"RETURN_AND_REFUND": "SELLER_RESPOND_RECEIVE_PACKAGE"},
}


def error(code: int, message: str) -> ApiError:
    return ApiError(code, message)


class Returns:
    """Every return record by id and by order."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.records: dict[str, dict[str, Any]] = {}
        self._next = 0

    def add(self, record: dict[str, Any]) -> None:
        with self.lock:
            self.records[record["return_id"]] = record

    def new_id(self) -> str:
        with self.lock:
            self._next += 1
            return str(RETURN_ID_BASE + self._next)

    def get(self, return_id: str) -> dict[str, Any]:
        with self.lock:
            found = self.records.get(return_id)
        if found is None:
            raise error(25007006, "The return does not exist.")
        return found

    def all(self) -> list[dict[str, Any]]:
        with self.lock:
            return list(self.records.values())


def _money(currency: str, total: float) -> dict[str, str]:
    text = f"{total:.2f}"
    return {
        "currency": currency,
        "refund_total": text,
        "refund_subtotal": text,
        "refund_shipping_fee": "0.00",
        "refund_tax": "0.00",
    }


def open_return(backend: Backend, order_id: str, return_type: str = "RETURN_AND_REFUND") -> dict[str, Any]:
    """The buyer asks for a refund or a return of the order's first line (reference.md#returns)."""
    index = backend.space.index_of(order_id)
    if index is None:
        raise KeyError(order_id)
    shop = backend.book.shop_of(index)
    order = backend.book.order(index)
    if order["status"] not in RETURNABLE_STATUSES:
        raise error(25001003, f"The order status does not allow a return: {order['status']}.")
    now = backend.clock.unix()
    return_id = backend.returns.new_id()
    line = order["line_items"][0]
    currency = order["payment"]["currency"]
    record = {
        "return_id": return_id,
        "order_id": order_id,
        "return_type": return_type,
        "return_status": "REPLACEMENT_REQUEST_PENDING" if return_type == "REPLACEMENT" else PENDING,
        "role": "BUYER",
        "return_reason": "ecom_order_delivered_refund_and_return_reason_damaged_product",
        "return_reason_text": "Damaged product",
        "arbitration_status": "",
        "create_time": now,
        "update_time": now,
        "seller_next_action_response": [],
        "shipment_type": "BUYER_ARRANGE",
        "return_method": "BUYER_SHIPPED",
        "return_tracking_number": "",
        "return_provider_name": "",
        "return_provider_id": "",
        "can_buyer_keep_item": return_type == "REFUND",
        "pre_return_id": "",
        "next_return_id": "",
        "is_combined_return": False,
        "seller_proposed_return_type": "",
        "refund_amount": _money(currency, float(line["sale_price"])),
        "discount_amount": [{"currency": currency, "product_seller_discount": "0.00"}],
        "shipping_fee_amount": [{"currency": currency, "buyer_paid_return_shipping_fee": "0.00"}],
        "return_line_items": [
            {
                "return_line_item_id": f"{return_id}01",
                "order_line_item_id": line["id"],
                "sku_id": line["sku_id"],
                "sku_name": line.get("sku_name", ""),
                "product_name": line.get("product_name", ""),
                "seller_sku": line.get("seller_sku", ""),
                "refund_amount": _money(currency, float(line["sale_price"])),
            }
        ],
    }
    _next_action(record, now)
    backend.returns.add(record)
    _publish(backend, shop, record)
    return dict(record)


def _next_action(record: dict[str, Any], now: int) -> None:
    action = NEXT_ACTION.get(record["return_status"], {}).get(record["return_type"])
    if record["return_status"] == "REPLACEMENT_REQUEST_PENDING":
        action = "SELLER_RESPOND_REPLACEMENT"
    record["seller_next_action_response"] = [{"action": action, "deadline": now + TWO_DAYS}] if action else []


def _publish(backend: Backend, shop: Shop, record: dict[str, Any]) -> None:
    backend.webhooks.publish(
        shop.id,
        "RETURN_STATUS_CHANGE",
        {
            "order_id": record["order_id"],
            "return_role": record["role"],
            "return_type": record["return_type"],
            "return_status": record["return_status"],
            "return_id": record["return_id"],
            "create_time": record["create_time"],
            "update_time": record["update_time"],
        },
    )


def move(backend: Backend, shop: Shop, record: dict[str, Any], status: str) -> None:
    now = backend.clock.unix()
    with backend.returns.lock:
        record["return_status"] = status
        record["update_time"] = max(now, record["update_time"])
        _next_action(record, now)
    _publish(backend, shop, record)


def buyer_ships(
    backend: Backend, return_id: str, tracking: str, carrier: str = "Royal Mail"
) -> dict[str, Any]:
    """The buyer sends the item back and uploads tracking: BUYER_SHIPPED_ITEM."""
    record = backend.returns.get(return_id)
    if record["return_status"] != AWAITING_SHIP:
        raise error(25001003, f"The return is {record['return_status']}, not awaiting the buyer's parcel.")
    index = backend.space.index_of(record["order_id"])
    assert index is not None
    with backend.returns.lock:
        record.update({"return_tracking_number": tracking, "return_provider_name": carrier})
    move(backend, backend.book.shop_of(index), record, SHIPPED)
    return dict(record)
