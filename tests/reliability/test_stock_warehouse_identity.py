"""The stock ledger keys a level by the channel's own warehouse, not by the name the host gave it.

Two host codes can name one TikTok warehouse (aliases in `warehouse_map`), and the map can change so one
code names another warehouse. Keyed by the host's code, the ledger then remembered a level TikTok no
longer held and skipped the host's next push as unchanged (host 5, TikTok 197).
"""

from __future__ import annotations

from pathlib import Path

from reliability_support import connect

from connector_core import ConnectorHost, Integrations, StockLevel
from connector_core.store import open_store
from tiktok_shop_emulator import EmulatorConfig, TikTokShopEmulator


def _us_sku(emu: TikTokShopEmulator, integration) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    cipher = next(
        a.selector for a in integration.store.list_accounts(integration.id) if a.id == integration.account_id
    )
    return next(
        (s["seller_sku"], s["id"])
        for p in emu.products(cipher)
        if p["status"] == "ACTIVATE"
        for s in p["skus"]
    )


def _warehouses(emu: TikTokShopEmulator) -> list[str]:
    return next(s["warehouse_ids"] for s in emu.shops if s["region"] == "US")


def test_two_aliases_of_one_warehouse_share_one_ledger_entry(tmp_path: Path) -> None:
    with TikTokShopEmulator(EmulatorConfig(orders=10, seed=5)) as emu:
        main, _ = _warehouses(emu)
        integration = connect(
            emu, tmp_path / "s.sqlite3", "US", stock_sync=True, warehouse_map={"MAIN": main, "main-wh": main}
        )
        sku, sku_id = _us_sku(emu, integration)
        integration.push_stock([StockLevel(sku=sku, warehouse="MAIN", quantity=5)])
        integration.push_stock([StockLevel(sku=sku, warehouse="main-wh", quantity=197)])
        assert emu.inventory(sku_id)[main] == 197

        report = integration.push_stock([StockLevel(sku=sku, warehouse="MAIN", quantity=5)])

        assert [r.outcome for r in report.results] == ["updated"]
        assert emu.inventory(sku_id)[main] == 5
        ledger = integration.store.stock_levels(integration.id, integration.account_id)
        assert [key for key in ledger if key[0] == sku] == [(sku, main)]


def test_in_one_push_two_aliases_of_a_warehouse_send_one_level(tmp_path: Path) -> None:
    with TikTokShopEmulator(EmulatorConfig(orders=10, seed=5)) as emu:
        main, _ = _warehouses(emu)
        integration = connect(
            emu, tmp_path / "s.sqlite3", "US", stock_sync=True, warehouse_map={"MAIN": main, "main-wh": main}
        )
        sku, sku_id = _us_sku(emu, integration)

        report = integration.push_stock(
            [
                StockLevel(sku=sku, warehouse="MAIN", quantity=5, as_of=2),
                StockLevel(sku=sku, warehouse="main-wh", quantity=197, as_of=1),
            ]
        )

        outcomes = {r.warehouse: r.outcome for r in report.results}
        assert outcomes == {"MAIN": "updated", "main-wh": "stale"}
        assert emu.inventory(sku_id)[main] == 5


def test_a_warehouse_code_remapped_to_another_warehouse_is_sent_there(tmp_path: Path) -> None:
    with TikTokShopEmulator(EmulatorConfig(orders=10, seed=5)) as emu:
        first, second = _warehouses(emu)
        location = tmp_path / "s.sqlite3"
        integration = connect(emu, location, "US", stock_sync=True, warehouse_map={"W": first})
        sku, sku_id = _us_sku(emu, integration)
        integration.push_stock([StockLevel(sku=sku, warehouse="W", quantity=197, as_of=1)])
        assert emu.inventory(sku_id)[first] == 197

        integrations = Integrations(ConnectorHost().load(), open_store(f"sqlite:///{location}"))
        record = integrations.store.get_integration(integration.id)
        integrations.update(integration.id, settings={**record.settings, "warehouse_map": {"W": second}})
        moved = integrations.open(integration.id)
        report = moved.push_stock([StockLevel(sku=sku, warehouse="W", quantity=197, as_of=2)])

        assert [r.outcome for r in report.results] == ["updated"]
        assert emu.inventory(sku_id)[second] == 197
