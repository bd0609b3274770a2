"""`GET <callback_path>`: where the channel sends the seller back after consent.

The `state` is claimed once (a replayed, forged or expired one is refused before anything else happens),
it must belong to an integration of the connector whose path was called, and only then is the code
exchanged. The answer is a page in words: the shops now connected, or what failed and what to do.
"""

from __future__ import annotations

import logging

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..errors import ChannelError, ConnectorError, InvalidInput, OAuthStateError, UnknownIntegration
from ..host import Connector
from ..integration import Integrations
from .pages import page

log = logging.getLogger("connector_core.web.callback")

RETRY_ADVICE = (
    "If you opened a connect link, open the same link again to retry while it is valid; "
    "otherwise ask the person who set up this integration for a new link."
)


def callback_route(integrations: Integrations, connector: Connector) -> Route:
    path = connector.manifest.callback_path or f"/{connector.id}/auth/callback"

    async def endpoint(request: Request) -> Response:
        # The flows are synchronous (store, channel calls): run them off the event loop.
        return await run_in_threadpool(complete, integrations, connector, dict(request.query_params))

    return Route(path, endpoint, methods=["GET"], name=f"callback:{connector.id}")


def complete(integrations: Integrations, connector: Connector, params: dict[str, str]) -> Response:
    """Claim the state, exchange the code, and say what happened."""
    name = connector.manifest.name
    state = params.get("state")
    if not state:
        return page(
            "Not connected: the link is incomplete",
            [
                f"This address was opened without the state {name} sends back, so nothing was done.",
                RETRY_ADVICE,
            ],
            ok=False,
            status=400,
        )
    try:
        claimed = integrations.store.consume_oauth_state(state)
        integration = integrations.open(claimed.integration_id)
    except (OAuthStateError, UnknownIntegration) as exc:
        log.warning("%s callback refused: %s", connector.id, exc)
        return page(
            "Not connected: this authorization was already used or has expired",
            [
                f"Each authorization started here can be completed once, within a few minutes. ({exc})",
                RETRY_ADVICE,
            ],
            ok=False,
            status=400,
        )
    if integration.connector.id != connector.id:
        log.warning(
            "%s callback refused: its state belongs to integration %s of connector %s",
            connector.id,
            integration.id,
            integration.connector.id,
        )
        return page(
            "Not connected: this answer came to the wrong address",
            [
                f"The authorization was started for a {integration.connector.manifest.name} integration.",
                RETRY_ADVICE,
            ],
            ok=False,
            status=400,
        )
    try:
        accounts = integration.finish_connect(params)
    except InvalidInput as exc:
        return page(
            f"Not connected: {name} did not authorize the app",
            [str(exc), "Start again and approve the authorization on the consent page.", RETRY_ADVICE],
            ok=False,
            status=400,
        )
    except ChannelError as exc:
        log.warning("integration %s: code exchange failed: %s", integration.id, exc)
        return page(
            f"Not connected: {name} refused the authorization code",
            [str(exc), "Nothing was saved. " + RETRY_ADVICE],
            ok=False,
            status=502,
        )
    except ConnectorError as exc:
        log.warning("integration %s: connect failed: %s", integration.id, exc)
        return page(
            "Not connected",
            [str(exc), RETRY_ADVICE],
            ok=False,
            status=502,
        )
    shops = [f"{a.name or a.id}" + (f" ({a.region})" if a.region else "") for a in accounts]
    log.info("integration %s connected: %d shops", integration.id, len(shops))
    if not shops:
        return page(
            f"Connected to {name}, but no shop was authorized",
            [
                f"Integration {integration.record.name}: the authorization covers no shop.",
                "Authorize again and select at least one shop.",
            ],
            ok=False,
            status=200,
        )
    return page(
        f"Connected to {name}",
        [f"Integration {integration.record.name} is connected. Authorized shops:"],
        items=shops,
        ok=True,
        status=200,
    )
