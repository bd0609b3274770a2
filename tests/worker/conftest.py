"""Fixtures for the worker tests: Redis, a store (PostgreSQL when configured, else SQLite), the emulator,
a connected integration, and real worker processes with the test host's plugin."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("celery", reason="the worker tests need the [worker] extra")

from cryptography.fernet import Fernet
from host_plugin import ORDERS_DIR_ENV
from postgres_support import URL_ENV as POSTGRES_URL_ENV
from postgres_support import fresh_schema
from worker_support import HERE, Workers, flush, redis_server

from tiktok_shop_emulator import EmulatorConfig, TikTokShopEmulator


@pytest.fixture(scope="session")
def redis_session_url() -> Iterator[str]:
    with redis_server() as url:
        yield url


@pytest.fixture
def redis_url(redis_session_url: str) -> str:
    flush(redis_session_url)
    return redis_session_url


@pytest.fixture
def emu() -> Iterator[TikTokShopEmulator]:
    with TikTokShopEmulator(EmulatorConfig(orders=60, seed=5)) as emulator:
        yield emulator


@pytest.fixture
def store_location(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """PostgreSQL (a fresh schema) when CHANNEL_CONNECTORS_TEST_POSTGRES_URL is set, else an SQLite file;
    the key is in the environment so the worker processes open the same sealed secrets."""
    monkeypatch.setenv("CHANNEL_CONNECTORS_KEY", Fernet.generate_key().decode())
    server = os.environ.get(POSTGRES_URL_ENV, "").strip()
    if not server:
        yield f"sqlite://{tmp_path / 'store.sqlite3'}"
        return
    with fresh_schema(server) as url:
        yield url


@pytest.fixture
def orders_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "received"
    folder.mkdir()
    monkeypatch.setenv(ORDERS_DIR_ENV, str(folder))
    return folder


@pytest.fixture
def worker_env(redis_url: str, store_location: str, orders_dir: Path) -> dict[str, str]:
    """The environment a worker process (and this test's Celery client) runs with."""
    env = dict(os.environ)
    env.update(
        {
            "CHANNEL_CONNECTORS_BROKER_URL": redis_url,
            "CHANNEL_CONNECTORS_DATABASE_URL": store_location,
            "CHANNEL_CONNECTORS_HOST_PLUGINS": "host_plugin",
            ORDERS_DIR_ENV: str(orders_dir),
            "PYTHONPATH": os.pathsep.join([str(HERE), env.get("PYTHONPATH", "")]).rstrip(os.pathsep),
        }
    )
    return env


@pytest.fixture
def workers(worker_env: dict[str, str], tmp_path: Path) -> Iterator[Workers]:
    folder = tmp_path / "worker-logs"
    folder.mkdir()
    running = Workers(worker_env, folder)
    yield running
    running.stop()
