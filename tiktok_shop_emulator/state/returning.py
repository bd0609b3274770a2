"""The seller's side of returns: search, approve with a decision, reject with a reason (rules in ``returns``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tiktok_shop_emulator.state.returns import (
    AWAITING_BUYER,
    AWAITING_SHIP,
    COMPLETE,
    PENDING,
    RECEIPT_REJECTED,
    REJECT_REASONS,
    REJECTED,
    SHIPPED,
    SUCCESS,
    error,
    move,
)
from tiktok_shop_emulator.state.world import Shop

if TYPE_CHECKING:
    from tiktok_shop_emulator.state.backend import Backend

# decision -> (return types it applies to, statuses it applies in)
APPROVALS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "APPROVE_REFUND": (frozenset({"REFUND"}), frozenset({PENDING})),
    "APPROVE_RETURN": (frozenset({"RETURN_AND_REFUND"}), frozenset({PENDING})),
    "APPROVE_RECEIVED_PACKAGE": (frozenset({"RETURN_AND_REFUND"}), frozenset({SHIPPED})),
    "OFFER_PARTIAL_REFUND": (frozenset({"REFUND", "RETURN_AND_REFUND"}), frozenset({PENDING})),
    "APPROVE_REPLACEMENT": (frozenset({"REPLACEMENT"}), frozenset({"REPLACEMENT_REQUEST_PENDING"})),
}
REJECTIONS: dict[str, tuple[frozenset[str], frozenset[str], str]] = {
    "REJECT_REFUND": (frozenset({"REFUND"}), frozenset({PENDING}), REJECTED),
    "REJECT_RETURN": (frozenset({"RETURN_AND_REFUND"}), frozenset({PENDING}), REJECTED),
    "REJECT_RECEIVED_PACKAGE": (frozenset({"RETURN_AND_REFUND"}), frozenset({SHIPPED}), RECEIPT_REJECTED),
    "REJECT_REPLACEMENT": (
        frozenset({"REPLACEMENT"}),
        frozenset({"REPLACEMENT_REQUEST_PENDING"}),
        "REPLACEMENT_REQUEST_REJECT",
    ),
}


def _own(backend: Backend, shop: Shop, return_id: str) -> dict[str, Any]:
    record = backend.returns.get(return_id)
    backend.book.find(shop, record["order_id"])  # another shop's return is not found
    return record


def _check(record: dict[str, Any], decision: str, types: frozenset[str], statuses: frozenset[str]) -> None:
    if record["return_type"] not in types:
        raise error(25020004, "The decision does not match the reverse type.")
    if record["return_status"] not in statuses:
        if record["return_status"] in (SUCCESS, COMPLETE):
            raise error(25020010, "The request has already been approved.")
        raise error(25011012, "The current reverse status cannot approve the application.")


def approve(backend: Backend, shop: Shop, return_id: str, body: dict[str, Any]) -> dict[str, Any]:
    decision = body.get("decision")
    if decision not in APPROVALS:
        raise error(25001001, "`decision` is required and must be a known approval.")
    record = _own(backend, shop, return_id)
    types, statuses = APPROVALS[decision]
    _check(record, decision, types, statuses)
    order = backend.book.order(backend.book.find(shop, record["order_id"]))
    if decision == "APPROVE_RECEIVED_PACKAGE" and order.get("fulfillment_type") == "FULFILLMENT_BY_TIKTOK":
        raise error(25011026, "The receipt cannot be processed for FBT orders.")
    if decision == "OFFER_PARTIAL_REFUND":
        offer = body.get("partial_refund")
        if not isinstance(offer, dict) or not offer.get("amount") or not offer.get("currency"):
            raise error(25001001, "`partial_refund` with `currency` and `amount` is required.")
        with backend.returns.lock:
            record.update({"seller_proposed_return_type": "PARTIAL_REFUND", "partial_refund": dict(offer)})
        move(backend, shop, record, AWAITING_BUYER)
    elif decision == "APPROVE_RETURN" and body.get("buyer_keep_item") is True:
        move(backend, shop, record, SUCCESS)
        move(backend, shop, record, COMPLETE)
    elif decision == "APPROVE_RETURN":
        move(backend, shop, record, AWAITING_SHIP)
    elif decision == "APPROVE_REPLACEMENT":
        move(backend, shop, record, "REPLACEMENT_REQUEST_COMPLETE")
    else:
        move(backend, shop, record, SUCCESS)
        move(backend, shop, record, COMPLETE)
    return {}


def reject(backend: Backend, shop: Shop, return_id: str, body: dict[str, Any]) -> dict[str, Any]:
    decision, reason = body.get("decision"), body.get("reject_reason")
    if decision not in REJECTIONS:
        raise error(25001001, "`decision` is required and must be a known rejection.")
    if not isinstance(reason, str) or reason not in {name for name, _ in REJECT_REASONS}:
        raise error(25001014, f"Unknown reason: {reason}.")
    record = _own(backend, shop, return_id)
    types, statuses, target = REJECTIONS[decision]
    _check(record, decision, types, statuses)
    move(backend, shop, record, target)
    return {}


def reasons(backend: Backend, shop: Shop, return_id: str) -> dict[str, Any]:
    _own(backend, shop, return_id)
    return {"reasons": [{"name": name, "text": text} for name, text in REJECT_REASONS]}


def search(backend: Backend, shop: Shop, body: dict[str, Any], query: dict[str, str]) -> dict[str, Any]:
    """POST /return_refund/202309/returns/search (page_size 10-50, offset page tokens)."""
    raw_size = query.get("page_size", "10")
    if not str(raw_size).isdigit() or not 10 <= int(raw_size) <= 50:
        raise error(25001001, "`page_size` must be from 10 to 50.")
    wanted = {
        "order_id": set(body.get("order_ids") or []),
        "return_id": set(body.get("return_ids") or []),
        "return_type": set(body.get("return_types") or []),
        "return_status": set(body.get("return_status") or []),
    }
    found = []
    for record in backend.returns.all():
        index = backend.space.index_of(record["order_id"])
        if index is None or index % backend.space.n_shops != shop.index:
            continue
        if any(values and record[field] not in values for field, values in wanted.items()):
            continue
        if not _in_window(record, body):
            continue
        found.append(record)
    field = query.get("sort_field", "create_time")
    found.sort(key=lambda r: (r.get(field, 0), r["return_id"]), reverse=query.get("sort_order") == "DESC")
    token = str(query.get("page_token") or "0")
    start = int(token) if token.isdigit() else 0
    size = int(raw_size)
    more = start + size < len(found)
    return {
        "return_orders": [dict(r) for r in found[start : start + size]],
        "total_count": len(found),
        "next_page_token": str(start + size) if more else "",
    }


def _in_window(record: dict[str, Any], body: dict[str, Any]) -> bool:
    for field in ("create_time", "update_time"):
        low, high = body.get(f"{field}_ge"), body.get(f"{field}_lt")
        if isinstance(low, int) and record[field] < low:
            return False
        if isinstance(high, int) and record[field] >= high:
            return False
    return True
