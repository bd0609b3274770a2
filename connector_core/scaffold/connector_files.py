"""The scaffold's connector files: a CONNECT-capable connector for a bearer-token OAuth REST channel.

Templates use `string.Template` (`$name`, `$title`) so JSON and Python braces need no escaping.
"""

from __future__ import annotations

PYPROJECT = """[build-system]
requires = ["hatchling>=1.21"]
build-backend = "hatchling.build"

[project]
name = "channel-connectors-$dist"
version = "0.1.0"
description = "The $title connector for channel-connectors."
requires-python = ">=3.10"
dependencies = ["channel-connectors", "requests>=2.31"]

[project.optional-dependencies]
test = ["pytest>=8", "vcrpy>=6"]

[project.entry-points.channel_connectors]
$name = "connectors.$name.plugin"

[tool.hatch.build.targets.wheel]
# connectors/ is a PEP 420 namespace shared with every connector: no connectors/__init__.py here.
packages = ["connectors", "${name}_emulator"]

[tool.pytest.ini_options]
testpaths = ["tests"]
pythonpath = ["."]

# channel-connectors' own lint and format rules, so code reads (and moves) the same in both.
[tool.ruff]
line-length = 110
target-version = "py310"

[tool.ruff.lint]
select = ["E", "F", "W", "I", "B", "UP", "SIM", "RUF", "S"]
ignore = ["S101", "S311", "RUF012", "S603", "S607", "S104"]

[tool.ruff.lint.pycodestyle]
max-line-length = 130

[tool.ruff.lint.isort]
# The framework is a dependency here (third party); the connector and its emulator are this package's own.
known-first-party = ["connectors", "${name}_emulator"]

[tool.ruff.lint.per-file-ignores]
"tests/**" = ["S105", "S106", "S108", "B011"]
"${name}_emulator/**" = ["S105", "S106"]
"""

INIT = '''"""The $title connector: only what is specific to this channel; the core owns the rest."""

CONNECTOR_ID = "$name"
__version__ = "0.1.0"
'''

CLIENT = '''"""$title's API: where a call goes, how it is authenticated, what its answers mean.

The loop around one call (refresh once on an expired token, rate-limit waits, safe re-asks) is the core's
`call_channel`; this module only builds, sends and reads one request.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import requests
from connector_core import ConnectorContext, ConnectorError
from connector_core.channel_calls import call_channel
from connector_core.errors import (
    AccessTokenExpired,
    ChannelError,
    ChannelUnavailable,
    RateLimited,
    ReauthorizationRequired,
)
from connector_core.http import CallBudget, parse_retry_after

CHANNEL = "$title"
JSON = "application/json"


def api_error(response: requests.Response, what: str) -> ChannelError:
    status = response.status_code
    args = (CHANNEL, status, f"{what}: HTTP {status}", None, status)
    if status == 401:
        return AccessTokenExpired(*args)  # the core refreshes once and asks again
    if status == 429:
        return RateLimited(*args, retry_after=parse_retry_after(response.headers.get("Retry-After")))
    if status >= 500:
        return ChannelUnavailable(*args)
    return ChannelError(*args)


class Client:
    def __init__(self, ctx: ConnectorContext) -> None:
        self.ctx = ctx
        self.base_url = (ctx.credentials.text("base_url") or "").rstrip("/")
        if not self.base_url:
            raise ConnectorError(f"{CHANNEL} credentials lack the base URL: edit the integration")

    def get(self, path: str) -> dict[str, Any]:
        def send(token: str, budget: CallBudget) -> dict[str, Any]:
            def prepare() -> requests.Request:
                headers = {"Authorization": f"Bearer {token}", "Accept": JSON}
                return requests.Request("GET", self.base_url + path, headers=headers)

            response = self.ctx.http.send(prepare, safe_to_repeat=True, budget=budget)
            if response.status_code != 200:
                raise api_error(response, f"GET {path}")
            answer = response.json()
            return answer if isinstance(answer, dict) else {}

        return call_channel(self.ctx, send, what=f"GET {path}", safe_to_repeat=True)

    def token_call(self, grant: Mapping[str, str]) -> dict[str, Any]:
        body = {
            "client_id": self.ctx.credentials.text("client_id") or "",
            "client_secret": self.ctx.credentials.secret("client_secret") or "",
            **grant,
        }

        def prepare() -> requests.Request:
            headers = {"Content-Type": JSON, "Accept": JSON}
            return requests.Request(
                "POST", f"{self.base_url}/oauth/token", data=json.dumps(body), headers=headers
            )

        response = self.ctx.http.send(prepare, safe_to_repeat=False)  # a code works once: never repeated
        if response.status_code == 200:
            return dict(response.json())
        if response.status_code == 400 and grant.get("grant_type") == "refresh_token":
            reason = f"{CHANNEL} no longer accepts the refresh token (authorization revoked)"
            raise ReauthorizationRequired(self.ctx.integration_id or "(new)", reason, code=400)
        raise api_error(response, "POST /oauth/token")
'''

