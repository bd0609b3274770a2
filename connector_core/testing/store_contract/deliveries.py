"""Contract: the delivery ledger answers a whole page in one call and keeps what it was last told, per
connection and shop."""

from __future__ import annotations

from ...store import Store
from ...store.deliveries import Delivered
from .base import ContractBase


class DeliveryContract(ContractBase):
    def test_an_order_never_handed_over_is_absent(self, store: Store, iid: str) -> None:
        assert store.delivered(iid, "shop-1", ["o1", "o2"]) == {}
        assert store.delivered(iid, "shop-1", []) == {}

    def test_versions_and_problems_are_kept_per_order_and_a_later_one_replaces_it(
        self, store: Store, iid: str
    ) -> None:
        store.record_delivered(iid, "shop-1", versions={"o1": "2026-01-01T00:00:00+00:00"}, problems={})
        store.record_delivered(iid, "shop-1", versions={}, problems={"o1": "no address", "o2": "bad sku"})
        store.record_delivered(iid, "shop-1", versions={"o1": "2026-01-02T00:00:00+00:00"}, problems={})

        assert store.delivered(iid, "shop-1", ["o1", "o2", "o3"]) == {
            "o1": Delivered("2026-01-02T00:00:00+00:00", "no address"),
            "o2": Delivered(None, "bad sku"),
        }

    def test_each_shop_of_a_connection_has_its_own_ledger(self, store: Store, iid: str) -> None:
        store.record_delivered(iid, "shop-1", versions={"o1": "v1"}, problems={})

        assert store.delivered(iid, "shop-2", ["o1"]) == {}
        assert store.delivered(iid, "shop-1", ["o1"]) == {"o1": Delivered("v1", None)}

    def test_a_page_larger_than_one_query_chunk_is_answered_whole(self, store: Store, iid: str) -> None:
        many = {f"order-{n}": f"v{n}" for n in range(1200)}
        store.record_delivered(iid, "shop-1", versions=many, problems={})

        found = store.delivered(iid, "shop-1", [*many, "missing"])

        assert {k: v.version for k, v in found.items()} == many

    def test_deleting_the_connection_deletes_its_ledger(self, store: Store, iid: str) -> None:
        store.record_delivered(iid, "shop-1", versions={"o1": "v1"}, problems={})
        store.delete_integration(iid)

        assert store.delivered(iid, "shop-1", ["o1"]) == {}
