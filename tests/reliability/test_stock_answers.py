"""A stock answer that says "Success" but carries an error naming no SKU does not say which of the
product's SKUs were updated: each is uncertain (rejected with code "uncertain"), neither confirmed nor
refused in the ledger, so the next push sends it again."""

from __future__ import annotations

from pathlib import Path

from hostile_channel import SHOP_ID, HostileChannel

from connector_core import ConnectorHost, Integrations, SQLiteStore, StockLevel

PRODUCT = "1729000000000000001"
SKUS = [
    {"id": "1729000000000000101", "seller_sku": "MUG-RED"},
    {"id": "1729000000000000102", "seller_sku": "MUG-BLUE"},
]


def test_an_error_that_names_no_sku_leaves_every_level_of_the_product_uncertain(tmp_path: Path) -> None:
    answers = {
        "/products/search": {"products": [{"id": PRODUCT, "skus": SKUS}], "total_count": 1},
        "/logistics/202309/warehouses": {
            "warehouses": [{"id": "7000001", "name": "Main", "is_default": True}]
        },
        # code 0 "Success", yet an error entry without detail.sku_id: which SKUs failed is not said.
        f"/products/{PRODUCT}/inventory/update": {
            "errors": [{"code": 12052990, "message": "batch update inventory error"}]
        },
    }
    with HostileChannel("healthy", answers=answers) as channel:
        integrations = Integrations(ConnectorHost().load(), SQLiteStore(tmp_path / "store.sqlite3"))
        record = integrations.create("tiktok_shop", channel.credentials(), {"stock_sync": True})
        integration = integrations.open(record.id)
        integration.finish_connect({"code": "hostile-code"})
        assert integration.account_id == SHOP_ID

        report = integration.push_stock(
            [StockLevel(sku="MUG-RED", quantity=3), StockLevel(sku="MUG-BLUE", quantity=4)]
        )

    assert {r.sku: (r.outcome, r.code) for r in report.results} == {
        "MUG-RED": ("rejected", "uncertain"),
        "MUG-BLUE": ("rejected", "uncertain"),
    }
    assert all("batch update inventory error" in (r.message or "") for r in report.results)
    ledger = integration.store.stock_levels(integration.id, integration.account_id)
    assert {row.sku: (row.quantity, row.pending) for row in ledger.values()} == {
        "MUG-RED": (None, 3),
        "MUG-BLUE": (None, 4),
    }
