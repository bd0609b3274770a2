"""`POST /webhooks/<connector>`: verify, route to the shop's integrations, de-duplicate, hand off, answer.

Order of checks, each answering before anything is stored: the connector exists and takes webhooks (404),
the body fits the cap (413), the body parses (400), some connection serves the shop it names (404, found
through the shop index), the signature verifies with the app of one of them (401, once per app). Only
then is each event remembered (de-duplication is per connection), applied to the authorization state and
handed to the `WorkSink`; the answer goes out without waiting for that work. Events the sink cannot take
(503) are forgotten again, so the channel's redelivery counts as new. The cost of a delivery does not grow
with the number of connections (see flows/webhook_routing.py).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..errors import UnknownConnector, UnknownIntegration
from ..flows.webhook_routing import route_delivery
from ..integration import Integrations, WebhookRejected
from ..models import Capability
from .sink import SinkFull, WorkSink

log = logging.getLogger("connector_core.web.webhooks")

DEFAULT_BODY_LIMIT = 1024 * 1024


@dataclass(frozen=True)
class Delivery:
    connector: str
    headers: dict[str, str]
    body: bytes


class BodyTooLarge(Exception):
    pass


def _answer(status: int, message: str, **extra: object) -> JSONResponse:
    return JSONResponse({"ok": status == 200, "message": message, **extra}, status_code=status)


async def read_capped(request: Request, limit: int) -> bytes:
    """The raw body, refused as soon as it passes `limit` bytes (a lying Content-Length does not help)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise BodyTooLarge
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge
        chunks.append(chunk)
    return b"".join(chunks)


def webhook_route(integrations: Integrations, sink: WorkSink, body_limit: int = DEFAULT_BODY_LIMIT) -> Route:
    async def endpoint(request: Request) -> Response:
        connector_id = request.path_params["connector"]
        try:
            body = await read_capped(request, body_limit)
        except BodyTooLarge:
            return _answer(413, f"the delivery is larger than {body_limit} bytes; nothing was read")
        delivery = Delivery(connector_id, {k.lower(): v for k, v in request.headers.items()}, body)
        return await run_in_threadpool(receive, integrations, sink, delivery)

    return Route("/webhooks/{connector}", endpoint, methods=["POST"], name="webhooks")


def receive(integrations: Integrations, sink: WorkSink, delivery: Delivery) -> Response:
    try:
        connector = integrations.host.get(delivery.connector)
    except UnknownConnector:
        return _answer(404, f"no connector {delivery.connector!r} is loaded here")
    if not connector.supports(Capability.WEBHOOKS):
        return _answer(404, f"connector {connector.id!r} takes no webhooks")
    routing = route_delivery(integrations, connector, delivery.headers, delivery.body)
    if routing.refusal == "unparsable":
        return _answer(400, routing.message)
    if routing.refusal == "unserved":
        log.warning("%s webhook: %s; ignored", connector.id, routing.message)
        return _answer(404, f"{routing.message}; nothing was stored")
    if routing.refusal == "unverified":
        log.warning("%s webhook: the signature verifies for no app serving its shop; ignored", connector.id)
        return _answer(401, "the signature does not verify; the delivery was ignored")
    fresh_total = 0
    for integration_id in routing.targets:
        try:
            integration = integrations.open(integration_id)
            fresh = integration.accept_webhook_events(routing.events)
        except (WebhookRejected, UnknownIntegration):  # removed or changed since it was routed: not ours
            continue
        fresh_total += len(fresh)
        if fresh:
            try:
                sink.webhook_events(integration.id, fresh)
            except SinkFull as exc:
                # Not handed on: forget these events, or TikTok's redelivery would be dropped as a duplicate
                # and the work they ask for never done.
                for event in fresh:
                    integrations.store.forget_event(integration.id, event.id)
                log.warning("integration %s: %s", integration.id, exc)
                return _answer(503, "busy: deliver again later")
    return _answer(200, "received", integrations=len(routing.targets), new_events=fresh_total)
