"""Contract: the outbox records work once, keeps it until its outcome is recorded, and hands due work to
one sweeper at a time, across processes."""

from __future__ import annotations

import multiprocessing
from datetime import datetime, timedelta, timezone

from ...clock import OffsetClock
from ...store import Store
from .base import ContractBase, StoreFactory

SECOND = timedelta(seconds=1)


def _record_same_key(factory: StoreFactory, iid: str, results: object) -> None:
    store = factory()
    try:
        results.put(store.add_work(iid, "webhook", "event-1", {"from": "a process"}))  # type: ignore[attr-defined]
    finally:
        store.close()


class OutboxContract(ContractBase):
    def test_work_is_recorded_once_per_key_and_the_first_payload_wins(self, store: Store, iid: str) -> None:
        assert store.add_work(iid, "webhook", "ev-1", {"order_id": "1"})
        assert not store.add_work(iid, "webhook", "ev-1", {"order_id": "2"})
        assert store.add_work(iid, "push_stock", "ev-1", {"levels": []})  # another kind: another row
        item = store.get_work(iid, "webhook", "ev-1")
        assert item is not None
        assert (item.payload, item.status, item.attempts, item.outcome) == (
            {"order_id": "1"},
            "pending",
            0,
            None,
        )
        assert store.get_work(iid, "webhook", "ev-2") is None

    def test_an_outcome_is_recorded_once_and_starts_are_counted(self, store: Store, iid: str) -> None:
        store.add_work(iid, "confirm_shipment", "k", {"order_id": "1"})
        started = store.start_work(iid, "confirm_shipment", "k")
        assert started is not None and started.attempts == 1
        store.finish_work(iid, "confirm_shipment", "k", "done", {"package_id": "P1"})
        store.finish_work(iid, "confirm_shipment", "k", "failed", {"error": "late twin"})
        done = store.get_work(iid, "confirm_shipment", "k")
        assert done is not None
        assert (done.status, done.outcome) == ("done", {"package_id": "P1"})
        assert done.finished_at is not None
        assert store.start_work(iid, "confirm_shipment", "missing") is None

    def test_work_recorded_as_done_needs_no_worker(self, store: Store, iid: str) -> None:
        store.add_work(iid, "webhook", "deauth", {}, status="done")
        assert store.requeue_due_work(timedelta(0), 10) == []
        assert [w.status for w in store.list_work(iid)] == ["done"]

    def test_only_pending_work_older_than_the_grace_is_handed_out_again(
        self, store: Store, iid: str, clock: OffsetClock
    ) -> None:
        store.add_work(iid, "webhook", "old", {})
        clock.advance(timedelta(seconds=30))
        store.add_work(iid, "webhook", "new", {})
        store.add_work(iid, "webhook", "finished", {})
        store.finish_work(iid, "webhook", "finished", "done", {})
        assert [w.key for w in store.requeue_due_work(timedelta(seconds=20), 10)] == ["old"]
        # Handed out: it waits another grace before it is handed out again.
        assert store.requeue_due_work(timedelta(seconds=20), 10) == []
        clock.advance(timedelta(seconds=25))
        assert [w.key for w in store.requeue_due_work(timedelta(seconds=20), 10)] == ["old", "new"]
        assert [w.key for w in store.requeue_due_work(timedelta(0), 1)] == ["old"]

    def test_list_and_prune(self, store: Store, iid: str, clock: OffsetClock) -> None:
        store.add_work(iid, "webhook", "a", {})
        store.add_work(iid, "push_stock", "b", {})
        store.finish_work(iid, "push_stock", "b", "failed", {"error": "bad SKU"})
        assert [w.key for w in store.list_work(iid, status="pending")] == ["a"]
        assert [w.key for w in store.list_work(iid, kind="push_stock")] == ["b"]
        clock.advance(timedelta(days=8))
        assert store.prune_work(clock.now() - timedelta(days=7)) == 1
        assert [w.key for w in store.list_work(iid)] == ["a"]  # pending work is never pruned
        assert store.prune_work(datetime(2000, 1, 1, tzinfo=timezone.utc)) == 0

    def test_fresh_work_of_a_connection_oldest_first(
        self, store: Store, iid: str, clock: OffsetClock
    ) -> None:
        for key in ("b", "a", "c", "started", "done"):
            store.add_work(iid, "webhook", key, {})
            clock.advance(timedelta(seconds=1))
        store.add_work(iid, "push_stock", "other-kind", {})
        store.start_work(iid, "webhook", "started")  # pending, but started: the sweep's to re-send
        store.finish_work(iid, "webhook", "done", "done", {})
        assert store.fresh_work(iid, "webhook", 10) == ["b", "a", "c"]
        assert store.fresh_work(iid, "webhook", 2) == ["b", "a"]
        assert store.fresh_work("no-such-connection", "webhook", 10) == []

    def test_work_from_two_processes_with_one_key_is_recorded_once(
        self, store: Store, store_factory: StoreFactory, iid: str
    ) -> None:
        context = multiprocessing.get_context("spawn")
        results = context.Queue()
        processes = [
            context.Process(target=_record_same_key, args=(store_factory, iid, results)) for _ in range(3)
        ]
        for process in processes:
            process.start()
        answers = [results.get(timeout=90) for _ in processes]
        for process in processes:
            process.join(timeout=30)
        assert sorted(answers) == [False, False, True]
        assert len(store.list_work(iid)) == 1
