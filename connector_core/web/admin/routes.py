"""The admin page's routes: list, one integration, its forms, and the actions Connect, Create connect link, Pull now.

Every route checks the operator first (`auth.authenticate`); every POST also checks the CSRF token and,
when the browser names one, that the Origin is this app's. Saves take JSON from the RJSF form and answer
422 with the fields to fix; a secret left blank keeps its stored value.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from ...errors import ConnectorError, InvalidInput, UnknownConnector, UnknownIntegration
from ...integration import Integrations
from ...models import Capability
from ...store import IntegrationRecord
from ..links import create_connect_link
from ..sink import SinkFull, WorkSink
from ..webhooks import BodyTooLarge, read_capped
from . import views
from .auth import COOKIE, CSRF_HEADER, AdminConfig, AdminSession, authenticate, csrf_ok
from .form_payload import form_payload, submitted_values
from .urls import admin_url, enter

log = logging.getLogger("connector_core.web.admin")

STATIC = Path(__file__).resolve().parents[1] / "static"
BODY_LIMIT = 256 * 1024
RECENT_RUNS = 10

Handler = Callable[[Request, AdminSession], Awaitable[Response]]


def admin_routes(
    integrations: Integrations, config: AdminConfig, sink: WorkSink, base_url: str
) -> list[BaseRoute]:
    def guarded(handler: Handler, *, post: bool = False) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            enter(request)
            session = authenticate(config, request)
            if session is None:
                return _refuse(config, request)
            if post:
                if not _same_origin(request):
                    return views.problem_page("Refused", "This request came from another site.", None, 403)
                if not csrf_ok(
                    session, request.headers.get(CSRF_HEADER) or await _form_field(request, "csrf")
                ):
                    return views.problem_page(
                        "Refused", "The form is out of date: reload the page and try again.", None, 403
                    )
            return await handler(request, session)

        return endpoint

    async def index(request: Request, session: AdminSession) -> Response:
        rows = await run_in_threadpool(
            lambda: [_view(integrations, r, forms=False) for r in integrations.list()]
        )
        connectors = [(c.id, c.manifest.name) for c in integrations.host]
        return views.list_page(rows, connectors, session.csrf)

    async def detail(request: Request, session: AdminSession) -> Response:
        record = await run_in_threadpool(_record, integrations, request.path_params["id"])
        if record is None:
            return views.problem_page("Not found", "There is no such integration.", session.csrf, 404)
        view = await run_in_threadpool(_view, integrations, record, True)
        return views.detail_page(view, session.csrf, _notice(request.query_params.get("notice")))

    async def new(request: Request, session: AdminSession) -> Response:
        try:
            connector = integrations.host.get(request.query_params.get("connector", ""))
        except UnknownConnector as exc:
            return views.problem_page("Unknown connector", str(exc), session.csrf, 404)
        payload = form_payload(connector, None, save_url=admin_url("/admin/integrations"))
        return views.new_page(connector.manifest.name, payload, session.csrf)

    async def create(request: Request, session: AdminSession) -> Response:
        data = await _json(request)
        if data is None:
            return _bad_json()
        try:
            connector = integrations.host.get(str(data.get("connector", "")))
            creds, settings = submitted_values(connector, data, editing=False)
            name = str(data.get("name") or "") or None
            record = await run_in_threadpool(integrations.create, connector.id, creds, settings, name=name)
        except InvalidInput as exc:
            return _invalid(exc)
        except UnknownConnector as exc:
            return JSONResponse({"ok": False, "errors": [{"field": "connector", "message": str(exc)}]}, 422)
        log.info("admin: integration %s created", record.id)
        return JSONResponse(
            {"ok": True, "id": record.id, "url": admin_url(f"/admin/integrations/{record.id}")}, 201
        )

    async def save(request: Request, session: AdminSession) -> Response:
        record = await run_in_threadpool(_record, integrations, request.path_params["id"])
        if record is None:
            return JSONResponse(
                {"ok": False, "errors": [{"field": "", "message": "no such integration"}]}, 404
            )
        data = await _json(request)
        if data is None:
            return _bad_json()
        connector = integrations.host.get(record.connector)
        try:
            creds, settings = submitted_values(connector, data, editing=True)
            name = str(data.get("name") or "") or None
            await run_in_threadpool(integrations.update, record.id, creds, settings, name=name)
        except InvalidInput as exc:
            return _invalid(exc)
        log.info("admin: integration %s saved", record.id)
        return JSONResponse(
            {"ok": True, "id": record.id, "url": admin_url(f"/admin/integrations/{record.id}")}
        )

    async def connect(request: Request, session: AdminSession) -> Response:
        def begin() -> str:
            integration = integrations.open(request.path_params["id"])
            return integration.begin_connect(f"{base_url}{integration.connector.manifest.callback_path}")

        try:
            consent_url = await run_in_threadpool(begin)
        except UnknownIntegration as exc:
            return views.problem_page("Not found", str(exc), session.csrf, 404)
        except ConnectorError as exc:
            return views.problem_page("Connect cannot start", str(exc), session.csrf, 409)
        return RedirectResponse(consent_url, status_code=303)

    async def link(request: Request, session: AdminSession) -> Response:
        form = await _form(request)
        integration_id = request.path_params["id"]
        purpose = "renew" if form.get("purpose") == "renew" else "connect"
        try:
            days = int(form.get("days") or 30)
            url = await run_in_threadpool(
                lambda: create_connect_link(
                    integrations, integration_id, days, base_url=base_url, purpose=purpose
                )
            )
            record = await run_in_threadpool(integrations.store.get_integration, integration_id)
        except ValueError:
            return views.problem_page("Not created", "days must be a whole number", session.csrf, 422)
        except UnknownIntegration as exc:
            return views.problem_page("Not found", str(exc), session.csrf, 404)
        except ConnectorError as exc:
            return views.problem_page("Not created", str(exc), session.csrf, 422)
        link = integrations.store.list_connect_links(integration_id)[-1]
        return views.link_page(integration_id, record.name, url, link.expires_at, session.csrf)

    async def pull(request: Request, session: AdminSession) -> Response:
        integration_id = request.path_params["id"]
        if await run_in_threadpool(_record, integrations, integration_id) is None:
            return views.problem_page("Not found", "There is no such integration.", session.csrf, 404)
        try:
            await run_in_threadpool(sink.pull_now, integration_id)
        except UnknownIntegration as exc:
            return views.problem_page("Not found", str(exc), session.csrf, 404)
        except SinkFull as exc:
            return views.problem_page("Busy", str(exc), session.csrf, 503)
        except ConnectorError as exc:  # e.g. no order handler: the import would lose its orders
            return views.problem_page("Pull now is not possible", str(exc), session.csrf, 409)
        return RedirectResponse(
            admin_url(f"/admin/integrations/{integration_id}?notice=pull"), status_code=303
        )

    async def login_form(request: Request) -> Response:
        enter(request)
        if config.token is None:
            return _refuse(config, request)
        return views.login_page()

    async def login(request: Request) -> Response:
        enter(request)
        if config.token is None or not _same_origin(request):
            return views.login_page("Sign-in by token is not enabled here.", status=403)
        form = await _form(request)
        if not config.token_matches(form.get("token", "")):
            log.warning("admin: sign-in with a wrong token")
            return views.login_page("That token is not right.", status=401)
        response = RedirectResponse(admin_url("/admin"), status_code=303)
        response.set_cookie(
            COOKIE, config.new_session(), httponly=True, samesite="strict", secure=config.secure_cookie,
            path=admin_url("/"),
        )  # fmt: skip
        return response

    async def logout(request: Request, session: AdminSession) -> Response:
        response = RedirectResponse(admin_url("/admin/login" if config.token else "/admin"), status_code=303)
        response.delete_cookie(COOKIE, path=admin_url("/"))
        return response

    return [
        Route("/admin", guarded(index), methods=["GET"]),
        Route("/admin/login", login_form, methods=["GET"]),
        Route("/admin/login", login, methods=["POST"]),
        Route("/admin/logout", guarded(logout, post=True), methods=["POST"]),
        Route("/admin/integrations/new", guarded(new), methods=["GET"]),
        Route("/admin/integrations", guarded(create, post=True), methods=["POST"]),
        Route("/admin/integrations/{id}", guarded(detail), methods=["GET"]),
        Route("/admin/integrations/{id}", guarded(save, post=True), methods=["POST"]),
        Route("/admin/integrations/{id}/connect", guarded(connect, post=True), methods=["POST"]),
        Route("/admin/integrations/{id}/links", guarded(link, post=True), methods=["POST"]),
        Route("/admin/integrations/{id}/pull", guarded(pull, post=True), methods=["POST"]),
        Mount("/admin/static", StaticFiles(directory=STATIC), name="admin-static"),
    ]


# --- helpers -------------------------------------------------------------------------------------------


def _refuse(config: AdminConfig, request: Request) -> Response:
    offered = request.headers.get("authorization")
    if offered or config.token is None:
        headers = {"WWW-Authenticate": 'Basic realm="channel-connectors admin"'} if config.username else {}
        return views.problem_page("Not signed in", "These credentials are not accepted.", None, 401) if offered \
            else Response("sign in required", status_code=401, headers=headers)  # fmt: skip
    return RedirectResponse(admin_url("/admin/login"), status_code=303)


def _same_origin(request: Request) -> bool:
    origin = request.headers.get("origin")
    if origin is None:
        return True  # not a browser, or a browser that does not say: the CSRF token decides
    return urlsplit(origin).netloc == request.headers.get("host", "")


async def _body(request: Request) -> bytes | None:
    cached: bytes | None = getattr(request.state, "admin_body", None)
    if cached is not None:
        return cached
    try:
        body = await read_capped(request, BODY_LIMIT)
    except BodyTooLarge:
        return None
    request.state.admin_body = body
    return body


async def _form(request: Request) -> dict[str, str]:
    if not request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        return {}
    body = await _body(request)
    return dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)) if body else {}


async def _form_field(request: Request, name: str) -> str | None:
    return (await _form(request)).get(name)


async def _json(request: Request) -> dict[str, Any] | None:
    body = await _body(request)
    try:
        data = json.loads(body) if body else None
    except (ValueError, UnicodeDecodeError):
        return None
    return data if isinstance(data, dict) else None


def _bad_json() -> JSONResponse:
    return JSONResponse(
        {"ok": False, "errors": [{"field": "", "message": "the body must be a JSON object"}]}, 400
    )


def _invalid(exc: InvalidInput) -> JSONResponse:
    errors = [{"field": e.field, "message": e.message} for e in exc.errors]
    return JSONResponse({"ok": False, "message": str(exc), "errors": errors}, 422)


def _record(integrations: Integrations, integration_id: str) -> IntegrationRecord | None:
    try:
        return integrations.store.get_integration(integration_id)
    except UnknownIntegration:
        return None


def _view(integrations: Integrations, record: IntegrationRecord, forms: bool) -> views.IntegrationView:
    store = integrations.store
    integration = integrations.open(record.id)
    connector = integration.connector
    payload = (
        form_payload(connector, record, save_url=admin_url(f"/admin/integrations/{record.id}"))
        if forms
        else {}
    )
    return views.IntegrationView(
        status=integration.status(),
        accounts=store.list_accounts(record.id),
        runs=store.last_runs(record.id, limit=RECENT_RUNS),
        pending=store.list_intents(record.id, status="pending"),
        links=store.list_connect_links(record.id) if connector.supports(Capability.CONNECT) else [],
        forms=payload,
    )


NOTICES = {
    "pull": "An import was started; reload the page to see it in Recent runs.",
    "saved": "Saved.",
    "created": "Created. Fill in what is missing, then Connect.",
}


def _notice(key: str | None) -> str | None:
    return NOTICES.get(key or "")
