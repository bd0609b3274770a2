"""Webhook subscription endpoints (reference.md#webhooks): GET, PUT and DELETE /event/202309/webhooks."""

from __future__ import annotations

from typing import Any

from tiktok_shop_emulator.wire import error_codes
from tiktok_shop_emulator.wire.call import Call


def list_webhooks(call: Call) -> dict[str, Any]:
    """GET: ``{total_count, webhooks[]}``."""
    hooks = call.backend.webhooks.subscriptions(call.shop.id, call.app)
    return {"total_count": len(hooks), "webhooks": hooks}


def put_webhook(call: Call) -> dict[str, Any]:
    """PUT ``{address, event_type}``; loopback addresses only in the emulator."""
    event_type, address = call.body.get("event_type"), call.body.get("address")
    if not isinstance(event_type, str) or not isinstance(address, str):
        raise error_codes.invalid_param("`address` and `event_type` are required.")
    call.backend.webhooks.subscribe(call.shop.id, event_type, address, call.app)
    return {}


def delete_webhook(call: Call) -> dict[str, Any]:
    """DELETE ``{event_type}``; succeeds whether or not a webhook was set."""
    event_type = call.body.get("event_type")
    if not isinstance(event_type, str):
        raise error_codes.invalid_param("`event_type` is required.")
    call.backend.webhooks.unsubscribe(call.shop.id, event_type, call.app)
    return {}


ROUTES = (
    ("GET", "/event/202309/webhooks", list_webhooks, True),
    ("PUT", "/event/202309/webhooks", put_webhook, True),
    ("DELETE", "/event/202309/webhooks", delete_webhook, True),
)
