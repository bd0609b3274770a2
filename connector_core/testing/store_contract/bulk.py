"""Contract: many connections written at once (`import_connections`) leave what the one-at-a-time path
leaves (the rows, the shop index, the schedule, the tag index), all of a batch or none, secrets sealed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from pydantic import SecretStr

from ...clock import OffsetClock
from ...credentials import Credentials
from ...models import Account, ReauthorizationState, TokenSet
from ...store import NewConnection, SealedStore, Store
from ...store.errors import UnknownApp
from .base import SECRET_VALUE, ContractBase

ACCESS = "contract-bulk-access-token-5d1e"
REFRESH = "contract-bulk-refresh-token-c44a"


def _tokens(clock: OffsetClock, seller: str) -> TokenSet:
    now = clock.now()
    return TokenSet(
        access_token=SecretStr(f"{ACCESS}-{seller}"),
        access_expires_at=now + timedelta(hours=6),
        refresh_token=SecretStr(f"{REFRESH}-{seller}"),
        refresh_expires_at=now + timedelta(days=60),
        scopes=["orders"],
        extra={"open_id": f"open-{seller}"},
    )


def _shops(seller: str) -> list[Account]:
    return [
        Account(id=f"{seller}-uk", name="UK shop", region="GB", selector=f"cipher-{seller}-uk"),
        Account(id=f"{seller}-de", region="DE", extra={"seller_type": "CROSS_BORDER"}),
    ]


class BulkImportContract(ContractBase):
    @pytest.fixture
    def bulk_app(self, store: Store) -> str:
        creds = Credentials({"app_key": "shared-key"}, {"app_secret": SECRET_VALUE})
        return store.create_app("contract", "Our app", creds).id

    def test_an_imported_connection_is_what_the_one_at_a_time_path_leaves(
        self, store: Store, bulk_app: str, clock: OffsetClock
    ) -> None:
        one = store.create_integration(
            "contract", "Seller", None, {"stock_sync": True}, app_id=bulk_app, tags={"customer": "c-1"}
        ).id
        tokens = _tokens(clock, "one")
        store.save_tokens(one, tokens)
        store.set_reauthorization(one, ReauthorizationState(deadline=tokens.refresh_expires_at))
        store.save_accounts(one, _shops("one"))

        bulk_tokens = _tokens(clock, "bulk")
        entry = NewConnection(
            "Seller", {"stock_sync": True}, {"customer": "c-2"}, bulk_tokens, _shops("bulk")
        )
        [bulk] = store.import_connections(bulk_app, [entry])

        a, b = store.get_integration(one), store.get_integration(bulk)
        assert (a.connector, a.name, a.settings, a.app_id, a.account_id) == (
            b.connector,
            b.name,
            b.settings,
            b.app_id,
            b.account_id,
        )
        assert b.tags == {"customer": "c-2"} and b.credentials.secret("app_secret") == SECRET_VALUE
        stored_a, stored_b = store.load_tokens(one), store.load_tokens(bulk)
        assert stored_a is not None and stored_b is not None
        assert (stored_a.tokens, stored_b.tokens) == (tokens, bulk_tokens)
        assert (stored_a.version, stored_b.version) == (1, 1)
        assert store.get_reauthorization(bulk) == ReauthorizationState(
            deadline=stored_b.tokens.refresh_expires_at
        )
        for shop_a, shop_b in zip(store.list_shops(one), store.list_shops(bulk), strict=True):
            assert (shop_a.status, shop_a.settings, shop_a.failures, shop_a.last_error) == (
                shop_b.status,
                shop_b.settings,
                shop_b.failures,
                shop_b.last_error,
            )
            assert shop_b.next_pull_at is not None and shop_b.next_pull_at <= clock.now()
        by_id = sorted(_shops("bulk"), key=lambda s: s.id)
        assert [s.account for s in store.list_shops(bulk)] == by_id
        # The indexes the runtime reads: webhook routes, the beat's schedule, tags, the token ticks.
        assert store.route_webhook_shop(bulk_app, "bulk-uk") == [bulk]
        assert [r.integration_id for r in store.connections_for_shop("contract", "bulk-de")] == [bulk]
        due = {(d.integration_id, d.shop_id) for d in store.due_shops(clock.now() + timedelta(seconds=1), 10)}
        assert due == {(i, f"{s}-{c}") for i, s in ((one, "one"), (bulk, "bulk")) for c in ("uk", "de")}
        assert store.find_integration_ids({"customer": "c-2"}) == [bulk]
        soon = clock.now() + timedelta(days=1)
        assert sorted(store.connections_to_refresh(soon, 10)) == sorted([one, bulk])
        assert sorted(store.connections_to_reauthorize(soon + timedelta(days=60), 10)) == sorted([one, bulk])

    def test_imported_connections_keep_the_hosts_order_and_may_wait_for_connect(
        self, store: Store, bulk_app: str
    ) -> None:
        ids = store.import_connections(bulk_app, [NewConnection(f"Seller {n}") for n in range(25)])

        assert len(set(ids)) == 25
        assert [r.id for r in store.list_integrations()] == ids
        assert [store.get_integration(i).name for i in ids[:3]] == ["Seller 0", "Seller 1", "Seller 2"]
        assert store.load_tokens(ids[0]) is None and store.list_shops(ids[0]) == []
        assert store.import_connections(bulk_app, []) == []

    def test_an_import_writes_all_of_a_batch_or_nothing(
        self, store: Store, bulk_app: str, clock: OffsetClock
    ) -> None:
        good = NewConnection("Good", tokens=_tokens(clock, "good"), shops=_shops("good"))
        nul = NewConnection("Bad\x00name", shops=_shops("bad"))

        with pytest.raises(ValueError, match="connection 2 of the import"):
            store.import_connections(bulk_app, [good, nul])
        with pytest.raises(ValueError, match="connection 2 of the import: its shop ids"):
            store.import_connections(bulk_app, [good, NewConnection("Twice", shops=[Account(id="x")] * 2)])
        with pytest.raises(UnknownApp):
            store.import_connections("app-nobody", [good])
        if isinstance(store, SealedStore):  # a failure inside the backend's transaction rolls it all back
            sealed = store._sealed_new(1, good)
            clash = store._sealed_new(2, NewConnection("Clash", shops=[Account(id="x")]))
            clash = type(clash)(clash.name, clash.settings, clash.tags, None, [Account(id="x")] * 2)
            with pytest.raises(Exception):  # noqa: B017 - whichever the database raises for a duplicate key
                store.backend.import_connections(bulk_app, [sealed, clash])

        assert store.list_integrations() == []
        assert store.route_webhook_shop(bulk_app, "good-uk") == []
        assert store.due_shops(clock.now() + timedelta(days=1), 10) == []

    def test_imported_tokens_are_sealed_at_rest(
        self, store: Store, bulk_app: str, clock: OffsetClock
    ) -> None:
        entry = NewConnection("Seller", tokens=_tokens(clock, "sealed"), shops=_shops("sealed"))
        assert ACCESS not in repr(entry) and REFRESH not in repr(entry)

        [iid] = store.import_connections(bulk_app, [entry])

        dump = self.raw_dump(store)
        assert ACCESS.encode() not in dump and REFRESH.encode() not in dump
        stored = store.load_tokens(iid)
        assert stored is not None
        assert stored.tokens.access_token.get_secret_value() == f"{ACCESS}-sealed"
