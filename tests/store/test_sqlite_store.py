"""What only the SQLite store does: its file (WAL, owner-only, where it lives), its key file, forks, and
choosing a store with `open_store` / `CHANNEL_CONNECTORS_DATABASE_URL`."""

from __future__ import annotations

import os
import sqlite3
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from fork_support import cursor_written_in_a_fork

from connector_core import Account, OffsetClock, SQLiteStore, home
from connector_core.credentials import Credentials
from connector_core.store import MIGRATIONS, StoreConfigurationError, default_home, open_store
from connector_core.vault import VaultError


@pytest.fixture
def clock() -> OffsetClock:
    return OffsetClock()


@pytest.fixture
def store(tmp_path: Path, clock: OffsetClock) -> Iterator[SQLiteStore]:
    db = SQLiteStore(tmp_path / "store.sqlite3", clock=clock)
    yield db
    db.close()


@pytest.fixture
def iid(store: SQLiteStore) -> str:
    creds = Credentials({"app_key": "key1"}, {"app_secret": "s3cret-value"})
    return store.create_integration("fake", "My shop", creds, {"stock_sync": True}).id


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


def test_without_channel_connectors_home_the_store_lives_in_the_user_data_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CHANNEL_CONNECTORS_HOME")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    # The same folder the command line uses, never the current folder.
    assert default_home() == home.default_home() != Path(".channel-connectors")


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
    answer = cursor_written_in_a_fork(store, iid)

    assert answer == "child"
    assert store.get_cursor(iid, "orders") == "child"


def test_the_database_and_its_folder_are_owner_only(tmp_path: Path) -> None:
    db = SQLiteStore(tmp_path / "new-home" / "store.sqlite3")
    db.set_cursor(db.create_integration("fake", "x", Credentials({}, {}), {}).id, "s", "v")  # WAL files exist

    assert stat.S_IMODE(os.stat(tmp_path / "new-home").st_mode) == 0o700
    for path in (tmp_path / "new-home").iterdir():
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600, path.name
    db.close()


def test_a_world_readable_database_file_is_made_private(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite3"
    path.touch(mode=0o644)
    os.chmod(path, 0o644)

    SQLiteStore(path).close()

    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


# --- choosing the store ---------------------------------------------------------------------------------


def test_without_a_url_the_store_is_sqlite_in_the_home_folder(tmp_path: Path) -> None:
    store = open_store(home=tmp_path / "h")

    assert isinstance(store, SQLiteStore)
    assert store.path == tmp_path / "h" / "store.sqlite3"
    store.close()


def test_the_environment_names_an_sqlite_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHANNEL_CONNECTORS_DATABASE_URL", f"sqlite:///{tmp_path}/elsewhere/db.sqlite3")

    store = open_store(home=tmp_path / "ignored")

    assert isinstance(store, SQLiteStore)
    assert store.path == tmp_path / "elsewhere" / "db.sqlite3"
    assert not (tmp_path / "ignored").exists()
    store.close()


def test_a_url_given_wins_over_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHANNEL_CONNECTORS_DATABASE_URL", "mysql://nope")

    store = open_store(f"sqlite:///{tmp_path}/given.sqlite3")

    assert isinstance(store, SQLiteStore) and store.path == tmp_path / "given.sqlite3"
    store.close()


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("mysql://root:hunter2-secret@db:3306/x", "unsupported database URL scheme 'mysql'"),
        ("sqlite://", "names no file"),
        ("no-scheme-at-all", "unsupported database URL scheme '(none)'"),
    ],
)
def test_an_unusable_url_gets_one_clear_line_without_its_password(url: str, message: str) -> None:
    with pytest.raises(
        StoreConfigurationError, match=message.replace("(", r"\(").replace(")", r"\)")
    ) as raised:
        open_store(url)

    assert "hunter2" not in str(raised.value)
    assert "\n" not in str(raised.value)


@pytest.mark.parametrize(
    ("url", "path"),
    [
        ("sqlite:///srv/cc/store.sqlite3", "/srv/cc/store.sqlite3"),
        ("sqlite:////srv/cc/store.sqlite3", "/srv/cc/store.sqlite3"),  # SQLAlchemy's spelling
        ("sqlite:relative/store.sqlite3", "relative/store.sqlite3"),
    ],
)
def test_sqlite_urls_name_absolute_and_relative_files(url: str, path: str) -> None:
    from connector_core.store.opening import sqlite_path

    assert sqlite_path(url) == Path(path)


def test_open_store_is_part_of_the_public_api() -> None:
    import connector_core

    assert connector_core.open_store is open_store


def _routes_as_written(path: Path) -> list[tuple[str, str, str, str]]:
    with sqlite3.connect(path) as raw:
        return raw.execute(
            "SELECT shop_id, app_id, integration_id, connector FROM shop_routes ORDER BY 1, 2, 3"
        ).fetchall()


def _routes_from_the_shops(path: Path) -> list[tuple[str, str, str, str]]:
    with sqlite3.connect(path) as raw:
        return raw.execute(
            "SELECT a.account_id, i.app_id, i.id, i.connector FROM accounts a JOIN integrations i "
            "ON i.id = a.integration_id WHERE a.status = 'active' ORDER BY 1, 2, 3"
        ).fetchall()


def test_the_route_table_follows_the_shops_even_when_edited_by_hand(store: SQLiteStore, iid: str) -> None:
    # Routing reads `shop_routes` alone; triggers keep it equal to the active shops, so an operator's SQL
    # moving a connection to another app, or a shop written outside the store, is routed as it now stands.
    store.save_accounts(iid, [Account(id="uk"), Account(id="de")])
    first_app = store.get_integration(iid).app_id or ""
    with sqlite3.connect(store.path) as raw:
        raw.execute(
            "INSERT INTO apps (id, connector, name, public, secret, owned_by, created_at, updated_at) "
            "SELECT 'app-moved', connector, name, public, secret, NULL, created_at, updated_at FROM apps WHERE id = ?",
            (first_app,),
        )
        raw.execute("UPDATE integrations SET app_id = 'app-moved' WHERE id = ?", (iid,))
        raw.execute("UPDATE accounts SET status = 'paused' WHERE account_id = 'de'")
        raw.execute(
            "INSERT INTO accounts (integration_id, account_id, data, status) VALUES (?, 'fr', '{\"id\": \"fr\"}', 'active')",
            (iid,),
        )

    assert store.route_webhook_shop("app-moved", "uk") == [iid]
    assert store.route_webhook_shop(first_app, "uk") == []
    assert store.route_webhook_shop("app-moved", "de") == []
    assert store.route_webhook_shop("app-moved", "fr") == [iid]
    assert _routes_as_written(store.path) == _routes_from_the_shops(store.path)
