"""TikTok Shop hook implementations: thin on purpose, each one delegates to the module that does the work."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from pydantic import SecretStr

from connector_core import (
    Account,
    Capability,
    ConnectionCheck,
    ConnectorContext,
    Interception,
    Label,
    Manifest,
    OrderPage,
    OrderStatus,
    OrderWindow,
    Shipment,
    ShipmentReport,
    StockLevel,
    StockReport,
    TokenSet,
    WebhookEvent,
    hookimpl,
)
from connector_core.aftersales import (
    CancellationDecision,
    DecisionOutcome,
    Reason,
    ReturnDecision,
    ReturnPage,
    WebhookSubscription,
)
from connector_core.models import HandoverChoice, LabelParcel, ShippingService

from . import (
    CONNECTOR_ID,
    __version__,
    cancellations,
    fulfillment,
    inventory,
    labels,
    oauth,
    orders,
    returns,
    statuses,
    webhooks,
)
from .schema_files import schema_file

CAPABILITIES = frozenset(
    {
        Capability.CONNECT,
        Capability.ORDERS,
        Capability.STOCK,
        Capability.SHIPMENTS,
        Capability.WEBHOOKS,
        Capability.LABELS,
        Capability.CANCELLATIONS,
        Capability.RETURNS,
    }
)

# Names whose values are secret or identifying on TikTok's wire; the cassette kit filters every one.
SECRET_PARAMETERS = (
    "sign",
    "timestamp",
    "app_key",
    "app_secret",
    "auth_code",
    "code",
    "refresh_token",
    "access_token",
    "shop_cipher",
    "x-tts-access-token",
    "authorization",
    # Made once per decision, so it differs between recordings: cassettes do not match on it (not a secret).
    "idempotency_key",
)


@hookimpl
def connector_manifest() -> Manifest:
    return Manifest(
        id=CONNECTOR_ID,
        name="TikTok Shop",
        version=__version__,
        capabilities=CAPABILITIES,
        credentials_schema=str(schema_file("credentials.schema.json")),
        settings_schema=str(schema_file("settings.schema.json")),
        ui_schema=str(schema_file("credentials.ui.json")),
        settings_ui_schema=str(schema_file("settings.ui.json")),
        secret_parameters=SECRET_PARAMETERS,
        docs_url="https://partner.tiktokshop.com/docv2",
        callback_path="/tiktok/auth/callback",
    )


@hookimpl
def authorization_url(ctx: ConnectorContext, state: str) -> str:
    return oauth.authorization_url(ctx, state)


@hookimpl
def exchange_code(ctx: ConnectorContext, code: SecretStr, callback_params: Mapping[str, str]) -> TokenSet:
    return oauth.exchange_code(ctx, code, callback_params)


@hookimpl
def refresh_token(ctx: ConnectorContext, refresh_token: SecretStr) -> TokenSet:
    return oauth.refresh(ctx, refresh_token)


@hookimpl
def discover_accounts(ctx: ConnectorContext) -> list[Account]:
    return oauth.authorized_shops(ctx)


@hookimpl
def check_connection(ctx: ConnectorContext) -> ConnectionCheck:
    return oauth.check_connection(ctx)


@hookimpl
def fetch_orders(ctx: ConnectorContext, window: OrderWindow, resume: str | None) -> Iterator[OrderPage]:
    return orders.fetch_orders(ctx, window, resume)


@hookimpl
def get_orders(ctx: ConnectorContext, order_ids: Sequence[str]) -> OrderPage:
    return orders.get_orders(ctx, order_ids)


@hookimpl
def map_order_status(channel_status: str, channel_order: Mapping[str, Any]) -> OrderStatus | None:
    # TikTok's rules only: the core applies the 'status_overrides' setting first and puts a status no one
    # knows on hold (connector_core.rules).
    return statuses.known_status(channel_status, channel_order)


@hookimpl
def push_stock(ctx: ConnectorContext, levels: Sequence[StockLevel]) -> StockReport:
    # The 'stock_sync' switch is the core's rule (connector_core.rules): switched off, this is never called.
    return inventory.push_stock(ctx, levels)


@hookimpl
def stock_locations(ctx: ConnectorContext, levels: Sequence[StockLevel]) -> list[str | None]:
    return inventory.stock_locations(ctx, levels)


@hookimpl
def plan_shipment(ctx: ConnectorContext, shipment: Shipment, held_line_ids: Sequence[str]) -> Shipment:
    return fulfillment.plan_shipment(ctx, shipment, held_line_ids)


@hookimpl
def confirm_shipment(ctx: ConnectorContext, shipment: Shipment) -> ShipmentReport:
    return fulfillment.confirm_shipment(ctx, shipment)


@hookimpl
def verify_webhook(ctx: ConnectorContext, headers: Mapping[str, str], body: bytes) -> bool:
    return webhooks.verify_delivery(ctx, headers, body)


@hookimpl
def parse_webhook(ctx: ConnectorContext, body: bytes) -> list[WebhookEvent]:
    mapper: Any = ctx.map_status
    return webhooks.parse(body, mapper)


@hookimpl
def shipping_services(ctx: ConnectorContext, parcel: LabelParcel) -> list[ShippingService]:
    return labels.shipping_services(ctx, parcel)


@hookimpl
def split_parcels(ctx: ConnectorContext, order_id: str, parcels: Sequence[LabelParcel]) -> list[LabelParcel]:
    return labels.split_parcels(ctx, order_id, parcels)


@hookimpl
def create_label(
    ctx: ConnectorContext,
    parcel: LabelParcel,
    service_id: str | None,
    handover: HandoverChoice | None,
    overrides: Sequence[Interception],
) -> Label:
    return labels.create_label(ctx, parcel, service_id, handover, overrides)


@hookimpl
def fetch_label(ctx: ConnectorContext, package_id: str) -> Label:
    return labels.fetch_label(ctx, package_id)


@hookimpl
def handover_choices(ctx: ConnectorContext, parcel: LabelParcel) -> list[HandoverChoice]:
    return labels.handover_choices(ctx, parcel)


@hookimpl
def void_label(ctx: ConnectorContext, package_id: str) -> bool:
    return labels.void_label(ctx, package_id)


@hookimpl
def decide_cancellation(ctx: ConnectorContext, decision: CancellationDecision) -> DecisionOutcome:
    return cancellations.decide(ctx, decision)


@hookimpl
def cancel_order(
    ctx: ConnectorContext, order_id: str, line_ids: Sequence[str], reason: str
) -> DecisionOutcome:
    return cancellations.cancel_lines(ctx, order_id, line_ids, reason)


@hookimpl
def decision_reasons(ctx: ConnectorContext, request_id: str) -> list[Reason]:
    return [Reason(name=r["name"], text=r["text"]) for r in cancellations.reject_reasons(ctx, request_id)]


@hookimpl
def fetch_returns(ctx: ConnectorContext, window: OrderWindow, resume: str | None) -> Iterator[ReturnPage]:
    return returns.fetch_returns(ctx, window, resume)


@hookimpl
def decide_return(ctx: ConnectorContext, decision: ReturnDecision) -> DecisionOutcome:
    return returns.decide(ctx, decision)


@hookimpl
def webhook_subscriptions(ctx: ConnectorContext) -> list[WebhookSubscription]:
    return webhooks.subscriptions(ctx)


@hookimpl
def subscribe_webhook(ctx: ConnectorContext, event: str, address: str) -> bool:
    webhooks.subscribe(ctx, address, event)
    return True


@hookimpl
def deauthorize_account(ctx: ConnectorContext) -> bool:
    return oauth.deauthorize(ctx)
