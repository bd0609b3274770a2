"""`POST /webhooks/<connector>`: verify, route to the shop's integrations, de-duplicate, hand off, answer.

Order of checks, each answering before anything is stored: the connector exists and takes webhooks (404),
the body fits the cap (413), the signature verifies for some integration of that connector (401), the body
parses (400), some integration verified above is authorized for the shop the delivery names (404). Only
then is each event recorded in the store's outbox (one row per integration and event id: the recording is
the de-duplication), applied to the authorization state, and the `WorkSink` told to start its work. The
answer 200 goes out once every event is recorded, without waiting for the work: a sink that cannot take it
now, a broker that stalls or a worker that dies delays the work until the outbox sweeper hands it out
again, but cannot lose it. A store that cannot record the events answers 503, so the channel retries.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..errors import ConnectorError, InvalidInput, UnknownConnector
from ..integration import Integration, Integrations, WebhookRejected
from ..models import Capability, WebhookEvent
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
    verified = _verified_integrations(integrations, connector.id, delivery)
    if not verified:
        log.warning("%s webhook: the signature verifies for no connected integration; ignored", connector.id)
        return _answer(401, "the signature does not verify; the delivery was ignored")
    try:
        events = connector.parse_webhook(verified[0][0].context(), delivery.headers, delivery.body)
    except InvalidInput as exc:
        return _answer(400, str(exc))
    targets = _authorized_for(verified, events)
    if not targets:
        shops = sorted({e.account_id for e in events if e.account_id})
        log.warning(
            "%s webhook for shop(s) %s, which no integration here serves; ignored", connector.id, shops
        )
        return _answer(
            404, f"no integration here is authorized for shop {', '.join(shops)}; nothing was stored"
        )
    fresh_total = 0
    for integration in targets:
        try:
            fresh = record_webhook_events(integration, events)
        except WebhookRejected:  # every event refused for this integration (another shop, too old)
            continue
        except StoreUnavailable as exc:
            log.warning("integration %s: the events could not be recorded: %s", integration.id, exc)
            return _answer(503, "busy: deliver again later")
        fresh_total += len(fresh)
        if fresh:
            try:
                sink.webhook_events(integration.id, fresh)
            except (SinkFull, ConnectorError) as exc:
                # Recorded already: the outbox sweeper starts this work later; the answer stays 200.
                log.warning("integration %s: %s; the sweeper starts the work later", integration.id, exc)
    return _answer(200, "received", integrations=len(targets), new_events=fresh_total)


def _verified_integrations(
    integrations: Integrations, connector_id: str, delivery: Delivery
) -> list[tuple[Integration, set[str]]]:
    """The connected integrations of this connector whose credentials verify the signature, with their shops."""
    found = []
    for record in integrations.list():
        if record.connector != connector_id:
            continue
        shops = {a.id for a in integrations.store.list_accounts(record.id)}
        if not shops:
            continue  # never connected: it serves no shop, so no delivery is for it
        try:
            integration = integrations.open(record.id)
            if integration.connector.verify_webhook(integration.context(), delivery.headers, delivery.body):
                found.append((integration, shops))
        except ConnectorError as exc:
            log.warning("integration %s: cannot check a webhook signature: %s", record.id, exc)
        except Exception as exc:  # a connector that trips over hostile bytes has not verified them
            log.warning(
                "integration %s: checking a signature raised %s: not verified", record.id, type(exc).__name__
            )
    return found


def _authorized_for(
    verified: list[tuple[Integration, set[str]]], events: list[WebhookEvent]
) -> list[Integration]:
    named = {e.account_id for e in events if e.account_id}
    if not named:  # an app-wide delivery: every integration that verified it
        return [integration for integration, _ in verified]
    return [integration for integration, shops in verified if named & shops]
