"""Redis and real `celery worker` processes for the worker tests.

Redis: `CHANNEL_CONNECTORS_TEST_REDIS_URL` (CI's .ci/redis.sh sets it); else a throw-away `redis-server`
started here on a free loopback port when the binary is installed; else the tests skip and say why, or
fail when `CHANNEL_CONNECTORS_REQUIRE_REDIS=1`. The processes themselves are connector_core.testing's
(celery_workers, redis_server), which the worker benchmarks start too; this module adds the tests' skips.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

import pytest

from connector_core import ConnectorHost, Integration, Integrations
from connector_core.store import open_store
from connector_core.testing.celery_workers import CeleryWorkers, start_beat
from connector_core.testing.local_processes import stop_process_group
from connector_core.testing.redis_server import RedisServer, flush, private_redis, redis_binary
from connectors.tiktok_shop.devtools import emulator_form
from tiktok_shop_emulator import TikTokShopEmulator

__all__ = [
    "HERE",
    "PrivateRedis",
    "Workers",
    "connect",
    "flush",
    "redis_server",
    "start_beat",
    "stop_process",
]

REDIS_URL_ENV = "CHANNEL_CONNECTORS_TEST_REDIS_URL"
REQUIRE_REDIS_ENV = "CHANNEL_CONNECTORS_REQUIRE_REDIS"
HERE = Path(__file__).resolve().parent
DAY = 86400

Workers = CeleryWorkers
"""`celery worker` processes, each one process (solo pool) unless asked otherwise, stopped by pid."""
stop_process = stop_process_group


@contextmanager
def redis_server() -> Iterator[str]:
    """A Redis URL: the configured one, or a redis-server of our own for the session."""
    url = os.environ.get(REDIS_URL_ENV, "").strip()
    if url:
        yield url
        return
    if redis_binary() is None:
        reason = f"no Redis: set {REDIS_URL_ENV} or install redis-server (apt-get install -y redis-server)"
        if os.environ.get(REQUIRE_REDIS_ENV) == "1":
            pytest.fail(f"{REQUIRE_REDIS_ENV}=1 but {reason}", pytrace=False)
        pytest.skip(reason)
    with private_redis() as own:
        yield own


def connect(emu: TikTokShopEmulator, location: str, integrations: Integrations | None = None) -> Integration:
    """A new integration, authorized, with the GB shop selected; its first import covers every order."""
    integrations = integrations or Integrations(ConnectorHost().load(), open_store(location))
    oldest = emu.clock.start - emu.config.history_seconds - DAY
    since = datetime.fromtimestamp(oldest, tz=timezone.utc).date().isoformat()
    record = integrations.create(
        "tiktok_shop",
        emulator_form(emu),
        {"import_unpaid_orders": True, "import_orders_since": since, "stock_sync": True},
    )
    integration = integrations.open(record.id)
    integration.finish_connect({"code": emu.authorize()})
    cipher = next(shop["cipher"] for shop in emu.shops if shop["region"] == "GB")
    account = next(a for a in integration.store.list_accounts(integration.id) if a.selector == cipher)
    integration.select_account(account.id)
    return integrations.open(record.id)


class PrivateRedis(RedisServer):
    """A redis-server of this test's own on a free loopback port (never the shared one), which the test may
    stall (SIGSTOP), resume, restart or empty; stopped by its pid when the test ends."""

    def __init__(self, folder: Path) -> None:
        if redis_binary() is None:
            pytest.skip(
                "these tests stop and restart Redis: install redis-server (apt-get install -y redis-server)"
            )
        super().__init__(folder)
