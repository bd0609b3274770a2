"""TikTok Shop webhooks (reference.md#webhooks): signature check and typed events.

The `Authorization` header is the bare lower-hex HMAC-SHA256 of app_key + raw body, keyed with the app
secret. Only the raw bytes as received verify: never re-serialise the JSON before checking.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from connector_core import ConnectorContext, WebhookEvent, WebhookKind
from connector_core.aftersales import WebhookSubscription
from connector_core.clock import from_unix
from connector_core.errors import FieldError, InvalidInput

from .client import TikTokClient
from .statuses import DEFAULT_STATUS_MAP, normalise

# TikTok's numeric event types (reference.md#webhooks) -> (name, canonical kind)
EVENT_TYPES: dict[int, tuple[str, WebhookKind]] = {
    1: ("ORDER_STATUS_CHANGE", WebhookKind.ORDER_STATUS_CHANGED),
    2: ("REVERSE_ORDER_STATUS_UPDATE", WebhookKind.RETURN_CHANGED),  # legacy: cancellations and returns
    3: ("RECIPIENT_ADDRESS_UPDATE", WebhookKind.ADDRESS_CHANGED),
    4: ("PACKAGE_UPDATE", WebhookKind.PACKAGE_UPDATED),
    5: ("PRODUCT_STATUS_CHANGE", WebhookKind.OTHER),
    6: ("SELLER_DEAUTHORIZATION", WebhookKind.DEAUTHORIZED),
    7: ("UPCOMING_AUTHORIZATION_EXPIRATION", WebhookKind.AUTHORIZATION_EXPIRING),
    11: ("CANCELLATION_STATUS_CHANGE", WebhookKind.ORDER_CANCELLATION),
    12: ("RETURN_STATUS_CHANGE", WebhookKind.RETURN_CHANGED),
    15: ("PRODUCT_INFORMATION_CHANGE", WebhookKind.OTHER),
    16: ("PRODUCT_CREATION", WebhookKind.OTHER),
}


def signature(app_key: str, app_secret: str, body: bytes) -> str:
    return hmac.new(app_secret.encode(), app_key.encode() + body, hashlib.sha256).hexdigest()


def verify(app_key: str, app_secret: str, body: bytes, authorization_header: str | None) -> bool:
    """True when the header is the signature of exactly these bytes (compared in constant time). A header
    that is not plain ASCII text (anything a forger might send) simply does not verify."""
    if not authorization_header or not isinstance(authorization_header, str):
        return False
    presented = authorization_header.strip().lower()
    if not presented.isascii():
        return False
    expected = signature(app_key, app_secret, body)
    return hmac.compare_digest(expected.encode("ascii"), presented.encode("ascii"))


def verify_delivery(ctx: ConnectorContext, headers: Mapping[str, str], body: bytes) -> bool:
    app_key = ctx.credentials.text("app_key") or ""
    app_secret = ctx.credentials.secret("app_secret") or ""
    return verify(app_key, app_secret, body, headers.get("authorization"))


def _reject(field: str, problem: str) -> InvalidInput:
    return InvalidInput("TikTok webhook", [FieldError(field, problem)])


def _unix_time(value: Any, field: str) -> datetime:
    """A Unix time in seconds (a number, or digits as text), else a rejection naming the field."""
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _reject(field, f"is not a Unix time in seconds (got {type(value).__name__})")
    try:
        return from_unix(value)
    except (OverflowError, OSError, ValueError):
        raise _reject(field, "is not a Unix time in seconds (out of range)") from None


def _identifier(value: Any, field: str) -> str:
    """An id TikTok sends as text or as a number, as text; anything else is a rejection naming the field."""
    if isinstance(value, bool) or not isinstance(value, (str, int)) or not str(value).strip():
        raise _reject(
            field, "is missing" if value in (None, "") else f"is not an id (got {type(value).__name__})"
        )
    return str(value).strip()


def parse(body: bytes, map_status: Any = None) -> list[WebhookEvent]:
    """One typed event from a delivery body; an unknown type becomes an OTHER event, not an error. A delivery
    whose fields are malformed (data not an object, no shop, no time) raises `InvalidInput` naming the field:
    every event carries the shop it is about (`account_id`) and when it happened (`occurred_at`)."""
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise _reject("body", "is not JSON") from None
    if not isinstance(payload, dict):
        raise _reject("body", "is not a JSON object")
    raw_data = payload.get("data", {})
    if not isinstance(raw_data, dict):
        raise _reject("data", f"is not an object (got {type(raw_data).__name__})")
    data: dict[str, Any] = raw_data
    occurred_at = _unix_time(payload.get("timestamp"), "timestamp")
    account_id = _identifier(payload.get("shop_id"), "shop_id")
    raw_type = payload.get("type")
    known = EVENT_TYPES.get(raw_type) if isinstance(raw_type, int) else None
    name, kind = known or (str(raw_type), WebhookKind.OTHER)
    order_id = _identifier(data["order_id"], "data.order_id") if data.get("order_id") is not None else None
    channel_status = data.get("order_status")
    if channel_status is not None and not isinstance(channel_status, str):
        raise _reject("data.order_status", f"is not text (got {type(channel_status).__name__})")
    status = None
    if channel_status:
        status = (map_status(channel_status, data) if map_status else None) or DEFAULT_STATUS_MAP.get(
            normalise(channel_status)
        )
    expiry = data.get("expiration_time")
    reauthorize_by = None
    if kind is WebhookKind.AUTHORIZATION_EXPIRING and expiry is not None:
        reauthorize_by = _unix_time(expiry, "data.expiration_time")
    notification = payload.get("tts_notification_id")
    return [
        WebhookEvent(
            id=str(notification) if isinstance(notification, (str, int)) and notification else _digest(body),
            kind=kind,
            channel_type=name,
            account_id=account_id,
            occurred_at=occurred_at,
            order_id=order_id,
            channel_status=channel_status or None,
            status=status,
            reauthorize_by=reauthorize_by,
            payload=payload,
        )
    ]


def _digest(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()[:32]


def subscribe(ctx: ConnectorContext, address: str, event_type: str = "ORDER_STATUS_CHANGE") -> None:
    """Point one event type's deliveries at `address` (PUT /event/202309/webhooks)."""
    client = TikTokClient(ctx)
    client.call(
        "PUT",
        client.path("event", "webhooks"),
        body={"address": address, "event_type": event_type},
        safe_to_repeat=True,
    )


