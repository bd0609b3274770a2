"""A connection to a channel: what a connector says about itself, the tokens of an authorization, the
accounts it covers, a connection check, and how long the authorization lasts."""

from __future__ import annotations

from typing import Any

from pydantic import ConfigDict, Field, SecretStr

from ..capabilities import Capability
from .base import Model, UtcDatetime


class TokenSet(Model):
    """Tokens from an OAuth exchange or refresh. Expiries are absolute UTC instants, never durations."""

    access_token: SecretStr
    access_expires_at: UtcDatetime
    refresh_token: SecretStr | None = None
    refresh_expires_at: UtcDatetime | None = None
    scopes: list[str] = Field(default_factory=list)
    extra: dict[str, Any] = Field(default_factory=dict, description="non-secret facts from the response")


class Account(Model):
    """A shop or seller account the authorization covers."""

    id: str
    name: str | None = None
    region: str | None = None
    selector: str | None = Field(
        default=None,
        description="what the channel needs on each call to address this account (TikTok: the shop cipher)",
    )
    extra: dict[str, Any] = Field(default_factory=dict)


class ConnectionCheck(Model):
    ok: bool
    message: str
    needs_reauthorization: bool = Field(
        default=False, description="the seller must authorize again: show the Connect button, not a retry"
    )
    accounts: list[Account] = Field(default_factory=list)


class ReauthorizationState(Model):
    """How long the seller's authorization lasts, and whether the channel has already withdrawn it."""

    deadline: UtcDatetime | None
    needs_reauthorization: bool = False
    reason: str | None = None


class Manifest(Model):
    """What a connector says about itself. Schema paths are absolute; secret_parameters feed the cassette
    filters."""

    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str
    version: str
    capabilities: frozenset[Capability]
    credentials_schema: str
    settings_schema: str | None = None
    ui_schema: str | None = Field(default=None, description="the credential form's RJSF uiSchema")
    settings_ui_schema: str | None = Field(default=None, description="the settings form's RJSF uiSchema")
    secret_parameters: tuple[str, ...] = Field(
        default=(), description="query/header/body names whose values are secret on the wire"
    )
    docs_url: str | None = None
    callback_path: str = Field(
        default="/callback", description="the OAuth redirect path hosts register with the channel's app"
    )
