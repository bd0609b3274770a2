"""Contract: the store's indexes for paths that used to cost per connection (issue 19). The connections
list filtered by state in one query, the SKU -> shop index stock pushes are routed by, and the core's pull
intervals per connection and per shop."""

from __future__ import annotations

from datetime import timedelta
from typing import NoReturn

import pytest
from pydantic import SecretStr

from ...clock import OffsetClock
from ...credentials import Credentials
from ...errors import UnknownIntegration
from ...models import Account, ReauthorizationState, TokenSet
from ...store import RunRecord, Store
from ...store.index_roles import CONNECTION_SCOPE, ConnectionQuery
from .base import ContractBase


def shop_missing() -> NoReturn:
    raise AssertionError("the shop is gone")


def _new(store: Store, name: str, connector: str = "contract", **tags: str) -> str:
    creds = Credentials({"app_key": "k"}, {"app_secret": "contract-index-secret"})
    return store.create_integration(connector, name, creds, {}, tags=tags).id


def _connect(store: Store, iid: str, clock: OffsetClock) -> None:
    now = clock.now()
    store.save_tokens(
        iid, TokenSet(access_token=SecretStr(f"t-{iid}"), access_expires_at=now + timedelta(hours=1))
    )


def _run(store: Store, iid: str, clock: OffsetClock, *, ok: bool) -> None:
    now = clock.now()
    store.record_run(RunRecord(iid, "", "pull_orders", now, now, ok, {}))


