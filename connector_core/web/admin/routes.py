"""The admin console's routes: the connections list, one connection with its forms, and the actions (Connect,
Check, Pull now, connect links created/renewed/revoked, uncertain changes settled, delete).

Every route checks the operator first (`auth.authenticate`); every POST also checks the CSRF token and,
when the browser names one, that the Origin is this app's. Saves take JSON from the RJSF form and answer
422 with the fields to fix; a secret left blank keeps its stored value.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from ...errors import ConnectorError, InvalidInput, UnknownConnector, UnknownIntegration
from ...integration import Integrations
from ...store import IntegrationRecord
from .. import facts
from ..links import create_connect_link
from ..listing import connection_page, parse_tags
from ..order_lookup import find_order, recent_orders
from ..sink import SinkFull, WorkSink
from . import views
from .actions import action_routes
from .auth import COOKIE, CSRF_HEADER, AdminConfig, AdminSession, authenticate, csrf_ok
from .detail_view import detail_page, new_page
from .form_payload import form_payload, submitted_values
from .import_view import import_routes
from .list_view import list_page
from .requests import bad_json as _bad_json
from .requests import form as _form
from .requests import form_field as _form_field
from .requests import invalid as _invalid
from .requests import json_object as _json
from .requests import same_origin as _same_origin
from .signin import SignInLocked, client_of
from .urls import admin_url, enter

log = logging.getLogger("connector_core.web.admin")

STATIC = Path(__file__).resolve().parents[1] / "static"
RECENT_RUNS = 20
PAGE_SIZE = 50

Handler = Callable[[Request, AdminSession], Awaitable[Response]]


def admin_routes(
    integrations: Integrations, config: AdminConfig, sink: WorkSink, base_url: str
) -> list[BaseRoute]:
    config.guard.attach(integrations.store)  # a sign-out is seen by every web process

    def guarded(handler: Handler, *, post: bool = False) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            enter(request)
            try:
                session = authenticate(config, request)
            except SignInLocked as exc:
                return _locked(exc)
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
        keys = ("q", "state", "connector", "shop", "tag")
        query = {k: request.query_params.get(k, "").strip()[:200] for k in keys}
        if query["state"] not in ("", *facts.STATES):
            query["state"] = ""
        try:
            tags = parse_tags([query["tag"]]) if query["tag"] else {}
        except ValueError:
            tags, query["tag"] = {}, ""
        try:
            offset = max(0, min(int(request.query_params.get("offset") or 0), 10**9))
        except ValueError:
            offset = 0
        page = await run_in_threadpool(
            lambda: connection_page(
                integrations, q=query["q"].lower(), state=query["state"] or None,
                connector=query["connector"] or None, shop=query["shop"].lower() or None,
                limit=PAGE_SIZE, offset=offset, tags=tags,
            )
        )  # fmt: skip
        connectors = [(c.id, c.manifest.name) for c in integrations.host]
        return list_page(page, query, connectors, session.csrf)

    async def detail(request: Request, session: AdminSession, **shown: Any) -> Response:
        integration_id = request.path_params["id"]
        order_id = (shown.pop("order_id", None) or request.query_params.get("order_id") or "").strip()
        want_recent = request.query_params.get("orders") == "recent"

        def gather() -> tuple[dict[str, Any], dict[str, Any], dict[str, Any] | None, str | None]:
            integration = integrations.open(integration_id)
            data = facts.detail(integration, integrations.clock.now(), runs=RECENT_RUNS)
            forms = form_payload(integration.connector, integration.record,
                                 save_url=admin_url(f"/admin/integrations/{integration_id}"))  # fmt: skip
            orders, problem = None, None
            if order_id or want_recent:
                try:
                    orders = find_order(integration, order_id) if order_id else recent_orders(integration)
                except ConnectorError as exc:
                    problem = f"Orders cannot be read right now: {facts.readable_error(str(exc))[0]}"
            return data, forms, orders, problem

        try:
            data, forms, orders, problem = await run_in_threadpool(gather)
        except UnknownIntegration:
            return views.problem_page("Not found", "There is no such connection.", session.csrf, 404)
        notice = shown.pop("notice", None) or _notice(request.query_params.get("notice"))
        # The in-process sink without an order handler refuses imports (nothing would keep the orders) unless
        # a host plugin's `order_pages_ready` takes them, as in the workers.
        can_pull = getattr(sink, "on_orders", "not an in-process sink") is not None or integrations.host.get(
            str(data["connector"])
        ).implements("order_pages_ready")
        return detail_page(data, forms, session.csrf, notice=notice, orders=orders, order_id=order_id,
                           orders_problem=problem, can_pull=can_pull, **shown)  # fmt: skip

    async def new(request: Request, session: AdminSession) -> Response:
        try:
            connector = integrations.host.get(request.query_params.get("connector", ""))
        except UnknownConnector:
            return views.problem_page("Unknown channel", "There is no such channel here.", session.csrf, 404)
        payload = form_payload(connector, None, save_url=admin_url("/admin/integrations"))
        return new_page(connector.manifest.name, payload, session.csrf)

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
                {"ok": False, "errors": [{"field": "", "message": "no such connection"}]}, 404
            )
        data = await _json(request)
        if data is None:
            return _bad_json()
        connector = integrations.host.get(record.connector)
        try:
            creds, settings = submitted_values(connector, data, editing=True)
            name = str(data.get("name") or "") or None
            sent = creds if isinstance(data.get("credentials"), dict) else None
            await run_in_threadpool(integrations.update, record.id, sent, settings, name=name)
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
        except UnknownIntegration:
            return views.problem_page("Not found", "There is no such connection.", session.csrf, 404)
        except ConnectorError as exc:
            return views.problem_page("Connect cannot start", str(exc), session.csrf, 409,
                                      back=f"/admin/integrations/{request.path_params['id']}")  # fmt: skip
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
        except (ValueError, InvalidInput):
            return views.problem_page("Not created", "Give the number of days as a whole number from 1 to 365.",
                                      session.csrf, 422, back=f"/admin/integrations/{integration_id}")  # fmt: skip
        except UnknownIntegration:
            return views.problem_page("Not found", "There is no such connection.", session.csrf, 404)
        except ConnectorError as exc:
            return views.problem_page("Not created", str(exc), session.csrf, 422)
        return await detail(request, session, fresh_link=url, notice="Connect link created.")

    async def pull(request: Request, session: AdminSession) -> Response:
        integration_id = request.path_params["id"]
        back = f"/admin/integrations/{integration_id}"
        if await run_in_threadpool(_record, integrations, integration_id) is None:
            return views.problem_page("Not found", "There is no such connection.", session.csrf, 404)
        try:
            await run_in_threadpool(sink.pull_now, integration_id)
        except UnknownIntegration:
            return views.problem_page("Not found", "There is no such connection.", session.csrf, 404)
        except SinkFull:
            return views.problem_page("Busy", "The workers hold as much work as they may: try again in a minute.",
                                      session.csrf, 503, back=back)  # fmt: skip
        except ConnectorError as exc:  # e.g. no order handler: the import would lose its orders
            return views.problem_page("Pull now is not possible", str(exc), session.csrf, 409, back=back)
        return RedirectResponse(admin_url(f"{back}?notice=pull"), status_code=303)

    async def login_form(request: Request) -> Response:
        enter(request)
        if config.token is None:
            return _refuse(config, request)
        return views.login_page()

    async def login(request: Request) -> Response:
        enter(request)
        if config.token is None or not _same_origin(request):
            return views.login_page("Sign-in by token is not enabled here.", status=403)
        client = client_of(request.client.host if request.client else None)
        try:
            config.guard.check(client)
        except SignInLocked as exc:
            return _locked(exc)
        form = await _form(request)
        if not config.token_matches(form.get("token", "")):
            log.warning("admin: sign-in with a wrong token")
            config.guard.failed(client)
            return views.login_page("That token is not right.", status=401)
        config.guard.succeeded(client)
        response = RedirectResponse(admin_url("/admin"), status_code=303)
        response.set_cookie(
            COOKIE, config.new_session(), httponly=True, samesite="strict", secure=config.secure_cookie,
            path=admin_url("/"),
        )  # fmt: skip
        return response

    async def logout(request: Request, session: AdminSession) -> Response:
        if session.nonce is not None:
            config.guard.revoke(session.nonce)  # the cookie is dead on the server, not only in this browser
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
        *action_routes(integrations, guarded, detail),
        *import_routes(integrations, guarded),
        Mount("/admin/static", StaticFiles(directory=STATIC), name="admin-static"),
    ]


# --- helpers -------------------------------------------------------------------------------------------


def _locked(exc: SignInLocked) -> Response:
    page = views.login_page(
        f"Too many wrong sign-ins from this address: {str(exc).split(': ', 1)[1]}.", status=429
    )
    page.headers["Retry-After"] = str(exc.retry_after)
    return page


def _refuse(config: AdminConfig, request: Request) -> Response:
    offered = request.headers.get("authorization")
    if offered or config.token is None:
        headers = {"WWW-Authenticate": 'Basic realm="channel-connectors admin"'} if config.username else {}
        return views.problem_page("Not signed in", "These credentials are not accepted.", None, 401) if offered \
            else Response("sign in required", status_code=401, headers=headers)  # fmt: skip
    return RedirectResponse(admin_url("/admin/login"), status_code=303)


def _record(integrations: Integrations, integration_id: str) -> IntegrationRecord | None:
    try:
        return integrations.store.get_integration(integration_id)
    except UnknownIntegration:
        return None


NOTICES = {
    "pull": "An import was started; reload the page in a moment to see it under Runs.",
    "saved": "Saved.",
    "created": "Created. Now Connect it, or send the seller a connect link.",
    "link-renewed": "The link is valid for 30 days from now.",
    "link-revoked": "The link was revoked: the seller sees that it expired.",
    "resolved": "Recorded.",
    "shop-pause": "The shop is paused: nothing is pulled, pushed or routed for it until you resume it.",
    "shop-resume": "The shop is served again; its next import is due now.",
    "all-pause": "The connection is disabled: every shop is paused until you enable it again.",
    "all-resume": "The connection is enabled: every paused shop is served again.",
}


def _notice(key: str | None) -> str | None:
    return NOTICES.get(key or "")
