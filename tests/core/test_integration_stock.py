"""Pushing stock through a connector double: the ledger decides what is sent, nothing changed means no call,
invalid levels are never sent, and a level the connector forgot is reported, not dropped."""

from __future__ import annotations

from typing import Any

import pytest
from core_support import (
    FakeChannel,
    FakeConnector,
    open_with,
)

from connector_core import (
    Integration,
    OffsetClock,
    SQLiteStore,
    StockLevel,
    StockReport,
    StockResult,
    hookimpl,
)


@pytest.fixture
def stocked(connected: Integration, channel: FakeChannel) -> Integration:
    channel.stock.update({"A": 0, "B": 0, "C": 0})
    return connected


def outcomes(report: Any) -> dict[str, str]:
    return {r.sku: r.outcome for r in report.results}


def test_a_first_push_sends_every_level(stocked: Integration, channel: FakeChannel) -> None:
    report = stocked.push_stock(
        [
            StockLevel(sku="A", quantity=5),
            StockLevel(sku="B", quantity=3),
            StockLevel(sku="GHOST", quantity=1),
        ]
    )

    assert outcomes(report) == {"A": "updated", "B": "updated", "GHOST": "unknown_sku"}
    assert report.calls == 1
    assert channel.stock == {"A": 5, "B": 3, "C": 0}


def test_unchanged_levels_are_skipped_per_the_ledger(stocked: Integration, channel: FakeChannel) -> None:
    stocked.push_stock([StockLevel(sku="A", quantity=5), StockLevel(sku="B", quantity=3)])
    channel.calls.clear()

    report = stocked.push_stock([StockLevel(sku="A", quantity=5), StockLevel(sku="B", quantity=4)])

    assert outcomes(report) == {"A": "unchanged", "B": "updated"}
    assert channel.calls["push_stock"] == 1
    assert channel.stock["B"] == 4


def test_nothing_changed_means_no_call_at_all(stocked: Integration, channel: FakeChannel) -> None:
    stocked.push_stock([StockLevel(sku="A", quantity=5)])
    channel.calls.clear()

    report = stocked.push_stock([StockLevel(sku="A", quantity=5)])

    assert outcomes(report) == {"A": "unchanged"}
    assert report.calls == 0
    assert channel.calls["push_stock"] == 0


def test_a_negative_quantity_is_invalid_and_never_sent(stocked: Integration, channel: FakeChannel) -> None:
    report = stocked.push_stock([StockLevel(sku="A", quantity=-2)])

    [result] = report.results
    assert result.outcome == "invalid"
    assert (
        result.message
        == "SKU 'A': quantity -2 is outside 0..2147483647; send the available count (0 when out of stock)"
    )
    assert channel.calls["push_stock"] == 0
    assert channel.stock["A"] == 0


def test_only_updated_levels_go_into_the_ledger(stocked: Integration, channel: FakeChannel) -> None:
    stocked.push_stock([StockLevel(sku="A", quantity=5), StockLevel(sku="GHOST", quantity=1)])

    ledger = stocked.store.stock_levels(stocked.id, stocked.account_id)
    assert {key for key, row in ledger.items() if row.quantity is not None} == {("A", None)}
    assert ("GHOST", None) not in ledger  # refused: nothing uncertain, nothing confirmed, no row kept

    channel.calls.clear()
    report = stocked.push_stock([StockLevel(sku="GHOST", quantity=1)])
    assert outcomes(report) == {"GHOST": "unknown_sku"}  # tried again: it was never updated
    assert channel.calls["push_stock"] == 1


def test_the_last_level_listed_for_a_sku_wins_and_force_resends(
    stocked: Integration, channel: FakeChannel
) -> None:
    stocked.push_stock([StockLevel(sku="A", quantity=1), StockLevel(sku="A", quantity=9)])
    assert channel.stock["A"] == 9

    channel.calls.clear()
    report = stocked.push_stock([StockLevel(sku="A", quantity=9)], force=True)
    assert outcomes(report) == {"A": "updated"}
    assert channel.calls["push_stock"] == 1


def test_a_level_the_connector_gave_no_result_for_is_reported_not_dropped(
    fake_schema_dir: Any, store: SQLiteStore, clock: OffsetClock
) -> None:
    class Forgetful(FakeConnector):
        @hookimpl
        def push_stock(self, levels: Any) -> StockReport:
            first = levels[0]
            return StockReport(
                results=[
                    StockResult(sku=first.sku, warehouse=first.warehouse, outcome="updated", quantity=1)
                ],
                calls=1,
            )

    integration = open_with(Forgetful(FakeChannel(), fake_schema_dir), store, clock)

    report = integration.push_stock([StockLevel(sku="A", quantity=1), StockLevel(sku="B", quantity=2)])

    assert outcomes(report) == {"A": "updated", "B": "rejected"}
    assert "returned no result for this level" in (report.results[1].message or "")
    ledger = store.stock_levels(integration.id, integration.account_id)
    assert ledger[("A", None)].quantity is not None
    assert (ledger[("B", None)].quantity, ledger[("B", None)].pending) == (None, 2)  # uncertain: sent again
