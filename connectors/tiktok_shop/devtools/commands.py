"""The commands the TikTok Shop connector adds to `channel-connectors`: `demo` and `emulator`.

Registered through the `channel_connectors.commands` entry point. Registering imports neither the demo nor the
emulator: each handler imports its module when the command runs, so `channel-connectors --help` stays fast.
"""

from __future__ import annotations

import argparse
import json
import shlex
from typing import Any, TextIO
from urllib.parse import urlsplit

CALLBACK_PATH = "/tiktok/auth/callback"  # the connector's manifest callback_path


def _run_demo(args: argparse.Namespace) -> int:
    from .demo import run

    return run(args)


def _run_emulator(args: argparse.Namespace) -> int:
    # The emulator owns its options; everything after `emulator` is handed to its own parser, so
    # `channel-connectors emulator --help` shows them without this module knowing them.
    from tiktok_shop_emulator.cli import main

    return main(list(args.passthrough), on_ready=print_connect_steps)


def connect_command(redirect_uri: str | None) -> str:
    """The `connect` line that meets an emulator redirecting to `redirect_uri`."""
    parts = urlsplit(redirect_uri or "")
    if parts.hostname in {"127.0.0.1", "localhost"} and parts.path == CALLBACK_PATH:
        port = parts.port or 80
        return "channel-connectors connect ID" + ("" if port == 8765 else f" --port {port}")
    return "channel-connectors connect ID --code CODE    # CODE: shown on the consent page"


def print_connect_steps(emulator: Any, out: TextIO) -> None:
    """After the emulator's own description: the exact commands that take the connector from nothing to
    pulled orders, pushed stock and a confirmed shipment against it (GB shop; Royal Mail is one of its
    carriers, and its tracking numbers look like RM123456789GB)."""
    from .emulator_form import emulator_form

    form = json.dumps(emulator_form(emulator), separators=(",", ":"))
    gb = next((s for s in emulator.shops if s["region"] == "GB"), emulator.shops[0])
    sku = emulator.seller_skus(shop_cipher=gb["cipher"])[0]
    awaiting = emulator.order_ids(
        status="AWAITING_SHIPMENT", shop_cipher=gb["cipher"], shipping_type="SELLER"
    )
    lines = [
        "Use it with the TikTok Shop connector, in another terminal (ID: printed by `integrations add`):",
        f"  echo {shlex.quote(form)} > emulator-creds.json",
        "  channel-connectors integrations add tiktok_shop --file emulator-creds.json",
        f"  {connect_command(emulator.config.redirect_uri)}    # open the printed URL and approve",
        "  echo '{\"stock_sync\": true}' > settings.json",
        f"  channel-connectors integrations update ID --shop {gb['id']} --settings settings.json",
        "  channel-connectors pull-orders ID --since 2000-01-01 --output orders.jsonl",
        f"  printf 'sku,quantity\\n{sku},5\\n' > stock.csv",
        "  channel-connectors push-stock ID stock.csv",
    ]
    if awaiting:
        lines.append(
            f"  channel-connectors confirm-shipment ID --order {awaiting[0]} --tracking RM123456789GB "
            "--carrier 'Royal Mail'"
        )
    if connect_command(emulator.config.redirect_uri).endswith("connect ID"):
        # serve listens on that same default port: the browser path comes back to it after consent.
        lines.append(
            "Or in the browser: CHANNEL_CONNECTORS_ADMIN_TOKEN=choose-one channel-connectors serve --admin, then "
            "open http://127.0.0.1:8765/admin (Connect, connect links and Pull now work against this emulator)"
        )
    out.write("\n".join(lines) + "\n")


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1 (got {value})")
    return value


def register(sub: Any) -> None:
    """Add `demo` and `emulator` to the `channel-connectors` command line."""
    demo = sub.add_parser(
        "demo",
        help="run every flow end to end against the local TikTok Shop emulator",
        description="Start the TikTok Shop emulator on 127.0.0.1 and run every flow against it: the credential "
        "form, Connect, order import, stock push, shipment confirmation, token refresh.",
        epilog="examples:\n  channel-connectors demo\n  channel-connectors demo --orders 300 --home ./demo-store",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    demo.add_argument(
        "--orders",
        type=_positive,
        default=2000,
        help="how many orders the emulated shops hold (default 2000)",
    )
    demo.add_argument("--seed", type=int, default=7, help="the emulated world's seed (default 7)")
    demo.add_argument(
        "--home",
        help="the folder for the demo's store, created if absent (default: a new folder under the data home)",
    )
    demo.add_argument(
        "--database-url",
        help="the store: sqlite:///path or postgresql://user@host:port/db "
        "(default $CHANNEL_CONNECTORS_DATABASE_URL, else SQLite in the store directory)",
    )
    demo.set_defaults(handler=_run_demo)

    emulator = sub.add_parser(
        "emulator",
        add_help=False,
        help="serve the local TikTok Shop emulator on loopback until Ctrl-C (--help for its options)",
        description="Serve the local TikTok Shop emulator; every option is the emulator's own.",
    )
    emulator.set_defaults(handler=_run_emulator, passthrough=[])
