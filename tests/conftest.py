"""Fixtures every test directory shares."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from postgres_support import fresh_schema, postgres_url


@pytest.fixture(autouse=True)
def restore_root_logging() -> Iterator[None]:
    """`channel-connectors` configures the root logger for a terminal; put pytest's handlers back afterwards."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


@pytest.fixture(autouse=True)
def private_data_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test writes into the machine's real data folder: a store opened without a path lands here.

    Tests that want their own home set CHANNEL_CONNECTORS_HOME themselves; this only fills the gap."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path_factory.mktemp("xdg-data")))


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[str]:
    """An empty store on each backend, as the URL a host (or a child process) opens with `open_store`.

    The key comes from the environment so child processes open the same sealed secrets."""
    monkeypatch.setenv("CHANNEL_CONNECTORS_KEY", Fernet.generate_key().decode())
    if request.param == "sqlite":
        yield f"sqlite://{tmp_path / 'store.sqlite3'}"
        return
    with fresh_schema(postgres_url()) as url:
        yield url
