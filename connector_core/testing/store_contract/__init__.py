"""`StoreContract`: every behaviour the flows rely on from a store, as a reusable pytest class.

A host that brings its own backend subclasses it and provides one fixture, ``store_factory``: a
*picklable* callable ``factory(clock=...) -> Store`` that opens the same, initially empty, database each
time it is called (other processes call it too, to prove leases hold across processes)::

    class TestMyStore(StoreContract):
        @pytest.fixture
        def store_factory(self, tmp_path):
            return functools.partial(open_store, "postgresql://...", home=tmp_path)

Optional fixtures and hooks a subclass may override:
- ``raw_dump(store)``: the database's bytes as an intruder would read them (default: the backend's
  ``raw_dump()`` behind a `SealedStore`); the contract checks no secret is in it;
- ``seed_previous_version``: a fixture returning ``seed(legacy: LegacyRows)`` that writes a database at the
  previous schema version holding those rows, so the contract can check the migration (default: skipped,
  with the reason).

This module is not imported by the pytest plugin: it loads only when a test module imports it.
"""

from __future__ import annotations

from .base import StoreFactory
from .bulk import BulkImportContract
from .deliveries import DeliveryContract
from .freshness import FreshnessContract
from .indexes import IndexContract
from .ledgers import HostileInputContract, LedgerContract
from .migrations import LegacyRows, MigrationContract
from .outbox import OutboxContract
from .platform import PlatformContract
from .processes import ProcessContract
from .records import RecordContract
from .signin import SignInThrottleContract
from .upkeep import UpkeepContract


class StoreContract(
    RecordContract,
    LedgerContract,
    FreshnessContract,
    HostileInputContract,
    ProcessContract,
    MigrationContract,
    PlatformContract,
    BulkImportContract,
    OutboxContract,
    DeliveryContract,
    SignInThrottleContract,
    UpkeepContract,
    IndexContract,
):
    """The whole store contract; subclass it with a ``store_factory`` fixture."""


__all__ = ["LegacyRows", "StoreContract", "StoreFactory"]
