"""Return & refund module: cancellations (reference.md#cancellations) and returns (reference.md#returns).

Approve and Reject take an optional ``idempotency_key`` query parameter (signed with the rest of the query);
a repeated key replays the first answer (success or refusal) for 24 hours, as the reference advises an
emulator to do.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tiktok_shop_emulator.state import cancelling, returning
from tiktok_shop_emulator.wire.call import Call
from tiktok_shop_emulator.wire.error_codes import ApiError

REPLAY_SECONDS = 86400
MAX_KEY = 255


def replayed(call: Call, name: str, work: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """Run ``work`` once per idempotency key (per shop and call); a repeat gets the first answer again."""
    key = call.query.get("idempotency_key")
    if not key:
        return work()
    if len(key) > MAX_KEY:
        raise ApiError(25001001, "`idempotency_key` is longer than 255 characters.")
    store = call.backend.cancellations
    slot = (call.shop.id, name, key)
    now = call.backend.clock.unix()
    with store.lock:
        earlier = store.replies.get(slot)
        if earlier is not None and now - earlier["at"] < REPLAY_SECONDS:
            if earlier["error"] is not None:
                code, message = earlier["error"]
                raise ApiError(code, message)
            return dict(earlier["data"])
        try:
            data = work()
        except ApiError as exc:
            store.replies[slot] = {"at": now, "error": (exc.code, exc.message), "data": None}
            raise
        store.replies[slot] = {"at": now, "error": None, "data": data}
        return data


def search_cancellations(call: Call) -> dict[str, Any]:
    return cancelling.search(call.backend, call.shop, call.body, call.query)


def approve_cancellation(call: Call) -> dict[str, Any]:
    cancel_id = call.params["cancel_id"]
    return replayed(
        call, f"approve/{cancel_id}", lambda: cancelling.approve(call.backend, call.shop, cancel_id)
    )


def reject_cancellation(call: Call) -> dict[str, Any]:
    cancel_id = call.params["cancel_id"]
    return replayed(
        call, f"reject/{cancel_id}", lambda: cancelling.reject(call.backend, call.shop, cancel_id, call.body)
    )


def reject_reasons(call: Call) -> dict[str, Any]:
    request_id = call.query.get("return_or_cancel_id")
    if not request_id:
        raise ApiError(25001001, "`return_or_cancel_id` is required.")
    if request_id in call.backend.returns.records:
        return returning.reasons(call.backend, call.shop, request_id)
    return cancelling.reject_reasons(call.backend, call.shop, request_id)


def cancel_order(call: Call) -> dict[str, Any]:
    return cancelling.seller_cancel(call.backend, call.shop, call.body)


def search_returns(call: Call) -> dict[str, Any]:
    return returning.search(call.backend, call.shop, call.body, call.query)


def approve_return(call: Call) -> dict[str, Any]:
    return_id = call.params["return_id"]
    return replayed(
        call,
        f"return_approve/{return_id}",
        lambda: returning.approve(call.backend, call.shop, return_id, call.body),
    )


def reject_return(call: Call) -> dict[str, Any]:
    return_id = call.params["return_id"]
    return replayed(
        call,
        f"return_reject/{return_id}",
        lambda: returning.reject(call.backend, call.shop, return_id, call.body),
    )


ROUTES = (
    ("POST", "/return_refund/202309/cancellations/search", search_cancellations, True),
    ("POST", "/return_refund/202309/cancellations/{cancel_id}/approve", approve_cancellation, True),
    ("POST", "/return_refund/202309/cancellations/{cancel_id}/reject", reject_cancellation, True),
    ("GET", "/return_refund/202309/reject_reasons", reject_reasons, True),
    ("POST", "/return_refund/202309/cancellations", cancel_order, True),
    ("POST", "/return_refund/202309/returns/search", search_returns, True),
    ("POST", "/return_refund/202309/returns/{return_id}/approve", approve_return, True),
    ("POST", "/return_refund/202309/returns/{return_id}/reject", reject_return, True),
)
FILTER_BODIES = frozenset(
    {"/return_refund/202309/cancellations/search", "/return_refund/202309/returns/search"}
)
