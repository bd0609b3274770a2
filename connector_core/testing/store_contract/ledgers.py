"""Contract: intents, the stock ledger, cursors, the cache, webhook de-duplication, documents and runs."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from ...clock import OffsetClock
from ...credentials import Credentials
from ...store import Intent, RunRecord, StockRecord, Store, UnknownIntent
from .base import ContractBase

SHOP_A, SHOP_B = "shop-a", "shop-b"
PAYLOAD = {"order_id": "o1", "line_ids": ["l1", "l2"], "tracking_number": "T1", "nested": {"n": [1, None]}}


def in_threads(count: int, work: Callable[[int], Any]) -> list[Any]:
    results: list[Any] = [None] * count
    barrier = threading.Barrier(count)

    def run(index: int) -> None:
        barrier.wait(timeout=30)
        results[index] = work(index)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


class LedgerContract(ContractBase):
    # --- intents ---------------------------------------------------------------------------------------

    def test_a_new_intent_is_pending_with_its_payload(self, store: Store, iid: str) -> None:
        intent = store.begin_intent(iid, SHOP_A, "shipment", "o1/fp1", PAYLOAD)

        assert (intent.status, intent.payload, intent.outcome, intent.attempts) == (
            "pending",
            PAYLOAD,
            None,
            1,
        )
        assert (intent.integration_id, intent.account_id, intent.kind, intent.key) == (
            iid,
            SHOP_A,
            "shipment",
            "o1/fp1",
        )
        assert store.get_intent(iid, SHOP_A, "shipment", "o1/fp1") == intent

    def test_beginning_twice_returns_the_first_choice(self, store: Store, iid: str) -> None:
        store.begin_intent(iid, SHOP_A, "label", "o1/box1", {"service": "standard"})
        again = store.begin_intent(iid, SHOP_A, "label", "o1/box1", {"service": "express"})

        assert again.payload == {"service": "standard"}  # a choice is made once, never re-made on retry
        assert (again.status, again.attempts) == ("pending", 2)

    def test_racing_beginnings_all_get_the_one_first_choice(self, store: Store, iid: str) -> None:
        results = in_threads(
            8, lambda i: store.begin_intent(iid, SHOP_A, "label", "o2/box1", {"service": f"s{i}"})
        )

        assert len({r.payload["service"] for r in results}) == 1
        final = store.get_intent(iid, SHOP_A, "label", "o2/box1")
        assert final is not None and final.attempts == 8

    def test_a_done_intent_stays_done(self, store: Store, iid: str) -> None:
        store.begin_intent(iid, SHOP_A, "shipment", "o1/fp1", PAYLOAD)
        done = store.finish_intent(iid, SHOP_A, "shipment", "o1/fp1", "done", {"package_id": "P1"})
        assert (done.status, done.outcome) == ("done", {"package_id": "P1"})

        again = store.begin_intent(iid, SHOP_A, "shipment", "o1/fp1", {"order_id": "other"})
        late = store.finish_intent(iid, SHOP_A, "shipment", "o1/fp1", "refused", {"reason": "late answer"})

        assert (again.status, again.payload, again.outcome, again.attempts) == (
            "done",
            PAYLOAD,
            {"package_id": "P1"},
            2,
        )
        assert (late.status, late.outcome) == ("done", {"package_id": "P1"})

    def test_a_refused_intent_may_be_chosen_again(self, store: Store, iid: str) -> None:
        store.begin_intent(iid, SHOP_A, "shipment", "o1/fp1", PAYLOAD)
        refused = store.finish_intent(iid, SHOP_A, "shipment", "o1/fp1", "refused", {"code": "21001"})
        assert (refused.status, refused.outcome) == ("refused", {"code": "21001"})

        chosen = store.begin_intent(iid, SHOP_A, "shipment", "o1/fp1", {"order_id": "o1", "line_ids": ["l3"]})

        assert (chosen.status, chosen.payload, chosen.outcome, chosen.attempts) == (
            "pending",
            {"order_id": "o1", "line_ids": ["l3"]},
            None,
            2,
        )

    def test_finishing_an_intent_that_never_began_is_an_error(self, store: Store, iid: str) -> None:
        with pytest.raises(UnknownIntent, match="begin_intent must come before") as raised:
            store.finish_intent(iid, SHOP_A, "shipment", "nope", "done", {})
        assert isinstance(raised.value, KeyError)

    def test_an_intent_kind_is_short(self, store: Store, iid: str) -> None:
        with pytest.raises(ValueError, match="kind"):
            store.begin_intent(iid, SHOP_A, "k" * 41, "key", {})
        assert store.begin_intent(iid, SHOP_A, "k" * 40, "key", {}).kind == "k" * 40

    def test_intents_are_listed_in_creation_order_and_filtered(
        self, store: Store, iid: str, clock: OffsetClock
    ) -> None:
        for key in ("o1/b", "o1/a", "o10/a", "o%/x", "o_/y"):
            store.begin_intent(iid, SHOP_A, "shipment", key, {})
            clock.advance(timedelta(seconds=1))
        store.begin_intent(iid, SHOP_B, "shipment", "o1/c", {})
        store.begin_intent(iid, SHOP_A, "label", "o1/d", {})
        store.finish_intent(iid, SHOP_A, "shipment", "o1/a", "done", {})

        def keys(intents: list[Intent]) -> list[str]:
            return [i.key for i in intents]

        assert keys(store.list_intents(iid, account_id=SHOP_A, kind="shipment")) == [
            "o1/b",
            "o1/a",
            "o10/a",
            "o%/x",
            "o_/y",
        ]
        assert keys(store.list_intents(iid, account_id=SHOP_A, key_prefix="o1/")) == ["o1/b", "o1/a", "o1/d"]
        assert keys(store.list_intents(iid, key_prefix="o%/")) == ["o%/x"]  # no wildcard in a prefix
        assert keys(store.list_intents(iid, key_prefix="o_/")) == ["o_/y"]
        assert keys(store.list_intents(iid, status="done")) == ["o1/a"]
        assert keys(store.list_intents(iid, account_id=SHOP_B)) == ["o1/c"]
        assert len(store.list_intents(iid)) == 7

    def test_intents_are_kept_per_shop(self, store: Store, iid: str) -> None:
        store.begin_intent(iid, SHOP_A, "shipment", "o1/fp1", {"shop": "a"})
        store.begin_intent(iid, SHOP_B, "shipment", "o1/fp1", {"shop": "b"})
        store.finish_intent(iid, SHOP_B, "shipment", "o1/fp1", "done", {})

        a = store.get_intent(iid, SHOP_A, "shipment", "o1/fp1")
        b = store.get_intent(iid, SHOP_B, "shipment", "o1/fp1")
        assert a is not None and b is not None
        assert (a.payload, a.status, b.payload, b.status) == ({"shop": "a"}, "pending", {"shop": "b"}, "done")

    # --- stock ledger ----------------------------------------------------------------------------------

    def test_a_stock_push_is_pending_until_its_outcome_is_known(self, store: Store, iid: str) -> None:
        store.begin_stock_push(iid, SHOP_A, [("A", None, 5), ("B", None, 2), ("C", "W1", 7)])
        levels = store.stock_levels(iid, SHOP_A)
        assert {k: (r.quantity, r.pending) for k, r in levels.items()} == {
            ("A", None): (None, 5),
            ("B", None): (None, 2),
            ("C", "W1"): (None, 7),
        }

        store.finish_stock_push(iid, SHOP_A, confirmed=[("A", None, 5)], refused=[("B", None)])

        levels = store.stock_levels(iid, SHOP_A)
        assert {k: (r.quantity, r.pending) for k, r in levels.items()} == {
            ("A", None): (5, None),
            # B was refused and never confirmed: nothing to remember (an unknown SKU leaves no row)
            ("C", "W1"): (None, 7),  # in neither list: the outcome is still unknown
        }
        assert isinstance(levels[("A", None)], StockRecord)

    def test_a_refused_push_keeps_the_confirmed_level(self, store: Store, iid: str) -> None:
        store.begin_stock_push(iid, SHOP_A, [("A", None, 5)])
        store.finish_stock_push(iid, SHOP_A, confirmed=[("A", None, 5)], refused=[])
        store.begin_stock_push(iid, SHOP_A, [("A", None, 9)])
        assert (
            store.stock_levels(iid, SHOP_A)[("A", None)].quantity,
            store.stock_levels(iid, SHOP_A)[("A", None)].pending,
        ) == (5, 9)

        store.finish_stock_push(iid, SHOP_A, confirmed=[], refused=[("A", None)])

        record = store.stock_levels(iid, SHOP_A)[("A", None)]
        assert (record.quantity, record.pending) == (5, None)

    def test_a_level_beyond_64_bits_is_refused_and_nothing_is_written(self, store: Store, iid: str) -> None:
        with pytest.raises(ValueError, match=r"SKU 'HUGE'.*64-bit"):
            store.begin_stock_push(iid, SHOP_A, [("A", None, 5), ("HUGE", None, 2**63)])
        with pytest.raises(ValueError, match="64-bit"):
            store.finish_stock_push(iid, SHOP_A, confirmed=[("A", None, -(2**63) - 1)], refused=[])

        assert store.stock_levels(iid, SHOP_A) == {}
        store.begin_stock_push(iid, SHOP_A, [("MAX", None, 2**63 - 1)])
        assert store.stock_levels(iid, SHOP_A)[("MAX", None)].pending == 2**63 - 1

    def test_the_stock_ledger_is_kept_per_shop(self, store: Store, iid: str) -> None:
        store.begin_stock_push(iid, SHOP_A, [("A", None, 5)])
        store.finish_stock_push(iid, SHOP_A, confirmed=[("A", None, 5)], refused=[])
        store.begin_stock_push(iid, SHOP_B, [("A", None, 1)])

        assert store.stock_levels(iid, SHOP_A)[("A", None)].quantity == 5
        assert store.stock_levels(iid, SHOP_B)[("A", None)].quantity is None
        assert store.stock_levels(iid, "") == {}

    # --- cursors, cache, events ------------------------------------------------------------------------

    def test_cursors_are_kept_per_stream_with_their_time(
        self, store: Store, iid: str, clock: OffsetClock
    ) -> None:
        assert store.get_cursor(iid, "orders") is None
        store.set_cursor(iid, "orders:shop-a", "page-3")
        store.set_cursor(iid, "orders:shop-b", "page-1")
        clock.advance(timedelta(hours=1))
        store.set_cursor(iid, "orders:shop-a", "page-4")

        assert store.get_cursor(iid, "orders:shop-a") == "page-4"
        assert store.get_cursor(iid, "orders:shop-b") == "page-1"
        updated = store.cursor_updated_at(iid, "orders:shop-a")
        assert updated is not None and abs(updated - clock.now()) < timedelta(seconds=5)
        assert store.cursor_updated_at(iid, "never") is None

    def test_the_cache_is_scoped_by_namespace(self, store: Store, iid: str) -> None:
        store.cache_put(iid, "skus:shop-a", {"A": {"product": "p1"}, "B": ["x"]})
        store.cache_put(iid, "carriers", {"dhl": "7"})

        assert store.cache_get(iid, "skus:shop-a", "A") == {"product": "p1"}
        assert store.cache_get(iid, "skus:shop-a", "dhl") is None
        store.cache_clear(iid, "skus:shop-a")
        assert store.cache_get(iid, "skus:shop-a", "A") is None
        assert store.cache_get(iid, "carriers", "dhl") == "7"

    def test_a_webhook_event_is_new_exactly_once_even_when_raced(self, store: Store, iid: str) -> None:
        other = store.create_integration("contract", "Other", Credentials({}, {}), {}).id

        firsts = in_threads(8, lambda _: store.remember_event(iid, "evt-1"))

        assert sorted(firsts) == [False] * 7 + [True]
        assert not store.remember_event(iid, "evt-1")
        assert store.remember_event(iid, "evt-2")
        assert store.remember_event(other, "evt-1")  # de-duplication is per integration

    def test_a_forgotten_webhook_event_is_new_again_for_that_integration_only(
        self, store: Store, iid: str
    ) -> None:
        other = store.create_integration("contract", "Other", Credentials({}, {}), {}).id
        assert store.remember_event(iid, "evt-1") and store.remember_event(other, "evt-1")

        store.forget_event(iid, "evt-1")
        store.forget_event(iid, "never-seen")  # forgetting what was never remembered is harmless

        assert store.remember_event(iid, "evt-1")
        assert not store.remember_event(other, "evt-1")

    # --- documents and runs ----------------------------------------------------------------------------

    def test_documents_keep_their_bytes_exactly(self, store: Store, iid: str) -> None:
        pdf = b"%PDF-1.4\x00\xff\xfe" + bytes(range(256)) * 40
        store.put_document(iid, "label/o1/box1", pdf, "application/pdf")

        assert store.get_document(iid, "label/o1/box1") == (pdf, "application/pdf")
        store.put_document(iid, "label/o1/box1", b"replaced", "application/pdf")
        assert store.get_document(iid, "label/o1/box1") == (b"replaced", "application/pdf")
        assert store.get_document(iid, "label/o1/box2") is None

    def test_runs_are_listed_newest_first(self, store: Store, iid: str) -> None:
        start = datetime(2026, 3, 1, 12, tzinfo=timezone.utc)
        for minutes, flow, ok in (
            (1, "pull_orders", True),
            (2, "push_stock", False),
            (3, "pull_orders", False),
        ):
            store.record_run(
                RunRecord(
                    integration_id=iid,
                    account_id=SHOP_A,
                    flow=flow,
                    started_at=start,
                    finished_at=start + timedelta(minutes=minutes),
                    ok=ok,
                    summary={"orders": minutes, "problems": ["o9: bad"] if not ok else []},
                )
            )

        runs = store.last_runs(iid)
        assert [(r.flow, r.ok) for r in runs] == [
            ("pull_orders", False),
            ("push_stock", False),
            ("pull_orders", True),
        ]
        assert runs[0].summary == {"orders": 3, "problems": ["o9: bad"]}
        assert runs[0].finished_at == start + timedelta(minutes=3)
        assert [r.summary["orders"] for r in store.last_runs(iid, flow="pull_orders", limit=1)] == [3]
        assert store.last_runs(iid, limit=0) == []


HOSTILE = ("o'1; DROP TABLE intents; --", 'sku "quoted" \\ back', "ö🎉\u202eRTL", "%_*?[]", "x" * 2000)


class HostileInputContract(ContractBase):
    """Keys come from hosts and channels: any text round-trips exactly, and what no backend can keep is
    refused with a clear ValueError before anything is written."""

    @pytest.mark.parametrize("value", HOSTILE, ids=["sql", "quotes", "unicode", "wildcards", "long"])
    def test_any_text_round_trips_as_a_key(self, store: Store, iid: str, value: str) -> None:
        store.begin_intent(iid, value, "shipment", value, {value: value})
        store.begin_stock_push(iid, value, [(value, value, 1)])
        store.cache_put(iid, value, {value: [value]})
        store.set_cursor(iid, value, value)
        store.put_document(iid, value, value.encode(), "text/plain")

        intent = store.get_intent(iid, value, "shipment", value)
        assert intent is not None and intent.payload == {value: value}
        assert [i.key for i in store.list_intents(iid, key_prefix=value[:5])] == [value]
        assert set(store.stock_levels(iid, value)) == {(value, value)}
        assert store.cache_get(iid, value, value) == [value]
        assert store.get_cursor(iid, value) == value
        assert store.get_document(iid, value) == (value.encode(), "text/plain")
        assert store.remember_event(iid, value) and not store.remember_event(iid, value)

    def test_a_nul_character_is_refused_naming_the_field_and_nothing_is_written(
        self, store: Store, iid: str
    ) -> None:
        calls: list[tuple[str, Callable[[], object]]] = [
            ("SKU", lambda: store.begin_stock_push(iid, SHOP_A, [("A", None, 1), ("B\x00", None, 2)])),
            ("intent key", lambda: store.begin_intent(iid, SHOP_A, "shipment", "o1\x00", {})),
            ("cache key", lambda: store.cache_put(iid, "skus", {"ok": 1, "bad\x00": 2})),
            ("cursor", lambda: store.set_cursor(iid, "orders", "page\x00")),
            ("webhook event id", lambda: store.remember_event(iid, "evt\x00")),
            ("document key", lambda: store.put_document(iid, "label\x00", b"x", "application/pdf")),
            ("integration name", lambda: store.update_integration(iid, name="shop\x00")),
        ]
        for field, call in calls:
            with pytest.raises(ValueError, match=f"{field}.*NUL character"):
                call()

        assert store.stock_levels(iid, SHOP_A) == {}
        assert store.cache_get(iid, "skus", "ok") is None
        assert store.list_intents(iid) == []
        assert store.get_cursor(iid, "orders") is None
        assert store.get_integration(iid).name == "My shop"
