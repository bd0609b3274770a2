"""Seller authorization: the consent URL, code exchange, token refresh, and the authorized shops.

TikTok's token answers give both expiries as absolute Unix times (not durations), and nothing says
whether a refresh rotates the refresh token; we store whatever comes back and let the core keep the
old refresh token when none is returned.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from pydantic import SecretStr

from connector_core import Account, ConnectionCheck, ConnectorContext, TokenSet
from connector_core.clock import from_unix
from connector_core.errors import ChannelError, ConnectorError, ReauthorizationRequired

from .client import TikTokClient
from .scopes import warn_if_missing

# Facts from the token answer that are not secret and help operators (who authorized, where, what scopes).
TOKEN_FACTS = ("open_id", "seller_name", "seller_base_region", "user_type")
CALLBACK_FACTS = ("locale", "shop_region", "app_key")


def authorization_url(ctx: ConnectorContext, state: str) -> str:
    """The region's consent page with `service_id`; the legacy App Key page when no Service ID is set."""
    client = TikTokClient(ctx)
    service_id = ctx.credentials.text("service_id")
    if service_id:
        return f"{client.endpoints.consent_url}?{urlencode({'service_id': service_id, 'state': state})}"
    app_key = ctx.credentials.text("app_key") or ""
    return f"{client.endpoints.auth_base}/oauth/authorize?{urlencode({'app_key': app_key, 'state': state})}"


def clean_token(value: Any, field: str) -> str | None:
    """A token from TikTok's answer, surrounding whitespace stripped; one that still holds whitespace or a
    control character is refused naming the field, never the value (it would go into an HTTP header)."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ConnectorError(
            f"TikTok's token answer: {field} is a {type(value).__name__}, not text; connect again"
        )
    token = value.strip()
    if not token or any(c.isspace() or ord(c) < 0x20 or ord(c) == 0x7F for c in token):
        raise ConnectorError(
            f"TikTok's token answer: {field} holds whitespace or a control character (not shown); "
            "nothing was stored, connect again"
        )
    return token


def token_set(data: Mapping[str, Any], callback_params: Mapping[str, str] | None = None) -> TokenSet:
    """A TokenSet from a token get/refresh `data` object."""
    try:
        access = clean_token(data["access_token"], "access_token")
        access_expires = from_unix(data["access_token_expire_in"])
    except (KeyError, TypeError, ValueError, OverflowError, OSError):
        raise ConnectorError("TikTok's token answer lacks access_token or access_token_expire_in") from None
    if access is None:
        raise ConnectorError("TikTok's token answer lacks access_token or access_token_expire_in")
    refresh = clean_token(data.get("refresh_token"), "refresh_token")
    refresh_expires = data.get("refresh_token_expire_in")
    extra = {k: data[k] for k in TOKEN_FACTS if k in data}
    extra.update({k: v for k, v in (callback_params or {}).items() if k in CALLBACK_FACTS})
    scopes = data.get("granted_scopes") or []
    return TokenSet(
        access_token=SecretStr(access),
        access_expires_at=access_expires,
        refresh_token=SecretStr(str(refresh)) if refresh else None,
        refresh_expires_at=from_unix(refresh_expires) if refresh_expires else None,
        scopes=[str(s) for s in scopes] if isinstance(scopes, list) else [],
        extra=extra,
    )


def exchange_code(ctx: ConnectorContext, code: SecretStr, callback_params: Mapping[str, str]) -> TokenSet:
    data = TikTokClient(ctx).token_call(
        "get", {"auth_code": code.get_secret_value(), "grant_type": "authorized_code"}
    )
    tokens = token_set(data, callback_params)
    missing = warn_if_missing(ctx.integration_id, tokens.scopes, ctx.settings)
    if missing:  # kept with the tokens' facts, so status can name them
        tokens = tokens.model_copy(update={"extra": {**tokens.extra, "missing_scope_packages": missing}})
    return tokens


def refresh(ctx: ConnectorContext, refresh_token: SecretStr) -> TokenSet:
    data = TikTokClient(ctx).token_call(
        "refresh", {"refresh_token": refresh_token.get_secret_value(), "grant_type": "refresh_token"}
    )
    return token_set(data)


DEAUTHORIZE_PATH = "/authorization/202403/shops"


def deauthorize(ctx: ConnectorContext) -> bool:
    """DELETE /authorization/202403/shops for the selected shop (reference.md#deauthorize); TikTok e-mails
    the seller. Safe to repeat: a shop already gone answers an error the caller may ignore."""
    TikTokClient(ctx).call("DELETE", DEAUTHORIZE_PATH, safe_to_repeat=True)
    return True


def authorized_shops(ctx: ConnectorContext) -> list[Account]:
    """Every shop the seller authorized, with the cipher each shop-scoped call needs."""
    client = TikTokClient(ctx)
    data = client.get(client.path("authorization", "shops"))
    return [
        Account(
            id=str(shop["id"]),
            name=shop.get("name"),
            region=shop.get("region"),
            selector=shop.get("cipher"),
            extra={k: shop[k] for k in ("seller_type", "code") if k in shop},
        )
        for shop in data.get("shops") or []
        if isinstance(shop, dict) and "id" in shop
    ]


def check_connection(ctx: ConnectorContext) -> ConnectionCheck:
    try:
        shops = authorized_shops(ctx)
    except ReauthorizationRequired as exc:
        return ConnectionCheck(ok=False, message=str(exc), needs_reauthorization=True)
    except (ChannelError, ConnectorError) as exc:
        return ConnectionCheck(ok=False, message=str(exc))
    if not shops:
        return ConnectionCheck(ok=False, message="the authorization covers no shop: re-authorize the seller")
    names = ", ".join(f"{s.name or s.id} ({s.region})" for s in shops)
    return ConnectionCheck(ok=True, message=f"connected; authorized shops: {names}", accounts=shops)
