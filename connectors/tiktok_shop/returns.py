"""Returns on TikTok (reference.md#returns): Search Returns by update time, one canonical `Return` each, and
the seller's decisions (Approve / Reject Return, with the decision's idempotency key as a signed query
parameter).

Unknown types and statuses (TikTok added exchanges in 2026 without naming every field) are kept as `other`
with the raw value, never a failed import. Money is TikTok's stated amounts, read only; both shapes of the
return-shipping-fee block are read.
"""

from __future__ import annotations

import decimal
import logging
from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any

from pydantic import ValidationError

from connector_core import ConnectorContext, Money, OrderWindow, read_ahead
from connector_core.aftersales import (
    DecisionOutcome,
    DecisionRefused,
    Return,
    ReturnDecision,
    ReturnKind,
    ReturnLine,
    ReturnPage,
    ReturnProblem,
    ReturnStatus,
)
from connector_core.clock import from_unix, to_unix
from connector_core.errors import ChannelError

from .client import TikTokClient

log = logging.getLogger("connectors.tiktok_shop.returns")

PAGE_SIZE = 50
KINDS = {
    "REFUND": ReturnKind.REFUND_ONLY,
    "RETURN_AND_REFUND": ReturnKind.RETURN_AND_REFUND,
    "REPLACEMENT": ReturnKind.REPLACEMENT,
    "EXCHANGE": ReturnKind.EXCHANGE,
}
STATUSES = {
    "RETURN_OR_REFUND_REQUEST_PENDING": ReturnStatus.REQUESTED,
    "REPLACEMENT_REQUEST_PENDING": ReturnStatus.REQUESTED,
    "EXCHANGE_REQUEST_PENDING": ReturnStatus.REQUESTED,
    "AWAITING_BUYER_RESPONSE": ReturnStatus.AWAITING_BUYER,
    "AWAITING_BUYER_SHIP": ReturnStatus.AWAITING_RETURN,
    "BUYER_SHIPPED_ITEM": ReturnStatus.RETURN_IN_TRANSIT,
    "RETURN_OR_REFUND_REQUEST_SUCCESS": ReturnStatus.APPROVED,
    "REPLACEMENT_REQUEST_REFUND_SUCCESS": ReturnStatus.APPROVED,
    "EXCHANGE_REQUEST_REFUND_SUCCESS": ReturnStatus.APPROVED,
    "RETURN_OR_REFUND_REQUEST_COMPLETE": ReturnStatus.COMPLETED,
    "REPLACEMENT_REQUEST_COMPLETE": ReturnStatus.COMPLETED,
    "EXCHANGE_REQUEST_COMPLETE": ReturnStatus.COMPLETED,
    "REFUND_OR_RETURN_REQUEST_REJECT": ReturnStatus.REJECTED,
    "REPLACEMENT_REQUEST_REJECT": ReturnStatus.REJECTED,
    "REJECT_RECEIVE_PACKAGE": ReturnStatus.RECEIPT_REJECTED,
    "RETURN_OR_REFUND_REQUEST_CANCEL": ReturnStatus.CANCELLED,
    "RETURN_OR_REFUND__REQUEST_CANCELLED": ReturnStatus.CANCELLED,  # webhook 12's misspelling
    "REPLACEMENT_REQUEST_CANCEL": ReturnStatus.CANCELLED,
    "EXCHANGE_REQUEST_CANCEL": ReturnStatus.CANCELLED,
}
# canonical action -> (approve or reject call, TikTok decision per return type; "*" any type)
DECISIONS: dict[str, tuple[str, dict[str, str]]] = {
    "approve_refund": ("approve", {"*": "APPROVE_REFUND", "REPLACEMENT": "ISSUE_REPLACEMENT_REFUND"}),
    "approve_return": ("approve", {"*": "APPROVE_RETURN", "REPLACEMENT": "APPROVE_REPLACEMENT"}),
    "mark_received": ("approve", {"*": "APPROVE_RECEIVED_PACKAGE"}),
    "partial_refund": ("approve", {"*": "OFFER_PARTIAL_REFUND"}),
    "reject": (
        "reject",
        {"REFUND": "REJECT_REFUND", "REPLACEMENT": "REJECT_REPLACEMENT", "*": "REJECT_RETURN"},
    ),
}
# Where each canonical action leaves a return: a retry that finds it there was applied the first time.
REACHED = {
    "approve_refund": {ReturnStatus.APPROVED, ReturnStatus.COMPLETED},
    "approve_return": {
        ReturnStatus.AWAITING_RETURN,
        ReturnStatus.RETURN_IN_TRANSIT,
        ReturnStatus.APPROVED,
        ReturnStatus.COMPLETED,
    },
    "mark_received": {ReturnStatus.APPROVED, ReturnStatus.COMPLETED},
    "partial_refund": {ReturnStatus.AWAITING_BUYER},
    "reject": {ReturnStatus.REJECTED, ReturnStatus.RECEIPT_REJECTED},
}
STATE_ERRORS = frozenset({25020009, 25020010, 25011011, 25011012, 25011013, 25020011, 25020012})


