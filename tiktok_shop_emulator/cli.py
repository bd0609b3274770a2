"""``channel-connectors emulator`` / ``python -m tiktok_shop_emulator``: serve until Ctrl-C."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from collections.abc import Callable
from typing import TextIO

from tiktok_shop_emulator.config import EmulatorConfig
from tiktok_shop_emulator.emulator import TikTokShopEmulator

DEFAULT_PORT = 8770
# Where an OAuth client on this machine most likely waits (a loopback callback server on port 8765, TikTok's
# conventional path), so the consent page redirects there out of the box.
DEFAULT_REDIRECT_URI = "http://127.0.0.1:8765/tiktok/auth/callback"

ReadyHook = Callable[["TikTokShopEmulator", TextIO], None]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="channel-connectors emulator",
        description="Run a local TikTok Shop Open API emulator on 127.0.0.1.",
    )
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help="Open API port (0 = any free port)")
    parser.add_argument("--auth-port", type=int, default=None, help="auth host port (default: port + 1)")
    parser.add_argument("--orders", type=int, default=500, help="number of seeded orders")
    parser.add_argument("--seed", type=int, default=1, help="world seed")
    parser.add_argument(
        "--rotate-refresh-tokens", action="store_true", help="issue a new refresh token on refresh"
    )
    parser.add_argument("--auto-approve", action="store_true", help="consent page redirects without a click")
    parser.add_argument(
        "--redirect-uri",
        default=DEFAULT_REDIRECT_URI,
        help=f'the app\'s registered redirect URL (default {DEFAULT_REDIRECT_URI}; "" for none: the consent '
        "page then shows the code)",
    )
    parser.add_argument(
        "--start-time", type=int, default=None, help="emulator clock start (Unix s; default now)"
    )
    parser.add_argument("--verbose", action="store_true", help="log every request (paths and codes only)")
    return parser


def describe(emu: TikTokShopEmulator, out: TextIO) -> None:
    """Print the URLs, the test credentials and the shops."""
    lines = [
        f"TikTok Shop emulator ({emu.config.orders} orders, seed {emu.config.seed})",
        f"  Open API base URL : {emu.api_base_url}",
        f"  Auth/token host   : {emu.auth_base_url}",
        f"  Consent page      : {emu.consent_base_url}/open/authorize?service_id={emu.config.service_id}&state=...",
        f"  Control endpoint  : {emu.control_url}",
        "Test credentials (they only open this emulator):",
        f"  app_key    = {emu.config.app_key}",
        f"  app_secret = {emu.config.app_secret}",
        f"  service_id = {emu.config.service_id}",
        "Shops:",
        *(f"  {s['region']}  {s['name']:<24} cipher={s['cipher']}" for s in emu.shops),
        f"  Consent redirects to: {emu.config.redirect_uri or '(none: the page shows the code)'}",
    ]
    out.write("\n".join(lines) + "\n")
    out.flush()


def main(argv: list[str] | None = None, on_ready: ReadyHook | None = None) -> int:
    """Parse arguments, serve until interrupted, return the exit status. `on_ready(emulator, stdout)` may
    print more once it listens (a client's own next steps)."""
    return serve(build_parser().parse_args(argv), on_ready)


def serve(args: argparse.Namespace, on_ready: ReadyHook | None = None) -> int:
    """Serve with already-parsed options (`channel-connectors emulator` parses them with this module's parser)."""
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(message)s",
    )
    config = EmulatorConfig(
        orders=args.orders,
        seed=args.seed,
        rotate_refresh_tokens=args.rotate_refresh_tokens,
        auto_approve=args.auto_approve,
        redirect_uri=args.redirect_uri or None,
        start_time=args.start_time,
    )
    auth_port = args.auth_port if args.auth_port is not None else (args.port + 1 if args.port else 0)
    stop = threading.Event()
    previous = signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        with TikTokShopEmulator(config, port=args.port, auth_port=auth_port) as emu:
            describe(emu, sys.stdout)
            if on_ready is not None:
                on_ready(emu, sys.stdout)
            sys.stdout.write("Press Ctrl-C to stop.\n")
            sys.stdout.flush()
            while not stop.wait(0.5):
                pass
    except KeyboardInterrupt:
        return 130  # the shell's convention for Ctrl-C (128 + SIGINT), as every channel-connectors command
    except OSError as exc:
        sys.stderr.write(f"cannot start the emulator: {exc}\n")
        return 1
    finally:
        signal.signal(signal.SIGTERM, previous)
    return 0
