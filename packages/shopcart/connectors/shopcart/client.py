"""ShopCart's REST API: where to send a call, how to authenticate it, and what its answers mean.

Every admin call is `https://<shop>/admin/api/<version>/<resource>.json` with `Authorization: Bearer
<token>`; success is a 2xx JSON body. A 401 means the token is not good (the core refreshes once), 429
carries `Retry-After`, 5xx is an outage, 422 is a refusal naming the field. The loop around one call
(refresh once, rate-limit waits, safe re-asks) is the core's `call_channel`; this module only sends.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

import requests

from connector_core import ConnectorContext, ConnectorError
from connector_core.channel_calls import call_channel
from connector_core.errors import (
    AccessTokenExpired,
    ChannelError,
    ChannelUnavailable,
    InconsistentAnswer,
    PermissionDenied,
    RateLimited,
    ReauthorizationRequired,
)
from connector_core.http import CallBudget, parse_retry_after

CHANNEL = "ShopCart"
API_VERSION = "2026-01"
JSON = "application/json"


def _message(payload: Any, status: int) -> str:
    errors = payload.get("errors") if isinstance(payload, dict) else None
    if isinstance(errors, dict):
        return "; ".join(
            f"{k}: {', '.join(map(str, v)) if isinstance(v, list) else v}" for k, v in errors.items()
        )
    return str(errors or f"HTTP {status}")


def api_error(response: requests.Response, what: str) -> ChannelError:
    """The core error for one failed ShopCart answer."""
    status = response.status_code
    try:
        payload = response.json()
    except ValueError:
        payload = None
    args = (CHANNEL, status, f"{what}: {_message(payload, status)}", None, status)
    if status == 401:
        return AccessTokenExpired(*args)
    if status == 403:
        return PermissionDenied(*args, hint="the app lacks a scope for this call: re-authorize the shop")
    if status == 429:
        return RateLimited(*args, retry_after=parse_retry_after(response.headers.get("Retry-After")))
    if status >= 500:
        return ChannelUnavailable(*args)
    return ChannelError(*args)


_NEXT = re.compile(r'<([^>]+)>\s*;\s*rel="?next"?')


def next_cursor(link_header: str | None) -> str | None:
    """The `page_info` of the `rel="next"` link (only the cursor is taken: never the host it names)."""
    found = _NEXT.search(link_header or "")
    if not found:
        return None
    values = parse_qs(urlsplit(found.group(1)).query).get("page_info")
    return values[0] if values else None


@dataclass(frozen=True)
class Answer:
    body: dict[str, Any]
    next_cursor: str | None


class ShopCartClient:
    """Bearer-authenticated calls for one integration; cheap to build (one per hook call)."""

    def __init__(self, ctx: ConnectorContext) -> None:
        self.ctx = ctx
        shop_url = (ctx.credentials.text("shop_url") or "").rstrip("/")
        if not shop_url:
            raise ConnectorError("ShopCart credentials lack the shop URL: edit the integration")
        self.shop_url = shop_url

    def path(self, resource: str) -> str:
        return f"/admin/api/{API_VERSION}/{resource}.json"

    def rate_key(self) -> str:
        # ShopCart counts calls per shop (its "leaky bucket"): one bucket, named without any credential.
        return f"shopcart:{hashlib.sha256(self.shop_url.encode()).hexdigest()[:16]}"

    def call(
        self,
        method: str,
        path: str,
        *,
        query: Mapping[str, Any] | None = None,
        body: Mapping[str, Any] | None = None,
        safe_to_repeat: bool,
        check: Callable[[Answer], None] | None = None,
    ) -> Answer:
        """One call through the core's loop (`check` may refuse an answer it cannot believe: a safe call is
        then asked again); returns the JSON body and the `rel="next"` cursor of its Link header."""
        data = json.dumps(body, separators=(",", ":")).encode() if body is not None else None
        what = f"{method} {path}"

        def send(token: str, budget: CallBudget) -> Answer:
            def prepare() -> requests.Request:
                headers = {"Authorization": f"Bearer {token}", "Accept": JSON}
                if data is not None:
                    headers["Content-Type"] = JSON
                return requests.Request(
                    method, self.shop_url + path, params=dict(query or {}), data=data, headers=headers
                )

            response = self.ctx.http.send(
                prepare, safe_to_repeat=safe_to_repeat, budget=budget, rate_key=self.rate_key()
            )
            if not 200 <= response.status_code < 300:
                raise api_error(response, what)
            try:
                payload = response.json()
            except ValueError:
                payload = None
            if not isinstance(payload, dict):
                raise InconsistentAnswer(
                    CHANNEL,
                    "not_json",
                    f"{what} answered {response.status_code} without a JSON object",
                    None,
                    response.status_code,
                )
            return Answer(payload, next_cursor(response.headers.get("Link")))

        return call_channel(self.ctx, send, what=what, safe_to_repeat=safe_to_repeat, check=check)

    def get(self, path: str, query: Mapping[str, Any] | None = None) -> dict[str, Any]:
        return self.call("GET", path, query=query, safe_to_repeat=True).body

    # --- the token endpoint (client secret in the body, never in a URL) ----------------------------------------

    def token_call(self, grant: Mapping[str, str]) -> dict[str, Any]:
        client_id = self.ctx.credentials.text("client_id") or ""
        secret = self.ctx.credentials.secret("client_secret") or ""
        body = json.dumps({"client_id": client_id, "client_secret": secret, **grant}).encode()

        def prepare() -> requests.Request:
            return requests.Request(
                "POST",
                f"{self.shop_url}/admin/oauth/access_token",
                data=body,
                headers={"Content-Type": JSON, "Accept": JSON},
            )

        # A code works once and a refresh token rotates: a sent token call is never repeated.
        response = self.ctx.http.send(prepare, safe_to_repeat=False)
        try:
            payload = response.json()
        except ValueError:
            payload = None
        if response.status_code == 200 and isinstance(payload, dict):
            return payload
        error = payload.get("error") if isinstance(payload, dict) else None
        if (
            response.status_code == 400
            and error == "invalid_grant"
            and grant.get("grant_type") == "refresh_token"
        ):
            reason = (
                "ShopCart no longer accepts the refresh token (the app was uninstalled or the grant revoked)"
            )
            raise ReauthorizationRequired(self.ctx.integration_id or "(new)", reason, code=error)
        raise ChannelError(
            CHANNEL,
            error or response.status_code,
            f"token exchange refused ({error or response.status_code})",
            None,
            response.status_code,
        )
