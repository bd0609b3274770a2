"""Fixtures for the store tests: an environment that reads no developer key, store or database URL."""

from __future__ import annotations

from pathlib import Path

import pytest
from release_stores import FIXTURE_KEY


@pytest.fixture(autouse=True)
def isolated_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("CHANNEL_CONNECTORS_KEY", "CHANNEL_CONNECTORS_DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("CHANNEL_CONNECTORS_HOME", str(tmp_path / "home"))


@pytest.fixture
def fixture_key(monkeypatch: pytest.MonkeyPatch) -> None:
    """The key the release stores in tests/samples/stores were sealed with."""
    monkeypatch.setenv("CHANNEL_CONNECTORS_KEY", FIXTURE_KEY)
