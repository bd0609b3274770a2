"""The JSON API's handlers for what happens to a connection: runs, intents (settled by an operator), orders
read from the channel, shops paused and resumed, and work handed to the workers (pulls, stock pushes and
shipments recorded in the outbox first, with a status to follow)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from pydantic import TypeAdapter, ValidationError
from starlette.requests import Request
from starlette.responses import Response

from ... import pull_interval
from ...errors import ConnectorError, FieldError
from ...models import Shipment, StockLevel
from ...store.index_roles import CONNECTION_SCOPE
from .. import facts
from ..order_lookup import RECENT_DAYS, find_order, recent_orders
from .guard import ApiError, answer, json_body, query_int
from .handlers import RUNS_DEFAULT, RUNS_MAX, TASK_PREFIX, Api

T = TypeVar("T")
STOCK_LEVELS = TypeAdapter(list[StockLevel])


class OperationsApi(Api):
    """Every handler of the API: the connection handlers of `Api` and these."""

    async def runs(self, request: Request) -> Response:
        limit = query_int(request, "limit", RUNS_DEFAULT, 1, RUNS_MAX)
        flow = request.query_params.get("flow") or None

        def work() -> dict[str, Any]:
            integration_id = self.integrations.store.get_integration(request.path_params["id"]).id
            found = self.integrations.store.last_runs(integration_id, flow=flow, limit=limit)
            return {"items": [facts.run(r) for r in found]}

        return answer(await self._call(work))

    async def intents(self, request: Request) -> Response:
        status = request.query_params.get("status") or "pending"
        if status not in ("pending", "done", "refused"):
            raise ApiError(
                422,
                "invalid_input",
                "status must be pending, done or refused.",
                [FieldError("status", "must be pending, done or refused")],
            )

        def work() -> dict[str, Any]:
            integration_id = self.integrations.store.get_integration(request.path_params["id"]).id
            found = self.integrations.store.list_intents(integration_id, status=status)  # type: ignore[arg-type]
            return {"items": [facts.intent(i) for i in found[-RUNS_MAX:]]}

        return answer(await self._call(work))

    async def orders(self, request: Request) -> Response:
        order_id = (request.query_params.get("order_id") or "").strip()
        days = query_int(request, "days", RECENT_DAYS, 1, 90)

        def work() -> dict[str, Any]:
            integration = self._open(request)
            return find_order(integration, order_id) if order_id else recent_orders(integration, days)

        try:
            return answer(await self._call(work))
        except ConnectorError as exc:
            words = facts.readable_error(str(exc))[0] or "the channel cannot be read right now"
            raise ApiError(502, "channel_unavailable", f"Orders cannot be read right now: {words}") from None

    async def resolve_intent(self, request: Request) -> Response:
        data = await json_body(request)
        outcome = data.get("outcome")
        if outcome not in ("done", "refused"):
            raise ApiError(422, "invalid_input", "outcome must be done (applied) or refused (not applied).",
                           [FieldError("outcome", "must be done or refused")])  # fmt: skip
        kind, key, shop = (str(data.get(k) or "") for k in ("kind", "key", "shop_id"))

        def work() -> dict[str, Any]:
            integration_id = self.integrations.store.get_integration(request.path_params["id"]).id
            found = self.integrations.store.get_intent(integration_id, shop, kind, key)
            if found is None:
                raise ApiError(404, "not_found", "This connection has no such change.")
            if found.status != "pending":
                raise ApiError(409, "not_uncertain", "This change is no longer uncertain.")
            note = {"resolved_by": "operator", "at": facts.iso(self.integrations.clock.now())}
            settled = self.integrations.store.finish_intent(integration_id, shop, kind, key, outcome, note)
            return facts.intent(settled)

        return answer(await self._call(work))

    async def pause_shop(self, request: Request) -> Response:
        return await self._pause(request, True)

    async def resume_shop(self, request: Request) -> Response:
        return await self._pause(request, False)

    async def _pause(self, request: Request, paused: bool) -> Response:
        def work() -> dict[str, Any]:
            integration_id = self.integrations.store.get_integration(request.path_params["id"]).id
            try:
                return facts.set_paused(
                    self.integrations.store, integration_id, request.path_params["shop_id"], paused
                )
            except LookupError:
                raise ApiError(404, "not_found", "This connection has no such shop.") from None
            except ValueError as exc:
                raise ApiError(409, "shop_left", f"{str(exc).capitalize()}.") from None

        return answer(await self._call(work))

    # --- the schedule ------------------------------------------------------------------------------------------

    async def set_pull_interval(self, request: Request) -> Response:
        return await self._pull_interval(request, None)

    async def set_shop_pull_interval(self, request: Request) -> Response:
        return await self._pull_interval(request, request.path_params["shop_id"])

    async def _pull_interval(self, request: Request, shop_id: str | None) -> Response:
        data = await json_body(request)
        value = data.get("seconds", "missing")
        try:
            seconds = None if value is None else pull_interval.parse(value)
        except ValueError as exc:
            raise ApiError(422, "invalid_input", f"{exc}.", [FieldError("seconds", str(exc))]) from None

        def work() -> dict[str, Any]:
            store = self.integrations.store
            integration_id = store.get_integration(request.path_params["id"]).id
            if shop_id is not None and store.get_shop(integration_id, shop_id) is None:
                raise ApiError(404, "not_found", "This connection has no such shop.")
            store.set_pull_interval(integration_id, shop_id or CONNECTION_SCOPE, seconds)
            return {"shop": shop_id, "seconds": seconds}

        return answer(await self._call(work))

    # --- work for the workers ---------------------------------------------------------------------------------

    async def pull(self, request: Request) -> Response:
        def work() -> None:
            self.sink.pull_now(self.integrations.store.get_integration(request.path_params["id"]).id)

        try:
            await self._call(work)
        except ConnectorError as exc:  # e.g. no order handler: an import would lose its orders
            raise ApiError(409, "cannot_pull", str(exc)) from None
        return answer({"ok": True, "task": f"{TASK_PREFIX}pull_orders"}, 202)

    async def push_stock(self, request: Request) -> Response:
        data = await json_body(request)
        levels = _parsed(lambda: STOCK_LEVELS.validate_python(_list(data, "levels")), "levels")
        force = data.get("force", False) is True
        push = getattr(self.sink, "push_stock", None)
        if push is None:
            raise ApiError(
                501, "no_workers", "This server hands stock pushes to no worker; run the workers' sink."
            )
        key = await self._call(lambda: push(request.path_params["id"], levels, force))
        return answer(self._queued(request, "push_stock", key, levels=len(levels)), 202)

    async def ship(self, request: Request) -> Response:
        data = await json_body(request)
        shipment = _parsed(lambda: Shipment.model_validate(data.get("shipment")), "shipment")
        confirm = getattr(self.sink, "confirm_shipment", None)
        if confirm is None:
            raise ApiError(
                501, "no_workers", "This server hands shipments to no worker; run the workers' sink."
            )
        key = await self._call(lambda: confirm(request.path_params["id"], shipment))
        return answer(self._queued(request, "confirm_shipment", key, order_id=shipment.order_id), 202)

    def _queued(self, request: Request, kind: str, key: object, **extra: object) -> dict[str, Any]:
        """The answer to queued work: recorded in the store's outbox first (its key and where to follow
        it), then handed to a worker as `channel_connectors.run_work`."""
        found: dict[str, Any] = {"ok": True, "task": f"{TASK_PREFIX}run_work", "kind": kind, **extra}
        if isinstance(key, str):
            found["request"] = key
            found["status_url"] = (
                f"{self.prefix}/connections/{request.path_params['id']}/requests/{kind}/{key}"
            )
        return found

    async def request_status(self, request: Request) -> Response:
        def work() -> dict[str, Any]:
            integration_id = self.integrations.store.get_integration(request.path_params["id"]).id
            item = self.integrations.store.get_work(
                integration_id, request.path_params["kind"], request.path_params["key"]
            )
            if item is None or item.kind == "webhook":
                raise ApiError(404, "not_found", "This connection has no such request.")
            return {
                "kind": item.kind,
                "key": item.key,
                "status": item.status,
                "attempts": item.attempts,
                "outcome": item.outcome,
                "created_at": facts.iso(item.created_at),
                "finished_at": facts.iso(item.finished_at),
            }

        return answer(await self._call(work))


def _list(data: dict[str, Any], name: str) -> list[Any]:
    value = data.get(name)
    if not isinstance(value, list) or not value:
        raise ApiError(
            422,
            "invalid_input",
            f"{name} must be a non-empty list.",
            [FieldError(name, "must be a non-empty list")],
        )
    return value


def _parsed(parse: Callable[[], T], what: str) -> T:
    try:
        return parse()
    except ValidationError as exc:
        errors = [
            FieldError(".".join([what, *(str(p) for p in e["loc"])]), e["msg"]) for e in exc.errors()[:20]
        ]
        raise ApiError(422, "invalid_input", f"The {what} need correcting.", errors) from None
