"""ShopCart hook implementations: one line each, delegating to the module that knows the channel."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from importlib.resources import files
from typing import Any

from pydantic import SecretStr

from connector_core import (
    Account,
    Capability,
    ConnectionCheck,
    ConnectorContext,
    Manifest,
    OrderPage,
    OrderStatus,
    OrderWindow,
    Shipment,
    ShipmentReport,
    StockLevel,
    StockReport,
    TokenSet,
    hookimpl,
)

from . import CONNECTOR_ID, __version__, fulfillment, inventory, oauth, orders, statuses

CAPABILITIES = frozenset({Capability.CONNECT, Capability.ORDERS, Capability.STOCK, Capability.SHIPMENTS})
# Names whose values are secret on ShopCart's wire; the cassette kit and the redaction filter every one.
SECRET_PARAMETERS = ("client_secret", "code", "access_token", "refresh_token", "authorization")


def _schema(name: str) -> str:
    return str(files(__package__).joinpath("schemas").joinpath(name))


@hookimpl
def connector_manifest() -> Manifest:
    return Manifest(
        id=CONNECTOR_ID,
        name="ShopCart",
        version=__version__,
        capabilities=CAPABILITIES,
        credentials_schema=_schema("credentials.schema.json"),
        settings_schema=_schema("settings.schema.json"),
        ui_schema=_schema("credentials.ui.json"),
        settings_ui_schema=_schema("settings.ui.json"),
        secret_parameters=SECRET_PARAMETERS,
        callback_path="/shopcart/auth/callback",
    )


@hookimpl
def authorization_url(ctx: ConnectorContext, state: str, redirect_uri: str | None) -> str:
    return oauth.authorization_url(ctx, state, redirect_uri)


@hookimpl
def exchange_code(ctx: ConnectorContext, code: SecretStr) -> TokenSet:
    return oauth.exchange_code(ctx, code)


@hookimpl
def refresh_token(ctx: ConnectorContext, refresh_token: SecretStr) -> TokenSet:
    return oauth.refresh(ctx, refresh_token)


@hookimpl
def discover_accounts(ctx: ConnectorContext) -> list[Account]:
    return oauth.the_shop(ctx)


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
    return statuses.known_status(channel_status)  # overrides and unknown -> on_hold: the core's rules


@hookimpl
def push_stock(ctx: ConnectorContext, levels: Sequence[StockLevel]) -> StockReport:
    return inventory.push_stock(ctx, levels)


@hookimpl
def stock_locations(ctx: ConnectorContext, levels: Sequence[StockLevel]) -> list[str | None]:
    return inventory.stock_locations(ctx, levels)


@hookimpl
def plan_shipment(ctx: ConnectorContext, shipment: Shipment, held_line_ids: Sequence[str]) -> Shipment:
    return fulfillment.plan_shipment(ctx, shipment, list(held_line_ids))


@hookimpl
def confirm_shipment(ctx: ConnectorContext, shipment: Shipment) -> ShipmentReport:
    return fulfillment.confirm_shipment(ctx, shipment)
