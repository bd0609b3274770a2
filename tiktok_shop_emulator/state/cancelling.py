"""The cancellation state machine over the order book (rules in ``aftersales``'s docstring)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tiktok_shop_emulator.state.aftersales import (
    BUYER_REASON,
    CLOSED,
    COMPLETE,
    FILTER_SPELLINGS,
    PENDING,
    REJECT_REASONS,
    SELLER_CANCEL_STATUSES,
    SELLER_REASONS,
    SUCCESS,
    cancel_order_lines,
    deadline_for,
    error,
    record,
)
from tiktok_shop_emulator.state.world import Shop

if TYPE_CHECKING:
    from tiktok_shop_emulator.state.backend import Backend

REQUESTABLE = ("ON_HOLD", "AWAITING_SHIPMENT")


def _publish(backend: Backend, shop: Shop, rec: dict[str, Any]) -> None:
    backend.webhooks.publish(
        shop.id,
        "CANCELLATION_STATUS_CHANGE",
        {
            "order_id": rec["order_id"],
            "cancellations_role": rec["role"],
            "cancel_status": rec["cancel_status"],
            "cancel_id": rec["cancel_id"],
            "create_time": rec["create_time"],
        },
    )


def _set(backend: Backend, shop: Shop, rec: dict[str, Any], status: str) -> None:
    with backend.cancellations.lock:
        rec["cancel_status"] = status
        rec["update_time"] = backend.clock.unix()
        if status != PENDING:
            rec["seller_next_action_response"] = []
    _publish(backend, shop, rec)


def request(backend: Backend, shop: Shop, order_id: str, role: str = "BUYER") -> dict[str, Any]:
    """The buyer asks to cancel: PENDING with a deadline, or accepted at once while the order is ON_HOLD."""
    index = backend.book.find(shop, order_id)
    now = backend.clock.unix()
    cancel_id = backend.cancellations.new_id()
    with backend.book.change(index) as order:
        if order["status"] not in REQUESTABLE:
            raise error(
                25001003, f"The order status does not allow a cancellation request: {order['status']}."
            )
        if backend.cancellations.pending_of(order_id) is not None:
            raise error(25001011, "A cancellation request is already in process.")
        on_hold = order["status"] == "ON_HOLD"
        kind = "CANCEL" if on_hold else "BUYER_CANCEL"
        rec = record(cancel_id, order, kind, role, BUYER_REASON, PENDING, now)
        order["request_cancel_time"] = now
        if on_hold:
            cancel_order_lines(order, None, role, BUYER_REASON[1], now)
        else:
            order["is_buyer_request_cancel"] = True
            deadline = deadline_for(shop, now)
            rec["seller_next_action_response"] = [{"action": "SELLER_RESPOND_CANCEL", "deadline": deadline}]
    backend.cancellations.add(rec)
    if on_hold:
        _set(backend, shop, rec, SUCCESS)
        _set(backend, shop, rec, COMPLETE)
    else:
        _publish(backend, shop, rec)
    return rec


def _shop_of(backend: Backend, order_id: str) -> Shop:
    index = backend.space.index_of(order_id)
    assert index is not None
    return backend.book.shop_of(index)


def expire(backend: Backend) -> None:
    """Pending requests past their deadline are approved by the platform."""
    now = backend.clock.unix()
    for rec in backend.cancellations.all():
        due = [a["deadline"] for a in rec["seller_next_action_response"]]
        if rec["cancel_status"] == PENDING and due and min(due) <= now:
            _approve(backend, _shop_of(backend, rec["order_id"]), rec)


def _approve(backend: Backend, shop: Shop, rec: dict[str, Any]) -> None:
    index = backend.book.find(shop, rec["order_id"])
    with backend.book.change(index) as order:
        cancel_order_lines(order, None, rec["role"], rec["cancel_reason_text"], backend.clock.unix())
    _set(backend, shop, rec, SUCCESS)
    _set(backend, shop, rec, COMPLETE)


def _pending(backend: Backend, shop: Shop, cancel_id: str) -> dict[str, Any]:
    rec = backend.cancellations.get(cancel_id)
    backend.book.find(shop, rec["order_id"])  # another shop's cancellation is not found
    status = rec["cancel_status"]
    if status in (SUCCESS, COMPLETE):
        raise error(25020010, "The request has already been approved and cannot be changed.")
    if status == CLOSED:
        raise error(25020009, "The reverse request has already been cancelled.")
    return rec


def approve(backend: Backend, shop: Shop, cancel_id: str) -> dict[str, Any]:
    rec = _pending(backend, shop, cancel_id)
    _approve(backend, shop, rec)
    return {}


def reject(backend: Backend, shop: Shop, cancel_id: str, body: dict[str, Any]) -> dict[str, Any]:
    reason = body.get("reject_reason")
    if not isinstance(reason, str) or not reason:
        raise error(25001001, "`reject_reason` is required.")
    if reason not in {name for name, _ in REJECT_REASONS}:
        raise error(25001014, f"Unknown reason: {reason}.")
    rec = _pending(backend, shop, cancel_id)
    index = backend.book.find(shop, rec["order_id"])
    with backend.book.change(index) as order:
        order["is_buyer_request_cancel"] = False
    _set(backend, shop, rec, CLOSED)
    return {}


def reject_reasons(backend: Backend, shop: Shop, request_id: str) -> dict[str, Any]:
    rec = backend.cancellations.get(request_id)
    backend.book.find(shop, rec["order_id"])
    return {"reasons": [{"name": name, "text": text} for name, text in REJECT_REASONS]}


def seller_cancel(backend: Backend, shop: Shop, body: dict[str, Any]) -> dict[str, Any]:
    """POST /return_refund/202309/cancellations: the seller cancels the order or some of its lines."""
    order_id, reason = body.get("order_id"), body.get("cancel_reason")
    if not isinstance(order_id, str) or not isinstance(reason, str):
        raise error(25001001, "`order_id` and `cancel_reason` are required.")
    if reason not in SELLER_REASONS:
        raise error(25001021, "The cancel reason does not match the order status.")
    line_ids = body.get("order_line_item_ids")
    if line_ids is not None and (
        not isinstance(line_ids, list) or not all(isinstance(i, str) for i in line_ids)
    ):
        raise error(25001001, "`order_line_item_ids` must be a list of strings.")
    index = backend.book.find(shop, order_id)
    now = backend.clock.unix()
    cancel_id = backend.cancellations.new_id()
    with backend.book.change(index) as order:
        if order["status"] == "CANCELLED":
            raise error(25001011, "A request is already in process or the order is already cancelled.")
        if order["status"] not in SELLER_CANCEL_STATUSES:
            raise error(25001045, "The order has been shipped and cannot be cancelled.")
        known = {li["id"]: li for li in order["line_items"]}
        if line_ids is not None:
            if any(i not in known for i in line_ids):
                raise error(25001001, "Line items not in the order.")
            if any(known[i]["display_status"] == "CANCELLED" for i in line_ids):
                raise error(25001011, "A request is already in process or the order is already cancelled.")
            if any(known[i]["tracking_number"] for i in line_ids):
                raise error(25001045, "The order has been shipped and cannot be cancelled.")
        rec = record(cancel_id, order, "CANCEL", "SELLER", (reason, reason), COMPLETE, now, line_ids)
        cancel_order_lines(order, line_ids, "SELLER", reason, now)
    backend.cancellations.add(rec)
    _publish(backend, shop, rec)
    return {"cancel_id": cancel_id, "cancel_status": SUCCESS}


def on_ship(backend: Backend, shop: Shop, order: dict[str, Any]) -> None:
    """Shipping an order with a pending buyer request (called inside the shipping change)."""
    if order.get("fulfillment_type", "FULFILLMENT_BY_SELLER") != "FULFILLMENT_BY_SELLER":
        raise error(21008025, "The seller cannot operate orders fulfilled by the platform.")
    if not order.get("is_buyer_request_cancel"):
        return
    if shop.region != "US":
        raise error(21011007, "Package item has after-sale request.")
    rec = backend.cancellations.pending_of(order["id"])
    order["is_buyer_request_cancel"] = False
    if rec is not None:
        _set(backend, shop, rec, CLOSED)  # the system rejects it: the seller shipped


def search(backend: Backend, shop: Shop, body: dict[str, Any], query: dict[str, str]) -> dict[str, Any]:
    """POST /return_refund/202309/cancellations/search, paged by offset tokens."""
    expire(backend)
    raw_size = query.get("page_size", "10")
    if not str(raw_size).isdigit() or not 1 <= int(raw_size) <= 50:
        raise error(25001001, "`page_size` must be from 1 to 50.")
    statuses = {FILTER_SPELLINGS.get(s, s) for s in body.get("cancel_status") or []}
    orders = set(body.get("order_ids") or [])
    ids = set(body.get("cancel_ids") or [])
    kinds = set(body.get("cancel_types") or [])
    found = [
        r
        for r in backend.cancellations.all()
        if _in_shop(backend, shop, r["order_id"])
        and (not statuses or r["cancel_status"] in statuses)
        and (not orders or r["order_id"] in orders)
        and (not ids or r["cancel_id"] in ids)
        and (not kinds or r["cancel_type"] in kinds)
        and _in_window(r, body)
    ]
    field = query.get("sort_field", "create_time")
    found.sort(key=lambda r: (r.get(field, 0), r["cancel_id"]), reverse=query.get("sort_order") == "DESC")
    start = int(query.get("page_token") or 0) if str(query.get("page_token") or "0").isdigit() else 0
    size = int(raw_size)
    page = found[start : start + size]
    more = start + size < len(found)
    return {
        "cancellations": page,
        "total_count": len(found),
        "next_page_token": str(start + size) if more else "",
    }


def _in_shop(backend: Backend, shop: Shop, order_id: str) -> bool:
    index = backend.space.index_of(order_id)
    return index is not None and index % backend.space.n_shops == shop.index


def _in_window(rec: dict[str, Any], body: dict[str, Any]) -> bool:
    for field in ("create_time", "update_time"):
        low, high = body.get(f"{field}_ge"), body.get(f"{field}_lt")
        if isinstance(low, int) and rec[field] < low:
            return False
        if isinstance(high, int) and rec[field] >= high:
            return False
    return True