NEEDED_EVENTS = (
    "ORDER_STATUS_CHANGE",
    "CANCELLATION_STATUS_CHANGE",
    "RETURN_STATUS_CHANGE",
    "RECIPIENT_ADDRESS_UPDATE",
    "PACKAGE_UPDATE",
    "SELLER_DEAUTHORIZATION",
    "UPCOMING_AUTHORIZATION_EXPIRATION",
    "PRODUCT_STATUS_CHANGE",
)
"""The Event API topics the kit relies on (reference.md#event-subscriptions); inventory_update has no topic."""


def subscriptions(ctx: ConnectorContext) -> list[WebhookSubscription]:
    """GET /event/202309/webhooks: each needed topic with its address, then the shop's other topics."""
    client = TikTokClient(ctx)
    data = client.get(client.path("event", "webhooks"))
    current = {
        str(w.get("event_type")): str(w.get("address") or "") or None
        for w in data.get("webhooks") or []
        if isinstance(w, dict) and w.get("event_type")
    }
    needed = [WebhookSubscription(event=e, address=current.get(e)) for e in NEEDED_EVENTS]
    extra = [
        WebhookSubscription(event=e, address=a, needed=False)
        for e, a in current.items()
        if e not in NEEDED_EVENTS
    ]
    return needed + extra
