"""The world the TikTok Shop contract suite records against: the emulator pinned (seed, order count,
start time, a stopped clock), the stable host names its cassettes use, the environment the live target
reads (`LIVE_ENV`, documented in docs/contract-testing.md), and TikTok's webhook signature written again.
Change nothing here without re-recording the cassettes."""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest

from tiktok_shop_emulator import EmulatorConfig, TikTokShopEmulator

REPO = Path(__file__).resolve().parents[2]
CASSETTES = REPO / "cassettes" / "tiktok_shop"

# The recorded world: 315 orders over 30 days -> 105 in the GB shop -> two pages of the order search.
START_TIME = 1767225600  # 2026-01-01T00:00:00Z: the emulator's clock, stopped, and the connector's
SEED = 7
ORDERS = 315
SHOP_REGION = "GB"
CARRIER = "Royal Mail"
TRACKING_NUMBER = "RM100000001GB"
STOCK_QUANTITIES = (7, 11, 13)

# Stable names for the emulator's two loopback hosts (their ports change every run); `.invalid` never
# resolves, so a replay that escaped the cassette could not reach anything either.
API_ALIAS = "http://open-api.tiktok-emulator.invalid"
AUTH_ALIAS = "http://auth.tiktok-emulator.invalid"

LIVE_ENV = {
    "TIKTOK_SHOP_APP_KEY": "App Key of your Partner Center app (required)",
    "TIKTOK_SHOP_APP_SECRET": "App Secret (required)",
    "TIKTOK_SHOP_ACCESS_TOKEN": "a valid access token of a test seller (required)",
    "TIKTOK_SHOP_REFRESH_TOKEN": "its refresh token (required)",
    "TIKTOK_SHOP_ACCESS_TOKEN_EXPIRES_AT": "Unix seconds (optional; default: one hour from now)",
    "TIKTOK_SHOP_REFRESH_TOKEN_EXPIRES_AT": "Unix seconds (optional; default: 30 days from now)",
    "TIKTOK_SHOP_SHOP_CIPHER": "cipher of the shop to use (optional; default: the first authorized shop)",
    "TIKTOK_SHOP_SERVICE_ID": "Service ID for the consent page (optional)",
    "TIKTOK_SHOP_REGION": "non_us (default) or us",
    "TIKTOK_SHOP_BASE_URL": "Open API host override (optional; for a proxy or a stand-in)",
    "TIKTOK_SHOP_AUTH_BASE_URL": "token host override (optional)",
    "TIKTOK_SHOP_AUTH_CODE": "a fresh auth code, for test_connect (optional; skipped without it)",
    "TIKTOK_SHOP_ORDERS_SINCE": "ISO date the order import starts at (optional; default 30 days ago)",
    "TIKTOK_SHOP_STOCK_SKU": "a seller SKU whose stock the suite may set (optional; a real write)",
    "TIKTOK_SHOP_STOCK_QUANTITY": "the quantity to set it to (required with TIKTOK_SHOP_STOCK_SKU)",
    "TIKTOK_SHOP_SHIP_ORDER_ID": "a Seller Shipping order awaiting shipment (optional; a real write)",
    "TIKTOK_SHOP_CARRIER": "a carrier TikTok offers for that order (required with the order id)",
    "TIKTOK_SHOP_TRACKING_NUMBER": "its tracking number (required with the order id)",
    "TIKTOK_SHOP_WEBHOOK_ORDER_ID": "an order id for the webhook test (optional; default: the ship order)",
}


def emulator_config(**overrides: Any) -> EmulatorConfig:
    """The recorded world. Change nothing here without re-recording (docs/contract-testing.md)."""
    settings: dict[str, Any] = {
        "orders": ORDERS,
        "seed": SEED,
        "start_time": START_TIME,
        "webhook_retry_delays": (0.05,),
    }
    settings.update(overrides)
    return EmulatorConfig(**settings)


def stop_clock(emu: TikTokShopEmulator) -> None:
    """Stop the emulator's clock at its start (it otherwise runs with real time), keeping `advance()`.

    With it stopped, every time the emulator writes (token expiries, ship times, request-id stamps) is the
    same on every recording.
    """
    clock = emu.clock
    start = float(clock.start)
    clock.time = lambda: start + clock._offset  # type: ignore[method-assign]


def tiktok_webhook_signature(app_key: str, app_secret: str, body: bytes) -> str:
    """reference.md#webhook-signature, written again for the test: hex HMAC-SHA256(app_secret, app_key + raw body)."""
    return hmac.new(app_secret.encode(), app_key.encode() + body, hashlib.sha256).hexdigest()


def query_params(url: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(url).query))


@dataclass(frozen=True)
class LiveTikTok:
    """The real TikTok Shop, reached with credentials from the environment."""

    env: Mapping[str, str]

    @classmethod
    def from_environment(cls) -> LiveTikTok:
        required = [
            "TIKTOK_SHOP_APP_KEY",
            "TIKTOK_SHOP_APP_SECRET",
            "TIKTOK_SHOP_ACCESS_TOKEN",
            "TIKTOK_SHOP_REFRESH_TOKEN",
        ]
        missing = [name for name in required if not os.environ.get(name)]
        if missing:
            pytest.skip(f"--channel-target=live needs {', '.join(missing)} in the environment")
        return cls({k: v for k, v in os.environ.items() if k.startswith("TIKTOK_SHOP_")})

    def get(self, name: str, what: str) -> str:
        value = self.env.get(name)
        if not value:
            pytest.skip(f"recording {what} live needs {name} ({LIVE_ENV.get(name, '')})")
        return value
