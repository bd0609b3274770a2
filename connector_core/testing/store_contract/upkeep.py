"""Contract: `store size` counts every table, and `store prune` deletes only what no flow reads again
(old runs but the newest per flow, used or expired OAuth states, null cache entries), never a ledger row."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import cast

from ...clock import OffsetClock
from ...store import RunRecord, Store
from ...store.upkeep import UpkeepRole
from .base import ContractBase

SHOP = "shop-upkeep"


def _run(iid: str, flow: str, finished: datetime) -> RunRecord:
    return RunRecord(iid, SHOP, flow, finished, finished, True, {})


class UpkeepContract(ContractBase):
    def test_store_size_counts_the_rows_of_every_table(self, store: Store, iid: str) -> None:
        store.cache_put(iid, "ns", {"a": 1, "b": 2})
        size = cast(UpkeepRole, store).store_size()
        tables = {t.table: t for t in size.tables}
        assert tables["cache"].rows == 2 and "stock_ledger" in tables and "runs" in tables
        assert size.total_bytes > 0

    def test_prune_keeps_the_newest_run_per_flow_and_every_ledger_row(
        self, store: Store, iid: str, clock: OffsetClock
    ) -> None:
        now = clock.now()
        old = now - timedelta(days=90)
        for n in range(3):
            store.record_run(_run(iid, "pull_orders", old + timedelta(minutes=n)))
        store.record_run(_run(iid, "push_stock", old))
        store.begin_stock_push(iid, SHOP, [("A", None, 1)])  # uncertain: the exactly-once record
        store.cache_put(iid, "ns", {"forgotten": None, "kept": {"x": 1}})
        state = store.create_oauth_state(iid, timedelta(minutes=10))
        store.consume_oauth_state(state.state)

        cutoff = now - timedelta(days=30)
        planned = cast(UpkeepRole, store).prune_store(cutoff, dry_run=True)
        assert (planned["runs"], planned["empty_cache_entries"], planned["oauth_states"]) == (2, 1, 1)
        assert len(store.last_runs(iid)) == 4  # a dry run deletes nothing

        assert cast(UpkeepRole, store).prune_store(cutoff) == planned
        assert [(r.flow, r.finished_at) for r in store.last_runs(iid)] == [
            ("pull_orders", old + timedelta(minutes=2)),
            ("push_stock", old),
        ]
        assert store.stock_levels(iid, SHOP)[("A", None)].pending == 1
        assert store.cache_get(iid, "ns", "kept") == {"x": 1}
        assert cast(UpkeepRole, store).prune_store(cutoff)["runs"] == 0
        cast(UpkeepRole, store).vacuum()

    def test_prune_leaves_recent_runs(self, store: Store, iid: str, clock: OffsetClock) -> None:
        recent = clock.now() - timedelta(days=1)
        store.record_run(_run(iid, "pull_orders", recent))
        store.record_run(_run(iid, "pull_orders", recent + timedelta(minutes=1)))
        assert cast(UpkeepRole, store).prune_store(clock.now() - timedelta(days=30))["runs"] == 0
        assert len(store.last_runs(iid)) == 2


__all__ = ["UpkeepContract"]
