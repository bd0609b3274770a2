"""Seller authorization: ShopCart's authorization-code grant for an offline token, its refresh, the shop.

ShopCart answers token lifetimes in seconds (`expires_in`, `refresh_token_expires_in`), so expiries are the
clock's now plus those; a refresh rotates the refresh token. One authorization covers exactly one shop.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from pydantic import SecretStr

from connector_core import Account, ConnectionCheck, ConnectorContext, TokenSet
from connector_core.errors import ChannelError, ConnectorError, ReauthorizationRequired

from .client import ShopCartClient

SCOPES = "read_orders,write_fulfillments,write_inventory"


def authorization_url(ctx: ConnectorContext, state: str, redirect_uri: str | None = None) -> str:
    client = ShopCartClient(ctx)
    query = {"client_id": ctx.credentials.text("client_id") or "", "scope": SCOPES, "state": state}
    if redirect_uri:
        query["redirect_uri"] = redirect_uri
    return f"{client.shop_url}/admin/oauth/authorize?{urlencode(query)}"


def token_set(ctx: ConnectorContext, data: Mapping[str, Any]) -> TokenSet:
    now = ctx.clock.now()
    try:
        access = str(data["access_token"])
        access_expires = now + timedelta(seconds=int(data["expires_in"]))
    except (KeyError, TypeError, ValueError):
        raise ConnectorError("ShopCart's token answer lacks access_token or expires_in") from None
    refresh = data.get("refresh_token")
    refresh_ttl = data.get("refresh_token_expires_in")
    return TokenSet(
        access_token=SecretStr(access),
        access_expires_at=access_expires,
        refresh_token=SecretStr(str(refresh)) if refresh else None,
        refresh_expires_at=now + timedelta(seconds=int(refresh_ttl)) if refresh_ttl else None,
        scopes=[s for s in str(data.get("scope") or "").split(",") if s],
    )


def exchange_code(ctx: ConnectorContext, code: SecretStr) -> TokenSet:
    grant = {"grant_type": "authorization_code", "code": code.get_secret_value()}
    return token_set(ctx, ShopCartClient(ctx).token_call(grant))


def refresh(ctx: ConnectorContext, refresh_token: SecretStr) -> TokenSet:
    grant = {"grant_type": "refresh_token", "refresh_token": refresh_token.get_secret_value()}
    return token_set(ctx, ShopCartClient(ctx).token_call(grant))


def the_shop(ctx: ConnectorContext) -> list[Account]:
    client = ShopCartClient(ctx)
    data = client.get(client.path("shop"))
    shop = data.get("shop")
    if not isinstance(shop, dict) or "id" not in shop:
        return []
    return [
        Account(
            id=str(shop["id"]),
            name=shop.get("name"),
            region=shop.get("country_code"),
            extra={"domain": shop.get("domain")},
        )
    ]


def check_connection(ctx: ConnectorContext) -> ConnectionCheck:
    try:
        shops = the_shop(ctx)
    except ReauthorizationRequired as exc:
        return ConnectionCheck(ok=False, message=str(exc), needs_reauthorization=True)
    except (ChannelError, ConnectorError) as exc:
        return ConnectionCheck(ok=False, message=str(exc))
    if not shops:
        return ConnectionCheck(ok=False, message="ShopCart answered no shop: re-authorize the app")
    return ConnectionCheck(ok=True, message=f"connected to {shops[0].name or shops[0].id}", accounts=shops)
