"""`channel-connectors demo` on PostgreSQL: every flow runs, and a pg_dump of the database afterwards holds
no secret (the app secret, the tokens), the way the SQLite file holds none."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from postgres_support import fresh_schema, postgres_binary, postgres_url, schema_of

from connector_core.cli import main
from connector_core.store import open_store
from tiktok_shop_emulator.config import DEFAULT_APP_SECRET


def test_the_demo_runs_on_postgresql_and_a_dump_holds_no_secret(tmp_path: Path) -> None:
    base = postgres_url()
    with fresh_schema(base) as url:
        env = {
            **os.environ,
            "CHANNEL_CONNECTORS_HOME": str(tmp_path),
            "CHANNEL_CONNECTORS_DATABASE_URL": url,
            "CHANNEL_CONNECTORS_KEY": Fernet.generate_key().decode(),
        }
        done = subprocess.run(
            [sys.executable, "-m", "connector_core.cli", "--debug", "demo", "--orders", "300"],
            capture_output=True,
            text=True,
            env=env,
            timeout=300,
            check=False,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        assert "demo finished" in done.stdout
        assert "store: 127.0.0.1:" in done.stdout  # where the store is, never the URL
        assert not list(tmp_path.rglob("store.sqlite3")), "the demo wrote to SQLite instead"

        os.environ["CHANNEL_CONNECTORS_KEY"] = env["CHANNEL_CONNECTORS_KEY"]
        try:
            reader = open_store(url)
            secrets = {DEFAULT_APP_SECRET}
            records = reader.list_integrations()
            for record in records:
                secrets.update(record.credentials.plain_secrets().values())
                stored = reader.load_tokens(record.id)
                assert stored is not None
                secrets.update(
                    s.get_secret_value()
                    for s in (stored.tokens.access_token, stored.tokens.refresh_token)
                    if s
                )
            reader.close()
        finally:
            del os.environ["CHANNEL_CONNECTORS_KEY"]
        assert records and len(secrets) >= 3

        dump = subprocess.run(
            [postgres_binary("pg_dump"), "--no-owner", "--schema", schema_of(url), "--dbname", base],
            capture_output=True,
            timeout=120,
            check=True,
        ).stdout
        assert records[0].id.encode() in dump  # the dump is real: it holds the integration
        assert not [s[:6] for s in secrets if s.encode() in dump], "a secret is in the pg_dump"
        password = url.split("@", 1)[0].rsplit(":", 1)[-1]
        assert password not in done.stdout + done.stderr


def test_every_store_command_takes_a_database_url(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite://{tmp_path / 'chosen.sqlite3'}"

    assert main(["integrations", "list", "--database-url", url]) == 0
    assert (tmp_path / "chosen.sqlite3").exists()

    code = main(["integrations", "list", "--database-url", "postgresql://ops:s3cr3t-pw@127.0.0.1:1/shop"])
    err = capsys.readouterr().err
    assert code != 0
    assert "127.0.0.1:1" in err and "s3cr3t-pw" not in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_a_database_url_needs_no_home_folder_unless_one_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # A host that keeps its data in a database may point CHANNEL_CONNECTORS_HOME anywhere, or nowhere.
    monkeypatch.setenv("CHANNEL_CONNECTORS_HOME", str(tmp_path / "never-created"))
    url = f"sqlite://{tmp_path / 'elsewhere.sqlite3'}"

    assert main(["integrations", "list", "--database-url", url]) == 0

    # A home the operator names on the command line must still exist.
    assert main(["integrations", "list", "--database-url", url, "--home", str(tmp_path / "typo")]) != 0
    assert "typo" in capsys.readouterr().err