def _money(value: Any, currency: str | None) -> Money | None:
    if value in (None, "") or not currency:
        return None
    try:
        return Money(amount=Decimal(str(value)), currency=currency)
    except (decimal.InvalidOperation, ValidationError):
        return None


def _amounts(raw: Mapping[str, Any]) -> dict[str, Money]:
    """TikTok's stated breakdown: the refund, the discounts and who paid the return postage, either shape."""
    found: dict[str, Money] = {}
    blocks: list[Any] = [raw.get("refund_amount")]
    for name in ("discount_amount", "shipping_fee_amount", "return_shipping_fee_amount"):
        value = raw.get(name)
        blocks.extend(value if isinstance(value, list) else [value])
    for block in blocks:
        if not isinstance(block, Mapping):
            continue
        for key, value in block.items():
            money = _money(value, block.get("currency")) if key != "currency" else None
            if money is not None:
                found[key] = money
    return found


def map_return(raw: Mapping[str, Any], account_id: str | None) -> Return:
    return_id = str(raw.get("return_id") or "")
    if not return_id:
        raise ValueError("return_id is missing")
    channel_kind = str(raw.get("return_type") or "")
    channel_status = str(raw.get("return_status") or "")
    refund_raw = raw.get("refund_amount")
    refund: Mapping[str, Any] = refund_raw if isinstance(refund_raw, Mapping) else {}
    deadlines = [
        int(a["deadline"])
        for a in raw.get("seller_next_action_response") or []
        if isinstance(a, Mapping) and str(a.get("deadline") or "").isdigit()
    ]
    lines = [
        ReturnLine(
            channel_line_id=str(li.get("order_line_item_id")),
            sku=li.get("seller_sku") or None,
            title=li.get("product_name") or None,
            channel_sku_id=str(li.get("sku_id")) if li.get("sku_id") else None,
            refund=_money(
                (li.get("refund_amount") or {}).get("refund_total"),
                (li.get("refund_amount") or {}).get("currency"),
            ),
        )
        for li in raw.get("return_line_items") or []
        if isinstance(li, Mapping) and li.get("order_line_item_id")
    ]
    return Return(
        id=return_id,
        order_id=str(raw.get("order_id")),
        kind=KINDS.get(channel_kind, ReturnKind.OTHER),
        status=STATUSES.get(channel_status, ReturnStatus.OTHER),
        channel_kind=channel_kind,
        channel_status=channel_status,
        requested_by=str(raw.get("role") or "").lower() or None,
        reason=raw.get("return_reason_text") or raw.get("return_reason") or None,
        created_at=from_unix(int(raw["create_time"])),
        updated_at=from_unix(int(raw.get("update_time") or raw["create_time"])),
        respond_by=from_unix(min(deadlines)) if deadlines else None,
        lines=lines,
        tracking_number=raw.get("return_tracking_number") or None,
        carrier=raw.get("return_provider_name") or None,
        refund_total=_money(refund.get("refund_total"), refund.get("currency")),
        amounts=_amounts(raw),
        superseded_by=raw.get("next_return_id") or None,
        account_id=account_id,
        channel_data={
            k: raw[k] for k in ("return_method", "shipment_type", "arbitration_status") if k in raw
        },
    )


