"""A secret never appears in a repr, a log line, an error's text or the raw database file.

One integration of the real TikTok Shop connector (loaded from its entry point) goes through store, auth
and HTTP operations with DEBUG logging on; then every place a secret could leak is searched for the
distinctive values it was given.
"""

from __future__ import annotations

import hashlib
import json
import logging
import socket
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import requests
from core_support import Reply, ScriptedServer
from pydantic import SecretStr

from connector_core import (
    ChannelUnavailable,
    ConnectorError,
    ConnectorHost,
    HttpClient,
    Integrations,
    RetryPolicy,
    SQLiteStore,
    TokenManager,
    TokenSet,
)
from connector_core.forms import redact

APP_SECRET = "AppSecret-Xq81-UNIQUE-4471"
ACCESS = "AccessTok-Zr92-UNIQUE-1138"
REFRESH = "RefreshTok-Pw55-UNIQUE-2290"
NEW_ACCESS = "AccessTok-Bb03-UNIQUE-7710"
NEW_REFRESH = "RefreshTok-Cc04-UNIQUE-8821"
TOO_SHORT = "Kj7q#"
TOO_LONG = "LongSecret-UNIQUE-" + "y" * 120
SECRETS = (APP_SECRET, ACCESS, REFRESH, NEW_ACCESS, NEW_REFRESH, TOO_SHORT, TOO_LONG)
APP_KEY = "appkey6b2d"


@dataclass
class Trail:
    """Everything a host or operator could see after the operations."""

    texts: dict[str, str] = field(default_factory=dict)
    db_files: dict[str, bytes] = field(default_factory=dict)


def refreshed(refresh_token: SecretStr) -> TokenSet:
    assert refresh_token.get_secret_value() == REFRESH
    now = datetime.now(timezone.utc)
    return TokenSet(
        access_token=SecretStr(NEW_ACCESS),
        access_expires_at=now + timedelta(hours=4),
        refresh_token=SecretStr(NEW_REFRESH),
        refresh_expires_at=now + timedelta(days=365),
    )


