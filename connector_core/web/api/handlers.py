"""The JSON API's handlers: forms, connections (create, edit with secrets kept, delete), Connect and connect
links, status, runs, intents, and work handed to the workers (pulls, stock pushes, shipments).

Each handler runs the synchronous flows off the event loop and answers plain JSON built by `..facts`, so
no secret can reach an answer: credentials come back only as which secrets are set.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any, TypeVar
from urllib.parse import urlencode

from pydantic import TypeAdapter
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from ...errors import ConnectorError, FieldError, InvalidInput, UnknownConnector, UnknownIntegration
from ...flows import Integration
from ...integration import Integrations
from ...models import StockLevel
from ...store import UnknownConnectLink
from .. import facts
from ..admin.form_payload import form_payload, submitted_values
from ..branding import Branding
from ..links import DEFAULT_DAYS, MAX_DAYS, PURPOSES, create_connect_link
from ..listing import connection_page, parse_tags
from ..sink import SinkFull, WorkSink
from .guard import ApiError, answer, invalid, json_body, query_int

T = TypeVar("T")
PAGE_DEFAULT, PAGE_MAX = 50, 500
RUNS_DEFAULT, RUNS_MAX = 20, 200
TASK_PREFIX = "channel_connectors."
STOCK_LEVELS = TypeAdapter(list[StockLevel])


class Api:
    """The handlers, bound to one app's integrations, work sink and public address."""

    def __init__(
        self, integrations: Integrations, sink: WorkSink, base_url: str, prefix: str, brand: Branding
    ) -> None:
        self.integrations, self.sink, self.base_url, self.prefix = integrations, sink, base_url, prefix
        self.brand = brand

    def _return_to(self, data: dict[str, Any]) -> str | None:
        """The host's return URL from a body: None when not sent, 422 when its origin is not allowed."""
        raw = data.get("return_to")
        if raw is None or raw == "":
            return None
        accepted = self.brand.return_url(raw) if isinstance(raw, str) else None
        if accepted is None:
            rule = "must be an https address on one of the allowed return origins (CHANNEL_CONNECTORS_RETURN_ORIGINS)"
            raise ApiError(422, "invalid_input", f"return_to {rule}.", [FieldError("return_to", rule)])
        return accepted

    # --- helpers ------------------------------------------------------------------------------------------

    async def _call(self, work: Callable[[], T]) -> T:
        try:
            return await run_in_threadpool(work)
        except UnknownIntegration:
            raise ApiError(404, "not_found", "There is no such connection.") from None
        except UnknownConnector as exc:
            raise ApiError(404, "unknown_connector", str(exc)) from None
        except InvalidInput as exc:
            raise invalid(exc) from None
        except SinkFull:
            raise ApiError(
                503, "busy", "The workers hold as much work as they may: try again in a minute."
            ) from None

    def _open(self, request: Request) -> Integration:
        return self.integrations.open(request.path_params["id"])

    def _forms(self, connector_id: str, integration_id: str | None) -> dict[str, Any]:
        connector = self.integrations.host.get(connector_id)
        record = self.integrations.store.get_integration(integration_id) if integration_id else None
        url = f"{self.prefix}/connections" + (f"/{integration_id}" if integration_id else "")
        return form_payload(connector, record, save_url=url)

    def _detail(self, integration: Integration) -> dict[str, Any]:
        return facts.detail(integration, self.integrations.clock.now(), runs=RUNS_DEFAULT)

    # --- connectors and forms -----------------------------------------------------------------------------

    async def connectors(self, request: Request) -> Response:
        items = [
            {"id": c.id, "name": c.manifest.name, "capabilities": sorted(cap.value for cap in c.capabilities)}
            for c in self.integrations.host
        ]
        return answer({"items": items})

    async def new_forms(self, request: Request) -> Response:
        return answer(await self._call(lambda: self._forms(request.path_params["connector"], None)))

    async def edit_forms(self, request: Request) -> Response:
        def work() -> dict[str, Any]:
            record = self.integrations.store.get_integration(request.path_params["id"])
            return self._forms(record.connector, record.id)

        return answer(await self._call(work))

    # --- connections ----------------------------------------------------------------------------------------

    async def list_connections(self, request: Request) -> Response:
        limit = query_int(request, "limit", PAGE_DEFAULT, 1, PAGE_MAX)
        offset = query_int(request, "offset", 0, 0, 10**9)
        q = (request.query_params.get("q") or "").strip().lower()
        state = request.query_params.get("state") or None
        connector = request.query_params.get("connector") or None
        shop = (request.query_params.get("shop") or "").strip().lower() or None
        try:
            tags = parse_tags(request.query_params.getlist("tag"))
        except ValueError as exc:
            raise ApiError(
                422, "invalid_input", str(exc).capitalize() + ".", [FieldError("tag", str(exc))]
            ) from None
        if state is not None and state not in facts.STATES:
            raise ApiError(
                422,
                "invalid_input",
                f"state must be one of {', '.join(facts.STATES)}.",
                [FieldError("state", f"must be one of {', '.join(facts.STATES)}")],
            )

        def work() -> dict[str, Any]:
            page = connection_page(
                self.integrations,
                q=q,
                state=state,
                connector=connector,
                shop=shop,
                limit=limit,
                offset=offset,
                tags=tags,
            )
            return page

        return answer(await self._call(work))

    async def create(self, request: Request) -> Response:
        data = await json_body(request)
        tags = _tags(data)

        def work() -> dict[str, Any]:
            connector = self.integrations.host.get(str(data.get("connector", "")))
            creds, settings = submitted_values(connector, data, editing=False)
            record = self.integrations.create(connector.id, creds, settings, name=_name(data), tags=tags)
            return self._detail(self.integrations.open(record.id))

        return answer(await self._call(work), 201)

    async def show(self, request: Request) -> Response:
        return answer(await self._call(lambda: self._detail(self._open(request))))

    async def update(self, request: Request) -> Response:
        data = await json_body(request)
        tags = _tags(data)

        def work() -> dict[str, Any]:
            record = self.integrations.store.get_integration(request.path_params["id"])
            connector = self.integrations.host.get(record.connector)
            creds, settings = submitted_values(connector, data, editing=True)
            sent_creds = creds if isinstance(data.get("credentials"), dict) else None
            self.integrations.update(record.id, sent_creds, settings, name=_name(data))
            if tags is not None:
                self.integrations.set_tags(record.id, tags)
            return self._detail(self.integrations.open(record.id))

        return answer(await self._call(work))

    async def delete(self, request: Request) -> Response:
        def work() -> None:
            record = self.integrations.store.get_integration(request.path_params["id"])
            self.integrations.remove(record.id)

        await self._call(work)
        return Response(status_code=204)

    # --- Connect and links ----------------------------------------------------------------------------------

    async def connect(self, request: Request) -> Response:
        return_to = self._return_to(await json_body(request))

        def work() -> str:
            integration = self._open(request)
            data = {"return_to": return_to} if return_to else None
            return integration.begin_connect(
                f"{self.base_url}{integration.connector.manifest.callback_path}", data=data
            )

        try:
            url = await self._call(work)
        except ConnectorError as exc:
            raise ApiError(409, "cannot_connect", str(exc)) from None
        return answer({"consent_url": url})

    async def check(self, request: Request) -> Response:
        result = await self._call(lambda: facts.checked(self._open(request)))
        return answer(result.model_dump(mode="json"))

    async def links(self, request: Request) -> Response:
        def work() -> dict[str, Any]:
            integration = self._open(request)
            now = self.integrations.clock.now()
            return {
                "items": [facts.link(x, now) for x in integration.store.list_connect_links(integration.id)]
            }

        return answer(await self._call(work))

    async def create_link(self, request: Request) -> Response:
        data = await json_body(request)
        days, purpose = _days(data), str(data.get("purpose") or "connect")
        return_to = self._return_to(data)
        if purpose not in PURPOSES:
            raise ApiError(
                422,
                "invalid_input",
                "purpose must be connect or renew.",
                [FieldError("purpose", f"must be one of {', '.join(PURPOSES)}")],
            )

        def work() -> dict[str, Any]:
            integration_id = request.path_params["id"]
            url = create_connect_link(
                self.integrations, integration_id, days, base_url=self.base_url, purpose=purpose
            )
            newest = self.integrations.store.list_connect_links(integration_id)
            created = max(newest, key=lambda x: x.created_at)
            if return_to:
                url = f"{url}?{urlencode({'return_to': return_to})}"
            return {"url": url, "link": facts.link(created, self.integrations.clock.now())}

        return answer(await self._call(work), 201)

    async def renew_link(self, request: Request) -> Response:
        data = await json_body(request)
        return await self._set_ttl(request, timedelta(days=_days(data)))

    async def revoke_link(self, request: Request) -> Response:
        return await self._set_ttl(request, timedelta(0))

    async def _set_ttl(self, request: Request, ttl: timedelta) -> Response:
        def work() -> dict[str, Any]:
            integration_id = request.path_params["id"]
            self.integrations.store.get_integration(integration_id)
            link = self.integrations.store.set_connect_link_ttl(
                integration_id, request.path_params["link_id"], ttl
            )
            return facts.link(link, self.integrations.clock.now())

        try:
            return answer(await self._call(work))
        except UnknownConnectLink:
            raise ApiError(404, "not_found", "This connection has no such link.") from None

    # --- runs and intents -------------------------------------------------------------------------------------


def _name(data: dict[str, Any]) -> str | None:
    name = data.get("name")
    return name.strip()[:200] or None if isinstance(name, str) else None


def _tags(data: dict[str, Any]) -> dict[str, str] | None:
    """The host's tags from a body (None: not sent): at most 20, keys 1-64 and values up to 200 characters."""
    raw = data.get("tags")
    if raw is None:
        return None
    ok = (
        isinstance(raw, dict)
        and len(raw) <= 20
        and all(
            isinstance(k, str) and 1 <= len(k) <= 64 and isinstance(v, str) and len(v) <= 200
            for k, v in raw.items()
        )
    )
    if not ok:
        rule = "must be an object of at most 20 text values (keys 1-64, values up to 200 characters)"
        raise ApiError(422, "invalid_input", f"tags {rule}.", [FieldError("tags", rule)])
    return dict(raw)


def _days(data: dict[str, Any]) -> int:
    days = data.get("days", DEFAULT_DAYS)
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_DAYS:
        raise ApiError(
            422,
            "invalid_input",
            f"days must be a whole number from 1 to {MAX_DAYS}.",
            [FieldError("days", f"must be a whole number from 1 to {MAX_DAYS}")],
        )
    return days