PLUGIN = '''"""$title hook implementations.

Add a capability by declaring it in the manifest and implementing its hooks (docs/hooks.md in
channel-connectors lists them); the contract suite then runs its tests.
"""

from __future__ import annotations

from datetime import timedelta
from importlib.resources import files
from typing import Any
from urllib.parse import urlencode

from connector_core import (
    Account,
    Capability,
    ConnectionCheck,
    ConnectorContext,
    Manifest,
    TokenSet,
    hookimpl,
)
from connector_core.errors import ChannelError, ConnectorError, ReauthorizationRequired
from pydantic import SecretStr

from . import CONNECTOR_ID, __version__
from .client import CHANNEL, Client


def _schema(name: str) -> str:
    return str(files(__package__).joinpath("schemas").joinpath(name))


@hookimpl
def connector_manifest() -> Manifest:
    return Manifest(
        id=CONNECTOR_ID,
        name="$title",
        version=__version__,
        capabilities=frozenset({Capability.CONNECT}),
        credentials_schema=_schema("credentials.schema.json"),
        settings_schema=_schema("settings.schema.json"),
        secret_parameters=("client_secret", "code", "access_token", "refresh_token", "authorization"),
        callback_path="/$name/auth/callback",
    )


@hookimpl
def authorization_url(ctx: ConnectorContext, state: str, redirect_uri: str | None) -> str:
    query = {"client_id": ctx.credentials.text("client_id") or "", "state": state}
    if redirect_uri:
        query["redirect_uri"] = redirect_uri
    return f"{Client(ctx).base_url}/oauth/authorize?{urlencode(query)}"


def _tokens(ctx: ConnectorContext, data: dict[str, Any]) -> TokenSet:
    now = ctx.clock.now()
    refresh = data.get("refresh_token")
    return TokenSet(
        access_token=SecretStr(str(data["access_token"])),
        access_expires_at=now + timedelta(seconds=int(data["expires_in"])),
        refresh_token=SecretStr(str(refresh)) if refresh else None,
    )


@hookimpl
def exchange_code(ctx: ConnectorContext, code: SecretStr) -> TokenSet:
    grant = {"grant_type": "authorization_code", "code": code.get_secret_value()}
    return _tokens(ctx, Client(ctx).token_call(grant))


@hookimpl
def refresh_token(ctx: ConnectorContext, refresh_token: SecretStr) -> TokenSet:
    grant = {"grant_type": "refresh_token", "refresh_token": refresh_token.get_secret_value()}
    return _tokens(ctx, Client(ctx).token_call(grant))


@hookimpl
def discover_accounts(ctx: ConnectorContext) -> list[Account]:
    data = Client(ctx).get("/api/account")
    return [Account(id=str(data["id"]), name=data.get("name"))] if "id" in data else []


@hookimpl
def check_connection(ctx: ConnectorContext) -> ConnectionCheck:
    try:
        accounts = discover_accounts(ctx)
    except ReauthorizationRequired as exc:
        return ConnectionCheck(ok=False, message=str(exc), needs_reauthorization=True)
    except (ChannelError, ConnectorError) as exc:
        return ConnectionCheck(ok=False, message=str(exc))
    if not accounts:
        return ConnectionCheck(ok=False, message=f"{CHANNEL} answered no account: re-authorize")
    return ConnectionCheck(ok=True, message=f"connected to {accounts[0].name}", accounts=accounts)
'''

CREDENTIALS_SCHEMA = """{
  "$$schema": "http://json-schema.org/draft-07/schema#",
  "title": "$title app",
  "type": "object",
  "additionalProperties": false,
  "required": ["base_url", "client_id", "client_secret"],
  "properties": {
    "base_url": {"title": "API base URL", "type": "string", "minLength": 1, "format": "uri"},
    "client_id": {"title": "Client ID", "type": "string", "minLength": 1},
    "client_secret": {"title": "Client secret", "type": "string", "minLength": 1, "writeOnly": true, "format": "password"}
  }
}
"""

SETTINGS_SCHEMA = """{
  "$$schema": "http://json-schema.org/draft-07/schema#",
  "title": "$title settings",
  "type": "object",
  "additionalProperties": false,
  "properties": {}
}
"""
