"""The signed HTTP client for the TikTok Shop Open API: hosts, signing, envelope, error codes.

Every Open API call carries `app_key`, `timestamp` and `sign` in the query, the access token in the
`x-tts-access-token` header, `Content-Type: application/json` (GET included), and `shop_cipher` on
shop-scoped paths only (TikTok refuses it on /authorization and /seller). Success is HTTP 200 *and*
`code == 0`; anything else becomes one of the core's errors, keeping TikTok's code, message and request id.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import requests

from connector_core import ConnectorContext, ConnectorError
from connector_core.channel_calls import call_channel, maybe_applied
from connector_core.clock import to_unix
from connector_core.errors import (
    AccessTokenExpired,
    AccountInactive,
    ChannelError,
    ChannelUnavailable,
    InconsistentAnswer,
    PermissionDenied,
    RateLimited,
    ReauthorizationRequired,
    RefreshTokenRejected,
    SignatureInvalid,
)
from connector_core.http import CallBudget, parse_retry_after

from .api_versions import BASE_VERSION, check_version, version_for
from .signing import sign

log = logging.getLogger("connectors.tiktok_shop.client")

CHANNEL = "TikTok Shop"
PRODUCTION_API = "https://open-api.tiktokglobalshop.com"
PRODUCTION_AUTH = "https://auth.tiktok-shops.com"
SANDBOX_API = "https://open-api-sandbox.tiktokglobalshop.com"
SANDBOX_AUTH = "https://auth-sandbox.tiktok-shops.com"
CONSENT_NON_US = "https://services.tiktokshop.com/open/authorize"
CONSENT_US = "https://services.us.tiktokshop.com/open/authorize"
DEFAULT_VERSION = BASE_VERSION
JSON = "application/json"

# Paths where TikTok answers 36009004 "unexpected identifier" if shop_cipher is sent.
UNSCOPED_PREFIXES = ("/authorization/", "/seller/")
SCOPED_AUTHORIZATION_PATHS = frozenset({"/authorization/202403/shops"})
"""Deauthorize Shop needs the cipher although it lives under /authorization (reference.md#deauthorize)."""

# 105001..105004 are all "this access token is not good": refresh once, then give up.
TOKEN_REJECTED = frozenset({105001, 105002, 105003, 105004})
INVALID_PARAMETER = 36009004
REFRESH_TOKEN_DEAD = frozenset({36004001, 36004005})
RATE_LIMITED = 36009002
_RESOURCE_ID = re.compile(r"/\d{9,}(?=/|$)")  # order, package and product IDs; not the 6-digit versions
INTERNAL_ERROR = 36009003
INCONSISTENT_RETRIES = 3
"""How often a safe call is asked again after an inconsistent answer before `InconsistentAnswer` is raised."""

AnswerCheck = Callable[[dict[str, Any]], None]
"""Raises `InconsistentAnswer` when a successful answer's `data` contradicts itself."""

# The Partner Center "API scope package" a module's endpoints need (names as the seeds show them; the
# fulfillment/logistics/event names are the usual Partner Center labels, not confirmed by the reference).
SCOPE_PACKAGES = {
    "authorization": "Shop Authorized Information",
    "seller": "Shop Authorized Information",
    "order": "Order Information",
    "product": "Product Basic",
    "fulfillment": "Fulfillment Basic",
    "logistics": "Logistics Basic",
    "event": "Webhook",
    "return_refund": "Return & Refund Basic",
}

INACTIVE_ACCOUNT = frozenset({36009043, 36009044})
"""The gateway refuses an inactive shop (36009043) or seller (36009044) since 2026-07-20."""

_sandbox_warned = False


@dataclass(frozen=True)
class Endpoints:
    """Where to send what, from the credentials' environment, region and overrides."""

    api_base: str
    auth_base: str
    consent_url: str
    version: str

    @classmethod
    def from_context(cls, ctx: ConnectorContext) -> Endpoints:
        creds = ctx.credentials
        sandbox = creds.text("environment", "production") == "sandbox"
        if sandbox:
            _warn_sandbox()
        region = creds.text("region", "non_us")
        return cls(
            api_base=(creds.text("base_url") or (SANDBOX_API if sandbox else PRODUCTION_API)).rstrip("/"),
            auth_base=(creds.text("auth_base_url") or (SANDBOX_AUTH if sandbox else PRODUCTION_AUTH)).rstrip(
                "/"
            ),
            consent_url=creds.text("authorize_url") or (CONSENT_US if region == "us" else CONSENT_NON_US),
            version=check_version(creds.text("version") or DEFAULT_VERSION),
        )


def _warn_sandbox() -> None:
    global _sandbox_warned
    if not _sandbox_warned:
        _sandbox_warned = True
        log.warning(
            "environment 'sandbox' uses TikTok's legacy sandbox hosts, which TikTok retired for API 202309: "
            "test with a test seller account on production instead"
        )


def encode_body(body: Mapping[str, Any] | None) -> bytes:
    """Compact JSON, serialised once: these exact bytes are signed and sent. No body for None or {}."""
    if not body:
        return b""
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def api_error(
    status: int, payload: Mapping[str, Any] | None, path: str, retry_after: str | None = None
) -> ChannelError:
    """The core error for one failed TikTok answer."""
    payload = payload or {}
    raw_code = payload.get("code")
    code: int | str | None = raw_code if isinstance(raw_code, (int, str)) else None
    message = str(payload.get("message") or f"HTTP {status} with no TikTok error body")
    request_id = payload.get("request_id")
    args = (CHANNEL, code, message, request_id, status)
    numeric = int(code) if isinstance(code, int) or (isinstance(code, str) and code.isdigit()) else None
    if numeric in TOKEN_REJECTED or (
        numeric == INVALID_PARAMETER
        and ("access-token" in message.lower() or "access_token" in message.lower())
    ):
        # 36009004 is overloaded; with an invalid `x-tts-access-token` it means TikTok no longer knows the
        # token (revoked, or an emulator restarted): refresh once, and a refused refresh marks the
        # integration for re-authorization instead of failing every call the same way.
        return AccessTokenExpired(*args)
    if numeric == 105005:
        module = path.strip("/").split("/", 1)[0]
        package = SCOPE_PACKAGES.get(module, module)
        return PermissionDenied(
            *args,
            hint=f"the app lacks access to {path}: enable the '{package}' API scope package for the app in "
            "TikTok Shop Partner Center, then re-authorize the shop",
        )
    if numeric in INACTIVE_ACCOUNT:
        return AccountInactive(*args)  # reference.md#inactive-seller: terminal, never retried
    if numeric == 106001:
        return SignatureInvalid(*args)
    if numeric == 106013:
        return ChannelError(*args, hint="this call needs a shop: connect the integration and select its shop")
    if numeric == RATE_LIMITED or status == 429:
        return RateLimited(*args, retry_after=parse_retry_after(retry_after))
    if numeric == INTERNAL_ERROR or status >= 500:
        return ChannelUnavailable(*args)
    return ChannelError(*args)


def parse_envelope(response: requests.Response, path: str) -> dict[str, Any]:
    """`data` of a successful answer (HTTP 200 and code 0), else raise the matching error. A body that is not
    TikTok's JSON (an HTML error page, a truncated answer) is named with the endpoint and HTTP status."""
    try:
        payload = response.json()
    except ValueError:
        payload = None
    if not isinstance(payload, dict):
        raise not_json_error(response, path)
    if response.status_code == 200 and payload.get("code") == 0:
        data = payload.get("data")
        return data if isinstance(data, dict) else {}
    raise api_error(response.status_code, payload, path, response.headers.get("Retry-After"))


def not_json_error(response: requests.Response, path: str) -> ChannelError:
    status = response.status_code
    body = response.content.lstrip()[:64].lower()
    kind = response.headers.get("Content-Type", "").lower()
    if "html" in kind or body.startswith((b"<!doctype", b"<html", b"<")):
        shape = "an HTML page (a gateway's error page?)"
    elif not body:
        shape = "an empty body"
    else:
        shape = "a body that is not valid JSON (cut short?)"
    args = (
        CHANNEL,
        "not_json",
        f"{path} answered HTTP {status} with {shape}, not TikTok's JSON",
        None,
        status,
    )
    if status >= 500 or status == 429:
        return ChannelUnavailable(*args)
    if status == 200:
        return InconsistentAnswer(*args)
    return ChannelError(
        *args, hint="TikTok's gateway refused the call; check the base URL and try again later"
    )


class TikTokClient:
    """Signed calls for one integration. Cheap to build: one per hook call."""

    def __init__(self, ctx: ConnectorContext, *, max_rate_limit_waits: int = 6) -> None:
        self.ctx = ctx
        self.endpoints = Endpoints.from_context(ctx)
        self.max_rate_limit_waits = max_rate_limit_waits
        app_key = ctx.credentials.text("app_key")
        app_secret = ctx.credentials.secret("app_secret")
        if not app_key or not app_secret:
            raise ConnectorError(
                "TikTok Shop credentials lack the App Key or App Secret: edit the integration"
            )
        self._app_key = app_key
        self._app_secret = app_secret

    def path(self, module: str, resource: str) -> str:
        """`/{module}/{version}/{resource}` at the endpoint's newest version within the pinned one."""
        resource = resource.lstrip("/")
        return f"/{module}/{version_for(self.endpoints.version, module, resource)}/{resource}"

    @property
    def shop_cipher(self) -> str:
        account = self.ctx.account
        cipher = (account.selector if account else None) or self._typed_shop()
        if not cipher:
            raise ConnectorError(
                f"integration {self.ctx.integration_id}: no TikTok shop selected; run Connect, or pick one of "
                f"the authorized shops ({', '.join(a.id for a in self.ctx.accounts) or 'none discovered'}) with "
                f"`channel-connectors integrations update {self.ctx.integration_id} --shop SHOP_ID`"
            )
        return cipher

    def _typed_shop(self) -> str | None:
        """The form's "Shop cipher / shop ID" field: a shop id (what the error below lists) is turned into the
        cipher Connect discovered for it; anything else is taken as the cipher itself."""
        typed = (self.ctx.credentials.text("shop_cipher") or "").strip()
        for known in self.ctx.accounts:
            if typed and typed == known.id and known.selector:
                return known.selector
        return typed or None

    def get(self, path: str, query: Mapping[str, Any] | None = None) -> dict[str, Any]:
        return self.call("GET", path, query=query, safe_to_repeat=True)

    def post(
        self,
        path: str,
        body: Mapping[str, Any] | None = None,
        query: Mapping[str, Any] | None = None,
        *,
        safe_to_repeat: bool = False,
        check: AnswerCheck | None = None,
    ) -> dict[str, Any]:
        return self.call("POST", path, query=query, body=body, safe_to_repeat=safe_to_repeat, check=check)

    def call(
        self,
        method: str,
        path: str,
        *,
        query: Mapping[str, Any] | None = None,
        body: Mapping[str, Any] | None = None,
        safe_to_repeat: bool,
        check: AnswerCheck | None = None,
    ) -> dict[str, Any]:
        """One API call through the core's call loop (`connector_core.channel_calls`: refresh once on an
        expired token, wait out rate limits, ask a safe call again after an inconsistent answer); this
        connector's part is `_send`: sign, send, and read TikTok's envelope into the core's errors."""
        encoded = encode_body(body)

        def send(token: str, budget: CallBudget) -> dict[str, Any]:
            return self._send(method, path, query or {}, encoded, token, safe_to_repeat, budget)

        return call_channel(
            self.ctx,
            send,
            what=f"{method} {path}",
            safe_to_repeat=safe_to_repeat,
            check=check,
            max_rate_limit_waits=self.max_rate_limit_waits,
            inconsistent_retries=INCONSISTENT_RETRIES,
            maybe_applied_hint=MAYBE_APPLIED_ON_TIKTOK,
        )

    def _send(
        self,
        method: str,
        path: str,
        query: Mapping[str, Any],
        body: bytes,
        token: str,
        safe_to_repeat: bool,
        budget: CallBudget,
    ) -> dict[str, Any]:
        scoped = not path.startswith(UNSCOPED_PREFIXES) or path in SCOPED_AUTHORIZATION_PATHS
        cipher = self.shop_cipher if scoped else None
        url = self.endpoints.api_base + path

        def prepare() -> requests.Request:
            params = {k: _query_value(v) for k, v in query.items() if v is not None}
            params["app_key"] = self._app_key
            params["timestamp"] = str(to_unix(self.ctx.clock.now()))
            if cipher is not None:
                params["shop_cipher"] = cipher
            params["sign"] = sign(self._app_secret, path, params, body, JSON)
            headers = {"Content-Type": JSON, "x-tts-access-token": token, "Accept": JSON}
            return requests.Request(method, url, params=params, data=body or None, headers=headers)

        response = self.ctx.http.send(
            prepare, safe_to_repeat=safe_to_repeat, budget=budget, rate_key=self.rate_key(scoped, path)
        )
        return parse_envelope(response, path)

    def rate_key(self, scoped: bool, path: str = "") -> str:
        """The bucket TikTok counts this call against (reference.md#rate-limits): the app, the shop on
        shop-scoped paths, and the API path. The app key is hashed so a shared limiter's key names carry no
        credential; version segments stay in the path, since TikTok counts per API."""
        app = hashlib.sha256(self._app_key.encode()).hexdigest()[:16]
        path = _RESOURCE_ID.sub("/{id}", path)  # one API whatever order or package it names
        if not scoped:
            return f"tiktok_shop:{app}:app:{path}"
        account = self.ctx.account
        shop = account.id if account is not None and account.id else self.shop_cipher
        return f"tiktok_shop:{app}:{shop}:{path}"

    # --- token host (unsigned; the app secret travels in the query) ---------------------------------------

    def token_call(self, resource: str, params: Mapping[str, str]) -> dict[str, Any]:
        """GET /api/v2/token/{get,refresh} on the auth host; TikTok's token errors become core errors."""
        url = f"{self.endpoints.auth_base}/api/v2/token/{resource}"
        query = {"app_key": self._app_key, "app_secret": self._app_secret, **params}

        def prepare() -> requests.Request:
            return requests.Request("GET", url, params=query, headers={"Content-Type": JSON, "Accept": JSON})

        # A token call spends the auth code or may rotate the refresh token: never repeat a sent one.
        response = self.ctx.http.send(prepare, safe_to_repeat=False)
        try:
            return parse_envelope(response, f"/api/v2/token/{resource}")
        except InconsistentAnswer as exc:
            raise _maybe_applied(exc) from None
        except ChannelError as exc:
            if isinstance(exc.code, int) and exc.code in REFRESH_TOKEN_DEAD:
                integration = self.ctx.integration_id or "(new)"
                if exc.code == 36004001:
                    reason = f"the refresh token expired (TikTok {exc.code})"
                    raise ReauthorizationRequired(integration, reason, code=exc.code) from None
                # Unknown to TikTok: revoked, or rotated away by a refresh whose answer never arrived.
                reason = f"TikTok has no record of the authorization (revoked) (TikTok {exc.code})"
                raise RefreshTokenRejected(integration, reason, code=exc.code) from None
            raise


MAYBE_APPLIED_ON_TIKTOK = (
    "the answer could not be read, so the call may or may not have been applied: "
    "check on TikTok before sending it again"
)


def _maybe_applied(exc: InconsistentAnswer) -> InconsistentAnswer:
    """The same error for a call that must not be repeated: its text says it may have been applied."""
    return maybe_applied(exc, MAYBE_APPLIED_ON_TIKTOK)


def _query_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return ",".join(str(v) for v in value)  # TikTok takes arrays as one comma-joined, signed value
    return str(value)
