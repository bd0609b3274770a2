"""Cancellation requests on TikTok (reference.md#cancellations): find the open ones, decide them, cancel as
the seller.

Reading: an order flags an open buyer request (`is_buyer_request_cancel`) but not its id or deadline;
Search Cancellations gives both, for a page of orders in one call. Writing: Approve and Reject take an
`idempotency_key` QUERY parameter (so it is signed), which stays the same on every retry of one decision;
Cancel Order has no key, so a retry first reads the order's cancellations back and reports the earlier
cancellation instead of sending a second one. A state error after a lost answer ("already approved",
"already cancelled") is reconciled by reading the request back, never reported as a failure blindly.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from connector_core import ConnectorContext
from connector_core.aftersales import CancellationDecision, DecisionOutcome, DecisionRefused
from connector_core.errors import ChannelError, PermissionDenied

from .client import TikTokClient

log = logging.getLogger("connectors.tiktok_shop.cancellations")

PENDING = "CANCELLATION_REQUEST_PENDING"
SUCCESS = "CANCELLATION_REQUEST_SUCCESS"
COMPLETE = "CANCELLATION_REQUEST_COMPLETE"
# Both spellings appear in TikTok's own pages (reference.md#cancellation-statuses): accept either.
CLOSED = frozenset({"CANCELLATION_REQUEST_CANCELLED", "CANCELLATION_REQUEST_CANCEL"})
APPROVED = frozenset({SUCCESS, COMPLETE})
SEARCH_PAGE = 50
MAX_SEARCH_PAGES = 20
# Errors that, after an attempt whose answer was lost, may mean "your first attempt did it": read back.
STATE_ERRORS = frozenset({25020009, 25011011, 25011012, 25020010, 25001011, 25020003})


def _search(client: TikTokClient, body: Mapping[str, Any]) -> list[dict[str, Any]]:
    path = client.path("return_refund", "cancellations/search")
    found: list[dict[str, Any]] = []
    token: str | None = None
    for _ in range(MAX_SEARCH_PAGES):
        query: dict[str, Any] = {"page_size": SEARCH_PAGE, "sort_field": "update_time", "sort_order": "ASC"}
        if token:
            query["page_token"] = token
        data = client.post(path, dict(body), query, safe_to_repeat=True)
        found.extend(c for c in data.get("cancellations") or [] if isinstance(c, dict))
        token = data.get("next_page_token") or None
        if not token:
            break
    return found


def open_requests(ctx: ConnectorContext, raw_orders: Sequence[Any]) -> dict[str, dict[str, Any]]:
    """The pending request of each order that flags one, by order id (one search for the whole page).

    Without the Return & Refund scope the orders still say a request is open; only its id and deadline are
    missing, so that is a warning, not a failed import."""
    flagged = [
        str(raw["id"])
        for raw in raw_orders
        if isinstance(raw, Mapping) and raw.get("is_buyer_request_cancel") is True and raw.get("id")
    ]
    if not flagged:
        return {}
    try:
        found = _search(TikTokClient(ctx), {"order_ids": flagged, "cancel_status": [PENDING]})
    except PermissionDenied as exc:
        log.warning("open cancellation requests not read (deadlines unknown): %s", exc)
        return {}
    return {str(c.get("order_id")): c for c in found if c.get("cancel_status") == PENDING}


def requests_of(ctx: ConnectorContext, order_id: str) -> list[dict[str, Any]]:
    """Every cancellation of one order, oldest first."""
    return _search(TikTokClient(ctx), {"order_ids": [order_id]})


def _pending_one(ctx: ConnectorContext, order_id: str) -> dict[str, Any] | None:
    pending = [c for c in requests_of(ctx, order_id) if c.get("cancel_status") == PENDING]
    return pending[-1] if pending else None


def reject_reasons(ctx: ConnectorContext, cancel_id: str) -> list[dict[str, str]]:
    """The reasons TikTok accepts for rejecting THIS request ({name, text}); never cached (they differ)."""
    client = TikTokClient(ctx)
    data = client.get(client.path("return_refund", "reject_reasons"), {"return_or_cancel_id": cancel_id})
    return [
        {"name": str(r.get("name")), "text": str(r.get("text") or r.get("name"))}
        for r in data.get("reasons") or []
        if isinstance(r, Mapping) and r.get("name")
    ]


def decide(ctx: ConnectorContext, decision: CancellationDecision) -> DecisionOutcome:
    """Approve or reject the order's open request, keyed by the decision's idempotency key."""
    client = TikTokClient(ctx)
    cancel_id = decision.request_id
    if not cancel_id:
        pending = _pending_one(ctx, decision.order_id)
        if pending is None:
            return _settled(ctx, decision, None)
        cancel_id = str(pending["cancel_id"])
    query = {"idempotency_key": decision.idempotency_key}
    path = client.path("return_refund", f"cancellations/{cancel_id}/{decision.action}")
    body: dict[str, Any] = {}
    if decision.action == "reject":
        body = {"reject_reason": decision.reason or ""}
        if decision.comment:
            body["comment"] = decision.comment
    try:
        client.post(path, body, query)
    except ChannelError as exc:
        if isinstance(exc.code, int) and exc.code in STATE_ERRORS:
            return _settled(ctx, decision, cancel_id, exc)
        if type(exc) is ChannelError:
            raise DecisionRefused(
                f"order {decision.order_id}: TikTok refused to {decision.action} the cancellation request "
                f"({exc.code}: {exc.channel_message})",
                str(exc.code),
            ) from None
        raise  # outage, rate limit, auth: the outcome is unknown, the core retries with the same key
    return DecisionOutcome(request_id=cancel_id, outcome="applied", channel_status=None)


def _settled(
    ctx: ConnectorContext,
    decision: CancellationDecision,
    cancel_id: str | None,
    exc: ChannelError | None = None,
) -> DecisionOutcome:
    """The request is no longer pending: say whether it ended the way this decision wanted."""
    known = [
        c for c in requests_of(ctx, decision.order_id) if cancel_id is None or c.get("cancel_id") == cancel_id
    ]
    status = str(known[-1].get("cancel_status")) if known else None
    wanted = APPROVED if decision.action == "approve" else CLOSED
    if status in wanted:
        return DecisionOutcome(
            request_id=cancel_id or (str(known[-1].get("cancel_id")) if known else None),
            outcome="already_applied",
            channel_status=status,
        )
    why = f" ({exc.code}: {exc.channel_message})" if exc else ""
    raise DecisionRefused(
        f"order {decision.order_id}: no open cancellation request to {decision.action}; TikTok has it "
        f"{status or 'without any request'}{why}",
        str(exc.code) if exc else "not_pending",
    )


def cancel_lines(
    ctx: ConnectorContext, order_id: str, line_ids: Sequence[str], reason: str
) -> DecisionOutcome:
    """Cancel the whole order (no line ids) or some units as the seller; safe to repeat by read-back."""
    earlier = [
        c
        for c in requests_of(ctx, order_id)
        if c.get("role") == "SELLER"
        and c.get("cancel_status") in APPROVED | {PENDING}
        and _covers(c, line_ids)
    ]
    if earlier:
        return DecisionOutcome(
            request_id=str(earlier[-1].get("cancel_id")),
            outcome="already_applied",
            channel_status=str(earlier[-1].get("cancel_status")),
        )
    client = TikTokClient(ctx)
    body: dict[str, Any] = {"order_id": order_id, "cancel_reason": reason}
    if line_ids:
        body["order_line_item_ids"] = list(line_ids)
    try:
        data = client.post(client.path("return_refund", "cancellations"), body)
    except ChannelError as exc:
        if type(exc) is ChannelError:
            raise DecisionRefused(
                f"order {order_id}: TikTok refused the cancellation ({exc.code}: {exc.channel_message})",
                str(exc.code),
            ) from None
        raise
    return DecisionOutcome(
        request_id=str(data.get("cancel_id") or "") or None,
        outcome="applied",
        channel_status=str(data.get("cancel_status") or "") or None,
    )


def _covers(cancellation: Mapping[str, Any], line_ids: Sequence[str]) -> bool:
    if not line_ids:
        return True
    lines = {str(li.get("order_line_item_id")) for li in cancellation.get("cancel_line_items") or []}
    return set(line_ids) <= lines
