"""The store contract on PostgreSQL (needs CHANNEL_CONNECTORS_TEST_POSTGRES_URL; CI always provides it)."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from pathlib import Path

import pytest
from postgres_support import fresh_schema, postgres_url

from connector_core.store import open_store
from connector_core.testing.store_contract import StoreContract, StoreFactory


@pytest.fixture
def postgres_schema_url() -> Iterator[str]:
    with fresh_schema(postgres_url()) as url:
        yield url


class TestPostgresStoreContract(StoreContract):
    @pytest.fixture
    def store_factory(self, postgres_schema_url: str, tmp_path: Path) -> StoreFactory:
        return functools.partial(open_store, postgres_schema_url, home=tmp_path / "home")
