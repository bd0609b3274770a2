"""Connect links: a URL a seller opens without logging in to the host, to authorize (or renew) an integration.

`/connect/<token>` mints a fresh OAuth state on every visit and redirects to the channel's consent page,
so the same link can be retried after a failed attempt while it is valid. The token is a bearer value:
only its hash is stored, it never appears in a log line, and the pages tell a seller what to do when the
link is unknown or has expired (ask for it to be renewed).
"""

from __future__ import annotations

import logging
import os
from datetime import timedelta
from urllib.parse import urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from ..errors import ConnectorError, FieldError, InvalidInput, UnknownIntegration
from ..integration import Integrations
from ..models import Capability
from ..store import ConnectLink
from .branding import Branding, Outcome
from .pages import PRIVATE_HEADERS, page, when

log = logging.getLogger("connector_core.web.links")

BASE_URL_ENV = "CHANNEL_CONNECTORS_BASE_URL"
DEFAULT_BASE_URL = "http://127.0.0.1:8765"  # serve's default port: the emulator's default redirect URL
DEFAULT_DAYS = 30
MAX_DAYS = 365
PURPOSES = ("connect", "renew")
CONNECT_PREFIX = "/connect/"


def resolve_base_url(base_url: str | None) -> str:
    """The public address of this app (`--base-url`, else CHANNEL_CONNECTORS_BASE_URL), checked, no trailing /."""
    chosen = (base_url or os.environ.get(BASE_URL_ENV) or DEFAULT_BASE_URL).strip().rstrip("/")
    parts = urlsplit(chosen)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise InvalidInput(
            "base URL",
            [
                FieldError(
                    "base_url", f"{chosen!r} is not an http(s) address like https://host.example/prefix"
                )
            ],
        )
    return chosen


def _ttl(days: int) -> timedelta:
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_DAYS:
        raise InvalidInput(
            "connect link", [FieldError("days", f"must be a whole number from 1 to {MAX_DAYS}")]
        )
    return timedelta(days=days)


def create_connect_link(
    integrations: Integrations,
    integration_id: str,
    days: int = DEFAULT_DAYS,
    *,
    base_url: str | None = None,
    purpose: str = "connect",
) -> str:
    """A new link for this integration, valid `days` days; purpose "renew" for a re-authorization."""
    if purpose not in PURPOSES:
        raise InvalidInput("connect link", [FieldError("purpose", f"must be one of {', '.join(PURPOSES)}")])
    ttl = _ttl(days)
    root = resolve_base_url(base_url)
    record = integrations.store.get_integration(integration_id)
    connector = integrations.host.get(record.connector)
    if not connector.supports(Capability.CONNECT):
        raise InvalidInput(
            "connect link",
            [FieldError("integration_id", f"connector {connector.id!r} has no Connect (OAuth) to link to")],
        )
    token, link = integrations.store.create_connect_link(integration_id, purpose, ttl)
    log.info("integration %s: %s link …%s created, valid until %s", integration_id, purpose, link.token_hint,
             when(link.expires_at))  # fmt: skip
    return f"{root}{CONNECT_PREFIX}{token}"


def token_of(link: str) -> str:
    """The token of a link given as its URL or as the bare token."""
    path = urlsplit(link.strip()).path
    return path.rsplit(CONNECT_PREFIX, 1)[-1].strip("/") if CONNECT_PREFIX in path else link.strip()


def extend_connect_link(integrations: Integrations, link: str, days: int = DEFAULT_DAYS) -> ConnectLink:
    """Renew an existing link (URL or token) so it is valid for `days` days from now, expired or not."""
    return integrations.store.renew_connect_link(token_of(link), _ttl(days))


def connect_link_route(integrations: Integrations, base_url: str, brand: Branding | None = None) -> Route:
    look = brand or Branding()

    async def endpoint(request: Request) -> Response:
        token = request.path_params["token"]
        return_to = look.return_url(request.query_params.get("return_to"))
        return await run_in_threadpool(open_link, integrations, base_url, token, look, return_to)

    return Route(CONNECT_PREFIX + "{token}", endpoint, methods=["GET"], name="connect_link")


def _back(brand: Branding, return_to: str | None, outcome: Outcome) -> tuple[str, str] | None:
    target = brand.back_to(return_to, outcome)
    return None if target is None else (f"Back to {brand.home}", target)


def _unknown(brand: Branding, return_to: str | None) -> Response:
    return page(
        "This link does not work",
        [
            "It may have been copied only in part, or it was withdrawn.",
            f"Ask {brand.sender} for a new link.",
        ],
        ok=False,
        status=404,
        brand=brand,
        action=_back(brand, return_to, "invalid"),
    )


def open_link(
    integrations: Integrations,
    base_url: str,
    token: str,
    brand: Branding | None = None,
    return_to: str | None = None,
) -> Response:
    """Check the link, mint a fresh state (carrying the accepted return URL), send the seller to consent."""
    look = brand or Branding()
    link = integrations.store.find_connect_link(token) if 16 <= len(token) <= 256 else None
    if link is None:
        return _unknown(look, return_to)
    if integrations.clock.now() >= link.expires_at:
        log.info("integration %s: expired link …%s opened", link.integration_id, link.token_hint)
        return page(
            "This link has expired",
            [
                f"It was valid until {when(link.expires_at)}.",
                f"Ask {look.sender} to renew it; the same address works again once renewed.",
            ],
            ok=False,
            status=410,
            brand=look,
            action=_back(look, return_to, "expired"),
        )
    try:
        integration = integrations.open(link.integration_id)
        callback = integration.connector.manifest.callback_path
        data = {"return_to": return_to} if return_to else None
        consent_url = integration.begin_connect(f"{base_url}{callback}", data=data)
    except UnknownIntegration:
        return _unknown(look, return_to)
    except ConnectorError as exc:
        log.warning(
            "integration %s: link …%s cannot start Connect: %s", link.integration_id, link.token_hint, exc
        )
        return page(
            "The authorization cannot start right now",
            [
                "Nothing was changed, and the link stays valid.",
                f"Please try again later, or tell {look.sender}.",
            ],
            ok=False,
            status=503,
            brand=look,
            action=_back(look, return_to, "failed"),
        )
    integrations.store.touch_connect_link(token)
    log.info("integration %s: %s link …%s opened", link.integration_id, link.purpose, link.token_hint)
    if look.connect_page:
        channel = integration.connector.manifest.name
        asker = look.name or "The app"
        first = (
            f"{asker} asks to stay connected to your shop on {channel}: the earlier authorization is ending."
            if link.purpose == "renew"
            else f"{asker} asks to connect to your shop on {channel}."
        )
        return page(
            f"Connect {channel} to {look.name}" if look.name else f"Connect {channel}",
            [
                first,
                f"The button takes you to {channel}: sign in there and approve. You come back here afterwards.",
            ],
            ok=True,
            status=200,
            brand=look,
            action=(f"Continue to {channel}", consent_url),
            mark=False,
        )
    return RedirectResponse(consent_url, status_code=302, headers=PRIVATE_HEADERS)
