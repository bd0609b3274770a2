"""The after-sales hooks: cancellation requests and seller cancellations, and returns."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from .markers import hookspec

if TYPE_CHECKING:  # annotations only: importing the hooks stays cheap (no pydantic)
    from ..aftersales import CancellationDecision, DecisionOutcome, Reason, ReturnDecision, ReturnPage
    from ..context import ConnectorContext
    from ..models import OrderWindow


# --- cancellations (the seller decides; the channel keeps the request) ----------------------------------


@hookspec(firstresult=True)
def decide_cancellation(ctx: ConnectorContext, decision: CancellationDecision) -> DecisionOutcome:  # type: ignore[empty-body]
    """Approve or reject an order's open cancellation request.

    Called once per decision after the core recorded it as an intent; called again with the SAME decision
    (same `idempotency_key`, which goes on the wire where the channel takes one) only when an earlier
    attempt's outcome is unknown. `decision.request_id` is the channel's request id when the core knew it.
    Returns a `DecisionOutcome`: ``applied``, or ``already_applied`` when a read-back shows the request
    already ended the way this decision wanted (a retry whose first attempt landed). Raises
    `DecisionRefused` when the channel said no (nothing applied); raise anything else when the outcome is
    unknown (the core retries). ``firstresult``: a host plugin with ``tryfirst=True`` answers first.
    """


@hookspec(firstresult=True)
def cancel_order(  # type: ignore[empty-body]
    ctx: ConnectorContext, order_id: str, line_ids: Sequence[str], reason: str
) -> DecisionOutcome:
    """Cancel the order as the seller: the whole order when `line_ids` is empty, else those units.

    Called once per (order, lines) after the core recorded the intent, again only after an unknown
    outcome: read the order's cancellations back first and report an earlier matching seller
    cancellation as ``already_applied`` without a second call (many channels take no idempotency key
    here). `reason` is one of the channel's seller reasons by name. Returns a `DecisionOutcome`; raises
    `DecisionRefused` when the channel refuses. ``firstresult``.
    """


@hookspec(firstresult=True)
def decision_reasons(ctx: ConnectorContext, request_id: str) -> list[Reason]:  # type: ignore[empty-body]
    """List the reasons the channel accepts for rejecting THIS cancellation or return request.

    Called when the operator or host is about to reject, read-only (never cached: channels give each request
    its own list). `request_id` is the channel's cancellation or return id. Returns `Reason`s (name for the
    wire, text for people). ``firstresult``.
    """


# --- returns -------------------------------------------------------------------------------------------


@hookspec(firstresult=True)
def fetch_returns(ctx: ConnectorContext, window: OrderWindow, resume: str | None) -> Iterator[ReturnPage]:  # type: ignore[empty-body]
    """Stream the returns (refund, return, replacement, exchange requests) updated inside `window`, one
    page at a time, oldest update first.

    Called by the core's incremental returns import (its own cursor per shop) and by the reconciliation
    sweep. `resume` is the opaque `ReturnPage.resume` of the last page the core took in an interrupted run.
    Returns an iterator of `ReturnPage`; a malformed return goes into `problems`, the rest of its page is
    kept; amounts are the channel's stated ones, read only. ``firstresult``.
    """


@hookspec(firstresult=True)
def decide_return(ctx: ConnectorContext, decision: ReturnDecision) -> DecisionOutcome:  # type: ignore[empty-body]
    """Decide a return: approve the refund, approve the return, mark the returned parcel received, reject
    with one of the channel's reasons, or offer a partial refund.

    Called once per decision after the core recorded the intent, with the same `idempotency_key` on every
    retry (only after an unknown outcome). Returns ``applied``, or ``already_applied`` when a read-back
    shows the return already where this decision takes it. Raises `DecisionRefused` when the channel says
    no (for example: the channel's warehouse received the parcel, or the status moved on). ``firstresult``.
    """
