"""The console's actions on one connection that are not forms: check it, renew or revoke a connect link,
settle an uncertain change, pause or resume a shop, delete it. Each answers by showing the connection
again (a redirect with a notice) or a problem page in words."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from ...errors import UnknownIntegration
from ...integration import Integrations
from ...store import UnknownConnectLink
from .. import facts
from . import views
from .auth import AdminSession
from .requests import form as _form
from .urls import admin_url

log = logging.getLogger("connector_core.web.admin")

Handler = Callable[..., Awaitable[Response]]
Guard = Callable[..., Callable[[Request], Awaitable[Response]]]


def action_routes(integrations: Integrations, guarded: Guard, detail: Handler) -> list[BaseRoute]:
    async def check(request: Request, session: AdminSession) -> Response:
        try:
            result = await run_in_threadpool(
                lambda: facts.checked(integrations.open(request.path_params["id"]))
            )
        except UnknownIntegration:
            return views.problem_page("Not found", "There is no such connection.", session.csrf, 404)
        words = (facts.readable_error(result.message)[0] or "").rstrip(".")
        if result.needs_reauthorization:
            notice = (
                "The connection does not work: the seller's authorization ended or was withdrawn. "
                "Use Re-connect, or send the seller a renewal connect link."
            )
        else:
            notice = f"{'The connection works' if result.ok else 'The connection does not work'}: {words}."
        return await detail(request, session, notice=notice)

    async def link_ttl(request: Request, session: AdminSession) -> Response:
        integration_id, action = request.path_params["id"], request.path_params["action"]
        if action not in ("renew", "revoke"):
            return views.problem_page("Not found", "There is no such page.", session.csrf, 404)
        ttl = timedelta(days=30) if action == "renew" else timedelta(0)
        try:
            await run_in_threadpool(
                lambda: integrations.store.set_connect_link_ttl(
                    integration_id, request.path_params["link_id"], ttl
                )
            )
        except UnknownConnectLink:
            return views.problem_page("Not found", "This connection has no such link.", session.csrf, 404)
        notice = "link-renewed" if action == "renew" else "link-revoked"
        return RedirectResponse(
            admin_url(f"/admin/integrations/{integration_id}?notice={notice}#connect-links"), 303
        )

    async def resolve(request: Request, session: AdminSession) -> Response:
        form = await _form(request)
        integration_id = request.path_params["id"]
        outcome = form.get("outcome")
        if outcome not in ("done", "refused"):
            return views.problem_page("Not recorded", "Choose Applied or Not applied.", session.csrf, 422)

        def settle() -> bool:
            kind, key, shop = form.get("kind", ""), form.get("key", ""), form.get("shop", "")
            found = integrations.store.get_intent(integration_id, shop, kind, key)
            if found is None or found.status != "pending":
                return False
            note = {"resolved_by": "operator", "at": facts.iso(integrations.clock.now())}
            integrations.store.finish_intent(integration_id, shop, kind, key, outcome, note)  # type: ignore[arg-type]
            log.info(
                "admin: integration %s: %s %s marked %s by the operator", integration_id, kind, key, outcome
            )
            return True

        if not await run_in_threadpool(settle):
            return views.problem_page("Nothing to settle", "This change is no longer uncertain: reload the page.",
                                      session.csrf, 409, back=f"/admin/integrations/{integration_id}")  # fmt: skip
        return RedirectResponse(
            admin_url(f"/admin/integrations/{integration_id}?notice=resolved#intents"), 303
        )

    async def shop_state(request: Request, session: AdminSession) -> Response:
        integration_id, shop_id = request.path_params["id"], request.path_params["shop_id"]
        action = request.path_params["action"]
        if action not in ("pause", "resume"):
            return views.problem_page("Not found", "There is no such page.", session.csrf, 404)
        back = f"/admin/integrations/{integration_id}"
        try:
            await run_in_threadpool(
                lambda: facts.set_paused(integrations.store, integrations.store.get_integration(integration_id).id,
                                         shop_id, action == "pause")
            )  # fmt: skip
        except (UnknownIntegration, LookupError):
            return views.problem_page("Not found", "This connection has no such shop.", session.csrf, 404)
        except ValueError as exc:
            return views.problem_page(
                "Not resumed", f"{str(exc).capitalize()}.", session.csrf, 409, back=back
            )
        return RedirectResponse(admin_url(f"{back}?notice=shop-{action}#shops"), status_code=303)

    async def every_shop(request: Request, session: AdminSession) -> Response:
        """Disable (pause every active shop) or enable (resume every shop an operator paused) a connection."""
        integration_id, action = request.path_params["id"], request.path_params["action"]
        if action not in ("pause", "resume"):
            return views.problem_page("Not found", "There is no such page.", session.csrf, 404)

        def apply() -> None:
            store = integrations.store
            for record in store.list_shops(store.get_integration(integration_id).id):
                wanted = record.active if action == "pause" else record.status == "paused"
                if wanted:
                    facts.set_paused(store, integration_id, record.id, action == "pause")

        try:
            await run_in_threadpool(apply)
        except UnknownIntegration:
            return views.problem_page("Not found", "There is no such connection.", session.csrf, 404)
        log.info("admin: integration %s: every shop %sd", integration_id, action)
        notice = "all-pause" if action == "pause" else "all-resume"
        return RedirectResponse(admin_url(f"/admin/integrations/{integration_id}?notice={notice}#shops"), 303)

    async def delete(request: Request, session: AdminSession) -> Response:
        form = await _form(request)
        integration_id = request.path_params["id"]
        if form.get("confirm") != "yes":
            return views.problem_page("Not deleted", "Tick \u201cI understand\u201d to delete the connection.",
                                      session.csrf, 422, back=f"/admin/integrations/{integration_id}")  # fmt: skip
        try:
            await run_in_threadpool(
                lambda: integrations.remove(integrations.store.get_integration(integration_id).id)
            )
        except UnknownIntegration:
            return views.problem_page("Not found", "There is no such connection.", session.csrf, 404)
        log.info("admin: integration %s deleted", integration_id)
        return RedirectResponse(admin_url("/admin?notice=deleted"), status_code=303)

    base = "/admin/integrations/{id}"
    return [
        Route(f"{base}/check", guarded(check, post=True), methods=["POST"]),
        Route(f"{base}/delete", guarded(delete, post=True), methods=["POST"]),
        Route(base + "/every-shop/{action:str}", guarded(every_shop, post=True), methods=["POST"]),
        Route(base + "/shops/{shop_id}/{action:str}", guarded(shop_state, post=True), methods=["POST"]),
        Route(f"{base}/intents/resolve", guarded(resolve, post=True), methods=["POST"]),
        Route(base + "/links/{link_id}/{action:str}", guarded(link_ttl, post=True), methods=["POST"]),
    ]
