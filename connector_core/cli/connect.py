"""`connect ID`: authorize an integration (OAuth) through a one-shot callback server on loopback, or with an
auth code the operator already has; ends by listing the shops, the one served and how to change it."""

from __future__ import annotations

import argparse
import errno
import json
import sys
import time
from typing import Any
from urllib.error import HTTPError
from urllib.request import urlopen

from ..callback import CallbackServer, state_of
from ..errors import ConnectorError
from .output import print_json
from .parsing import add_command, non_blank, port, positive_seconds
from .session import open_integrations, store_options
from .shops import shop_lines

PROG = "channel-connectors"
DEFAULT_PORT = 8765


def _callback_server(path: str, port_number: int, integration_id: str) -> CallbackServer:
    try:
        return CallbackServer(path, port=port_number)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise ConnectorError(
                f"--port {port_number}: 127.0.0.1:{port_number} is already in use (another connect waiting?): "
                f"stop it, or pass another --port registered as the app's redirect URL, or use "
                f"`{PROG} connect {integration_id} --code CODE`"
            ) from None
        if exc.errno == errno.EACCES:
            raise ConnectorError(
                f"--port {port_number}: not allowed to listen on it (ports below 1024 need privileges): "
                "use a port from 1024 to 65535"
            ) from None
        raise ConnectorError(f"--port {port_number}: cannot listen on 127.0.0.1: {exc.strerror}") from None


def _serve_listening(port_number: int) -> bool:
    """Is `channel-connectors serve` (or a host app mounting it) answering on this loopback port? Its
    callback route then receives the seller, so connect waits for the store instead of listening itself."""
    try:
        with urlopen(f"http://127.0.0.1:{port_number}/healthz", timeout=2) as answer:
            body = json.loads(answer.read(65536) or b"{}")
    except HTTPError as exc:  # 503: serve is there, its store is unwell; it says so itself
        return exc.code == 503
    except (OSError, ValueError):
        return False
    return isinstance(body, dict) and "connectors" in body


def _wait_for_serve(integration: Any, port_number: int, args: argparse.Namespace, with_code: str) -> None:
    """Connect through the `serve` already listening on the port: it completes the callback in the same
    store; this waits until new tokens appear there."""
    redirect_uri = f"http://127.0.0.1:{port_number}{integration.connector.manifest.callback_path}"
    before = integration.tokens.tokens()
    url = integration.begin_connect(redirect_uri)
    say = sys.stderr if args.json else sys.stdout
    print(
        f"`{PROG} serve` is listening on port {port_number}: it receives the seller's return "
        "(it must use this same store).",
        file=say,
    )
    print("Open this URL in the browser where the seller is signed in, and approve:", file=say)
    print(f"  {url}", file=say, flush=True)
    deadline = time.monotonic() + args.timeout
    while time.monotonic() < deadline:
        current = integration.tokens.tokens()
        if current is not None and current != before:
            return
        time.sleep(0.5)
    raise ConnectorError(
        f"no authorization reached the store within {args.timeout:.0f} s: check the page serve showed "
        f"(a different store behind serve cannot finish it), run connect again, or run `{with_code}`"
    )


def cmd_connect(args: argparse.Namespace) -> int:
    integrations = open_integrations(args)
    integration = integrations.open(args.integration)
    with_code = f"{PROG} connect {integration.id} --code CODE"
    if args.code:
        integration.finish_connect({"code": args.code})
    elif args.port and _serve_listening(args.port):
        _wait_for_serve(integration, args.port, args, with_code)
    else:
        path = integration.connector.manifest.callback_path
        with _callback_server(path, args.port, integration.id) as server:
            url = integration.begin_connect(server.redirect_uri)
            server.expect(state_of(url))  # any other callback (forged, another integration's) is turned away
            # With --json, stdout carries only the JSON document: the instructions go to stderr.
            say = sys.stderr if args.json else sys.stdout
            print("Open this URL in the browser where the seller is signed in, and approve:", file=say)
            print(f"  {url}", file=say)
            print(
                f"Waiting up to {args.timeout:.0f} s for the redirect to {server.redirect_uri} (it must be the "
                "app's registered redirect URL). Ctrl-C stops; if the page shows a code instead, "
                f"run `{with_code}`.",
                file=say,
                flush=True,
            )
            try:
                params = server.wait(args.timeout)
            except ConnectorError as exc:
                raise ConnectorError(
                    f"{exc}: if the consent page showed a code, run `{with_code}`; otherwise run connect "
                    "again (a longer wait: --timeout SECONDS)"
                ) from None
        integration = integrations.complete_connect(params)
    integration = integrations.open(integration.id)
    accounts = integration.store.list_accounts(integration.id)
    if args.json:
        served = integration.context().account
        print_json(
            {
                "integration": integration.id,
                "accounts": [a.model_dump(mode="json", exclude={"selector"}) for a in accounts],
                "selected_account": served.id if served else None,
            }
        )
        return 0
    print(f"connected {integration.id}: {len(accounts)} shop(s) authorized (* served)")
    for line in shop_lines(integration):
        print(line)
    return 0


def register(sub: Any) -> None:
    p = add_command(
        sub,
        "connect",
        "authorize an integration (OAuth) through a local callback server",
        description="Print the consent URL, wait for the seller's browser to come back to "
        "http://127.0.0.1:PORT/<callback path> and store the tokens and every authorized shop. With --code, "
        "exchange a code you already have instead.",
        examples=[
            f"{PROG} connect ID",
            f"{PROG} connect ID --port 9876 --timeout 600",
            f"{PROG} connect ID --code CODE_FROM_THE_CONSENT_PAGE",
        ],
        parents=[store_options()],
    )
    p.add_argument("integration", help="the integration's id, as `integrations list` shows it")
    p.add_argument("--code", type=non_blank, help="an auth code already obtained (skips the callback server)")
    p.add_argument(
        "--port", type=port, default=DEFAULT_PORT, help="callback server port on 127.0.0.1 (0: any free port)"
    )
    p.add_argument("--timeout", type=positive_seconds, default=300.0, help="seconds to wait for the callback")
    p.add_argument("--json", action="store_true", help="print the shops as JSON (shape: docs/cli.md)")
    p.set_defaults(handler=cmd_connect)
