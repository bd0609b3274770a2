"""`status ID`: token expiry, re-authorization deadline, last sync, the shop served."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from ..flows.status import connection_state
from ..integration import IntegrationStatus
from .output import print_json, style
from .parsing import add_command
from .session import open_integrations, store_options

PROG = "channel-connectors"


def _when(moment: datetime | None) -> str:
    return "-" if moment is None else f"{moment:%Y-%m-%d %H:%M} UTC"


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def status_document(status: IntegrationStatus) -> dict[str, Any]:
    reauth = status.reauthorization
    account = status.account
    state, reason = connection_state(status)
    return {
        "integration": status.integration_id,
        "connector": status.connector,
        "name": status.name,
        "shop": {"id": account.id, "name": account.name, "region": account.region} if account else None,
        # The last call's truth: stored tokens the channel no longer accepts are not "connected".
        "connected": state == "connected",
        "state": state,
        "state_reason": reason,
        "access_token_expires_at": _iso(status.access_expires_at),
        "refresh_token_expires_at": _iso(status.refresh_expires_at),
        "reauthorize_by": _iso(reauth.deadline),
        "needs_reauthorization": reauth.needs_reauthorization,
        "reauthorization_reason": reauth.reason,
        "last_order_sync": _iso(status.last_order_sync),
        "order_cursor": status.order_cursor,
        # Per shop, as last read from the channel (`webhook subscriptions ID` reads it again).
        "webhook_subscriptions": status.webhook_subscriptions,
    }


def status_lines(status: IntegrationStatus) -> Iterator[str]:
    reauth = status.reauthorization
    yield f"integration        {status.integration_id} ({status.connector}, {status.name})"
    account = status.account
    shop = f"{account.name or ''} {account.id}".strip() if account else "-"
    yield f"shop               {shop}"
    state, reason = connection_state(status)
    if state == "failing":
        yield style(f"connected          no: {reason}", "red")
        yield f"  run `{PROG} check {status.integration_id}` to test the connection and see what to do"
    else:
        yield f"connected          {'yes' if state == 'connected' else 'no'}"
    yield f"access token until {_when(status.access_expires_at)}"
    yield f"re-authorize by    {_when(reauth.deadline)}"
    if reauth.needs_reauthorization:
        yield style(f"RE-AUTHORIZATION NEEDED: {reauth.reason}", "red")
        yield f"  run `{PROG} connect {status.integration_id}`"
    yield f"last order sync    {_when(status.last_order_sync)}"
    yield f"order cursor       {status.order_cursor or '-'}"
    for shop, seen in status.webhook_subscriptions.items():
        missing = seen.get("missing") or []
        line = (
            f"webhooks {shop}: {len(seen.get('subscribed') or [])} subscribed"
            + (f", MISSING {', '.join(missing)}" if missing else "")
            + f" (checked {str(seen.get('checked_at', '-'))[:16].replace('T', ' ')} UTC)"
        )
        yield style(line, "red") if missing else line
    if status.webhook_subscriptions and any(s.get("missing") for s in status.webhook_subscriptions.values()):
        yield f"  run `{PROG} webhook subscriptions {status.integration_id} --repair`"


def cmd_status(args: argparse.Namespace) -> int:
    status = open_integrations(args).open(args.integration).status()
    if args.json:
        print_json(status_document(status))
        return 0
    for line in status_lines(status):
        print(line)
    return 0


def register(sub: Any) -> None:
    p = add_command(
        sub,
        "status",
        "token expiry, re-authorization deadline, last sync",
        examples=[f"{PROG} status ID", f"{PROG} status ID --json"],
        parents=[store_options()],
    )
    p.add_argument("integration", help="the integration's id, as `integrations list` shows it")
    p.add_argument("--json", action="store_true", help="print the status as JSON (shape: docs/cli.md)")
    p.set_defaults(handler=cmd_status)
