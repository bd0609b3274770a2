"""`POST /webhooks/<connector>`: route to the shop's connections, verify, de-duplicate, hand off, answer.

Order of checks, each answering before anything is stored: the connector exists and takes webhooks (404),
the body fits the cap (413), the body parses (400), some connection serves the shop it names (found through
the shop index), the signature verifies with the app of one of them (once per app): the cost does not grow
with the number of connections (flows/webhook_routing.py). A shop nobody here serves gets exactly the answer
a forged signature gets (401, same body): otherwise anyone could probe which shop ids this host serves
without holding a secret. Only the log tells the operator which of the two it was. Only then is each event recorded
in the store's outbox (one row per integration and event id: the recording is the de-duplication), applied
to the authorization state, and the `WorkSink` told to start its work. The answer 200 goes out once every
event is recorded, without waiting for the work: a sink that cannot take it now, a broker that stalls or a
worker that dies delays the work until the outbox sweeper hands it out again, but cannot lose it. A store
that cannot record the events answers 503, so the channel retries.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..errors import ConnectorError, UnknownConnector, UnknownIntegration
from ..flows.webhook_routing import route_delivery
from ..integration import Integrations, WebhookRejected
from ..models import Capability
from ..store import StoreUnavailable
from ..work.outbox import record_webhook_events
from ..work.sink import SinkFull, WorkSink

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


def _not_verified() -> JSONResponse:
    """The one answer for a forged delivery and for a shop nobody here serves: the caller cannot tell them apart."""
    return _answer(401, "the signature does not verify; the delivery was ignored")


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
    try:
        routing = route_delivery(integrations, connector, delivery.headers, delivery.body)
    except StoreUnavailable as exc:
        log.warning("%s webhook: the store cannot route it: %s", connector.id, exc)
        return _answer(503, "busy: deliver again later")
    if routing.refusal == "unparsable":
        return _answer(400, routing.message)
    if routing.refusal == "unserved":
        # Same answer as a forged delivery (see the module docstring); the log line stays distinct.
        log.warning("%s webhook: %s; ignored (answered as unverified)", connector.id, routing.message)
        return _not_verified()
    if routing.refusal == "unverified":
        log.warning("%s webhook: the signature verifies for no app serving its shop; ignored", connector.id)
        return _not_verified()
    fresh_total = 0
    for integration_id in routing.targets:
        try:
            integration = integrations.open(integration_id)
            fresh = record_webhook_events(integration, routing.events)
        except (WebhookRejected, UnknownIntegration):  # every event refused here, or removed since routed
            continue
        except StoreUnavailable as exc:
            log.warning("integration %s: the events could not be recorded: %s", integration_id, exc)
            return _answer(503, "busy: deliver again later")
        fresh_total += len(fresh)
        if fresh:
            try:
                sink.webhook_events(integration.id, fresh)
            except (SinkFull, ConnectorError) as exc:
                # Recorded already: the outbox sweeper starts this work later; the answer stays 200.
                log.warning("integration %s: %s; the sweeper starts the work later", integration.id, exc)
    return _answer(200, "received", integrations=len(routing.targets), new_events=fresh_total)
