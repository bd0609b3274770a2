"""SQLiteStore: migrations, integrations, tokens, OAuth states, cursors, ledgers, cache, leases, events."""

from __future__ import annotations

import os
import sqlite3
import stat
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from core_support import tokens_expiring_in
from cryptography.fernet import Fernet

from connector_core import (
    Account,
    OAuthStateError,
    OffsetClock,
    ReauthorizationState,
    SQLiteStore,
    UnknownIntegration,
)
from connector_core.credentials import Credentials
from connector_core.store import MIGRATIONS, ShipmentRecord, StockRecord, default_home
from connector_core.vault import VaultError


@pytest.fixture
def iid(store: SQLiteStore) -> str:
    creds = Credentials({"app_key": "key1"}, {"app_secret": "s3cret-value"})
    return store.create_integration("fake", "My shop", creds, {"stock_sync": True}).id


# --- schema -----------------------------------------------------------------------------------------------


def test_migrations_bring_a_new_file_to_the_latest_version(store: SQLiteStore) -> None:
    assert store.schema_version == len(MIGRATIONS)


def test_reopening_does_not_run_the_migrations_again(store: SQLiteStore, iid: str, tmp_path: Path) -> None:
    again = SQLiteStore(store.path)  # would fail on CREATE TABLE if the migrations ran twice

    assert again.schema_version == len(MIGRATIONS)
    assert again.get_integration(iid).name == "My shop"
    again.close()


def test_the_file_is_in_wal_mode(store: SQLiteStore) -> None:
    store.schema_version  # noqa: B018 - opens the connection
    with sqlite3.connect(store.path) as raw:
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_the_default_location_follows_channel_connectors_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CHANNEL_CONNECTORS_HOME", str(tmp_path / "elsewhere"))
    assert default_home() == tmp_path / "elsewhere"

    db = SQLiteStore()
    assert db.path == tmp_path / "elsewhere" / "store.sqlite3"
    assert (tmp_path / "elsewhere" / "store.key").is_file()
    db.close()


