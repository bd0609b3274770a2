"""`check ID`: prove the connection with one cheap call (the channel's list of authorized shops), like
`gh auth status`, and say what to do. The outcome is kept as a run, so `status` and the admin page show
the truth of that call afterwards."""

from __future__ import annotations

import argparse
from typing import Any

from ..errors import ConnectorError
from .output import print_json, style
from .parsing import add_command
from .session import open_integrations, store_options

PROG = "channel-connectors"


def cmd_check(args: argparse.Namespace) -> int:
    integration = open_integrations(args).open(args.integration)
    started = integration.clock.now()
    result = integration.check_connection()
    error = None if result.ok else ConnectorError(result.message)
    integration.session.record_run("check_connection", started, {"shops": len(result.accounts)}, error)
    if result.ok:
        advice = None
    elif result.needs_reauthorization or not integration.tokens.tokens():
        advice = f"run `{PROG} connect {integration.id}` (or send the seller a `{PROG} connect-link`)"
    else:
        advice = (
            "check that the channel is reachable and the credentials are right "
            f"(`{PROG} integrations show {integration.id}`), then run check again; if the channel no longer "
            f"knows the tokens, run `{PROG} connect {integration.id}`"
        )
    if args.json:
        print_json(
            {
                "integration": integration.id,
                "ok": result.ok,
                "needs_reauthorization": result.needs_reauthorization,
                "message": result.message,
                "shops": [a.model_dump(mode="json", exclude={"selector"}) for a in result.accounts],
                "advice": advice,
            }
        )
    elif result.ok:
        print(f"{style('ok', 'green')}: {integration.id}: {result.message}")
    else:
        print(f"{style('FAILING', 'red')}: {integration.id}: {result.message}")
        print(f"  what to do: {advice}")
    return 0 if result.ok else 1


def register(sub: Any) -> None:
    p = add_command(
        sub,
        "check",
        "prove the connection with one cheap call and say what to do (a doctor)",
        description="Call the channel once (its list of authorized shops) with the stored tokens, refreshing "
        "them if due, and say whether the connection works and what to do when it does not. Exit 0 when it "
        "works, 1 when not. The outcome is kept, so `status` shows it afterwards.",
        examples=[f"{PROG} check ID", f"{PROG} check ID --json"],
        parents=[store_options()],
    )
    p.add_argument("integration", help="the integration's id, as `integrations list` shows it")
    p.add_argument("--json", action="store_true", help="print the outcome as JSON (shape: docs/cli.md)")
    p.set_defaults(handler=cmd_check)
