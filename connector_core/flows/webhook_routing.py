"""One webhook delivery, routed in constant time: parsed once, verified once per app, then handed to the
connections serving the shop it names, found through the shop index.

Cost does not grow with the number of connections: the shop ids in the delivery are looked up in the store's
index (`connections_for_shop`), each distinct app among the matches verifies the signature once (one app
read and one decrypt; rotation is seen at once, nothing is cached), and only the connections whose app
verified are opened. A delivery naming no shop (none of TikTok's do) is checked against the connector's
apps, which costs the number of apps (not of connections): the one path that is not constant; it then goes
to every connection of the app that verified, found through the store's index on the app.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from ..context import ConnectorContext
from ..errors import ConnectorError, InvalidInput
from ..host import Connector
from ..models import WebhookEvent
from ..store.platform_records import AppRecord
from .integrations import Integrations

log = logging.getLogger("connector_core.webhooks")

Refusal = Literal["unparsable", "unserved", "unverified"]


@dataclass
class Routing:
    """What a delivery is: its events, and the connections it is for (verified), or why it is refused."""

    events: list[WebhookEvent] = field(default_factory=list)
    targets: list[str] = field(default_factory=list)
    refusal: Refusal | None = None
    message: str = ""
    apps_verified: int = 0


def app_context(integrations: Integrations, connector: Connector, app: AppRecord | None) -> ConnectorContext:
    """A context holding only an app's credentials: enough to verify and parse, nothing seller's."""
    from ..credentials import Credentials

    return ConnectorContext(
        connector_id=connector.id,
        integration_id=None,
        credentials=app.credentials if app is not None else Credentials({}, {}),
        settings={},
        http=integrations._client(connector),
        clock=integrations.clock,
        log=log,
    )


def route_delivery(
    integrations: Integrations, connector: Connector, headers: Mapping[str, str], body: bytes
) -> Routing:
    store = integrations.store
    try:
        events = list(connector.parse_webhook(app_context(integrations, connector, None), headers, body))
    except InvalidInput as exc:
        return Routing(refusal="unparsable", message=str(exc))
    shops = sorted({e.account_id for e in events if e.account_id})
    if shops:
        routes = [r for shop in shops for r in store.connections_for_shop(connector.id, shop)]
        if not routes:
            return Routing(
                events, refusal="unserved", message=f"no connection here serves shop {', '.join(shops)}"
            )
        by_app: dict[str, list[str]] = {}
        for route in routes:
            by_app.setdefault(route.app_id, []).append(route.integration_id)
    else:  # an app-wide delivery: every app of the connector, and all their connections
        by_app = {app.id: [] for app in store.list_apps(connector.id)}
    targets: list[str] = []
    verified = 0
    for app_id, connections in by_app.items():
        if not _verifies(integrations, connector, app_id, headers, body):
            continue
        verified += 1
        if not shops:
            connections = store.connection_ids_of_app(app_id)  # the app's index: nothing else read
        targets.extend(c for c in connections if c not in targets)
    if not verified:
        return Routing(events, refusal="unverified", message="the signature does not verify")
    return Routing(events, targets=targets, apps_verified=verified)


def _verifies(
    integrations: Integrations, connector: Connector, app_id: str, headers: Mapping[str, str], body: bytes
) -> bool:
    try:
        app = integrations.store.get_app(app_id)
        return bool(connector.verify_webhook(app_context(integrations, connector, app), headers, body))
    except ConnectorError as exc:
        log.warning("app %s: cannot check a webhook signature: %s", app_id, exc)
    except Exception as exc:  # a connector that trips over hostile bytes has not verified them
        log.warning("app %s: checking a signature raised %s: not verified", app_id, type(exc).__name__)
    return False
