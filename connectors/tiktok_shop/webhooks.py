"""TikTok Shop webhooks (reference §8): signature check and typed events.

The `Authorization` header is the bare lower-hex HMAC-SHA256 of app_key + raw body, keyed with the app
secret. Only the raw bytes as received verify: never re-serialise the JSON before checking.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from typing import Any

from connector_core import ConnectorContext, WebhookEvent, WebhookKind
from connector_core.clock import from_unix
from connector_core.errors import FieldError, InvalidInput

from .client import TikTokClient
from .statuses import DEFAULT_STATUS_MAP, normalise

# TikTok's numeric event types (reference §8.2) -> (name, canonical kind)
EVENT_TYPES: dict[int, tuple[str, WebhookKind]] = {
    1: ("ORDER_STATUS_CHANGE", WebhookKind.ORDER_STATUS_CHANGED),
    2: ("REVERSE_ORDER_STATUS_UPDATE", WebhookKind.OTHER),
    3: ("RECIPIENT_ADDRESS_UPDATE", WebhookKind.OTHER),
    4: ("PACKAGE_UPDATE", WebhookKind.PACKAGE_UPDATED),
    5: ("PRODUCT_STATUS_CHANGE", WebhookKind.OTHER),
    6: ("SELLER_DEAUTHORIZATION", WebhookKind.DEAUTHORIZED),
    7: ("UPCOMING_AUTHORIZATION_EXPIRATION", WebhookKind.AUTHORIZATION_EXPIRING),
    11: ("CANCELLATION_STATUS_CHANGE", WebhookKind.ORDER_CANCELLATION),
    12: ("RETURN_STATUS_CHANGE", WebhookKind.OTHER),
    15: ("PRODUCT_INFORMATION_CHANGE", WebhookKind.OTHER),
    16: ("PRODUCT_CREATION", WebhookKind.OTHER),
}


def signature(app_key: str, app_secret: str, body: bytes) -> str:
    return hmac.new(app_secret.encode(), app_key.encode() + body, hashlib.sha256).hexdigest()


def verify(app_key: str, app_secret: str, body: bytes, authorization_header: str | None) -> bool:
    """True when the header is the signature of exactly these bytes (compared in constant time)."""
    if not authorization_header:
        return False
    expected = signature(app_key, app_secret, body)
    return hmac.compare_digest(expected, authorization_header.strip().lower())


def verify_delivery(ctx: ConnectorContext, headers: Mapping[str, str], body: bytes) -> bool:
    app_key = ctx.credentials.text("app_key") or ""
    app_secret = ctx.credentials.secret("app_secret") or ""
    return verify(app_key, app_secret, body, headers.get("authorization"))


def parse(body: bytes, map_status: Any = None) -> list[WebhookEvent]:
    """One typed event from a delivery body; an unknown type becomes an OTHER event, not an error."""
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise InvalidInput("TikTok webhook", [FieldError("body", "is not JSON")]) from None
    if not isinstance(payload, dict):
        raise InvalidInput("TikTok webhook", [FieldError("body", "is not a JSON object")])
    data: dict[str, Any] = payload.get("data") if isinstance(payload.get("data"), dict) else {}  # type: ignore[assignment]
    raw_type = payload.get("type")
    known = EVENT_TYPES.get(raw_type) if isinstance(raw_type, int) else None
    name, kind = known or (str(raw_type), WebhookKind.OTHER)
    channel_status = data.get("order_status")
    status = None
    if channel_status:
        status = (map_status(str(channel_status), data) if map_status else None) or DEFAULT_STATUS_MAP.get(
            normalise(str(channel_status))
        )
    expiry = data.get("expiration_time")
    return [
        WebhookEvent(
            id=str(payload.get("tts_notification_id") or hashlib.sha256(body).hexdigest()[:32]),
            kind=kind,
            channel_type=name,
            account_id=str(payload["shop_id"]) if payload.get("shop_id") else None,
            occurred_at=from_unix(payload["timestamp"]) if payload.get("timestamp") else None,
            order_id=str(data["order_id"]) if data.get("order_id") else None,
            channel_status=str(channel_status) if channel_status else None,
            status=status,
            reauthorize_by=from_unix(expiry)
            if kind is WebhookKind.AUTHORIZATION_EXPIRING and expiry
            else None,
            payload=payload,
        )
    ]


def subscribe(ctx: ConnectorContext, address: str, event_type: str = "ORDER_STATUS_CHANGE") -> None:
    """Point one event type's deliveries at `address` (PUT /event/202309/webhooks)."""
    client = TikTokClient(ctx)
    client.call(
        "PUT",
        client.path("event", "webhooks"),
        body={"address": address, "event_type": event_type},
        safe_to_repeat=True,
    )