class IndexContract(ContractBase):
    def test_the_connections_list_filters_by_state_in_one_page_newest_first(
        self, store: Store, clock: OffsetClock
    ) -> None:
        ids = {}
        for name in ("never", "fine", "broken", "revoked", "recovered"):
            ids[name] = _new(store, name.title())
            clock.advance(timedelta(seconds=1))
        for name in ("fine", "broken", "revoked", "recovered"):
            _connect(store, ids[name], clock)
        _run(store, ids["fine"], clock, ok=True)
        _run(store, ids["broken"], clock, ok=True)
        clock.advance(timedelta(seconds=1))
        _run(store, ids["broken"], clock, ok=False)  # the newest run decides
        _run(store, ids["recovered"], clock, ok=False)
        clock.advance(timedelta(seconds=1))
        _run(store, ids["recovered"], clock, ok=True)
        store.set_reauthorization(
            ids["revoked"], ReauthorizationState(deadline=None, needs_reauthorization=True)
        )

        def listed(**filters: object) -> list[tuple[str, str]]:
            page = store.find_connections(ConnectionQuery(**filters))  # type: ignore[arg-type]
            return [(r.id, r.state) for r in page.rows]

        assert listed() == [
            (ids["recovered"], "connected"),
            (ids["revoked"], "needs_reauthorization"),
            (ids["broken"], "failing"),
            (ids["fine"], "connected"),
            (ids["never"], "not_connected"),
        ]
        assert listed(state="connected") == [(ids["recovered"], "connected"), (ids["fine"], "connected")]
        assert listed(state="failing") == [(ids["broken"], "failing")]
        assert listed(state="not_connected") == [(ids["never"], "not_connected")]
        page = store.find_connections(ConnectionQuery(limit=2, offset=2))
        assert ([r.id for r in page.rows], page.total) == ([ids["broken"], ids["fine"]], 5)
        oldest = store.find_connections(ConnectionQuery(state="connected", newest_first=False))
        assert [r.id for r in oldest.rows] == [ids["fine"], ids["recovered"]]
        past = store.find_connections(ConnectionQuery(state="connected", limit=2, offset=4))
        assert (past.rows, past.total) == ([], 2)

    def test_the_connections_list_filters_by_name_tag_connector_and_shop(self, store: Store) -> None:
        uk = _new(store, "Acme UK", customer="C-42")
        other = _new(store, "Bolt", "other", customer="c-7")
        store.save_accounts(uk, [Account(id="7001", name="Acme Shop GB")])
        store.save_accounts(other, [Account(id="8001", name="Bolt DE")])

        def ids(**filters: object) -> list[str]:
            return [r.id for r in store.find_connections(ConnectionQuery(**filters)).rows]  # type: ignore[arg-type]

        assert ids(q="acme") == [uk]
        assert ids(q="c-42") == [uk]  # a tag value
        assert ids(q=other.lower()) == [other]
        assert ids(connector="other") == [other]
        assert ids(tags={"customer": "C-42"}) == [uk]
        assert ids(shop="shop gb") == [uk]
        assert ids(shop="8001") == [other]
        store.save_accounts(other, [])  # the shop left: not a shop it serves any more
        assert ids(shop="8001") == []

    def test_a_state_the_store_does_not_know_is_refused_naming_it(self, store: Store) -> None:
        with pytest.raises(ValueError, match="'sleeping'"):
            store.find_connections(ConnectionQuery(state="sleeping"))  # type: ignore[arg-type]

    def test_shops_listing_a_sku_are_remembered_and_the_newest_word_wins(
        self, store: Store, iid: str, clock: OffsetClock
    ) -> None:
        store.save_accounts(iid, [Account(id="uk"), Account(id="de")])
        store.note_shop_skus(iid, "uk", listed=["MUG", "CAP"])
        store.note_shop_skus(iid, "de", unlisted=["MUG"])
        clock.advance(timedelta(minutes=5))
        store.note_shop_skus(iid, "de", listed=["CAP"])
        store.note_shop_skus(iid, "uk", unlisted=["CAP"])  # the UK shop took CAP down

        found = store.shops_for_skus(iid, ["MUG", "CAP", "NEVER-SEEN"])

        assert {s.shop_id: s.listed for s in found["MUG"]} == {"uk": True, "de": False}
        assert {s.shop_id: s.listed for s in found["CAP"]} == {"uk": False, "de": True}
        assert "NEVER-SEEN" not in found
        first = next(s.seen_at for s in found["MUG"] if s.shop_id == "uk")
        assert all(s.seen_at - first >= timedelta(minutes=4) for s in found["CAP"])  # when each was said

    def test_a_sku_the_index_cannot_hold_is_left_out_without_failing(self, store: Store, iid: str) -> None:
        odd = ["X" * 500, "NUL\x00SKU", ""]
        store.note_shop_skus(iid, "uk", listed=[*odd, "MUG"], unlisted=odd)
        assert list(store.shops_for_skus(iid, [*odd, "MUG"])) == ["MUG"]

    def test_the_sku_index_goes_with_its_connection(self, store: Store, iid: str) -> None:
        store.note_shop_skus(iid, "uk", listed=["MUG"])
        other = _new(store, "Other")
        assert store.shops_for_skus(other, ["MUG"]) == {}
        store.delete_integration(iid)
        assert store.shops_for_skus(iid, ["MUG"]) == {}

    def test_the_connections_of_an_app_are_found_through_its_index(self, store: Store) -> None:
        shared = store.create_app("contract", "Shared", Credentials({"app_key": "k"}, {"app_secret": "s-1"}))
        other = store.create_app("contract", "Other", Credentials({"app_key": "k2"}, {"app_secret": "s-2"}))
        first = store.create_integration("contract", "A", None, {}, app_id=shared.id).id
        store.create_integration("contract", "B", None, {}, app_id=other.id)
        second = store.create_integration("contract", "C", None, {}, app_id=shared.id).id
        assert set(store.connection_ids_of_app(shared.id)) == {first, second}
        assert store.connection_ids_of_app("no-such-app") == []

    def test_pull_intervals_are_kept_per_connection_and_per_shop(self, store: Store, iid: str) -> None:
        store.save_accounts(iid, [Account(id="uk"), Account(id="de")])
        assert store.pull_intervals(iid) == {}
        store.set_pull_interval(iid, CONNECTION_SCOPE, 900)
        store.set_pull_interval(iid, "de", 3600)
        store.set_pull_interval(iid, "de", 1800)
        assert store.pull_intervals(iid) == {CONNECTION_SCOPE: 900, "de": 1800}
        # A shop's record carries its own interval, else its connection's: the pull task reads no more.
        assert {s.id: s.pull_interval for s in store.list_shops(iid)} == {"de": 1800, "uk": 900}
        store.set_pull_interval(iid, CONNECTION_SCOPE, None)
        assert store.pull_intervals(iid) == {"de": 1800}
        assert (store.get_shop(iid, "uk") or shop_missing()).pull_interval is None
        with pytest.raises(ValueError, match="positive"):
            store.set_pull_interval(iid, "de", 0)
        with pytest.raises(UnknownIntegration):
            store.set_pull_interval("no-such-connection", "de", 60)
