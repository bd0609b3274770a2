"""Stock levels are absolute, so an older one arriving late must never replace a newer one at TikTok.

A host says how new a level is with `as_of` (a version number or a time). The ledger remembers the newest
`as_of` applied or in flight per (SKU, warehouse) and refuses an older level wherever it comes from: a
late task in the same process, a message redelivered an hour later, another host process on the same
store. The refused level is reported `stale` and never sent.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from matrix_support import INVENTORY_UPDATE, calls_to, quick_http
from reliability_support import connect, open_location

from connector_core import ConnectorHost, Integrations, StockLevel
from tiktok_shop_emulator import EmulatorConfig, TikTokShopEmulator


def _active_sku(emu: TikTokShopEmulator, cipher: str) -> tuple[str, str]:
    return next(
        (s["seller_sku"], s["id"])
        for p in emu.products(cipher)
        if p["status"] == "ACTIVATE"
        for s in p["skus"]
    )


def _level(emu: TikTokShopEmulator, sku_id: str) -> int:
    return sum(emu.inventory(sku_id).values())


@pytest.fixture
def emu() -> TikTokShopEmulator:
    with TikTokShopEmulator(EmulatorConfig(orders=10, seed=5)) as emulator:
        yield emulator


def _cipher(integration) -> str:  # type: ignore[no-untyped-def]
    return next(
        a.selector for a in integration.store.list_accounts(integration.id) if a.id == integration.account_id
    )


def test_a_level_older_than_the_applied_one_is_stale_and_not_sent(emu, tmp_path: Path) -> None:
    integration = connect(emu, tmp_path / "store.sqlite3", stock_sync=True)
    sku, sku_id = _active_sku(emu, _cipher(integration))
    newest = integration.push_stock([StockLevel(sku=sku, quantity=30, as_of=3)])
    assert [r.outcome for r in newest.results] == ["updated"]

    before = calls_to(emu, INVENTORY_UPDATE)
    late = integration.push_stock([StockLevel(sku=sku, quantity=10, as_of=1)])  # a task that ran late

    [result] = late.results
    assert result.outcome == "stale"
    assert "not sent" in (result.message or "") and "3" in (result.message or "")
    assert late.calls == 0 and calls_to(emu, INVENTORY_UPDATE) == before
    assert _level(emu, sku_id) == 30


def test_a_second_host_process_cannot_send_an_older_level(emu, tmp_path: Path) -> None:
    location = tmp_path / "store.sqlite3"
    first = connect(emu, location, stock_sync=True)
    sku, sku_id = _active_sku(emu, _cipher(first))
    hour_ago = datetime(2026, 3, 1, 12, tzinfo=timezone.utc)
    first.push_stock([StockLevel(sku=sku, quantity=8, as_of=hour_ago + timedelta(hours=1))])

    # Another process on the same store, handling a message redelivered an hour late.
    other = Integrations(ConnectorHost().load(), open_location(location)).open(first.id)
    report = other.push_stock([StockLevel(sku=sku, quantity=50, as_of=hour_ago)])

    assert [r.outcome for r in report.results] == ["stale"]
    assert _level(emu, sku_id) == 8
    newer = other.push_stock([StockLevel(sku=sku, quantity=7, as_of=hour_ago + timedelta(hours=2))])
    assert [r.outcome for r in newer.results] == ["updated"] and _level(emu, sku_id) == 7


def test_an_older_level_is_refused_while_a_newer_one_is_uncertain(emu, tmp_path: Path) -> None:
    integration = connect(emu, tmp_path / "store.sqlite3", http_clients=quick_http(), stock_sync=True)
    sku, sku_id = _active_sku(emu, _cipher(integration))
    integration.push_stock([StockLevel(sku=sku, quantity=1, as_of=1)])
    emu.faults.lose_answer(INVENTORY_UPDATE, times=10)
    lost = integration.push_stock([StockLevel(sku=sku, quantity=20, as_of=5)])  # applied, answer lost
    assert [r.code for r in lost.results] == ["uncertain"]
    emu.faults.clear()

    report = integration.push_stock([StockLevel(sku=sku, quantity=4, as_of=4)])

    assert [r.outcome for r in report.results] == ["stale"]
    assert _level(emu, sku_id) == 20
    ledger = integration.store.stock_levels(integration.id, integration.account_id)
    [row] = [r for (s, _), r in ledger.items() if s == sku]
    assert row.pending == 20 and row.pending_as_of == 5


def test_in_one_push_the_newest_level_of_a_sku_wins_whatever_the_order(emu, tmp_path: Path) -> None:
    integration = connect(emu, tmp_path / "store.sqlite3", stock_sync=True)
    sku, sku_id = _active_sku(emu, _cipher(integration))

    report = integration.push_stock(
        [StockLevel(sku=sku, quantity=9, as_of=9), StockLevel(sku=sku, quantity=2, as_of=2)]
    )

    assert [(r.outcome, r.quantity) for r in report.results] == [("updated", 9)]
    assert _level(emu, sku_id) == 9


def test_a_level_without_as_of_is_applied_and_keeps_the_newest_as_of(emu, tmp_path: Path) -> None:
    integration = connect(emu, tmp_path / "store.sqlite3", stock_sync=True)
    sku, sku_id = _active_sku(emu, _cipher(integration))
    integration.push_stock([StockLevel(sku=sku, quantity=6, as_of=6)])

    plain = integration.push_stock([StockLevel(sku=sku, quantity=11)])  # a host that never says
    late = integration.push_stock([StockLevel(sku=sku, quantity=3, as_of=5)])

    assert [r.outcome for r in plain.results] == ["updated"]
    assert [r.outcome for r in late.results] == ["stale"]
    assert _level(emu, sku_id) == 11


def test_an_update_applied_but_answered_with_an_unattributed_error_is_uncertain(emu, tmp_path: Path) -> None:
    """TikTok 10, host 3 before: the answer's error named no SKU, the level was recorded refused, and the
    host's next push of the old level was skipped as unchanged."""
    integration = connect(emu, tmp_path / "store.sqlite3", stock_sync=True)
    sku, sku_id = _active_sku(emu, _cipher(integration))
    integration.push_stock([StockLevel(sku=sku, quantity=3)])
    emu.faults.unattributed_error(INVENTORY_UPDATE)

    report = integration.push_stock([StockLevel(sku=sku, quantity=10)])

    [result] = report.results
    assert _level(emu, sku_id) == 10, "TikTok applied it"
    assert result.outcome == "rejected" and result.code == "uncertain"
    ledger = integration.store.stock_levels(integration.id, integration.account_id)
    [row] = [r for (s, _), r in ledger.items() if s == sku]
    assert row.pending == 10, "neither confirmed nor refused: sent again next time"

    back = integration.push_stock([StockLevel(sku=sku, quantity=3)])
    assert [r.outcome for r in back.results] == ["updated"]
    assert _level(emu, sku_id) == 3
