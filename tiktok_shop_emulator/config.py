"""Configuration of the TikTok Shop emulator: the app it pretends is registered, token lifetimes, and the world it seeds."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

# Test credentials of the emulated app. They are public on purpose: they only open this loopback emulator.
DEFAULT_APP_KEY = "6emu1atorttsk"
DEFAULT_APP_SECRET = hashlib.sha256(b"channel-connectors tiktok shop emulator").hexdigest()[:40]
DEFAULT_SERVICE_ID = "7390000000000000001"

DAY = 86400
RATE_PROFILES = ("off", "tiktok", "sandbox")


@dataclass(frozen=True)
class AppSpec:
    """One registered app: what a host puts in its credential form."""

    key: str
    secret: str
    service_id: str


def extra_app(seed: int, number: int) -> AppSpec:
    """App ``number`` (1 and up) beside the configured one, derived from the seed: public test values."""
    digest = hashlib.sha256(f"channel-connectors emulator app {seed} {number}".encode()).hexdigest()
    return AppSpec(f"6emu{digest[:9]}", digest[9:49], str(7390000000000000001 + number))


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
    # --- many sellers, many apps, TikTok's rate limits (docs: tiktok_shop_emulator/README.md#many-sellers) ---
    sellers: int = 1
    """Seller 0 is the world above (three shops, ``orders``); sellers 1.. have 1-3 shops each, built from the
    seed only when first used, so 100,000 of them cost nothing until a call names one."""
    orders_per_seller: int = 0
    seller_orders: dict[int, int] = field(default_factory=dict)
    """Orders of particular sellers (1 and up), overriding ``orders_per_seller``: a busy seller's backfill."""
    apps: int = 1
    """How many apps are registered: app 0 is ``app_key``/``app_secret``; the others derive from the seed."""
    rate_limits: str = "off"
    """"tiktok": ``shop_rps`` calls per second per (app, shop, path), HTTP 429 / 36009002; "sandbox":
    ``sandbox_calls_per_hour`` per (app, shop) per clock hour, 429 / 36009037; "off": none (faults only)."""
    shop_rps: float = 50.0
    sandbox_calls_per_hour: int = 1000
    app_rps: float | None = None
    """An app-wide ceiling per second across every shop (any profile); None: none, as TikTok documents."""

    def __post_init__(self) -> None:
        self.seller_orders = {int(k): int(v) for k, v in self.seller_orders.items()}  # JSON keys are text
        if self.sellers < 1 or self.apps < 1:
            raise ValueError("sellers and apps must be >= 1")
        if self.orders_per_seller < 0 or any(v < 0 for v in self.seller_orders.values()):
            raise ValueError("orders_per_seller and seller_orders must be >= 0")
        if self.rate_limits not in RATE_PROFILES:
            raise ValueError(f"rate_limits must be one of {', '.join(RATE_PROFILES)}")
        if self.shop_rps <= 0 or self.sandbox_calls_per_hour <= 0 or (self.app_rps or 1) <= 0:
            raise ValueError("rate limits must be positive")
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

    def orders_of(self, seller: int) -> int:
        """How many orders seller ``seller`` has."""
        if seller == 0:
            return self.orders
        return self.seller_orders.get(seller, self.orders_per_seller)

    def app_specs(self) -> tuple[AppSpec, ...]:
        """Every registered app, app 0 first."""
        first = AppSpec(self.app_key, self.app_secret, self.service_id)
        return (first, *(extra_app(self.seed, n) for n in range(1, self.apps)))
