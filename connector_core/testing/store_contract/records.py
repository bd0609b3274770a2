"""Contract: integrations, credentials, tokens, re-authorization, accounts, OAuth states, connect links,
and that none of their secrets reaches the database in the clear."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone

import pytest
from pydantic import SecretStr

from ...clock import OffsetClock
from ...credentials import Credentials
from ...errors import OAuthStateError, UnknownIntegration
from ...models import Account, ReauthorizationState, TokenSet
from ...store import Store, UnknownConnectLink
from .base import PUBLIC_VALUE, SECRET_VALUE, ContractBase, StoreFactory

ACCESS_1, REFRESH_1 = "contract-access-one-5d1e", "contract-refresh-one-88ab"
ACCESS_2, REFRESH_2 = "contract-access-two-c2f0", "contract-refresh-two-41d7"


ISSUED_AT = datetime(2031, 5, 1, 9, 30, 15, 123456, tzinfo=timezone.utc)
"""A fixed moment, so two TokenSets built for one comparison are equal (microseconds must survive too)."""


def tokens(access: str, refresh: str | None, hours: float = 4) -> TokenSet:
    now = ISSUED_AT
    return TokenSet(
        access_token=SecretStr(access),
        access_expires_at=now + timedelta(hours=hours),
        refresh_token=SecretStr(refresh) if refresh is not None else None,
        refresh_expires_at=now + timedelta(days=365) if refresh is not None else None,
        scopes=["orders", "stock"],
        extra={"open_id": "seller-1"},
    )


class RecordContract(ContractBase):
    # --- integrations ----------------------------------------------------------------------------------

    def test_an_integration_round_trips(self, store: Store, iid: str) -> None:
        record = store.get_integration(iid)

        assert record.id.startswith("contract-")
        assert (record.connector, record.name, record.settings) == (
            "contract",
            "My shop",
            {"stock_sync": True},
        )
        assert record.credentials["app_key"] == PUBLIC_VALUE
        assert record.credentials.secret("app_secret") == SECRET_VALUE
        assert record.account_id is None
        assert record.created_at.tzinfo is not None
        assert [r.id for r in store.list_integrations()] == [iid]

    def test_updating_an_integration_changes_only_what_is_given(self, store: Store, iid: str) -> None:
        store.save_accounts(iid, [Account(id="shop-9")])
        updated = store.update_integration(iid, name="Renamed", account_id="shop-9")
        assert (updated.name, updated.account_id, updated.settings) == (
            "Renamed",
            "shop-9",
            {"stock_sync": True},
        )
        assert updated.credentials.secret("app_secret") == SECRET_VALUE

        again = store.update_integration(
            iid, credentials=Credentials({"app_key": "k2"}, {"app_secret": "another-secret-1"}), settings={}
        )
        assert again.credentials.secret("app_secret") == "another-secret-1"
        assert again.credentials["app_key"] == "k2"
        assert (again.settings, again.name) == ({}, "Renamed")

    def test_an_unknown_integration_is_refused_by_every_call(self, store: Store) -> None:
        with pytest.raises(UnknownIntegration, match="channel-connectors integrations list"):
            store.get_integration("nope")
        with pytest.raises(UnknownIntegration):
            store.update_integration("nope", name="x")
        with pytest.raises(UnknownIntegration):
            store.delete_integration("nope")

    def test_deleting_an_integration_removes_everything_it_owned(self, store: Store, iid: str) -> None:
        store.save_tokens(iid, tokens(ACCESS_1, REFRESH_1))
        store.set_cursor(iid, "orders", "c")
        store.cache_put(iid, "skus", {"A": 1})
        store.begin_intent(iid, "shop", "shipment", "o1/fp", {"order_id": "o1"})
        store.begin_stock_push(iid, "shop", [("A", None, 3)])
        store.put_document(iid, "label/1", b"%PDF", "application/pdf")
        _, link = store.create_connect_link(iid, "connect", timedelta(days=1))

        store.delete_integration(iid)

        assert store.list_integrations() == []
        assert store.load_tokens(iid) is None
        assert store.get_cursor(iid, "orders") is None
        assert store.cache_get(iid, "skus", "A") is None
        assert store.list_intents(iid) == []
        assert store.stock_levels(iid, "shop") == {}
        assert store.get_document(iid, "label/1") is None
        assert store.list_connect_links(link.integration_id) == []

    # --- tokens, re-authorization, accounts ------------------------------------------------------------

    def test_tokens_round_trip_and_each_save_is_a_new_version(self, store: Store, iid: str) -> None:
        assert store.load_tokens(iid) is None
        first = store.save_tokens(iid, tokens(ACCESS_1, REFRESH_1))
        second = store.save_tokens(iid, tokens(ACCESS_2, REFRESH_2, hours=8))

        assert first.version == 1
        assert first.tokens == tokens(ACCESS_1, REFRESH_1)
        assert second.version == 2
        loaded = store.load_tokens(iid)
        assert loaded is not None
        assert loaded.version == 2
        assert loaded.tokens.access_token.get_secret_value() == ACCESS_2
        assert loaded.tokens.refresh_token is not None
        assert loaded.tokens.refresh_token.get_secret_value() == REFRESH_2  # the rotated one, kept
        assert loaded.tokens.scopes == ["orders", "stock"]
        assert loaded.tokens.extra == {"open_id": "seller-1"}

    def test_tokens_without_a_refresh_token_round_trip(self, store: Store, iid: str) -> None:
        saved = store.save_tokens(iid, tokens(ACCESS_1, None))

        assert saved.tokens.refresh_token is None
        assert saved.tokens.refresh_expires_at is None

    def test_reauthorization_state_round_trips(self, store: Store, iid: str) -> None:
        assert store.get_reauthorization(iid) == ReauthorizationState(deadline=None)
        state = ReauthorizationState(
            deadline=datetime(2027, 5, 1, tzinfo=timezone.utc), needs_reauthorization=True, reason="revoked"
        )
        store.set_reauthorization(iid, state)

        assert store.get_reauthorization(iid) == state

    def test_tokens_and_reauthorization_read_together_are_what_each_read_gives(
        self, store: Store, iid: str
    ) -> None:
        assert store.load_tokens_and_reauthorization(iid) == (None, ReauthorizationState(deadline=None))
        store.save_tokens(iid, tokens(ACCESS_1, REFRESH_1))
        assert store.load_tokens_and_reauthorization(iid) == (
            store.load_tokens(iid),
            ReauthorizationState(deadline=None),
        )
        state = ReauthorizationState(deadline=None, needs_reauthorization=True, reason="revoked")
        store.set_reauthorization(iid, state)

        assert store.load_tokens_and_reauthorization(iid) == (store.load_tokens(iid), state)

    def test_accounts_are_replaced_as_a_set(self, store: Store, iid: str) -> None:
        store.save_accounts(iid, [Account(id="b", selector="cb"), Account(id="a", selector="ca")])
        assert [a.id for a in store.list_accounts(iid)] == ["a", "b"]

        store.save_accounts(iid, [Account(id="c")])
        assert store.list_accounts(iid) == [Account(id="c")]

    # --- OAuth states ----------------------------------------------------------------------------------

    def test_an_oauth_state_is_consumed_once(self, store: Store, iid: str) -> None:
        created = store.create_oauth_state(iid, timedelta(minutes=15), {"redirect_uri": "https://host/cb"})

        used = store.consume_oauth_state(created.state)
        assert (used.integration_id, used.data) == (iid, {"redirect_uri": "https://host/cb"})
        with pytest.raises(OAuthStateError, match="already used"):
            store.consume_oauth_state(created.state)

    def test_an_oauth_state_expires(self, store: Store, iid: str, clock: OffsetClock) -> None:
        created = store.create_oauth_state(iid, timedelta(minutes=15))
        clock.advance(timedelta(minutes=16))

        with pytest.raises(OAuthStateError, match="expired"):
            store.consume_oauth_state(created.state)

    def test_a_forged_oauth_state_is_refused(self, store: Store, iid: str) -> None:
        real = store.create_oauth_state(iid, timedelta(minutes=15))
        for forged in ("forged", real.state[:-1], real.state + "x", "", "%"):
            with pytest.raises(OAuthStateError, match="unknown"):
                store.consume_oauth_state(forged)
        assert store.consume_oauth_state(real.state).integration_id == iid

    def test_oauth_states_are_unguessable_and_distinct(self, store: Store, iid: str) -> None:
        states = {store.create_oauth_state(iid, timedelta(minutes=1)).state for _ in range(20)}

        assert len(states) == 20
        assert all(len(s) >= 32 for s in states)

    def test_a_state_raced_by_many_callbacks_is_accepted_once(self, store: Store, iid: str) -> None:
        created = store.create_oauth_state(iid, timedelta(minutes=15))
        accepted: list[str] = []
        refused: list[str] = []

        def callback() -> None:
            try:
                accepted.append(store.consume_oauth_state(created.state).integration_id)
            except OAuthStateError as exc:
                refused.append(str(exc))

        threads = [threading.Thread(target=callback) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)

        assert accepted == [iid]
        assert len(refused) == 7

    # --- connect links ---------------------------------------------------------------------------------

    def test_a_connect_link_is_found_by_its_token_only(
        self, store: Store, iid: str, clock: OffsetClock
    ) -> None:
        token, link = store.create_connect_link(iid, "connect", timedelta(days=30))

        assert len(token) >= 43  # 32 random bytes, url-safe
        assert token.replace("-", "").replace("_", "").isalnum()
        assert link.token_hint == token[-4:]
        assert (link.integration_id, link.purpose, link.last_used_at) == (iid, "connect", None)
        assert abs(link.expires_at - (clock.now() + timedelta(days=30))) < timedelta(seconds=5)
        assert store.find_connect_link(token) == link
        assert store.find_connect_link(token[:-1]) is None
        assert store.find_connect_link("") is None

    def test_an_expired_connect_link_is_still_found_and_can_be_renewed(
        self, store: Store, iid: str, clock: OffsetClock
    ) -> None:
        token, _ = store.create_connect_link(iid, "renew", timedelta(hours=1))
        clock.advance(timedelta(hours=2))

        expired = store.find_connect_link(token)
        assert expired is not None
        assert expired.expires_at < clock.now()

        renewed = store.renew_connect_link(token, timedelta(days=30))
        assert renewed.expires_at > clock.now() + timedelta(days=29)
        assert store.find_connect_link(token) == renewed
        with pytest.raises(UnknownConnectLink):
            store.renew_connect_link("not-a-link", timedelta(days=1))

    def test_an_operator_renews_or_revokes_a_link_by_its_id_without_the_address(
        self, store: Store, iid: str, clock: OffsetClock
    ) -> None:
        token, link = store.create_connect_link(iid, "connect", timedelta(days=1))
        assert len(link.link_id) == 64 and token not in link.link_id
        assert store.find_connect_link(link.link_id) is None  # the id is not a way in

        renewed = store.set_connect_link_ttl(iid, link.link_id, timedelta(days=30))
        assert renewed.expires_at > clock.now() + timedelta(days=29)
        revoked = store.set_connect_link_ttl(iid, link.link_id, timedelta(0))
        assert revoked.expires_at <= clock.now()
        assert store.list_connect_links(iid) == [revoked]
        for other_integration, link_id in (("someone-else", link.link_id), (iid, "0" * 64), (iid, "short")):
            with pytest.raises(UnknownConnectLink):
                store.set_connect_link_ttl(other_integration, link_id, timedelta(days=1))

    def test_touching_a_connect_link_records_its_use(
        self, store: Store, iid: str, clock: OffsetClock
    ) -> None:
        token, _ = store.create_connect_link(iid, "connect", timedelta(days=1))
        other, _ = store.create_connect_link(iid, "renew", timedelta(days=1))
        clock.advance(timedelta(minutes=5))

        store.touch_connect_link(token)
        store.touch_connect_link("unknown-token")  # nothing to touch, nothing breaks

        used = store.find_connect_link(token)
        assert used is not None and used.last_used_at is not None
        assert abs(used.last_used_at - clock.now()) < timedelta(seconds=5)
        assert sorted(link.purpose for link in store.list_connect_links(iid)) == ["connect", "renew"]
        assert store.find_connect_link(other) is not None

    # --- secrets at rest -------------------------------------------------------------------------------

    def test_the_database_holds_no_secret_in_the_clear(self, store: Store, iid: str) -> None:
        store.save_tokens(iid, tokens(ACCESS_1, REFRESH_1))
        store.save_tokens(iid, tokens(ACCESS_2, REFRESH_2))
        state = store.create_oauth_state(iid, timedelta(minutes=15)).state
        link_token, _ = store.create_connect_link(iid, "connect", timedelta(days=1))

        dump = self.raw_dump(store)

        assert PUBLIC_VALUE.encode() in dump  # the dump is real: it shows what is not secret
        for secret in (SECRET_VALUE, ACCESS_1, REFRESH_1, ACCESS_2, REFRESH_2, state, link_token):
            assert secret.encode() not in dump, f"a secret ({secret[:8]}...) is stored in the clear"

    def test_a_second_store_on_the_same_database_reads_what_the_first_wrote(
        self, store: Store, iid: str, store_factory: StoreFactory
    ) -> None:
        store.save_tokens(iid, tokens(ACCESS_1, REFRESH_1))
        other = store_factory()
        try:
            assert other.get_integration(iid).credentials.secret("app_secret") == SECRET_VALUE
            loaded = other.load_tokens(iid)
            assert loaded is not None and loaded.tokens.access_token.get_secret_value() == ACCESS_1
        finally:
            other.close()
