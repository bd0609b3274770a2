"""After-sales decisions in the host's words: a cancellation decided, lines cancelled by the seller.

A decision is an intent the core records before the call (with an idempotency key made once, from the
decision itself) and whose outcome it records after; these models are what travels between the core and
a connector for it.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from .errors import ConnectorError


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
