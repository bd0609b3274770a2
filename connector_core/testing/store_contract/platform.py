"""Contract: the platform model. Apps held once (rotation seen by every connection), connections' tags,
every shop with its status, settings overrides and schedule, and the index lookups of the runtime."""

from __future__ import annotations

from datetime import timedelta

import pytest

from ...clock import OffsetClock
from ...credentials import Credentials
from ...models import Account, ReauthorizationState
from ...store import Store
from ...store.errors import AppInUse, UnknownApp, UnknownShop
from .base import SECRET_VALUE, ContractBase

ROTATED = "contract-rotated-secret-0b7e"


class PlatformContract(ContractBase):
    @pytest.fixture
    def app_id(self, store: Store) -> str:
        creds = Credentials({"app_key": "shared-key"}, {"app_secret": SECRET_VALUE})
        return store.create_app("contract", "Our app", creds).id

    def test_connections_under_one_app_read_its_credentials_and_a_rotation_at_once(
        self, store: Store, app_id: str
    ) -> None:
        first = store.create_integration("contract", "Seller 1", None, {}, app_id=app_id)
        second = store.create_integration("contract", "Seller 2", None, {}, app_id=app_id)
        assert {first.app_id, second.app_id} == {app_id}
        assert store.get_integration(first.id).credentials.secret("app_secret") == SECRET_VALUE

        store.update_app(app_id, credentials=Credentials({"app_key": "shared-key"}, {"app_secret": ROTATED}))

        for connection in (first, second):
            assert store.get_integration(connection.id).credentials.secret("app_secret") == ROTATED
        assert [a.id for a in store.list_apps("contract")] == [app_id]
        assert ROTATED.encode() not in self.raw_dump(store)

    def test_a_connection_of_its_own_owns_an_app_that_goes_with_it(self, store: Store, iid: str) -> None:
        record = store.get_integration(iid)
        assert record.app_id is not None
        assert store.get_app(record.app_id).owned_by == iid

        store.delete_integration(iid)

        with pytest.raises(UnknownApp):
            store.get_app(record.app_id)

    def test_a_shared_app_outlives_its_connections_but_is_not_deleted_under_them(
        self, store: Store, app_id: str
    ) -> None:
        connection = store.create_integration("contract", "Seller", None, {}, app_id=app_id)
        with pytest.raises(AppInUse):
            store.delete_app(app_id)
        store.delete_integration(connection.id)
        assert store.get_app(app_id).id == app_id
        store.delete_app(app_id)
        with pytest.raises(UnknownApp):
            store.create_integration("contract", "Seller", None, {}, app_id=app_id)

    def test_tags_are_found_through_their_index(self, store: Store, app_id: str) -> None:
        a = store.create_integration("contract", "A", None, {}, app_id=app_id, tags={"customer": "42"})
        b = store.create_integration("contract", "B", None, {}, app_id=app_id, tags={"customer": "7"})
        store.set_tags(b.id, {"customer": "42", "plan": "gold"})

        assert store.find_integration_ids({"customer": "42"}) == [a.id, b.id]
        assert store.find_integration_ids({"customer": "42", "plan": "gold"}) == [b.id]
        assert store.find_integration_ids({"customer": "nobody"}) == []
        assert store.get_integration(b.id).tags == {"customer": "42", "plan": "gold"}

    def test_shops_that_leave_the_authorization_are_kept_as_left_with_their_settings(
        self, store: Store, iid: str
    ) -> None:
        store.save_accounts(iid, [Account(id="uk"), Account(id="de")])
        store.set_shop_settings(iid, "de", {"stock_sync": False})

        store.save_accounts(iid, [Account(id="uk")])

        assert [a.id for a in store.list_accounts(iid)] == ["uk"]
        shops = {s.id: s for s in store.list_shops(iid)}
        assert (shops["de"].status, shops["de"].settings, shops["de"].next_pull_at) == (
            "left",
            {"stock_sync": False},
            None,
        )
        assert shops["de"].status_reason
        store.save_accounts(iid, [Account(id="uk"), Account(id="de")])
        back = store.get_shop(iid, "de")
        assert back is not None and back.active and back.next_pull_at is not None
        with pytest.raises(UnknownShop):
            store.set_shop_status(iid, "nowhere", "left")

    def test_due_shops_come_by_their_schedule_and_skip_what_cannot_run(
        self, store: Store, iid: str, clock: OffsetClock
    ) -> None:
        now = clock.now()
        store.save_accounts(iid, [Account(id="a"), Account(id="b"), Account(id="c")])
        store.schedule_shop(iid, "a", now + timedelta(minutes=5))
        store.schedule_shop(iid, "b", now - timedelta(minutes=1), failures=2, last_error="timeout")
        store.schedule_shop(iid, "c", now - timedelta(minutes=3))

        due = store.due_shops(now, 10)
        assert [(d.shop_id, d.failures) for d in due] == [("c", 0), ("b", 2)]
        assert [d.shop_id for d in store.due_shops(now, 1)] == ["c"]
        store.set_shop_status(iid, "c", "left", "the seller deauthorized it")
        assert [d.shop_id for d in store.due_shops(now, 10)] == ["b"]
        store.set_reauthorization(iid, ReauthorizationState(deadline=None, needs_reauthorization=True))
        assert store.due_shops(now, 10) == []

    def test_a_schedule_write_can_release_a_lease_with_it(
        self, store: Store, iid: str, clock: OffsetClock
    ) -> None:
        now = clock.now()
        store.save_accounts(iid, [Account(id="a")])
        assert store.try_lock("import:a", "worker-1", timedelta(minutes=5))
        assert store.try_lock("import:b", "worker-2", timedelta(minutes=5))

        store.schedule_shop(iid, "a", now + timedelta(minutes=5), unlock=("import:a", "worker-1"))
        store.schedule_shop(iid, "a", now + timedelta(minutes=6), unlock=("import:b", "worker-1"))

        shop = store.get_shop(iid, "a")
        assert shop is not None and shop.next_pull_at is not None
        assert abs(shop.next_pull_at - (now + timedelta(minutes=6))) < timedelta(seconds=1)
        assert store.lease_holder("import:a") is None  # released with the first write
        holder = store.lease_holder("import:b")  # another owner's lease is not ours to release
        assert holder is not None and holder.owner == "worker-2"
        store.schedule_shop(
            iid, "gone", now, unlock=("import:b", "worker-2")
        )  # an unknown shop: still released
        assert store.lease_holder("import:b") is None

    def test_webhook_routes_are_found_by_shop_and_app(self, store: Store, app_id: str, iid: str) -> None:
        shared = store.create_integration("contract", "Seller", None, {}, app_id=app_id)
        store.save_accounts(shared.id, [Account(id="shop-1"), Account(id="shop-2")])
        store.save_accounts(iid, [Account(id="shop-1")])
        own_app = store.get_integration(iid).app_id or ""

        assert store.route_webhook_shop(app_id, "shop-1") == [shared.id]
        assert store.route_webhook_shop(own_app, "shop-1") == [iid]
        assert {r.integration_id for r in store.connections_for_shop("contract", "shop-1")} == {
            iid,
            shared.id,
        }
        assert store.connections_for_shop("other", "shop-1") == []
        store.save_accounts(shared.id, [Account(id="shop-2")])
        assert store.route_webhook_shop(app_id, "shop-1") == []

    def test_a_webhook_route_follows_its_shop_and_connection(self, store: Store, app_id: str) -> None:
        seller = store.create_integration("contract", "Seller", None, {}, app_id=app_id)
        store.save_accounts(seller.id, [Account(id="uk"), Account(id="de")])

        store.set_shop_status(seller.id, "uk", "paused", "paused by an operator")
        assert store.route_webhook_shop(app_id, "uk") == []
        store.set_shop_status(seller.id, "uk", "active")
        assert store.route_webhook_shop(app_id, "uk") == [seller.id]
        store.save_accounts(seller.id, [Account(id="uk")])  # de leaves the authorization
        assert store.connections_for_shop("contract", "de") == []
        store.save_accounts(seller.id, [Account(id="uk"), Account(id="de")])  # and comes back
        assert store.route_webhook_shop(app_id, "de") == [seller.id]
        store.save_accounts(seller.id, [Account(id="uk"), Account(id="de")])  # listed again: one route each
        assert [r.integration_id for r in store.connections_for_shop("contract", "uk")] == [seller.id]

        store.delete_integration(seller.id)
        assert store.route_webhook_shop(app_id, "uk") == []
        assert store.connections_for_shop("contract", "de") == []

    def test_a_paused_shop_stays_paused_when_connect_lists_it_again(self, store: Store, iid: str) -> None:
        store.save_accounts(iid, [Account(id="uk"), Account(id="de")])
        store.set_shop_status(iid, "de", "paused", "paused by an operator")

        store.save_accounts(iid, [Account(id="uk"), Account(id="de")])

        paused = store.get_shop(iid, "de")
        assert paused is not None and (paused.status, paused.next_pull_at) == ("paused", None)
        assert [a.id for a in store.list_accounts(iid)] == ["uk"]
        uk = store.get_shop(iid, "uk")
        assert uk is not None and uk.next_pull_at is not None
        assert [d.shop_id for d in store.due_shops(uk.next_pull_at, 10)] == ["uk"]
        store.save_accounts(iid, [Account(id="uk")])
        left = store.get_shop(iid, "de")
        assert left is not None and left.status == "left"

    def test_connections_to_refresh_come_by_token_expiry_without_reauthorization(
        self, store: Store, app_id: str, clock: OffsetClock
    ) -> None:
        from pydantic import SecretStr

        from ...models import TokenSet

        now = clock.now()
        soon, later, stuck = (
            store.create_integration("contract", name, None, {}, app_id=app_id).id for name in ("a", "b", "c")
        )
        for iid, hours in ((soon, 0.1), (later, 48), (stuck, 0.05)):
            store.save_tokens(
                iid,
                TokenSet(
                    access_token=SecretStr(f"tok-{iid}"), access_expires_at=now + timedelta(hours=hours)
                ),
            )
        store.set_reauthorization(stuck, ReauthorizationState(deadline=None, needs_reauthorization=True))

        assert store.connections_to_refresh(now + timedelta(hours=1), 10) == [soon]
        assert store.connections_to_refresh(now + timedelta(days=3), 1) == [soon]

    def test_connections_to_reauthorize_are_the_connected_ones_past_or_near_their_deadline(
        self, store: Store, app_id: str, clock: OffsetClock
    ) -> None:
        from pydantic import SecretStr

        from ...models import TokenSet

        now = clock.now()
        near, far, withdrawn, never = (
            store.create_integration("contract", n, None, {}, app_id=app_id).id for n in ("a", "b", "c", "d")
        )
        for iid in (near, far, withdrawn):
            store.save_tokens(iid, TokenSet(access_token=SecretStr(f"t-{iid}"), access_expires_at=now))
        store.set_reauthorization(near, ReauthorizationState(deadline=now + timedelta(days=3)))
        store.set_reauthorization(far, ReauthorizationState(deadline=now + timedelta(days=300)))
        store.set_reauthorization(withdrawn, ReauthorizationState(deadline=None, needs_reauthorization=True))
        store.set_reauthorization(never, ReauthorizationState(deadline=None, needs_reauthorization=True))

        assert sorted(store.connections_to_reauthorize(now + timedelta(days=7), 10)) == sorted(
            [near, withdrawn]
        )
