"""What the JSON API and the admin console say about a connection, as plain JSON-able values.

One place decides a connection's state, so the console's badge, the API's `state` and a host's own page
agree: `not_connected` (never authorized), `needs_reauthorization` (the channel withdrew or will withdraw
the authorization), `failing` (the newest run failed: the last call's truth beats the stored tokens) and
`connected`. No secret is ever part of these values: credentials are described by which secrets are set.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any, Literal

from .. import forms
from ..errors import ConnectorError
from ..flows import Integration, IntegrationStatus, subscriptions
from ..models import Capability, ConnectionCheck
from ..store import ConnectLink, Intent, RunRecord
from ..store.platform_records import ShopRecord

State = Literal["connected", "not_connected", "needs_reauthorization", "failing"]
STATES: tuple[State, ...] = ("connected", "not_connected", "needs_reauthorization", "failing")
MAX_PROBLEMS = 50
PAUSED = "paused by an operator"
"""The reason a shop an operator paused carries: the platform's `left` status (nothing is pulled, pushed or
routed for it) with this reason, so it can be told from a shop the seller removed, and resumed."""


def set_paused(store: Any, integration_id: str, shop_id: str, paused: bool) -> dict[str, Any]:
    """Pause (stop serving) or resume one shop; resuming a shop the seller removed is refused (ValueError)."""
    record = store.get_shop(integration_id, shop_id)
    if record is None:
        raise LookupError(shop_id)
    if paused:
        if record.active:
            record = store.set_shop_status(integration_id, shop_id, "paused", PAUSED)
    elif not record.active:
        if record.status != "paused":
            raise ValueError("this shop left the authorization: Connect again to serve it")
        record = store.set_shop_status(integration_id, shop_id, "active")
    return shop(record, None)


def iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat().replace("+00:00", "Z")


def state_of(status: IntegrationStatus, runs: Sequence[RunRecord]) -> State:
    if status.reauthorization.needs_reauthorization:
        return "needs_reauthorization"
    if not status.connected:
        return "not_connected"
    if runs and not runs[0].ok:
        return "failing"
    return "connected"


def shop(record: ShopRecord, selected: str | None) -> dict[str, Any]:
    """A shop with its own status: active or left (and why), how its scheduled pulls are going."""
    account = record.account
    return {
        "id": account.id,
        "name": account.name,
        "region": account.region,
        "selected": account.id == selected,
        "status": record.status,
        "status_reason": record.status_reason,
        "next_pull_at": iso(record.next_pull_at),
        "failures": record.failures,
        "last_error": readable_error(record.last_error)[0],
        "pull_interval": record.pull_interval,
    }


def problems(summary: Mapping[str, Any]) -> list[str]:
    found = summary.get("problems") or []
    if not isinstance(found, list):
        return []
    return [str(p.get("message", p)) if isinstance(p, dict) else str(p) for p in found][:MAX_PROBLEMS]


_CHANNEL_ERROR = re.compile(
    r"^(?P<channel>.+?) API returned (?P<code>\S+)(?: \(HTTP \d+\))?: (?P<message>.*)$", re.S
)
_REQUEST_ID = re.compile(r" ?\[request_id (?P<id>[^\]]+)\]")
_RAW_CODE = re.compile(r" ?\((?:[A-Z][\w ]{0,30} )?\d{4,}\)")
"""A channel's numeric code in parentheses ("(TikTok 36004005)"): for logs and support, not for people."""
_COMMAND_HINT = re.compile(r";? ?(?:run|use) `[^`]+`")
"""Advice to run a command line ("run `channel-connectors connect x`"): wrong on a web page."""
_TYPE_PREFIX = re.compile(r"^[A-Z][A-Za-z]+(Error|Exception|Required|Unavailable|Limited|Busy|Rejected)?: ")


def readable_error(text: object) -> tuple[str | None, str | None, str | None]:
    """(words for a person, the channel's request id, the channel's code) from a recorded error text.

    The flows record `ChannelError: TikTok Shop API returned 105001 (HTTP 401): <message> [request_id X];
    <hint>`; a person reads "TikTok Shop said: <message>", support gets the request id, programs the code."""
    if not isinstance(text, str) or not text:
        return None, None, None
    found = _REQUEST_ID.search(text)
    request_id = found.group("id") if found else None
    words = _TYPE_PREFIX.sub("", _REQUEST_ID.sub("", text), count=1)
    words = _COMMAND_HINT.sub("", _RAW_CODE.sub("", words)).strip()
    channel = _CHANNEL_ERROR.match(words)
    if channel is None:
        return words, request_id, None
    message = channel.group("message").split("; see the channel", 1)[0].strip().rstrip(".")
    return f"{channel.group('channel')} said: {message}.", request_id, channel.group("code")


