"""The store contract on the embedded SQLite store, including the migration from schema version 1."""

from __future__ import annotations

import functools
import json
from pathlib import Path

import pytest

from connector_core.store import SQLiteBackend, SQLiteStore
from connector_core.testing.store_contract import LegacyRows, StoreContract, StoreFactory


class TestSQLiteStoreContract(StoreContract):
    @pytest.fixture
    def database(self, tmp_path: Path) -> Path:
        return tmp_path / "contract" / "store.sqlite3"

    @pytest.fixture
    def store_factory(self, database: Path) -> StoreFactory:
        return functools.partial(SQLiteStore, database)

    @pytest.fixture
    def seed_previous_version(self, database: Path) -> object:
        def seed(legacy: LegacyRows) -> None:
            backend = SQLiteBackend(database, migrate_to=1)
            conn = backend._connection()
            conn.execute(
                "INSERT INTO integrations (id, connector, name, settings, created_at) VALUES (?, ?, 'Old', '{}', ?)",
                (legacy.integration_id, legacy.connector, legacy.confirmed_at.timestamp()),
            )
            conn.execute(
                "INSERT INTO credentials (integration_id, public, secret) VALUES (?, '{}', NULL)",
                (legacy.integration_id,),
            )
            conn.execute(
                "INSERT INTO shipment_ledger VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    legacy.integration_id,
                    legacy.order_id,
                    legacy.fingerprint,
                    legacy.tracking_number,
                    legacy.carrier,
                    json.dumps(list(legacy.line_ids)),
                    legacy.package_id,
                    legacy.confirmed_at.timestamp(),
                ),
            )
            conn.execute(
                "INSERT INTO stock_ledger VALUES (?, ?, ?, ?, ?)",
                (
                    legacy.integration_id,
                    legacy.sku,
                    legacy.warehouse or "",
                    legacy.quantity,
                    legacy.confirmed_at.timestamp(),
                ),
            )
            assert backend.schema_version == 1
            backend.close()

        return seed
