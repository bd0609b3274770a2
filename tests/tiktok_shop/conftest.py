"""Fixtures for the TikTok connector's tests: the reference samples, and contexts without a network."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest

from connector_core import ConnectorContext, Credentials, HttpClient, SystemClock

SAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "reference" / "tiktok_samples"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def load_sample(name: str) -> Any:
    """A reference sample payload; the tests skip when the reference folder is not beside the repo."""
    for folder in (SAMPLES, FIXTURES):
        path = folder / name
        if path.exists():
            return json.loads(path.read_text())
    pytest.skip(f"sample {name} not available")


def load_sample_bytes(name: str) -> bytes:
    """A sample's exact bytes, without the trailing newline the files end with (not part of a signed body)."""
    for folder in (SAMPLES, FIXTURES):
        path = folder / name
        if path.exists():
            return path.read_bytes().rstrip(b"\n")
    pytest.skip(f"sample {name} not available")


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
