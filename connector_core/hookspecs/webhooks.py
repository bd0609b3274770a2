"""The webhook hooks: verifying and parsing deliveries, de-authorization, and subscriptions."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from .markers import hookspec

if TYPE_CHECKING:  # annotations only: importing the hooks stays cheap (no pydantic)
    from ..aftersales import WebhookSubscription
    from ..context import ConnectorContext
    from ..models import WebhookEvent


@hookspec(firstresult=True)
def verify_webhook(ctx: ConnectorContext, headers: Mapping[str, str], body: bytes) -> bool:  # type: ignore[empty-body]
    """Check a webhook delivery's signature against the raw body, in constant time.

    Called for every delivery before anything in it is trusted. `headers` are case-insensitive in
    practice; look them up lower-cased. Returns True only for a valid signature. ``firstresult``.
    """


@hookspec(firstresult=True)
def parse_webhook(ctx: ConnectorContext, headers: Mapping[str, str], body: bytes) -> list[WebhookEvent]:  # type: ignore[empty-body]
    """Turn a verified delivery into typed events.

    Called only after `verify_webhook` returned True. Returns the events (an unknown event type is an
    `OTHER` event, not an error). The core de-duplicates on `WebhookEvent.id` and updates the
    integration's re-authorization state for deauthorization and expiry events. ``firstresult``.
    """


@hookspec(firstresult=True)
def deauthorize_account(ctx: ConnectorContext) -> bool:  # type: ignore[empty-body]
    """Withdraw the app's authorization for the selected shop at the channel (the channel may tell the
    seller).

    Called only when the operator removes a connection AND said yes to deauthorizing it too, before the
    store forgets the shop. Returns True once the channel took it. Optional: without it nothing is sent.
    ``firstresult``.
    """


@hookspec(firstresult=True)
def webhook_subscriptions(ctx: ConnectorContext) -> list[WebhookSubscription]:  # type: ignore[empty-body]
    """List the shop's webhook subscriptions: every event the kit needs (with its current address, None
    when it is not subscribed) and any other event the shop is subscribed to (`needed` False).

    Called by `status`, by `check` and after Connect, read-only. Returns `WebhookSubscription`s.
    Optional: a channel whose webhooks are configured only in its partner console leaves it out.
    ``firstresult``.
    """


@hookspec(firstresult=True)
def subscribe_webhook(ctx: ConnectorContext, event: str, address: str) -> bool:  # type: ignore[empty-body]
    """Point the shop's deliveries of `event` at `address` (replacing another address). Safe to repeat.

    Called after Connect and re-authorization, and by `check --repair`, for each needed event whose
    address is missing or different. Returns True once the channel took it. ``firstresult``.
    """
