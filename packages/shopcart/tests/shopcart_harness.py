"""What the ShopCart suites share: the recorded world, the emulator's credentials, skipping when the
distribution is not installed (its entry point is how the framework finds the connector)."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, distribution

import pytest


def require_installed() -> None:
    try:
        distribution("channel-connectors-shopcart")
    except PackageNotFoundError:
        pytest.skip(
            "the ShopCart distribution is not installed: pip install -e '.[test]' -e packages/shopcart",
            allow_module_level=True,
        )


require_installed()  # before importing the emulator: it comes with the distribution

from shopcart_emulator import CLIENT_ID, CLIENT_SECRET, EmulatorConfig, ShopCartEmulator  # noqa: E402

SEED = 7
ORDERS = 80  # 50 a page: two pages in the 30-day window
START_TIME = 1767225600  # 2026-01-01T00:00:00Z
ALIAS = "http://shop.shopcart-emulator.invalid"

__all__ = [
    "ALIAS",
    "CLIENT_ID",
    "CLIENT_SECRET",
    "ORDERS",
    "SEED",
    "START_TIME",
    "ShopCartEmulator",
    "config",
    "form",
]


def config() -> EmulatorConfig:
    return EmulatorConfig(seed=SEED, orders=ORDERS, start_time=START_TIME)


def form(emu: ShopCartEmulator) -> dict[str, str]:
    return {"shop_url": emu.base_url, "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}
