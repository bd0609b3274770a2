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

from ..errors import ConnectorError, OAuthStateError, UnknownIntegration
from ..host import Connector
from ..integration import Integrations
from .branding import Branding, Outcome
from .pages import page

log = logging.getLogger("connector_core.web.callback")


def _retry(brand: Branding) -> str:
    return f"To try again, open the same link again while it is valid, or ask {brand.sender} for a new one."


def callback_route(integrations: Integrations, connector: Connector, brand: Branding | None = None) -> Route:
    path = connector.manifest.callback_path or f"/{connector.id}/auth/callback"

    async def endpoint(request: Request) -> Response:
        # The flows are synchronous (store, channel calls): run them off the event loop.
        return await run_in_threadpool(complete, integrations, connector, dict(request.query_params), brand)

    return Route(path, endpoint, methods=["GET"], name=f"callback:{connector.id}")


def complete(
    integrations: Integrations, connector: Connector, params: dict[str, str], brand: Branding | None = None
) -> Response:
    """Claim the state, exchange the code, and say what happened, in the host's look and words a seller
    understands; with the host's return URL, a button takes the seller back with the outcome."""
    look = brand or Branding()
    name = connector.manifest.name

    def answer(title: str, lines: list[str], outcome: Outcome, status: int, *, who: str | None = None,
               items: list[str] | None = None) -> Response:  # fmt: skip
        target = look.back_to(return_to, outcome, who)
        action = None if target is None else (f"Continue to {look.home}", target)
        ok = outcome == "connected"
        return page(title, lines, ok=ok, status=status, items=items or [], brand=look, action=action)

    return_to: str | None = None
    state = params.get("state")
    if not state:
        return answer(
            "Not connected: this address is incomplete",
            [f"Nothing was connected. {_retry(look)}"],
            "invalid",
            400,
        )
    try:
        claimed = integrations.store.consume_oauth_state(state)
        return_to = look.return_url(str(claimed.data.get("return_to") or "")) or None
        integration = integrations.open(claimed.integration_id)
    except (OAuthStateError, UnknownIntegration) as exc:
        log.warning("%s callback refused: %s", connector.id, exc)
        return answer(
            "This authorization was already used or has expired",
            [
                "Each authorization can be completed once, within a few minutes. Nothing was changed.",
                _retry(look),
            ],
            "expired",
            400,
        )
    if integration.connector.id != connector.id:
        log.warning(
            "%s callback refused: its state belongs to integration %s of connector %s",
            connector.id,
            integration.id,
            integration.connector.id,
        )
        return answer(
            "This answer came to the wrong address",
            [f"Nothing was connected. {_retry(look)}"],
            "failed",
            400,
        )
    if not params.get("code"):  # the seller declined (or the channel sent an error instead of a code)
        log.info("integration %s: consent not given (%s)", integration.id, params.get("error") or "no code")
        return answer(
            f"Not connected: you did not authorize {look.name or 'the app'}",
            [
                f"The authorization was not approved on {name}, so nothing was connected or changed.",
                f"If that was a mistake: {_retry(look)[0].lower()}{_retry(look)[1:]}",
            ],
            "declined",
            400,
            who=integration.id,
        )
    try:
        accounts = integration.finish_connect(params)
    except ConnectorError as exc:
        log.warning("integration %s: connect failed: %s", integration.id, exc)
        return answer(
            f"Not connected: {name} did not accept the authorization",
            ["Nothing was saved.", _retry(look)],
            "failed",
            502,
            who=integration.id,
        )
    shops = [f"{a.name or a.id}" + (f" ({a.region})" if a.region else "") for a in accounts]
    log.info("integration %s connected: %d shops", integration.id, len(shops))
    if not shops:
        return answer(
            f"Connected to {name}, but no shop was chosen",
            ["Please authorize again and select at least one shop.", _retry(look)],
            "failed",
            200,
            who=integration.id,
        )
    return answer(
        f"Connected to {name}",
        [f"{look.name or 'The app'} can now work with these shops:"],
        "connected",
        200,
        who=integration.id,
        items=shops,
    )
