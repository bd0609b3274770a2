"""Contract: a database is brought to the latest schema from empty and from the previous version."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone

import pytest

from ...clock import OffsetClock
from ...store import SealedStore, Store
from .base import ContractBase, StoreFactory


@dataclass(frozen=True)
class LegacyRows:
    """What a store of the previous schema version held; `seed_previous_version` writes these."""

    integration_id: str = "legacy-1"
    connector: str = "contract"
    order_id: str = "order-7"
    fingerprint: str = "fp-7"
    tracking_number: str = "TRACK-7"
    carrier: str = "DHL"
    line_ids: tuple[str, ...] = ("l1", "l2")
    package_id: str = "PKG-7"
    confirmed_at: datetime = datetime(2026, 3, 1, 12, tzinfo=timezone.utc)
    sku: str = "SKU-7"
    warehouse: str | None = "W1"
    quantity: int = 12


Seeder = Callable[[LegacyRows], None]


class MigrationContract(ContractBase):
    @pytest.fixture
    def seed_previous_version(self) -> Seeder | None:
        """Override: return a function writing `LegacyRows` into the test's database at the previous version."""
        return None

    def schema_versions(self, store: Store) -> tuple[int, int]:
        """(current, latest) schema version; override for a store that is not a `SealedStore`."""
        backend = store.backend if isinstance(store, SealedStore) else store
        current, latest = (
            getattr(backend, "schema_version", None),
            getattr(backend, "latest_schema_version", None),
        )
        if not isinstance(current, int) or not isinstance(latest, int):
            pytest.skip(f"{type(backend).__name__} reports no schema_version: override schema_versions()")
        return current, latest

    def test_an_empty_database_is_brought_to_the_latest_version(self, store: Store) -> None:
        current, latest = self.schema_versions(store)

        assert current == latest >= 1

    def test_opening_again_does_not_migrate_again(
        self, store: Store, iid: str, store_factory: StoreFactory
    ) -> None:
        again = store_factory()
        try:
            assert self.schema_versions(again) == self.schema_versions(store)
            assert again.get_integration(iid).name == "My shop"
        finally:
            again.close()

    def test_the_previous_version_is_migrated_without_losing_a_row(
        self, seed_previous_version: Seeder | None, store_factory: StoreFactory, clock: OffsetClock
    ) -> None:
        if seed_previous_version is None:
            pytest.skip("the subclass gives no seed_previous_version fixture (a backend with one version)")
        legacy = LegacyRows()
        seed_previous_version(legacy)

        store = store_factory(clock=clock)
        try:
            current, latest = self.schema_versions(store)
            assert current == latest
            assert store.get_integration(legacy.integration_id).connector == legacy.connector

            [shipment] = store.list_intents(legacy.integration_id, kind="shipment")
            assert (shipment.account_id, shipment.key, shipment.status) == (
                "",
                f"{legacy.order_id}/{legacy.fingerprint}",
                "done",
            )
            assert shipment.payload == {
                "order_id": legacy.order_id,
                "tracking_number": legacy.tracking_number,
                "carrier": legacy.carrier,
                "line_ids": list(legacy.line_ids),
            }
            assert shipment.outcome == {
                "package_id": legacy.package_id,
                "channel_line_ids": list(legacy.line_ids),
            }
            assert shipment.created_at == legacy.confirmed_at

            [(key, level)] = store.stock_levels(legacy.integration_id, "").items()
            assert key == (legacy.sku, legacy.warehouse)
            assert (level.quantity, level.pending) == (legacy.quantity, None)
        finally:
            store.close()
