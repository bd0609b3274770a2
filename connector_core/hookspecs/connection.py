"""The hooks of a connection: the manifest a connector describes itself with, and connecting a seller
(OAuth consent, code exchange, refresh, the accounts an authorization covers, a connection check)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from .markers import hookspec

if TYPE_CHECKING:  # annotations only: importing the hooks stays cheap (no pydantic)
    from pydantic import SecretStr

    from ..context import ConnectorContext
    from ..models import Account, ConnectionCheck, Manifest, TokenSet


# --- manifest -------------------------------------------------------------------------------------------


@hookspec(firstresult=True)
def connector_manifest() -> Manifest:  # type: ignore[empty-body]
    """Describe the connector: id, name, version, capabilities, form schemas, secret wire parameters.

    Called once, when the host loads the connector, before any other hook.
    Returns a `Manifest`; its `id` must equal the entry-point name. Its `capabilities` are checked against
    the hooks the connector implements. ``firstresult``: the connector's own answer is the one used.
    """


# --- connect (OAuth) ------------------------------------------------------------------------------------


@hookspec(firstresult=True)
def authorization_url(ctx: ConnectorContext, state: str, redirect_uri: str | None) -> str:  # type: ignore[empty-body]
    """Build the consent URL the seller opens to authorize the app.

    Called when the host starts Connect for an integration, after the core stored `state` (single use,
    expiring). `redirect_uri` is the host's callback URL when the channel takes it as a parameter (many,
    TikTok included, use the one registered with the app instead and ignore it).
    Returns the absolute URL. ``firstresult``.
    """


@hookspec(firstresult=True)
def exchange_code(ctx: ConnectorContext, code: SecretStr, callback_params: Mapping[str, str]) -> TokenSet:  # type: ignore[empty-body]
    """Exchange the authorization code from the OAuth callback for tokens.

    Called once per Connect, after the core checked the callback's `state`. `callback_params` holds every
    other query parameter of the callback (for TikTok: `locale`, `shop_region`, `app_key`).
    Returns a `TokenSet` with absolute expiries; the core stores it. Raises a `ChannelError` when the
    channel refuses the code. ``firstresult``.
    """


@hookspec(firstresult=True)
def refresh_token(ctx: ConnectorContext, refresh_token: SecretStr) -> TokenSet:  # type: ignore[empty-body]
    """Get a new access token with the refresh token.

    Called by the core's token lifecycle, at most once at a time per integration across processes, when
    the access token is about to expire or the channel rejected it. Returns the new `TokenSet`; leave its
    `refresh_token` None if the channel returned none (the core keeps the old one). Raise
    `ReauthorizationRequired` when the channel says the refresh token expired or was revoked.
    ``firstresult``.
    """


@hookspec(firstresult=True)
def discover_accounts(ctx: ConnectorContext) -> list[Account]:  # type: ignore[empty-body]
    """List the shops or accounts the authorization covers.

    Called right after a code exchange, and on demand (`check_connection`, re-discovery). Returns every
    account with the `selector` the channel needs to address it; the core stores them all and the
    integration serves the one its settings or the host picked. ``firstresult``.
    """


@hookspec(firstresult=True)
def check_connection(ctx: ConnectorContext) -> ConnectionCheck:  # type: ignore[empty-body]
    """Prove the stored credentials and tokens work with one cheap, read-only call.

    Called when the operator asks for a connection test or a host health check runs. Returns a
    `ConnectionCheck`; a channel refusal is an `ok=False` answer with the channel's message, not an
    exception. ``firstresult``.
    """
