"""Configuration of the TikTok Shop emulator: the app it pretends is registered, token lifetimes, and the world it seeds."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

# Test credentials of the emulated app. They are public on purpose: they only open this loopback emulator.
DEFAULT_APP_KEY = "6emu1atorttsk"
DEFAULT_APP_SECRET = hashlib.sha256(b"channel-connectors tiktok shop emulator").hexdigest()[:40]
DEFAULT_SERVICE_ID = "7390000000000000001"

DAY = 86400


@dataclass
class EmulatorConfig:
    """Everything that makes one emulated TikTok Shop world; every field has a working default.

    ``start_time`` is where the emulator clock starts (Unix seconds); ``None`` means the real current time,
    which lets a client that signs with the system clock pass the timestamp check. Orders' ``update_time``
    spreads over ``history_seconds`` before that start. ``skus_per_product`` gives every product exactly that
    many SKUs (``None``: the catalogue's own 2 to 4 variants), for stock-sync worlds of thousands of SKUs.
    """

    orders: int = 500
    seed: int = 1
    app_key: str = DEFAULT_APP_KEY
    app_secret: str = DEFAULT_APP_SECRET
    service_id: str = DEFAULT_SERVICE_ID
    redirect_uri: str | None = None
    auto_approve: bool = False
    rotate_refresh_tokens: bool = False
    access_token_ttl: int = 7 * DAY
    refresh_token_ttl: int = 365 * DAY
    auth_code_ttl: int = 600
    start_time: int | None = None
    history_seconds: int = 30 * DAY
    products_per_shop: int = 10
    skus_per_product: int | None = None
    seller_name: str = "Emulator Test Seller"
    seller_base_region: str = "GB"
    timestamp_max_age: int = 300
    timestamp_max_ahead: int = 30
    webhook_retry_delays: tuple[float, ...] = (0.5, 2.0, 5.0)
    webhook_timeout: float = 5.0

    def __post_init__(self) -> None:
        if self.orders < 0:
            raise ValueError("orders must be >= 0")
        if self.access_token_ttl <= 0 or self.refresh_token_ttl <= 0 or self.auth_code_ttl <= 0:
            raise ValueError("token and code lifetimes must be positive")
        if self.history_seconds <= 0:
            raise ValueError("history_seconds must be positive")
        if not 1 <= self.products_per_shop <= 5000:
            raise ValueError("products_per_shop must be between 1 and 5000")
        if self.skus_per_product is not None and not 1 <= self.skus_per_product <= 99:
            raise ValueError("skus_per_product must be between 1 and 99")
