"""`channel-connectors serve` and `channel-connectors connect-link`: the web runtime from the command line.

Both need the `[web]` extra; without it they say so in one line (the rest of the CLI works regardless,
which is why nothing here imports Starlette before a command runs).
"""

from __future__ import annotations

import argparse
import errno
import logging
import signal
import socket
from pathlib import Path
from typing import Any

from .. import home as home_folder
from ..errors import ConnectorError
from ..integration import Integrations
from .output import print_json
from .parsing import add_command, port
from .session import open_integrations, store_options

log = logging.getLogger("connector_core.cli.serving")

# The port of the emulator's (and `connect`'s) default redirect URL http://127.0.0.1:8765/tiktok/auth/callback:
# with serve there, the seller's browser comes back to serve after consent; the emulator uses 8770/8771.
SERVE_PORT = 8765
ORDERS_FOLDER = "orders"

WEB_EXTRA = "pip install 'channel-connectors[web]'"


def _require_web() -> None:
    try:
        import starlette  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError as exc:
        raise ConnectorError(
            f"this command needs the web extra ({exc.name} is missing): {WEB_EXTRA}"
        ) from None


def _check_port_free(host: str, port_number: int) -> None:
    """One line naming the port when it is taken, before uvicorn logs its own error and exits 3."""
    try:
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((host, port_number))
    except OSError as exc:
        reason = (
            "already in use (another serve, or `connect` waiting?)"
            if exc.errno == errno.EADDRINUSE
            else (exc.strerror or str(exc))
        )
        raise ConnectorError(
            f"--port {port_number}: cannot listen on {host}:{port_number}: {reason}: stop that program or pass "
            "another --port"
        ) from None


def orders_folder(args: argparse.Namespace) -> Path:
    """Where `serve` keeps imported orders: --orders-to DIR, else `orders/` in the store's home folder, so
    the admin page's Pull now works as the README starts it (an import with no handler would be refused)."""
    if args.orders_to:
        return Path(args.orders_to)
    return home_folder.resolve_home(getattr(args, "home", None), create=True) / ORDERS_FOLDER


def host_receives_orders(args: argparse.Namespace, integrations: Integrations) -> bool:
    """Whether serve hands imported orders to the host plugins' `order_pages_ready` (as the workers do)
    rather than to files: when a loaded host plugin implements it and --orders-to does not name a folder."""
    return not args.orders_to and any(c.implements("order_pages_ready") for c in integrations.host)


def _integrations(args: argparse.Namespace) -> Integrations:
    return open_integrations(args)


def cmd_serve(args: argparse.Namespace) -> int:
    _require_web()
    import uvicorn

    from ..web import AdminConfig, InProcessSink, JsonLinesOrders, create_app

    if args.port == 0:
        raise ConnectorError("--port 0: give the port sellers' browsers and the channel will reach (1-65535)")
    _check_port_free(args.host, args.port)
    integrations = _integrations(args)
    admin = AdminConfig.from_env() if args.admin else None
    if args.admin and admin is None:
        raise ConnectorError(
            "--admin needs CHANNEL_CONNECTORS_ADMIN_TOKEN (or _ADMIN_USER and _ADMIN_PASSWORD) in the environment"
        )
    to_host = host_receives_orders(args, integrations)
    folder = None if to_host else orders_folder(args)
    sink = InProcessSink(integrations, None if folder is None else JsonLinesOrders(folder))
    base_url = args.base_url or f"http://{args.host}:{args.port}"
    app = create_app(integrations, base_url=base_url, admin=admin, sink=sink)
    print(f"serving on http://{args.host}:{args.port} (public address {app.state.base_url})")
    where = "the host plugins' order_pages_ready" if folder is None else f"{folder}/INTEGRATION_ID.jsonl"
    print(f"imported orders (Pull now, webhooks): {where} (--orders-to DIR)", flush=True)
    # No access log: callback queries carry auth codes and connect-link paths are bearer tokens.
    server = uvicorn.Server(
        uvicorn.Config(app, host=args.host, port=args.port, access_log=False, log_level="warning")
    )
    try:
        server.run()
    finally:
        sink.close()
    # uvicorn stops gracefully on Ctrl-C and re-raises it only where SIGINT is not ignored: say 130 either way.
    return 130 if signal.SIGINT in getattr(server, "_captured_signals", ()) else 0


