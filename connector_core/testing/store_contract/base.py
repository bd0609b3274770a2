"""The fixtures every part of the store contract shares."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol

import pytest

from ...clock import Clock, OffsetClock
from ...credentials import Credentials
from ...store import SealedStore, Store

PUBLIC_VALUE = "contract-public-app-key"
SECRET_VALUE = "contract-app-secret-7f3a9c"  # noqa: S105 - a test value the contract must never find stored


class StoreFactory(Protocol):
    """Opens the test's database; picklable, so spawned processes can open it too."""

    def __call__(self, *, clock: Clock | None = None) -> Store: ...


class ContractBase:
    @pytest.fixture
    def clock(self) -> OffsetClock:
        return OffsetClock()

    @pytest.fixture
    def store(self, store_factory: StoreFactory, clock: OffsetClock) -> Iterator[Store]:
        opened = store_factory(clock=clock)
        yield opened
        opened.close()

    @pytest.fixture
    def iid(self, store: Store) -> str:
        creds = Credentials({"app_key": PUBLIC_VALUE}, {"app_secret": SECRET_VALUE})
        return store.create_integration("contract", "My shop", creds, {"stock_sync": True}).id

    def raw_dump(self, store: Store) -> bytes:
        """The database as an intruder would read it. Override for a store that is not a `SealedStore`."""
        if not isinstance(store, SealedStore):
            pytest.skip(f"{type(store).__name__} is not a SealedStore: override raw_dump() to check it")
        return store.backend.raw_dump()
