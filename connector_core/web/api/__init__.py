"""The versioned JSON API for embedders (`/api/v1/...`) and its OpenAPI description.

One table (`OPERATIONS`) names every operation once: the routes and the OpenAPI document are both built
from it, and a test checks the app's routes against the served document both ways. Protected like the
admin page (it is on exactly when the admin is): a Bearer token from a host's server, or the admin
session plus its CSRF token from a page. See docs/api.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from ...integration import Integrations
from ..admin.auth import AdminConfig
from ..branding import Branding
from ..sink import WorkSink
from .guard import answer, guarded
from .operations import OperationsApi
from .schemas import component_schemas, ref

VERSION = "1.0.0"
PREFIX = "/api/v1"
OPENAPI_PATH = f"{PREFIX}/openapi.json"


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    handler: str
    summary: str
    ok: tuple[int, str | None]
    body: str | None = None
    query: tuple[tuple[str, str, dict[str, Any]], ...] = ()
    refusals: tuple[int, ...] = (401, 404)
    tags: tuple[str, ...] = field(default=("connections",))

    @property
    def changes(self) -> bool:
        return self.method != "GET"


_PAGE = (
    ("limit", "how many per page (1 to 500, default 50)", {"type": "integer", "minimum": 1, "maximum": 500}),
    ("offset", "how many to skip (default 0)", {"type": "integer", "minimum": 0}),
)
C = "/connections/{id}"
_DAYS = {"type": "integer", "minimum": 1, "maximum": 90}
OPERATIONS: tuple[Operation, ...] = (
    Operation("GET", "/connectors", "connectors", "The loaded connectors", (200, "ConnectorList"),
              refusals=(401,), tags=("forms",)),
    Operation("GET", "/connectors/{connector}/forms", "new_forms",
              "The empty credential and settings forms of a connector (for renderForm)", (200, "Forms"),
              tags=("forms",)),
    Operation("GET", "/connections", "list_connections", "Connections, filtered and paged (newest first)",
              (200, "ConnectionPage"), query=(
                  ("q", "part of the name or id", {"type": "string"}),
                  ("state", "only this state", {"enum": ["connected", "not_connected", "needs_reauthorization", "failing"]}),
                  ("connector", "only this connector", {"type": "string"}),
                  ("shop", "part of a shop's id or name", {"type": "string"}), *_PAGE),
              refusals=(401, 422)),
    Operation("POST", "/connections", "create", "Create a connection from the forms' values", (201, "Connection"),
              body="ConnectionInput", refusals=(400, 401, 403, 404, 413, 422)),
    Operation("GET", C, "show", "A connection: state, shops, runs, uncertain intents, links", (200, "Connection")),
    Operation("PATCH", C, "update", "Edit a connection; a blank secret keeps its stored value", (200, "Connection"),
              body="ConnectionEdit", refusals=(400, 401, 403, 404, 413, 422)),
    Operation("DELETE", C, "delete", "Delete a connection and everything stored for it", (204, None),
              refusals=(401, 403, 404)),
    Operation("GET", f"{C}/forms", "edit_forms", "The edit forms of a connection (no secret in formData)",
              (200, "Forms"), tags=("forms",)),
    Operation("POST", f"{C}/connect", "connect", "Start Connect: the channel's consent page to send the seller to",
              (200, "ConsentUrl"), body="ConnectInput", refusals=(400, 401, 403, 404, 409, 422)),
    Operation("POST", f"{C}/check", "check", "Prove the connection with one cheap call to the channel",
              (200, "ConnectionCheck"), refusals=(401, 403, 404)),
    Operation("POST", f"{C}/shops/{{shop_id}}/pause", "pause_shop",
              "Stop serving one shop (no pulls, pushes or webhooks) until resumed", (200, "Shop"),
              refusals=(401, 403, 404), tags=("connections",)),
    Operation("POST", f"{C}/shops/{{shop_id}}/resume", "resume_shop",
              "Serve a paused shop again (its next pull is due at once)", (200, "Shop"),
              refusals=(401, 403, 404, 409), tags=("connections",)),
    Operation("PUT", f"{C}/pull-interval", "set_pull_interval",
              "Seconds between scheduled pulls of every shop without its own (null: the worker's default)",
              (200, "PullInterval"), body="PullIntervalInput", refusals=(400, 401, 403, 404, 422)),
    Operation("PUT", f"{C}/shops/{{shop_id}}/pull-interval", "set_shop_pull_interval",
              "Seconds between scheduled pulls of one shop (null: its connection's)",
              (200, "PullInterval"), body="PullIntervalInput", refusals=(400, 401, 403, 404, 422)),
    Operation("GET", f"{C}/links", "links", "The connection's connect links", (200, "LinkList"), tags=("links",)),
    Operation("POST", f"{C}/links", "create_link", "Create a connect link (its address is shown once)",
              (201, "LinkCreated"), body="LinkInput", refusals=(400, 401, 403, 404, 422), tags=("links",)),
    Operation("POST", f"{C}/links/{{link_id}}/renew", "renew_link", "Make a link valid for N days from now",
              (200, "Link"), body="LinkRenewal", refusals=(400, 401, 403, 404, 422), tags=("links",)),
    Operation("POST", f"{C}/links/{{link_id}}/revoke", "revoke_link", "Make a link expire now", (200, "Link"),
              refusals=(401, 403, 404), tags=("links",)),
    Operation("GET", f"{C}/runs", "runs", "Recent runs with their reasons, newest first", (200, "RunList"),
              query=(("flow", "only this flow, e.g. pull_orders", {"type": "string"}),
                     ("limit", "how many (1 to 200, default 20)", {"type": "integer", "minimum": 1, "maximum": 200})),
              refusals=(401, 404, 422), tags=("status",)),
    Operation("GET", f"{C}/intents", "intents", "Changes sent to the channel, by outcome (default: uncertain)",
              (200, "IntentList"), query=(("status", "pending (default), done or refused",
                                           {"enum": ["pending", "done", "refused"]}),),
              refusals=(401, 404, 422), tags=("status",)),
    Operation("GET", f"{C}/orders", "orders",
              "Orders read from the channel (one by id, or the recent ones); the import is not moved",
              (200, "OrderList"), query=(
                  ("order_id", "one order by its channel id", {"type": "string"}),
                  ("days", "recent: updated in the last N days (1 to 90, default 7)", _DAYS)),
              refusals=(401, 404, 422, 502), tags=("status",)),
    Operation("POST", f"{C}/intents/resolve", "resolve_intent",
              "Settle an uncertain change after checking the seller center", (200, "Intent"),
              body="IntentResolution", refusals=(400, 401, 403, 404, 409, 422), tags=("status",)),
    Operation("GET", f"{C}/requests/{{kind}}/{{key}}", "request_status",
              "A queued stock push or shipment: pending, done (with its report) or failed (with why)",
              (200, "Request"), tags=("work",)),
    Operation("POST", f"{C}/pulls", "pull", "Queue an order import (task channel_connectors.pull_orders)",
              (202, "Queued"), refusals=(401, 403, 404, 409, 503), tags=("work",)),
    Operation("POST", f"{C}/stock-pushes", "push_stock",
              "Queue a stock push (task channel_connectors.push_stock)", (202, "Queued"), body="StockPush",
              refusals=(400, 401, 403, 404, 413, 422, 501, 503), tags=("work",)),
    Operation("POST", f"{C}/shipments", "ship", "Queue a shipment confirmation (task channel_connectors.confirm_shipment)",
              (202, "Queued"), body="ShipmentRequest", refusals=(400, 401, 403, 404, 413, 422, 501, 503),
              tags=("work",)),
)  # fmt: skip

_REFUSAL_TEXT = {
    400: "the body is not a JSON object",
    401: "no or wrong credentials",
    403: "a browser session without its CSRF token, or another site",
    404: "no such connection, connector or link",
    409: "not possible in the connection's present state (the message says why)",
    413: "the body is too large",
    422: "fields to correct (errors names each)",
    502: "the channel cannot be read right now (the message says why)",
    501: "this server has no worker for this kind of work",
    503: "the workers are full: try again later",
}


def _parameters(op: Operation) -> list[dict[str, Any]]:
    names = [part[1:-1] for part in op.path.split("/") if part.startswith("{")]
    found: list[dict[str, Any]] = [
        {"name": n, "in": "path", "required": True, "schema": {"type": "string"}} for n in names
    ]
    found += [{"name": n, "in": "query", "description": d, "schema": s} for n, d, s in op.query]
    return found


def openapi_document() -> dict[str, Any]:
    """The OpenAPI 3.1 description of every operation under /api/v1."""
    paths: dict[str, dict[str, Any]] = {}
    schemas = component_schemas()
    for op in OPERATIONS:
        status, schema = op.ok
        ok: dict[str, Any] = {"description": op.summary}
        if schema is not None:
            ok["content"] = {"application/json": {"schema": ref(schema)}}
        responses: dict[str, Any] = {str(status): ok}
        for code in op.refusals:
            responses[str(code)] = {"description": _REFUSAL_TEXT[code],
                                    "content": {"application/json": {"schema": ref("Problem")}}}  # fmt: skip
        operation: dict[str, Any] = {
            "operationId": op.handler,
            "summary": op.summary,
            "tags": list(op.tags),
            "parameters": _parameters(op),
            "responses": responses,
        }
        if op.body is not None:
            operation["requestBody"] = {  # a body whose fields are all optional may be left out
                "required": bool(schemas[op.body].get("required")),
                "content": {"application/json": {"schema": ref(op.body)}},
            }
        paths.setdefault(PREFIX + op.path, {})[op.method.lower()] = operation
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "channel-connectors API",
            "version": VERSION,
            "description": "Connections to commerce channels for a host's own front end. Send the admin "
            "token as `Authorization: Bearer <token>`; a page using the admin session sends its CSRF token "
            "in `X-CSRF-Token` with every change. No answer ever holds a secret.",
        },
        "servers": [{"url": "/"}],
        "security": [{"bearer": []}, {"session": []}],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "description": "the admin token"},
                "session": {
                    "type": "apiKey",
                    "in": "cookie",
                    "name": "cc_admin",
                    "description": "the admin page's session; changes also need X-CSRF-Token",
                },
            },
        },
    }


def api_routes(
    integrations: Integrations,
    config: AdminConfig,
    sink: WorkSink,
    base_url: str,
    brand: Branding | None = None,
) -> list[BaseRoute]:
    api = OperationsApi(integrations, sink, base_url, PREFIX, brand or Branding())
    document = openapi_document()
    config.guard.attach(integrations.store)  # sign-outs and lockouts seen the same way as the console's

    async def describe(request: Request) -> Response:
        return answer(document)

    routes: list[BaseRoute] = [Route(OPENAPI_PATH, describe, methods=["GET"])]
    for op in OPERATIONS:
        handler = guarded(config, getattr(api, op.handler), changes=op.changes)
        routes.append(Route(PREFIX + op.path, handler, methods=[op.method]))
    return routes


__all__ = ["OPENAPI_PATH", "OPERATIONS", "PREFIX", "VERSION", "api_routes", "openapi_document"]