def test_without_channel_connectors_home_the_store_lives_in_the_working_directory(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("CHANNEL_CONNECTORS_HOME")
    assert default_home() == Path(".channel-connectors")


# --- integrations ---------------------------------------------------------------------------------------


def test_an_integration_round_trips(store: SQLiteStore, iid: str) -> None:
    record = store.get_integration(iid)

    assert record.id.startswith("fake-")
    assert record.connector == "fake"
    assert record.settings == {"stock_sync": True}
    assert record.credentials["app_key"] == "key1"
    assert record.credentials.secret("app_secret") == "s3cret-value"
    assert record.account_id is None
    assert record.created_at.tzinfo is not None
    assert [r.id for r in store.list_integrations()] == [iid]


def test_updating_changes_only_what_is_given(store: SQLiteStore, iid: str) -> None:
    store.save_accounts(iid, [Account(id="shop-9")])
    updated = store.update_integration(iid, name="Renamed", account_id="shop-9")

    assert updated.name == "Renamed"
    assert updated.account_id == "shop-9"
    assert updated.settings == {"stock_sync": True}
    assert updated.credentials.secret("app_secret") == "s3cret-value"

    new_creds = Credentials({"app_key": "key2"}, {"app_secret": "another-secret"})
    again = store.update_integration(iid, credentials=new_creds, settings={"stock_sync": False})
    assert again.credentials.secret("app_secret") == "another-secret"
    assert again.settings == {"stock_sync": False}


def test_an_unknown_integration_says_how_to_list_them(store: SQLiteStore) -> None:
    with pytest.raises(UnknownIntegration, match="channel-connectors integrations list"):
        store.get_integration("nope")
    with pytest.raises(UnknownIntegration):
        store.update_integration("nope", name="x")
    with pytest.raises(UnknownIntegration):
        store.delete_integration("nope")


def test_deleting_an_integration_removes_everything_it_owned(store: SQLiteStore, iid: str) -> None:
    store.save_tokens(iid, tokens_expiring_in(timedelta(hours=1)))
    store.set_cursor(iid, "orders", "c")
    store.cache_put(iid, "skus", {"A": 1})

    store.delete_integration(iid)

    assert store.list_integrations() == []
    assert store.load_tokens(iid) is None
    assert store.get_cursor(iid, "orders") is None
    assert store.cache_get(iid, "skus", "A") is None


# --- tokens, accounts, re-authorization -----------------------------------------------------------------


def test_tokens_round_trip_and_count_versions(store: SQLiteStore, iid: str) -> None:
    assert store.load_tokens(iid) is None
    tokens = tokens_expiring_in(timedelta(hours=1)).model_copy(
        update={"scopes": ["orders"], "extra": {"a": 1}}
    )

    first = store.save_tokens(iid, tokens)
    second = store.save_tokens(iid, tokens_expiring_in(timedelta(hours=2), access_token="access-2"))

    assert first.version == 1
    assert first.tokens == tokens
    assert second.version == 2
    assert second.tokens.access_token.get_secret_value() == "access-2"


def test_tokens_without_a_refresh_token_round_trip(store: SQLiteStore, iid: str) -> None:
    saved = store.save_tokens(
        iid, tokens_expiring_in(timedelta(hours=1), refresh_token=None, refresh_in=None)
    )

    assert saved.tokens.refresh_token is None
    assert saved.tokens.refresh_expires_at is None


def test_reauthorization_state_round_trips(store: SQLiteStore, iid: str) -> None:
    assert store.get_reauthorization(iid) == ReauthorizationState(deadline=None)
    state = ReauthorizationState(
        deadline=datetime(2027, 5, 1, tzinfo=timezone.utc), needs_reauthorization=True, reason="revoked"
    )

    store.set_reauthorization(iid, state)

    assert store.get_reauthorization(iid) == state


def test_accounts_are_replaced_as_a_set(store: SQLiteStore, iid: str) -> None:
    store.save_accounts(iid, [Account(id="b", selector="cb"), Account(id="a", selector="ca")])
    assert [a.id for a in store.list_accounts(iid)] == ["a", "b"]

    store.save_accounts(iid, [Account(id="c")])
    assert store.list_accounts(iid) == [Account(id="c")]


# --- OAuth states ---------------------------------------------------------------------------------------


def test_an_oauth_state_is_consumed_once(store: SQLiteStore, iid: str) -> None:
    created = store.create_oauth_state(iid, timedelta(minutes=15), {"redirect_uri": "https://host/cb"})

    used = store.consume_oauth_state(created.state)
    assert used.integration_id == iid
    assert used.data == {"redirect_uri": "https://host/cb"}

    with pytest.raises(OAuthStateError, match="already used"):
        store.consume_oauth_state(created.state)


def test_an_oauth_state_expires(store: SQLiteStore, iid: str, clock: OffsetClock) -> None:
    created = store.create_oauth_state(iid, timedelta(minutes=15))

    clock.advance(timedelta(minutes=16))

    with pytest.raises(OAuthStateError, match="expired"):
        store.consume_oauth_state(created.state)


def test_an_unknown_oauth_state_is_refused(store: SQLiteStore) -> None:
    with pytest.raises(OAuthStateError, match="unknown"):
        store.consume_oauth_state("forged")


def test_oauth_states_are_unguessable_and_distinct(store: SQLiteStore, iid: str) -> None:
    states = {store.create_oauth_state(iid, timedelta(minutes=1)).state for _ in range(20)}

    assert len(states) == 20
    assert all(len(s) >= 32 for s in states)


# --- cursors, ledgers, cache ----------------------------------------------------------------------------


def test_cursors_are_kept_per_stream(store: SQLiteStore, iid: str, clock: OffsetClock) -> None:
    assert store.get_cursor(iid, "orders") is None
    store.set_cursor(iid, "orders", "page-3")
    store.set_cursor(iid, "orders:backfill", "page-1")
    store.set_cursor(iid, "orders", "page-4")

    assert store.get_cursor(iid, "orders") == "page-4"
    assert store.get_cursor(iid, "orders:backfill") == "page-1"
    updated = store.cursor_updated_at(iid, "orders")
    assert updated is not None
    assert abs(updated - clock.now()) < timedelta(seconds=5)
    assert store.cursor_updated_at(iid, "never") is None


def test_the_shipment_ledger_keeps_each_confirmation(store: SQLiteStore, iid: str) -> None:
    when = datetime(2026, 3, 1, 12, tzinfo=timezone.utc)
    record = ShipmentRecord("order-1", "fp1", "TRACK1", "DHL", ["l1", "l2"], "pkg-1", when)

    store.record_shipment(iid, record)
    store.record_shipment(iid, record)  # the same fingerprint again replaces, not duplicates

    assert store.shipments_for(iid, "order-1") == [record]
    assert store.shipments_for(iid, "order-2") == []


def test_the_stock_ledger_keeps_the_last_level_per_sku_and_warehouse(store: SQLiteStore, iid: str) -> None:
    when = datetime(2026, 3, 1, tzinfo=timezone.utc)
    store.record_stock(iid, [StockRecord("A", None, 5, when), StockRecord("A", "W1", 7, when)])
    store.record_stock(iid, [StockRecord("A", None, 4, when)])

    levels = store.stock_levels(iid)

    assert levels == {
        ("A", None): StockRecord("A", None, 4, when),
        ("A", "W1"): StockRecord("A", "W1", 7, when),
    }


def test_the_cache_is_scoped_by_namespace(store: SQLiteStore, iid: str) -> None:
    store.cache_put(iid, "skus", {"A": {"product": "p1"}, "B": ["x"]})
    store.cache_put(iid, "carriers", {"dhl": "7"})

    assert store.cache_get(iid, "skus", "A") == {"product": "p1"}
    assert store.cache_get(iid, "skus", "dhl") is None

    store.cache_clear(iid, "skus")
    assert store.cache_get(iid, "skus", "A") is None
    assert store.cache_get(iid, "carriers", "dhl") == "7"


# --- coordination ---------------------------------------------------------------------------------------


def test_a_lease_is_exclusive_until_released(store: SQLiteStore) -> None:
    assert store.try_lock("job", "a", timedelta(seconds=60))
    assert store.try_lock("job", "a", timedelta(seconds=60))  # the holder may renew
    assert not store.try_lock("job", "b", timedelta(seconds=60))

    store.unlock("job", "b")  # not b's to release
    assert not store.try_lock("job", "b", timedelta(seconds=60))

    store.unlock("job", "a")
    assert store.try_lock("job", "b", timedelta(seconds=60))


def test_a_lease_that_ran_out_is_taken_over(store: SQLiteStore) -> None:
    assert store.try_lock("job", "crashed", timedelta(0))

    assert store.try_lock("job", "survivor", timedelta(seconds=60))
    assert not store.try_lock("job", "crashed", timedelta(seconds=60))


def test_a_lease_ignores_a_test_clock_jumping_ahead(store: SQLiteStore, clock: OffsetClock) -> None:
    assert store.try_lock("job", "a", timedelta(seconds=60))

    clock.advance(timedelta(days=1))

    assert not store.try_lock("job", "b", timedelta(seconds=60))


def test_remember_event_is_true_only_the_first_time(store: SQLiteStore, iid: str) -> None:
    other = store.create_integration("fake", "Other", Credentials({}, {}), {}).id

    assert store.remember_event(iid, "evt-1")
    assert not store.remember_event(iid, "evt-1")
    assert store.remember_event(iid, "evt-2")
    assert store.remember_event(other, "evt-1")  # de-duplication is per integration


# --- secrets at rest ------------------------------------------------------------------------------------


def test_the_generated_key_file_is_private(store: SQLiteStore) -> None:
    key_file = store.path.with_name("store.key")

    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    assert len(key_file.read_bytes().strip()) == 44  # a Fernet key


def test_a_reopened_store_reuses_its_key_file(store: SQLiteStore, iid: str) -> None:
    key = store.path.with_name("store.key").read_bytes()
    again = SQLiteStore(store.path)

    assert again.get_integration(iid).credentials.secret("app_secret") == "s3cret-value"
    assert store.path.with_name("store.key").read_bytes() == key
    again.close()


def test_a_store_with_another_key_cannot_decrypt_and_says_so(
    store: SQLiteStore, iid: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CHANNEL_CONNECTORS_KEY", Fernet.generate_key().decode())
    stranger = SQLiteStore(store.path)

    with pytest.raises(VaultError) as raised:
        stranger.get_integration(iid)

    message = str(raised.value)
    assert "cannot be decrypted with the configured key" in message
    assert "CHANNEL_CONNECTORS_KEY" in message
    stranger.close()


def test_keys_rotate_through_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    monkeypatch.setenv("CHANNEL_CONNECTORS_KEY", old)
    before = SQLiteStore(tmp_path / "rotating.sqlite3")
    iid = before.create_integration("fake", "R", Credentials({}, {"app_secret": "rotate-me-123"}), {}).id
    before.close()

    monkeypatch.setenv("CHANNEL_CONNECTORS_KEY", f"{new},{old}")
    during = SQLiteStore(tmp_path / "rotating.sqlite3")
    assert during.get_integration(iid).credentials.secret("app_secret") == "rotate-me-123"
    during.update_integration(iid, credentials=Credentials({}, {"app_secret": "rotate-me-123"}))
    during.close()

    monkeypatch.setenv("CHANNEL_CONNECTORS_KEY", new)
    after = SQLiteStore(tmp_path / "rotating.sqlite3")
    assert after.get_integration(iid).credentials.secret("app_secret") == "rotate-me-123"
    after.close()


def test_a_store_survives_a_fork_by_reconnecting(store: SQLiteStore, iid: str) -> None:
    store.set_cursor(iid, "orders", "parent")
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child reports through the pipe
        try:
            store.set_cursor(iid, "orders", "child")
            os.write(write, (store.get_cursor(iid, "orders") or "").encode())
        finally:
            os._exit(0)
    os.close(write)
    answer = os.read(read, 100).decode()
    os.close(read)
    os.waitpid(pid, 0)

    assert answer == "child"
    assert store.get_cursor(iid, "orders") == "child"
