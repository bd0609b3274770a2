"""Tokens and authorization: the schedule's tick that queues the refreshes due (from the store's index on
the expiry), one connection's refresh, and the warning before a seller must re-authorize."""

from __future__ import annotations

from typing import Any

from ..runtime import current_runtime
from .guard import PREFIX, Result, guarded, log, open_integration

REFRESH_TICK_LIMIT = 20_000
"""Refreshes one tick enqueues at most (soonest expiry first); the rest come with the next tick."""


def refresh_tokens(task: Any) -> Result:
    """The schedule's tick: one `refresh_token` task per connection whose access token expires within the
    margin plus one tick, found through the store's index on the expiry (nothing opened or decrypted)."""
    from ..app import REFRESH_EVERY  # the tick's own period: a token expiring before the next tick is due now

    runtime = current_runtime()
    horizon = runtime.integrations.clock.now() + runtime.integrations.token_margin + REFRESH_EVERY
    due = runtime.integrations.store.connections_to_refresh(horizon, REFRESH_TICK_LIMIT)
    for integration_id in due:
        task.app.send_task(f"{PREFIX}refresh_token", args=[integration_id], ignore_result=True)
    return {"ok": True, "queued": len(due)}


def refresh_token(task: Any, integration_id: str) -> Result:
    """Refresh the access token if it expires within the margin (one refresh at a time across processes)."""

    def work() -> Result:
        integration = open_integration(integration_id)
        integration.access_token()
        tokens = integration.tokens.tokens()
        return {"ok": True, "access_expires_at": tokens.access_expires_at.isoformat() if tokens else None}

    return guarded(task, f"token refresh for integration {integration_id}", work)


def warn_reauthorization(task: Any) -> Result:
    """Warn (log and a run record the status page shows) for each integration whose seller must
    re-authorize soon, or already must."""
    runtime = current_runtime()
    horizon = runtime.integrations.clock.now() + runtime.settings.reauthorization_warning
    warned = []
    # Only the connections the store says are due (an index on the deadline): nothing else is opened.
    for integration_id in runtime.integrations.store.connections_to_reauthorize(horizon, REFRESH_TICK_LIMIT):
        integration = runtime.integrations.open(integration_id)
        record = integration.record
        if integration.tokens.tokens() is None:
            continue
        state = integration.reauthorization()
        due = state.deadline is not None and state.deadline <= horizon
        if not (state.needs_reauthorization or due):
            continue
        when = f"by {state.deadline:%Y-%m-%d %H:%M} UTC" if state.deadline else "now"
        text = (
            f"integration {record.id} ({record.name}): the seller must re-authorize {when}"
            f"{': ' + state.reason if state.reason else ''}; send them a renewal link "
            f"(channel-connectors connect-link {record.id})"
        )
        log.warning("%s", text)
        started = runtime.integrations.clock.now()
        integration.session.record_run("reauthorization_warning", started, {"warning": text})
        warned.append(record.id)
    return {"ok": True, "warned": warned}
