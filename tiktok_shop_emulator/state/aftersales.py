"""Cancellations (reference.md#cancellations): buyer requests with deadlines, seller decisions, seller cancels.

A buyer request on an order awaiting shipment is PENDING until the seller approves (SUCCESS, then
COMPLETE: the order is CANCELLED), rejects it (CANCELLED: the order goes on), or its deadline passes (the
platform approves). A request on an ON_HOLD order is accepted at once. Shipping an order with a pending
request: in the US the shipment goes through and the request is rejected by the system (TikTok's 2024
rule); elsewhere the shipment is refused with 21011007. Every change fires CANCELLATION_STATUS_CHANGE (11).
Approve and Reject replay the first answer for a repeated ``idempotency_key`` (the reference's advice for
an emulator); Cancel Order has no key and answers a repeat with 25001011.
"""

from __future__ import annotations

import threading
from typing import Any

from tiktok_shop_emulator.state.world import Shop
from tiktok_shop_emulator.wire.error_codes import ApiError

PENDING = "CANCELLATION_REQUEST_PENDING"
SUCCESS = "CANCELLATION_REQUEST_SUCCESS"
CLOSED = "CANCELLATION_REQUEST_CANCELLED"
COMPLETE = "CANCELLATION_REQUEST_COMPLETE"
FILTER_SPELLINGS = {"CANCELLATION_REQUEST_CANCEL": CLOSED}
DAY = 86400
ONE_DAY_MARKETS = frozenset({"US", "TH"})
CANCEL_ID_BASE = 4035318704710000000
BUYER_REASON = ("cancel_reason_no_longer_needed", "No longer needed")
REJECT_REASONS = (
    ("order_manage_list_action_respond_popup_reject_reason_invalid_cancellation_reason", "Invalid reason"),
    ("order_manage_list_action_respond_popup_reject_reason_buyer_agree", "Buyer agreed to keep the order"),
    ("seller_reject_apply_product_has_been_packed", "The product has been packed"),
)
SELLER_REASONS = frozenset(
    {
        "seller_cancel_reason_out_of_stock",
        "seller_cancel_reason_wrong_price",
        "seller_cancel_paid_reason_address_not_deliver",
        "seller_cancel_paid_reason_buyer_requested_cancellation",
        "seller_cancel_reason_out_of_stock_uk",
        "seller_cancel_reason_wrong_price_uk",
        "seller_cancel_paid_reason_address_not_deliver_uk",
    }
)
SELLER_CANCEL_STATUSES = ("ON_HOLD", "AWAITING_SHIPMENT", "AWAITING_COLLECTION", "PARTIALLY_SHIPPING")


def error(code: int, message: str) -> ApiError:
    return ApiError(code, message)


class Cancellations:
    """Every cancellation record, by id and by order; the replay table of idempotency keys."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.records: dict[str, dict[str, Any]] = {}
        self.by_order: dict[str, list[str]] = {}
        self.replies: dict[tuple[str, str, str], dict[str, Any]] = {}
        self._next = 0

    def new_id(self) -> str:
        with self.lock:
            self._next += 1
            return str(CANCEL_ID_BASE + self._next)

    def add(self, record: dict[str, Any]) -> None:
        with self.lock:
            self.records[record["cancel_id"]] = record
            self.by_order.setdefault(record["order_id"], []).append(record["cancel_id"])

    def of_order(self, order_id: str) -> list[dict[str, Any]]:
        with self.lock:
            return [self.records[c] for c in self.by_order.get(order_id, [])]

    def pending_of(self, order_id: str) -> dict[str, Any] | None:
        return next((r for r in self.of_order(order_id) if r["cancel_status"] == PENDING), None)

    def get(self, cancel_id: str) -> dict[str, Any]:
        with self.lock:
            found = self.records.get(cancel_id)
        if found is None:
            raise error(25007006, "The cancellation does not exist.")
        return found

    def all(self) -> list[dict[str, Any]]:
        with self.lock:
            return list(self.records.values())


def deadline_for(shop: Shop, created: int) -> int:
    """24 h where the reference says 24 h (US Seller Shipping, TH), 48 h elsewhere."""
    return created + (DAY if shop.region in ONE_DAY_MARKETS else 2 * DAY)


def record(
    cancel_id: str,
    order: dict[str, Any],
    kind: str,
    role: str,
    reason: tuple[str, str],
    status: str,
    now: int,
    line_ids: list[str] | None = None,
) -> dict[str, Any]:
    """One Search Cancellations object (reference.md#search-cancellations)."""
    currency = order["payment"]["currency"]
    lines = [li for li in order["line_items"] if line_ids is None or li["id"] in line_ids]
    refund = sum((float(li["sale_price"]) for li in lines), 0.0)
    return {
        "cancel_id": cancel_id,
        "order_id": order["id"],
        "cancel_type": kind,
        "cancel_status": status,
        "role": role,
        "cancel_reason": reason[0],
        "cancel_reason_text": reason[1],
        "create_time": now,
        "update_time": now,
        "seller_next_action_response": [],
        "refund_amount": {
            "currency": currency,
            "refund_total": f"{refund:.2f}",
            "refund_subtotal": f"{refund:.2f}",
        },
        "cancel_line_items": [
            {
                "cancel_line_item_id": f"{cancel_id}{n:02d}",
                "order_line_item_id": li["id"],
                "sku_id": li["sku_id"],
                "seller_sku": li.get("seller_sku", ""),
                "product_name": li.get("product_name", ""),
                "refund_amount": {"currency": currency, "refund_total": li["sale_price"]},
            }
            for n, li in enumerate(lines)
        ],
    }


def cancel_order_lines(
    order: dict[str, Any], line_ids: list[str] | None, role: str, reason: str, now: int
) -> None:
    """Mark lines cancelled; the order is CANCELLED once no line is left to ship."""
    for line in order["line_items"]:
        if line_ids is None or line["id"] in line_ids:
            line.update({"display_status": "CANCELLED", "cancel_reason": reason, "cancel_user": role})
    if all(line["display_status"] == "CANCELLED" for line in order["line_items"]):
        order.update(
            {
                "status": "CANCELLED",
                "cancel_reason": reason,
                "cancellation_initiator": role,
                "cancel_time": now,
            }
        )
    order["is_buyer_request_cancel"] = False