def cmd_connect_link(args: argparse.Namespace) -> int:
    _require_web()
    from ..web import create_connect_link, extend_connect_link

    integrations = _integrations(args)
    if args.extend:
        link = extend_connect_link(integrations, args.extend, args.days)
        if link.integration_id != args.integration:
            raise ConnectorError(
                f"that link belongs to integration {link.integration_id}, not {args.integration}"
            )
        if args.json:
            print_json(
                {
                    "integration": link.integration_id,
                    "renewed": f"…{link.token_hint}",
                    "expires_at": link.expires_at.isoformat(),
                }
            )
        else:
            print(f"link …{link.token_hint} renewed: valid until {link.expires_at:%Y-%m-%d %H:%M} UTC")
        return 0
    purpose = "renew" if args.renew else "connect"
    url = create_connect_link(
        integrations, args.integration, args.days, base_url=args.base_url, purpose=purpose
    )
    if args.json:
        print_json({"integration": args.integration, "url": url, "purpose": purpose, "days": args.days})
    else:
        print(url)
    return 0


def register(sub: Any) -> None:
    """Add `serve` and `connect-link` to the CLI's subcommands."""
    base_help = "the public address sellers reach (default $CHANNEL_CONNECTORS_BASE_URL or http://HOST:PORT)"

    p = add_command(
        sub,
        "serve",
        "run the web endpoints (callbacks, webhooks, connect links, admin) under uvicorn",
        examples=[
            "channel-connectors serve --port 8000 --base-url https://connect.example.com",
            "channel-connectors serve --admin   # beside `channel-connectors emulator`: Connect works as is",
            "channel-connectors serve --admin --orders-to ./orders   # admin credentials from the environment",
        ],
        parents=[store_options()],
    )
    p.add_argument("--host", default="127.0.0.1", help="address to listen on")
    p.add_argument(
        "--port",
        type=port,
        default=SERVE_PORT,
        help="port to listen on: the default is the port of the emulator's default redirect URL, so the "
        "consent page comes back here (and `connect` hands over to serve when it runs)",
    )
    p.add_argument("--base-url", help=base_help)
    p.add_argument("--admin", action="store_true", help="serve /admin (credentials from the environment)")
    p.add_argument(
        "--orders-to",
        metavar="DIR",
        help="append imported orders as JSON Lines, one file per integration, here (default: the folder "
        "`orders` in the home folder)",
    )
    p.set_defaults(handler=cmd_serve)

    p = add_command(
        sub,
        "connect-link",
        "create a link a seller opens to authorize an integration",
        examples=[
            "channel-connectors connect-link ID --days 14",
            "channel-connectors connect-link ID --renew",
            "channel-connectors connect-link ID --extend https://connect.example.com/connect/TOKEN",
        ],
        parents=[store_options()],
    )
    p.add_argument("integration", help="the integration's id, as `integrations list` shows it")
    p.add_argument("--days", type=int, default=30, help="how long the link stays valid (at most 365 days)")
    p.add_argument("--renew", action="store_true", help="a renewal link, for an authorization about to end")
    p.add_argument(
        "--extend", metavar="LINK", help="renew this existing link (URL or token) instead of a new one"
    )
    p.add_argument("--base-url", help="the public address of `serve` (default $CHANNEL_CONNECTORS_BASE_URL)")
    p.add_argument("--json", action="store_true", help="print the link as JSON (shape: docs/cli.md)")
    p.set_defaults(handler=cmd_connect_link)
