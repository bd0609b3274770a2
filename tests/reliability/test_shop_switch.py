"""Switching the shop an integration serves switches its cursor, stock ledger, SKU cache and leases:
the new shop's orders are imported and its stock is pushed, nothing of the other shop is reused."""

from __future__ import annotations

from pathlib import Path

from matrix_support import quick_http
from reliability_support import connect, shop_cipher

from connector_core import StockLevel
from tiktok_shop_emulator import EmulatorConfig, TikTokShopEmulator


def test_a_switched_shop_gets_its_own_import_and_stock_ledger(tmp_path: Path) -> None:
    with TikTokShopEmulator(EmulatorConfig(orders=600, seed=3)) as emu:
        integration = connect(
            emu, tmp_path / "store.sqlite3", "GB", http_clients=quick_http(), stock_sync=True
        )
        gb_orders = {o.id for page in integration.pull_orders() for o in page.orders}
        assert gb_orders == set(emu.order_ids(shop_cipher=shop_cipher(emu, "GB")))
        shared = sorted(
            set(emu.seller_skus(shop_cipher(emu, "GB"))) & set(emu.seller_skus(shop_cipher(emu, "US")))
        )
        assert shared, "the seeded shops share seller SKUs"
        levels = [StockLevel(sku=sku, quantity=6) for sku in shared]
        integration.push_stock(levels)

        us = next(
            a for a in integration.store.list_accounts(integration.id) if a.selector == shop_cipher(emu, "US")
        )
        integration.select_account(us.id)

        us_orders = {o.id for page in integration.pull_orders() for o in page.orders}
        assert us_orders == set(emu.order_ids(shop_cipher=shop_cipher(emu, "US"))), "the GB cursor was reused"
        report = integration.push_stock(levels)
        assert "unchanged" not in {r.outcome for r in report.results}, "the GB ledger skipped the US push"
        us_ids = {s["seller_sku"]: s["id"] for p in emu.products(shop_cipher(emu, "US")) for s in p["skus"]}
        for result in report.results:
            if result.outcome == "updated":
                assert sum(emu.inventory(us_ids[result.sku]).values()) == 6
