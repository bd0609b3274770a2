"""`channel-connectors serve` and `channel-connectors connect-link`: the web runtime from the command line.

Both need the `[web]` extra; without it they say so in one line (the rest of the CLI works regardless,
which is why nothing here imports Starlette before a command runs).
"""

from __future__ import annotations

import argparse
import logging
from pathlib import Path
from typing import Any

from ..errors import ConnectorError
from ..integration import Integrations
from .parsing import add_command, port
from .session import open_integrations, store_options

log = logging.getLogger("connector_core.cli.serving")

WEB_EXTRA = "pip install 'channel-connectors[web]'"


def _require_web() -> None:
    try:
        import starlette  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError as exc:
        raise ConnectorError(
            f"this command needs the web extra ({exc.name} is missing): {WEB_EXTRA}"
        ) from None


def _integrations(args: argparse.Namespace) -> Integrations:
    return open_integrations(args)


def cmd_serve(args: argparse.Namespace) -> int:
    _require_web()
    import uvicorn

    from ..web import AdminConfig, InProcessSink, JsonLinesOrders, create_app

    if args.port == 0:
        raise ConnectorError("--port 0: give the port sellers' browsers and the channel will reach (1-65535)")
    integrations = _integrations(args)
    admin = AdminConfig.from_env() if args.admin else None
    if args.admin and admin is None:
        raise ConnectorError(
            "--admin needs CHANNEL_CONNECTORS_ADMIN_TOKEN (or _ADMIN_USER and _ADMIN_PASSWORD) in the environment"
        )
    on_orders = JsonLinesOrders(Path(args.orders_to)) if args.orders_to else None
    sink = InProcessSink(integrations, on_orders)
    base_url = args.base_url or f"http://{args.host}:{args.port}"
    app = create_app(integrations, base_url=base_url, admin=admin, sink=sink)
    print(f"serving on http://{args.host}:{args.port} (public address {app.state.base_url})", flush=True)
    try:
        # No access log: callback queries carry auth codes and connect-link paths are bearer tokens.
        uvicorn.run(app, host=args.host, port=args.port, access_log=False, log_level="warning")
    finally:
        sink.close()
    return 0


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
        print(f"link …{link.token_hint} renewed: valid until {link.expires_at:%Y-%m-%d %H:%M} UTC")
        return 0
    purpose = "renew" if args.renew else "connect"
    url = create_connect_link(
        integrations, args.integration, args.days, base_url=args.base_url, purpose=purpose
    )
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
            "channel-connectors serve --admin --orders-to ./orders   # admin credentials from the environment",
        ],
        parents=[store_options()],
    )
    p.add_argument("--host", default="127.0.0.1", help="address to listen on")
    p.add_argument("--port", type=port, default=8000, help="port to listen on")
    p.add_argument("--base-url", help=base_help)
    p.add_argument("--admin", action="store_true", help="serve /admin (credentials from the environment)")
    p.add_argument(
        "--orders-to", metavar="DIR", help="append imported orders as JSON Lines per integration here"
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
    p.set_defaults(handler=cmd_connect_link)
