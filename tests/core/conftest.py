"""Fixtures for the core's tests: an isolated environment, a store, a loopback HTTP server, and the fake
channel with its connector double (both in fake_connector.py, imported through core_support), wired into
a host and integrations."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from core_support import (
    EMPTY_GROUP,
    FAKE_APP_SECRET,
    FAKE_CREDENTIALS_SCHEMA,
    FAKE_ID,
    FAKE_SETTINGS_SCHEMA,
    GOOD_CREDENTIALS,
    FakeChannel,
    FakeConnector,
    ScriptedServer,
)

from connector_core import (
    ConnectorContext,
    ConnectorHost,
    Integrations,
    OffsetClock,
    SQLiteStore,
)
from connector_core.credentials import Credentials
from connector_core.http import HttpClient

# --- environment ---------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def isolated_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test reads the developer's key, store or connector selection, or writes into the work tree."""
    for name in (
        "CHANNEL_CONNECTORS_KEY",
        "CHANNEL_CONNECTORS_STRICT",
        "CHANNEL_CONNECTORS_LOAD",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("CHANNEL_CONNECTORS_HOME", str(tmp_path / "home"))


@pytest.fixture
def clock() -> OffsetClock:
    return OffsetClock()


@pytest.fixture
def store(tmp_path: Path, clock: OffsetClock) -> Iterator[SQLiteStore]:
    db = SQLiteStore(tmp_path / "store.sqlite3", clock=clock)
    yield db
    db.close()


# --- a real HTTP server on the loopback interface -------------------------------------------------------


@pytest.fixture
def http_server() -> Iterator[ScriptedServer]:
    server = ScriptedServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def sleeps() -> list[float]:
    """Delays an HttpClient asked for; pass `sleep=sleeps.append` so retries do not really wait."""
    return []


# --- the fake channel and its connector -----------------------------------------------------------------


@pytest.fixture
def fake_schema_dir(tmp_path: Path) -> Path:
    directory = tmp_path / "fake_schemas"
    directory.mkdir()
    (directory / "credentials.schema.json").write_text(json.dumps(FAKE_CREDENTIALS_SCHEMA))
    (directory / "settings.schema.json").write_text(json.dumps(FAKE_SETTINGS_SCHEMA))
    return directory


@pytest.fixture
def channel() -> FakeChannel:
    return FakeChannel()


@pytest.fixture
def fake_connector(channel: FakeChannel, fake_schema_dir: Path) -> FakeConnector:
    return FakeConnector(channel, fake_schema_dir)


@pytest.fixture
def fake_host(fake_connector: FakeConnector) -> ConnectorHost:
    host = ConnectorHost(group=EMPTY_GROUP, environ={})
    host.add(FAKE_ID, fake_connector)
    return host


@pytest.fixture
def integrations(fake_host: ConnectorHost, store: SQLiteStore, clock: OffsetClock) -> Integrations:
    return Integrations(fake_host, store, clock=clock)


@pytest.fixture
def record(integrations: Integrations) -> Any:
    return integrations.create(FAKE_ID, GOOD_CREDENTIALS, {"stock_sync": True}, name="Fake shop")


@pytest.fixture
def connected(integrations: Integrations, record: Any) -> Any:
    """An integration that went through Connect: tokens stored, one account selected."""
    url = integrations.open(record.id).begin_connect()
    state = url.split("state=")[1]
    return integrations.complete_connect({"code": "good-code", "state": state})


@pytest.fixture
def bare_context(fake_schema_dir: Path, clock: OffsetClock) -> ConnectorContext:
    """A context for calling hooks directly, outside any integration."""
    return ConnectorContext(
        connector_id=FAKE_ID,
        integration_id=None,
        credentials=Credentials({"app_key": "demo1"}, {"app_secret": FAKE_APP_SECRET}),
        settings={},
        http=HttpClient("Fake Channel"),
        clock=clock,
        log=logging.getLogger("tests.fake"),
    )
