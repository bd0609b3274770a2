"""`GET /healthz`: 200 when the store answers and at least one connector is loaded; 503 (with why) when not."""

from __future__ import annotations

import logging

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..errors import ConnectorError
from ..integration import Integrations

log = logging.getLogger("connector_core.web.health")


def check(integrations: Integrations) -> tuple[bool, dict[str, object]]:
    try:
        integrations.store.lease_holder("healthz")  # a read by key: cheap on every backend
        store = "ok"
    except Exception as exc:
        # The answer is unauthenticated: it names the kind of failure only. The store's own errors may name
        # a file path or host:port (never a password), a driver's raw error its connection string; the
        # operator reads the whole message in the log.
        store = f"unreachable: {type(exc).__name__}"
        detail = str(exc) if isinstance(exc, ConnectorError) else type(exc).__name__
        log.warning("health check: store unreachable: %s", detail)
    connectors = [c.id for c in integrations.host]
    failures = [{"connector": f.connector, "reason": f.reason} for f in integrations.host.failures]
    ok = store == "ok" and bool(connectors)
    return ok, {"ok": ok, "store": store, "connectors": connectors, "failures": failures}


def health_route(integrations: Integrations) -> Route:
    async def endpoint(request: Request) -> Response:
        ok, body = await run_in_threadpool(check, integrations)
        return JSONResponse(body, status_code=200 if ok else 503, headers={"Cache-Control": "no-store"})

    return Route("/healthz", endpoint, methods=["GET"], name="healthz")
