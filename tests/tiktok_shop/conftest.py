"""Fixtures for the TikTok connector's tests: the reference samples, and contexts without a network."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from connector_core import (
    ConnectorContext,
    ConnectorHost,
    Credentials,
    HttpClient,
    Integration,
    Integrations,
    OffsetClock,
    SQLiteStore,
    SystemClock,
)
from connectors.tiktok_shop.devtools import emulator_form
from tiktok_shop_emulator import EmulatorConfig, TikTokShopEmulator

SAMPLES = Path(__file__).resolve().parents[1] / "samples" / "tiktok_shop"


def load_sample(name: str) -> Any:
    """A sample payload from tests/samples/tiktok_shop/."""
    return json.loads((SAMPLES / name).read_text())


def load_sample_bytes(name: str) -> bytes:
    """A sample's exact bytes, without the trailing newline the files end with (not part of a signed body)."""
    return (SAMPLES / name).read_bytes().rstrip(b"\n")


@pytest.fixture
def sample():
    return load_sample


@pytest.fixture
def sample_bytes():
    return load_sample_bytes


@pytest.fixture
def offline_ctx() -> ConnectorContext:
    """A context for code paths that never reach the network (mapping, webhooks, URL building)."""
    return ConnectorContext(
        connector_id="tiktok_shop",
        integration_id="tiktok_shop-test",
        credentials=Credentials(
            {"environment": "production", "region": "non_us", "app_key": "testappkey", "service_id": "7000"},
            {"app_secret": "testsecret"},
        ),
        settings={},
        http=HttpClient("TikTok Shop"),
        clock=SystemClock(),
        log=logging.getLogger("test"),
    )


# --- a connected integration against the local emulator -------------------------------------------------


EPOCH = datetime(2000, 1, 1, tzinfo=timezone.utc)


@dataclass
class World:
    """An emulator, a store, and an integration connected to the emulator's GB shop."""

    emu: TikTokShopEmulator
    integrations: Integrations
    integration: Integration
    clock: OffsetClock

    def shop(self, region: str) -> dict[str, Any]:
        return next(s for s in self.emu.shops if s["region"] == region)

    def use_shop(self, region: str) -> None:
        self.integration.select_account(self.shop(region)["id"])
        self.integration = self.integrations.open(self.integration.id)

    def everything(self) -> list[Any]:
        """Every order of the selected shop, imported over the emulator's whole history."""
        now = self.clock.now() + timedelta(minutes=1)
        return [o for page in self.integration.pull_orders(EPOCH, now) for o in page.orders]


@pytest.fixture
def make_world(tmp_path: Path) -> Iterator[Any]:
    """`make_world(orders=..., settings=..., margin=..., form=..., **emulator_config)` -> a connected `World` (GB
    shop); `form` holds credential-form overrides (e.g. `{"version": "202507"}`)."""
    started: list[TikTokShopEmulator] = []

    def make(orders: int = 400, settings: dict[str, Any] | None = None, margin: timedelta | None = None,
             form: dict[str, Any] | None = None, **config: Any) -> World:  # fmt: skip
        emu = TikTokShopEmulator(
            EmulatorConfig(orders=orders, seed=config.pop("seed", 7), **config)
        ).__enter__()
        started.append(emu)
        clock = OffsetClock()
        store = SQLiteStore(tmp_path / f"store-{len(started)}.sqlite3", clock=clock)
        extra = {} if margin is None else {"token_margin": margin}
        integrations = Integrations(ConnectorHost().load(), store, clock=clock, **extra)
        all_settings = {"stock_sync": True, "import_unpaid_orders": True, **(settings or {})}
        record = integrations.create("tiktok_shop", emulator_form(emu, **(form or {})), all_settings)
        integration = integrations.open(record.id)
        integration.finish_connect({"code": emu.authorize(), "locale": "en", "shop_region": "GB"})
        world = World(emu, integrations, integration, clock)
        world.use_shop("GB")
        return world

    yield make
    for emu in started:
        emu.__exit__(None, None, None)