def run(record: RunRecord) -> dict[str, Any]:
    """A run with its reasons: the error the flow recorded, the orders left out by reason, the problems."""
    summary = dict(record.summary)
    left_out = summary.get("left_out")
    error, request_id, code = readable_error(summary.get("error"))
    return {
        "flow": record.flow,
        "shop_id": record.account_id or None,
        "started_at": iso(record.started_at),
        "finished_at": iso(record.finished_at),
        "ok": record.ok,
        "error": error,
        "error_code": code,
        "problems": problems(summary),
        "left_out": dict(left_out) if isinstance(left_out, dict) else {},
        "request_id": summary.get("request_id") or request_id,
        "counts": {k: v for k, v in summary.items() if isinstance(v, int) and not isinstance(v, bool)},
    }


def intent(record: Intent) -> dict[str, Any]:
    return {
        "kind": record.kind,
        "key": record.key,
        "shop_id": record.account_id or None,
        "status": record.status,
        "attempts": record.attempts,
        "created_at": iso(record.created_at),
        "updated_at": iso(record.updated_at),
    }


def link(record: ConnectLink, now: datetime) -> dict[str, Any]:
    return {
        "id": record.link_id,
        "purpose": record.purpose,
        "hint": f"…{record.token_hint}",
        "created_at": iso(record.created_at),
        "expires_at": iso(record.expires_at),
        "last_opened_at": iso(record.last_used_at),
        "expired": now >= record.expires_at,
    }


def last_import(runs: Iterable[RunRecord]) -> dict[str, Any] | None:
    for record in runs:
        if record.flow == "pull_orders":
            return {
                "at": iso(record.finished_at),
                "ok": record.ok,
                "problems": len(problems(record.summary)),
                "error": readable_error(record.summary.get("error"))[0],
            }
    return None


def summary(integration: Integration, runs: Sequence[RunRecord], pending: int) -> dict[str, Any]:
    """One row of the connections list."""
    status = integration.status()
    shops = integration.store.list_shops(integration.id)
    selected = integration.record.account_id
    return {
        "id": integration.id,
        "connector": integration.connector.id,
        "connector_name": integration.connector.manifest.name,
        "name": integration.record.name,
        "state": state_of(status, runs),
        "tags": dict(integration.record.tags),
        "shops": [shop(x, selected) for x in shops],
        "access_expires_at": iso(status.access_expires_at),
        "refresh_expires_at": iso(status.refresh_expires_at),
        "reauthorize_by": iso(status.reauthorization.deadline),
        "reauthorization_reason": readable_error(status.reauthorization.reason)[0],
        "last_import": last_import(runs),
        "uncertain": pending,
        "created_at": iso(integration.record.created_at),
    }


def credentials_set(integration: Integration) -> dict[str, bool]:
    """Which secrets are stored (never their values)."""
    schema = integration.connector.credentials_schema()
    redacted = forms.redact(dict(integration.record.credentials.items()), schema)
    return dict(redacted.is_set)


def detail(integration: Integration, now: datetime, *, runs: int = 20) -> dict[str, Any]:
    """A connection with everything the console and the API show on its own page."""
    store = integration.store
    recent = store.last_runs(integration.id, limit=runs)
    pending = store.list_intents(integration.id, status="pending")
    links = (
        store.list_connect_links(integration.id) if integration.connector.supports(Capability.CONNECT) else []
    )
    return {
        **summary(integration, recent, len(pending)),
        "settings": dict(integration.record.settings),
        "credentials_set": credentials_set(integration),
        "runs": [run(r) for r in recent],
        "intents": [intent(i) for i in pending],
        "links": [link(x, now) for x in links],
        # Per shop, the last comparison with the events the kit needs (`webhook subscriptions ID --repair`).
        "webhook_subscriptions": subscriptions.seen(
            store, integration.id, [a.id for a in store.list_accounts(integration.id)]
        ),
    }


def checked(integration: Integration) -> ConnectionCheck:
    """Prove the connection with the connector's cheap call, and keep the answer as a run (as the CLI's
    `check` does), so the state shown everywhere is what the last call found."""
    started = integration.clock.now()
    result = integration.check_connection()
    error = None if result.ok else ConnectorError(result.message)
    integration.session.record_run("check_connection", started, {"shops": len(result.accounts)}, error)
    return result