def _page(raws: list[Any], account_id: str | None, resume: str | None) -> ReturnPage:
    returns: list[Return] = []
    problems: list[ReturnProblem] = []
    for raw in read_ahead.taking_turns(raws):  # lets the page read ahead in while this maps
        rid = str(raw.get("return_id")) if isinstance(raw, Mapping) else None
        try:
            returns.append(map_return(raw, account_id))
        except (ValueError, KeyError, TypeError, ValidationError) as exc:
            problems.append(ReturnProblem(return_id=rid, message=f"return {rid or '(no id)'}: {exc}"))
    return ReturnPage(returns=returns, problems=problems, resume=resume)


def fetch_returns(ctx: ConnectorContext, window: OrderWindow, resume: str | None) -> Iterator[ReturnPage]:
    """Every return updated in the window, oldest update first (page_size 50: Search Returns takes 10-50)."""
    client = TikTokClient(ctx)
    path = client.path("return_refund", "returns/search")
    body = {"update_time_ge": to_unix(window.since), "update_time_lt": to_unix(window.until)}
    account_id = ctx.account.id if ctx.account else None
    token = resume
    while True:
        query: dict[str, Any] = {"page_size": PAGE_SIZE, "sort_field": "update_time", "sort_order": "ASC"}
        if token:
            query["page_token"] = token
        data = client.post(path, body, query, safe_to_repeat=True)
        token = data.get("next_page_token") or None
        yield _page(list(data.get("return_orders") or []), account_id, token)
        if not token:
            return


def read_return(ctx: ConnectorContext, return_id: str) -> Return | None:
    client = TikTokClient(ctx)
    data = client.post(
        client.path("return_refund", "returns/search"), {"return_ids": [return_id]}, {"page_size": 10},
        safe_to_repeat=True,
    )  # fmt: skip
    found = [r for r in data.get("return_orders") or [] if str(r.get("return_id")) == return_id]
    return map_return(found[0], ctx.account.id if ctx.account else None) if found else None


def decide(ctx: ConnectorContext, decision: ReturnDecision) -> DecisionOutcome:
    current = read_return(ctx, decision.return_id)
    if current is None:
        raise DecisionRefused(
            f"return {decision.return_id}: TikTok has no such return for this shop", "not_found"
        )
    call, names = DECISIONS[decision.action]
    tiktok_decision = names.get(current.channel_kind, names["*"])
    body: dict[str, Any] = {"decision": tiktok_decision}
    if decision.action == "reject":
        body["reject_reason"] = decision.reason or ""
        if decision.comment:
            body["comment"] = decision.comment
    if decision.action == "partial_refund":
        if decision.amount is None:
            raise DecisionRefused(
                f"return {decision.return_id}: a partial refund needs an amount", "amount_required"
            )
        body["partial_refund"] = {"currency": decision.amount.currency, "amount": str(decision.amount.amount)}
    client = TikTokClient(ctx)
    path = client.path("return_refund", f"returns/{decision.return_id}/{call}")
    try:
        client.post(path, body, {"idempotency_key": decision.idempotency_key})
    except ChannelError as exc:
        if isinstance(exc.code, int) and exc.code in STATE_ERRORS:
            after = read_return(ctx, decision.return_id)
            if after is not None and after.status in REACHED[decision.action]:
                return DecisionOutcome(request_id=decision.return_id, outcome="already_applied",
                                       channel_status=after.channel_status)  # fmt: skip
        if type(exc) is ChannelError:
            raise DecisionRefused(
                f"return {decision.return_id}: TikTok refused to {decision.action.replace('_', ' ')} "
                f"({exc.code}: {exc.channel_message})",
                str(exc.code),
            ) from None
        raise
    return DecisionOutcome(request_id=decision.return_id, outcome="applied")