def refused_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def trail(tmp_path: Path, http_server: ScriptedServer, caplog: pytest.LogCaptureFixture) -> Trail:
    seen = Trail()
    caplog.set_level(logging.DEBUG)
    host = ConnectorHost(environ={"CHANNEL_CONNECTORS_LOAD": "tiktok_shop"}).load()
    tiktok = host.get("tiktok_shop")
    store = SQLiteStore(tmp_path / "secrets.sqlite3")
    integrations = Integrations(host, store)

    # store: create with the real credentials schema, save tokens
    form = {"environment": "production", "region": "non_us", "app_key": APP_KEY, "app_secret": APP_SECRET}
    record = integrations.create("tiktok_shop", form)
    integration = integrations.open(record.id)
    now = datetime.now(timezone.utc)
    integration.tokens.store_new_tokens(
        TokenSet(
            access_token=SecretStr(ACCESS),
            access_expires_at=now + timedelta(minutes=5),
            refresh_token=SecretStr(REFRESH),
            refresh_expires_at=now + timedelta(days=300),
        )
    )
    seen.texts["repr(record)"] = repr(record)
    seen.texts["repr(credentials)"] = repr(record.credentials)
    seen.texts["str(credentials)"] = str(record.credentials)
    stored = store.load_tokens(record.id)
    seen.texts["repr(stored tokens)"] = repr(stored)
    seen.texts["repr(TokenSet)"] = repr(stored.tokens if stored else None)
    seen.texts["TokenSet json"] = stored.tokens.model_dump_json() if stored else ""
    seen.texts["repr(context)"] = repr(integration.context())
    seen.texts["repr(status)"] = repr(integration.status())

    # auth: a refresh inside the margin
    token = TokenManager(store, record.id, refreshed).access_token()
    assert token == NEW_ACCESS
    seen.texts["repr(refreshed tokens)"] = repr(store.load_tokens(record.id))

    # http: a signed call carrying the token, retried once, and an unreachable host
    client = HttpClient(
        "TikTok Shop",
        secret_parameters=tiktok.manifest.secret_parameters,
        policy=RetryPolicy(attempts=2),
        sleep=lambda _: None,
    )
    sign = hashlib.sha256(APP_SECRET.encode()).hexdigest()
    query = f"app_key={APP_KEY}&access_token={token}&sign={sign}&timestamp=1700000000"
    http_server.script("/api/orders/search", Reply(503), Reply(200))
    client.send(
        lambda: requests.Request(
            "POST", f"{http_server.url}/api/orders/search?{query}", headers={"x-tts-access-token": token}
        ),
        safe_to_repeat=True,
    )
    with pytest.raises(ChannelUnavailable) as unreachable:
        client.send(
            lambda: requests.Request("GET", f"http://127.0.0.1:{refused_port()}/x?{query}"),
            safe_to_repeat=True,
        )
    seen.texts["ChannelUnavailable"] = str(unreachable.value)
    client.close()

    # validation with bad secrets: every error text a host would show
    for bad in (TOO_SHORT, TOO_LONG):
        with pytest.raises(ConnectorError) as invalid:
            integrations.create("tiktok_shop", {**form, "app_secret": bad})
        seen.texts[f"create error ({len(bad)} chars)"] = str(invalid.value)
        seen.texts[f"create error fields ({len(bad)} chars)"] = repr(invalid.value.errors)
        with pytest.raises(ConnectorError) as invalid_edit:
            integrations.update(record.id, {"app_secret": bad})
        seen.texts[f"update error ({len(bad)} chars)"] = str(invalid_edit.value)

    # what a host shows in its edit form
    shown = integrations.redacted(record.id)
    seen.texts["Integrations.redacted"] = repr(shown)
    schema = tiktok.credentials_schema()
    seen.texts["redact()"] = json.dumps(
        redact({**form, "access_token": NEW_ACCESS, "refresh_token": NEW_REFRESH}, schema).values
    )

    seen.texts["log"] = caplog.text + "\n".join(r.getMessage() for r in caplog.records)
    seen.db_files = {p.name: p.read_bytes() for p in tmp_path.glob("secrets.sqlite3*")}
    store.close()
    return seen


def test_the_operations_really_happened_and_were_logged(trail: Trail) -> None:
    assert "access token refreshed" in trail.texts["log"]
    assert "/api/orders/search?" in trail.texts["log"]
    assert "HTTP 503, retry in" in trail.texts["log"]
    assert "sign=***" in trail.texts["log"]
    assert "App Secret is at least 8 characters long" in trail.texts["create error (5 chars)"]
    assert "App Secret is at most 128 characters long" in trail.texts["create error (138 chars)"]


@pytest.mark.parametrize("secret", SECRETS)
def test_no_secret_in_any_text(trail: Trail, secret: str) -> None:
    leaks = [where for where, text in trail.texts.items() if secret in text]

    assert leaks == []


def test_the_database_files_were_read(trail: Trail) -> None:
    assert {"secrets.sqlite3", "secrets.sqlite3-wal"} <= set(trail.db_files)
    assert any(APP_KEY.encode() in data for data in trail.db_files.values())  # plain fields are there


@pytest.mark.parametrize("secret", SECRETS)
def test_no_secret_in_the_raw_database_files(trail: Trail, secret: str) -> None:
    leaks = [name for name, data in trail.db_files.items() if secret.encode() in data]

    assert leaks == []


def test_a_token_set_hides_its_tokens_everywhere() -> None:
    tokens = refreshed(SecretStr(REFRESH))

    for text in (
        repr(tokens),
        str(tokens),
        tokens.model_dump_json(),
        json.dumps(tokens.model_dump(mode="json")),
    ):
        assert NEW_ACCESS not in text
        assert NEW_REFRESH not in text


def test_the_sha_digest_used_as_a_sign_is_not_itself_in_the_logs(trail: Trail) -> None:
    sign = hashlib.sha256(APP_SECRET.encode()).hexdigest()

    assert sign not in trail.texts["log"]
    assert sign not in trail.texts["ChannelUnavailable"]
