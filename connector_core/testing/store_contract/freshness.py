"""Contract: the stock ledger never goes back to an older `as_of`, whichever writer comes late."""

from __future__ import annotations

import pytest

from ...store import Store
from .base import ContractBase

SHOP = "shop-a"


class FreshnessContract(ContractBase):
    def test_as_of_is_kept_for_the_confirmed_and_the_uncertain_level(self, store: Store, iid: str) -> None:
        store.begin_stock_push(iid, SHOP, [("A", None, 5), ("B", "W1", 2)], {("A", None): 3})
        store.finish_stock_push(iid, SHOP, confirmed=[("A", None, 5)], refused=[], as_of={("A", None): 3})
        store.begin_stock_push(iid, SHOP, [("A", None, 6)], {("A", None): 4})

        levels = store.stock_levels(iid, SHOP)
        a, b = levels[("A", None)], levels[("B", "W1")]
        assert (a.quantity, a.as_of, a.pending, a.pending_as_of) == (5, 3, 6, 4)
        assert (b.as_of, b.pending_as_of) == (None, None)
        assert a.newest() == 4

    def test_a_late_confirmation_of_an_older_level_changes_nothing(self, store: Store, iid: str) -> None:
        store.begin_stock_push(iid, SHOP, [("A", None, 9)], {("A", None): 9})
        store.finish_stock_push(iid, SHOP, confirmed=[("A", None, 9)], refused=[], as_of={("A", None): 9})

        # A writer that took its level before the newer one landed, and finishes after it.
        store.begin_stock_push(iid, SHOP, [("A", None, 1)], {("A", None): 1})
        store.finish_stock_push(iid, SHOP, confirmed=[("A", None, 1)], refused=[], as_of={("A", None): 1})

        row = store.stock_levels(iid, SHOP)[("A", None)]
        assert (row.quantity, row.as_of, row.pending) == (9, 9, None)

    def test_an_older_level_does_not_replace_a_newer_one_in_flight(self, store: Store, iid: str) -> None:
        store.begin_stock_push(iid, SHOP, [("A", None, 7)], {("A", None): 7})
        store.begin_stock_push(iid, SHOP, [("A", None, 2)], {("A", None): 2})

        row = store.stock_levels(iid, SHOP)[("A", None)]
        assert (row.pending, row.pending_as_of) == (7, 7)

    def test_a_level_without_as_of_is_taken_and_keeps_the_known_one(self, store: Store, iid: str) -> None:
        store.begin_stock_push(iid, SHOP, [("A", None, 4)], {("A", None): 4})
        store.finish_stock_push(iid, SHOP, confirmed=[("A", None, 4)], refused=[], as_of={("A", None): 4})
        store.begin_stock_push(iid, SHOP, [("A", None, 8)])
        store.finish_stock_push(iid, SHOP, confirmed=[("A", None, 8)], refused=[])

        row = store.stock_levels(iid, SHOP)[("A", None)]
        assert (row.quantity, row.as_of) == (8, 4)

    def test_a_refusal_forgets_the_uncertain_level_and_its_as_of(self, store: Store, iid: str) -> None:
        store.begin_stock_push(iid, SHOP, [("A", None, 3)], {("A", None): 30})
        store.finish_stock_push(iid, SHOP, confirmed=[], refused=[("A", None)])

        assert ("A", None) not in store.stock_levels(iid, SHOP)  # nothing left to remember

    def test_a_refusal_keeps_the_as_of_of_a_confirmed_level(self, store: Store, iid: str) -> None:
        store.begin_stock_push(iid, SHOP, [("A", None, 3)], {("A", None): 30})
        store.finish_stock_push(iid, SHOP, confirmed=[("A", None, 3)], refused=[], as_of={("A", None): 30})
        store.begin_stock_push(iid, SHOP, [("A", None, 4)], {("A", None): 40})
        store.finish_stock_push(iid, SHOP, confirmed=[], refused=[("A", None)])

        row = store.stock_levels(iid, SHOP)[("A", None)]
        assert (row.quantity, row.pending, row.newest()) == (3, None, 30)

    def test_refused_unknown_skus_leave_no_rows(self, store: Store, iid: str) -> None:
        unknown = [(f"NOPE-{n}", None, 1) for n in range(2000)]
        store.begin_stock_push(iid, SHOP, unknown)
        store.finish_stock_push(iid, SHOP, confirmed=[], refused=[(s, w) for s, w, _ in unknown])
        assert store.stock_levels(iid, SHOP) == {}

    def test_an_as_of_beyond_64_bits_is_refused(self, store: Store, iid: str) -> None:
        with pytest.raises(ValueError, match=r"as_of of SKU 'A'.*64-bit"):
            store.begin_stock_push(iid, SHOP, [("A", None, 1)], {("A", None): 2**63})
        assert store.stock_levels(iid, SHOP) == {}
