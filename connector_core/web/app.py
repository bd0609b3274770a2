"""`create_app`: the host runtime's ASGI application (Starlette), ready to serve or to mount.

Routes: one OAuth callback per loaded connector (its manifest's `callback_path`), `POST /webhooks/<connector>`,
`GET /connect/<token>` (connect links), `GET /healthz`, and, when an `AdminConfig` is given, `/admin` and
the JSON API under `/api/v1`.
"""

from __future__ import annotations

import logging

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from ..errors import ConnectorError
from ..host_plugins import load_host
from ..integration import Integrations
from ..models import Capability
from ..store import open_store
from .admin import AdminConfig, admin_routes
from .api import api_routes
from .branding import Branding
from .callback import callback_route
from .health import health_route
from .links import connect_link_route, resolve_base_url
from .pages import page
from .sink import InProcessSink, WorkSink
from .webhooks import DEFAULT_BODY_LIMIT, webhook_route

log = logging.getLogger("connector_core.web")


async def _unexpected(request: Request, exc: Exception) -> Response:
    # Whatever it was, the page says nothing of it (an exception text may quote a value); the log has the type.
    log.error("%s %s failed: %s", request.method, request.url.path, type(exc).__name__, exc_info=exc)
    return page(
        "Something went wrong on our side",
        ["Nothing you did caused this. Try again in a few minutes; if it persists, tell the operator."],
        ok=False,
        status=500,
    )


async def _connector_error(request: Request, exc: Exception) -> Response:
    log.warning("%s %s: %s", request.method, request.url.path, exc)
    return page(
        "This service is not available right now",
        ["Try again in a few minutes; if it persists, tell the operator."],
        ok=False,
        status=503,
    )


def create_app(
    integrations: Integrations | None = None,
    *,
    base_url: str | None = None,
    admin: AdminConfig | None = None,
    sink: WorkSink | None = None,
    webhook_body_limit: int = DEFAULT_BODY_LIMIT,
    branding: Branding | None = None,
) -> Starlette:
    """The application. `base_url` is where sellers reach it (callback and link addresses are built from it);
    `sink` takes webhook and Pull-now work (default: `InProcessSink`, on a thread of this process);
    `branding` is the host's look on the seller's pages and where sellers may return to (default: from
    CHANNEL_CONNECTORS_BRAND_* and CHANNEL_CONNECTORS_RETURN_ORIGINS).
    Without `integrations`, the app opens the store the environment names with the connectors and the host's
    plugins loaded as the command line and the workers load them (`load_host`); a plugin that cannot load
    stops it here, before it serves anything."""
    if integrations is None:
        integrations = Integrations(load_host(), open_store())
    root = resolve_base_url(base_url)
    look = branding if branding is not None else Branding.from_env()
    work: WorkSink = sink if sink is not None else InProcessSink(integrations)
    routes: list[BaseRoute] = [health_route(integrations), connect_link_route(integrations, root, look)]
    routes += [
        callback_route(integrations, c, look) for c in integrations.host if c.supports(Capability.CONNECT)
    ]
    routes.append(webhook_route(integrations, work, webhook_body_limit))
    if admin is not None:
        routes += admin_routes(integrations, admin, work, root)
        routes += api_routes(integrations, admin, work, root, look)  # the JSON API, guarded like the admin
    app = Starlette(
        routes=routes,
        exception_handlers={ConnectorError: _connector_error, Exception: _unexpected},
    )
    app.state.integrations = integrations
    app.state.sink = work
    app.state.base_url = root
    app.state.branding = look
    return app
