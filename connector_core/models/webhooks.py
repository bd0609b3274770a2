"""Webhook events, in the host's words whatever the channel sent."""

from __future__ import annotations

import enum
from typing import Any

from pydantic import Field

from .base import Model, UtcDatetime
from .orders import OrderStatus


class WebhookKind(str, enum.Enum):
    ORDER_STATUS_CHANGED = "order_status_changed"
    ORDER_CANCELLATION = "order_cancellation"
    PACKAGE_UPDATED = "package_updated"
    DEAUTHORIZED = "deauthorized"
    AUTHORIZATION_EXPIRING = "authorization_expiring"
    ADDRESS_CHANGED = "address_changed"
    RETURN_CHANGED = "return_changed"
    OTHER = "other"


class WebhookEvent(Model):
    id: str = Field(description="for de-duplication: the channel's notification id, or a digest of the body")
    kind: WebhookKind
    channel_type: str = Field(description="the event type as the channel names it")
    account_id: str | None = None
    occurred_at: UtcDatetime | None = None
    order_id: str | None = None
    channel_status: str | None = None
    status: OrderStatus | None = None
    reauthorize_by: UtcDatetime | None = None
    payload: dict[str, Any] = Field(default_factory=dict)
