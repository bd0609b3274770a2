"""After the sale, in the host's words: cancellation decisions, seller cancellations, returns and their decisions.

A decision is an intent the core records before the call (with an idempotency key made once, from the
decision itself) and whose outcome it records after; these models are what travels between the core and
a connector for it.
"""

from __future__ import annotations

import enum
from datetime import timedelta
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from .errors import ConnectorError
from .models import Money, UtcDatetime


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CancellationDecision(_Model):
    """Approve or reject an order's open cancellation request."""

    order_id: str = Field(min_length=1)
    action: Literal["approve", "reject"]
    request_id: str | None = Field(default=None, description="the channel's request id, if the host knows it")
    reason: str | None = Field(default=None, description="reject: one of the channel's reasons (by name)")
    comment: str | None = None
    idempotency_key: str = Field(
        min_length=1, max_length=255, description="made once per decision; the same on every retry"
    )


class DecisionOutcome(_Model):
    """What the channel did with a decision: applied now, or found already applied (a retry)."""

    request_id: str | None = None
    outcome: Literal["applied", "already_applied"]
    channel_status: str | None = None


class DecisionRefused(ConnectorError):
    """The channel answered and refused the decision (nothing applied); the text says why."""

    def __init__(self, message: str, code: str | None = None) -> None:
        self.code = code
        super().__init__(message)


class Reason(_Model):
    """One reason the channel accepts for a decision: its name goes on the wire, its text to people."""

    name: str
    text: str


class ReturnKind(str, enum.Enum):
    """What the buyer asked for after the sale."""

    REFUND_ONLY = "refund_only"
    RETURN_AND_REFUND = "return_and_refund"
    REPLACEMENT = "replacement"
    EXCHANGE = "exchange"
    OTHER = "other"


class ReturnStatus(str, enum.Enum):
    """Where a return stands, in the host's words (the channel's own word is kept in `channel_status`)."""

    REQUESTED = "requested"
    """Waiting for the seller's decision."""
    AWAITING_BUYER = "awaiting_buyer"
    """The seller offered something else (a partial refund); the buyer decides."""
    AWAITING_RETURN = "awaiting_return"
    """Approved: the buyer is to send the item back."""
    RETURN_IN_TRANSIT = "return_in_transit"
    """The buyer sent it: the warehouse marks it received (or refuses it) when it arrives."""
    APPROVED = "approved"
    """The refund (or replacement) was granted and will be paid."""
    COMPLETED = "completed"
    """Refunded, or the replacement was issued."""
    REJECTED = "rejected"
    RECEIPT_REJECTED = "receipt_rejected"
    CANCELLED = "cancelled"
    OTHER = "other"


class ReturnLine(_Model):
    channel_line_id: str
    sku: str | None = None
    title: str | None = None
    channel_sku_id: str | None = None
    refund: Money | None = None


class Return(_Model):
    """One after-sales request on a shipped order: what was asked, where it stands, the return parcel."""

    id: str = Field(description="the channel's return id")
    order_id: str
    kind: ReturnKind
    status: ReturnStatus
    channel_kind: str
    channel_status: str
    requested_by: str | None = None
    reason: str | None = None
    created_at: UtcDatetime
    updated_at: UtcDatetime
    respond_by: UtcDatetime | None = Field(
        default=None, description="the channel decides by itself after this"
    )
    lines: list[ReturnLine] = Field(default_factory=list)
    tracking_number: str | None = Field(default=None, description="the return parcel's tracking")
    carrier: str | None = None
    refund_total: Money | None = Field(
        default=None, description="what the channel says it refunds (read only)"
    )
    amounts: dict[str, Money] = Field(
        default_factory=dict, description="the channel's stated breakdown (read only), by the channel's names"
    )
    superseded_by: str | None = Field(default=None, description="the buyer edited it into this other return")
    account_id: str | None = None
    channel_data: dict[str, Any] = Field(default_factory=dict)


class ReturnProblem(_Model):
    return_id: str | None
    message: str


class ReturnPage(_Model):
    returns: list[Return]
    problems: list[ReturnProblem] = Field(default_factory=list)
    resume: str | None = None


ReturnAction = Literal["approve_refund", "approve_return", "mark_received", "reject", "partial_refund"]


class ReturnDecision(_Model):
    """A seller's decision on a return; made once, sent with the same idempotency key on every retry."""

    return_id: str = Field(min_length=1)
    action: ReturnAction
    reason: str | None = Field(default=None, description="reject: one of the channel's reasons (by name)")
    comment: str | None = None
    amount: Money | None = Field(default=None, description="partial_refund: what the seller offers")
    idempotency_key: str = Field(min_length=1, max_length=255)


class WebhookSubscription(_Model):
    """One event type a shop's webhooks are (or should be) delivered for, and where to."""

    event: str = Field(description="the channel's event name")
    address: str | None = Field(default=None, description="where the channel delivers it now (None: nowhere)")
    needed: bool = Field(default=True, description="the kit relies on this event")


# --- the reconciliation sweep's bounds (connector_core/work/reconcile.py; here so the CLI's options need no
# worker import) ---

FAMILIES = ("orders", "cancellations", "returns")
SWEEP_WINDOW = timedelta(hours=6)
"""How far back a sweep reads: longer than the channel's webhook retries last, short enough to stay cheap."""
SWEEP_PAGE_CAP = 10
"""Pages read per shop and family in one run; the rest is left to the imports' cursors."""
