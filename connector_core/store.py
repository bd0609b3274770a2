"""Where integrations live: a `Store` protocol and its embedded default, SQLite.

A host with its own database implements `Store`; everyone else gets `SQLiteStore` at
`$CHANNEL_CONNECTORS_HOME/store.sqlite3` (default `./.channel-connectors/`). SQLite runs in WAL mode so
readers never wait on the writer, and every process opens its own connection, so several workers may
share one file. Secret values (credential secrets, tokens) are encrypted with `Vault` before they are
written: the raw database file holds no secret.
"""

from __future__ import annotations

import json
import os
import secrets
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Protocol

from pydantic import SecretStr

from .clock import Clock, SystemClock
from .credentials import Credentials
from .errors import OAuthStateError, UnknownIntegration
from .models import Account, ReauthorizationState, TokenSet
from .redaction import register_secret
from .vault import Vault

HOME_ENV = "CHANNEL_CONNECTORS_HOME"
DEFAULT_HOME = ".channel-connectors"


def default_home() -> Path:
    return Path(os.environ.get(HOME_ENV) or DEFAULT_HOME)


@dataclass(frozen=True)
class IntegrationRecord:
    """One seller's connection to one channel, as stored."""

    id: str
    connector: str
    name: str
    credentials: Credentials
    settings: dict[str, Any]
    account_id: str | None
    created_at: datetime


@dataclass(frozen=True)
class StoredTokens:
    tokens: TokenSet
    version: int
    updated_at: datetime


@dataclass(frozen=True)
class ShipmentRecord:
    """A parcel confirmation the channel accepted: the ledger that makes confirmations idempotent."""

    order_id: str
    fingerprint: str
    tracking_number: str
    carrier: str
    channel_line_ids: list[str]
    package_id: str | None
    confirmed_at: datetime


@dataclass(frozen=True)
class StockRecord:
    sku: str
    warehouse: str | None
    quantity: int
    pushed_at: datetime


@dataclass
class OAuthState:
    state: str
    integration_id: str
    expires_at: datetime
    data: dict[str, Any] = field(default_factory=dict)


class Store(Protocol):
    """What the core needs from a database. Every method is safe to call from many threads and processes."""

    # integrations
    def create_integration(
        self, connector: str, name: str, credentials: Credentials, settings: Mapping[str, Any]
    ) -> IntegrationRecord: ...
    def get_integration(self, integration_id: str) -> IntegrationRecord: ...
    def list_integrations(self) -> list[IntegrationRecord]: ...
    def update_integration(
        self,
        integration_id: str,
        *,
        name: str | None = None,
        credentials: Credentials | None = None,
        settings: Mapping[str, Any] | None = None,
        account_id: str | None = None,
    ) -> IntegrationRecord: ...
    def delete_integration(self, integration_id: str) -> None: ...

    # tokens and authorization
    def load_tokens(self, integration_id: str) -> StoredTokens | None: ...
    def save_tokens(self, integration_id: str, tokens: TokenSet) -> StoredTokens: ...
    def get_reauthorization(self, integration_id: str) -> ReauthorizationState: ...
    def set_reauthorization(self, integration_id: str, state: ReauthorizationState) -> None: ...

    # accounts
    def save_accounts(self, integration_id: str, accounts: Sequence[Account]) -> None: ...
    def list_accounts(self, integration_id: str) -> list[Account]: ...

    # OAuth states
    def create_oauth_state(
        self, integration_id: str, ttl: timedelta, data: Mapping[str, Any] | None = None
    ) -> OAuthState: ...
    def consume_oauth_state(self, state: str) -> OAuthState: ...

    # cursors
    def get_cursor(self, integration_id: str, stream: str) -> str | None: ...
    def set_cursor(self, integration_id: str, stream: str, value: str | None) -> None: ...

    # ledgers
    def shipments_for(self, integration_id: str, order_id: str) -> list[ShipmentRecord]: ...
    def record_shipment(self, integration_id: str, record: ShipmentRecord) -> None: ...
    def stock_levels(self, integration_id: str) -> dict[tuple[str, str | None], StockRecord]: ...
    def record_stock(self, integration_id: str, records: Iterable[StockRecord]) -> None: ...

    # connector cache
    def cache_get(self, integration_id: str, namespace: str, key: str) -> Any | None: ...
    def cache_put(self, integration_id: str, namespace: str, items: Mapping[str, Any]) -> None: ...
    def cache_clear(self, integration_id: str, namespace: str) -> None: ...

    # coordination
    def try_lock(self, name: str, owner: str, ttl: timedelta) -> bool: ...
    def unlock(self, name: str, owner: str) -> None: ...
    def remember_event(self, integration_id: str, event_id: str) -> bool: ...


# Each entry moves the schema from version i to i+1; never edit one that has shipped, append a new one.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE integrations (
        id TEXT PRIMARY KEY,
        connector TEXT NOT NULL,
        name TEXT NOT NULL,
        settings TEXT NOT NULL DEFAULT '{}',
        account_id TEXT,
        created_at REAL NOT NULL
    );
    CREATE TABLE credentials (
        integration_id TEXT PRIMARY KEY REFERENCES integrations(id) ON DELETE CASCADE,
        public TEXT NOT NULL,
        secret BLOB
    );
    CREATE TABLE tokens (
        integration_id TEXT PRIMARY KEY REFERENCES integrations(id) ON DELETE CASCADE,
        access_token BLOB NOT NULL,
        access_expires_at REAL NOT NULL,
        refresh_token BLOB,
        refresh_expires_at REAL,
        scopes TEXT NOT NULL DEFAULT '[]',
        extra TEXT NOT NULL DEFAULT '{}',
        version INTEGER NOT NULL,
        updated_at REAL NOT NULL
    );
    CREATE TABLE reauthorization (
        integration_id TEXT PRIMARY KEY REFERENCES integrations(id) ON DELETE CASCADE,
        deadline REAL,
        needed INTEGER NOT NULL DEFAULT 0,
        reason TEXT
    );
    CREATE TABLE accounts (
        integration_id TEXT NOT NULL REFERENCES integrations(id) ON DELETE CASCADE,
        account_id TEXT NOT NULL,
        data TEXT NOT NULL,
        PRIMARY KEY (integration_id, account_id)
    );
    CREATE TABLE oauth_states (
        state TEXT PRIMARY KEY,
        integration_id TEXT NOT NULL REFERENCES integrations(id) ON DELETE CASCADE,
        data TEXT NOT NULL DEFAULT '{}',
        expires_at REAL NOT NULL,
        used_at REAL
    );
    CREATE TABLE cursors (
        integration_id TEXT NOT NULL REFERENCES integrations(id) ON DELETE CASCADE,
        stream TEXT NOT NULL,
        value TEXT,
        updated_at REAL NOT NULL,
        PRIMARY KEY (integration_id, stream)
    );
    CREATE TABLE shipment_ledger (
        integration_id TEXT NOT NULL REFERENCES integrations(id) ON DELETE CASCADE,
        order_id TEXT NOT NULL,
        fingerprint TEXT NOT NULL,
        tracking_number TEXT NOT NULL,
        carrier TEXT NOT NULL,
        line_ids TEXT NOT NULL,
        package_id TEXT,
        confirmed_at REAL NOT NULL,
        PRIMARY KEY (integration_id, order_id, fingerprint)
    );
    CREATE TABLE stock_ledger (
        integration_id TEXT NOT NULL REFERENCES integrations(id) ON DELETE CASCADE,
        sku TEXT NOT NULL,
        warehouse TEXT NOT NULL DEFAULT '',
        quantity INTEGER NOT NULL,
        pushed_at REAL NOT NULL,
        PRIMARY KEY (integration_id, sku, warehouse)
    );
    CREATE TABLE cache (
        integration_id TEXT NOT NULL REFERENCES integrations(id) ON DELETE CASCADE,
        namespace TEXT NOT NULL,
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (integration_id, namespace, key)
    );
    CREATE TABLE locks (
        name TEXT PRIMARY KEY,
        owner TEXT NOT NULL,
        expires_at REAL NOT NULL
    );
    CREATE TABLE webhook_events (
        integration_id TEXT NOT NULL REFERENCES integrations(id) ON DELETE CASCADE,
        event_id TEXT NOT NULL,
        received_at REAL NOT NULL,
        PRIMARY KEY (integration_id, event_id)
    );
    """,
)


def _ts(moment: datetime | None) -> float | None:
    return None if moment is None else moment.timestamp()


def _dt(value: float | None) -> datetime | None:
    return None if value is None else datetime.fromtimestamp(value, tz=timezone.utc)


def _utc(value: float) -> datetime:
    return datetime.fromtimestamp(value, tz=timezone.utc)


class SQLiteStore:
    """The embedded default `Store`: one SQLite file in WAL mode, one connection per thread and process."""

    def __init__(
        self,
        path: Path | str | None = None,
        *,
        vault: Vault | None = None,
        clock: Clock | None = None,
    ) -> None:
        self.path = Path(path) if path is not None else default_home() / "store.sqlite3"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.vault = vault or Vault.from_environment(self.path.with_name("store.key"))
        self.clock = clock or SystemClock()
        self._local = threading.local()
        self._migrate()

    # --- plumbing -------------------------------------------------------------------------------------

    def _connection(self) -> sqlite3.Connection:
        # A connection must not cross a fork: a child re-opens its own.
        owner = getattr(self._local, "pid", None)
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None or owner != os.getpid():
            conn = sqlite3.connect(self.path, timeout=30.0, isolation_level=None)
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA foreign_keys=ON")
            conn.execute("PRAGMA busy_timeout=30000")
            self._local.conn = conn
            self._local.pid = os.getpid()
        return conn

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """A write transaction that takes the database's write lock up front (no upgrade deadlocks)."""
        conn = self._connection()
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def _now(self) -> float:
        return self.clock.now().timestamp()

    def _migrate(self) -> None:
        with self._write() as conn:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
                for statement in filter(str.strip, script.split(";")):
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {number}")

    @property
    def schema_version(self) -> int:
        return int(self._connection().execute("PRAGMA user_version").fetchone()[0])

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None and getattr(self._local, "pid", None) == os.getpid():
            conn.close()
        self._local = threading.local()

    def _seal(self, value: str | None) -> bytes | None:
        return None if value is None else self.vault.encrypt(value)

    def _open(self, value: bytes | None) -> str | None:
        if value is None:
            return None
        plain = self.vault.decrypt(value)
        register_secret(plain)
        return plain

    # --- integrations ---------------------------------------------------------------------------------

    def create_integration(
        self, connector: str, name: str, credentials: Credentials, settings: Mapping[str, Any]
    ) -> IntegrationRecord:
        integration_id = f"{connector}-{uuid.uuid4().hex[:8]}"
        with self._write() as conn:
            conn.execute(
                "INSERT INTO integrations (id, connector, name, settings, created_at) VALUES (?, ?, ?, ?, ?)",
                (integration_id, connector, name, json.dumps(dict(settings)), self._now()),
            )
            self._write_credentials(conn, integration_id, credentials)
        return self.get_integration(integration_id)

    def _write_credentials(self, conn: sqlite3.Connection, integration_id: str, creds: Credentials) -> None:
        conn.execute(
            "INSERT INTO credentials (integration_id, public, secret) VALUES (?, ?, ?) "
            "ON CONFLICT(integration_id) DO UPDATE SET public = excluded.public, secret = excluded.secret",
            (integration_id, json.dumps(creds.public), self._seal(json.dumps(creds.plain_secrets()))),
        )

    def get_integration(self, integration_id: str) -> IntegrationRecord:
        row = (
            self._connection()
            .execute(
                "SELECT i.*, c.public, c.secret FROM integrations i "
                "LEFT JOIN credentials c ON c.integration_id = i.id WHERE i.id = ?",
                (integration_id,),
            )
            .fetchone()
        )
        if row is None:
            raise UnknownIntegration(integration_id)
        return self._integration(row)

    def _integration(self, row: sqlite3.Row) -> IntegrationRecord:
        secret_json = self._open(row["secret"]) or "{}"
        secret_values = json.loads(secret_json)
        for value in secret_values.values():
            register_secret(value)
        return IntegrationRecord(
            id=row["id"],
            connector=row["connector"],
            name=row["name"],
            credentials=Credentials(json.loads(row["public"] or "{}"), secret_values),
            settings=json.loads(row["settings"]),
            account_id=row["account_id"],
            created_at=_utc(row["created_at"]),
        )

    def list_integrations(self) -> list[IntegrationRecord]:
        rows = (
            self._connection()
            .execute(
                "SELECT i.*, c.public, c.secret FROM integrations i "
                "LEFT JOIN credentials c ON c.integration_id = i.id ORDER BY i.created_at, i.id"
            )
            .fetchall()
        )
        return [self._integration(r) for r in rows]

    def update_integration(
        self,
        integration_id: str,
        *,
        name: str | None = None,
        credentials: Credentials | None = None,
        settings: Mapping[str, Any] | None = None,
        account_id: str | None = None,
    ) -> IntegrationRecord:
        self.get_integration(integration_id)
        with self._write() as conn:
            if name is not None:
                conn.execute("UPDATE integrations SET name = ? WHERE id = ?", (name, integration_id))
            if settings is not None:
                conn.execute(
                    "UPDATE integrations SET settings = ? WHERE id = ?",
                    (json.dumps(dict(settings)), integration_id),
                )
            if account_id is not None:
                conn.execute(
                    "UPDATE integrations SET account_id = ? WHERE id = ?", (account_id, integration_id)
                )
            if credentials is not None:
                self._write_credentials(conn, integration_id, credentials)
        return self.get_integration(integration_id)

    def delete_integration(self, integration_id: str) -> None:
        self.get_integration(integration_id)
        with self._write() as conn:
            conn.execute("DELETE FROM integrations WHERE id = ?", (integration_id,))

    # --- tokens ---------------------------------------------------------------------------------------

    def load_tokens(self, integration_id: str) -> StoredTokens | None:
        row = (
            self._connection()
            .execute("SELECT * FROM tokens WHERE integration_id = ?", (integration_id,))
            .fetchone()
        )
        if row is None:
            return None
        refresh = self._open(row["refresh_token"])
        tokens = TokenSet(
            access_token=SecretStr(self._open(row["access_token"]) or ""),
            access_expires_at=_utc(row["access_expires_at"]),
            refresh_token=SecretStr(refresh) if refresh is not None else None,
            refresh_expires_at=_dt(row["refresh_expires_at"]),
            scopes=json.loads(row["scopes"]),
            extra=json.loads(row["extra"]),
        )
        return StoredTokens(tokens=tokens, version=row["version"], updated_at=_utc(row["updated_at"]))

    def save_tokens(self, integration_id: str, tokens: TokenSet) -> StoredTokens:
        refresh = tokens.refresh_token.get_secret_value() if tokens.refresh_token else None
        with self._write() as conn:
            conn.execute(
                """INSERT INTO tokens (integration_id, access_token, access_expires_at, refresh_token,
                       refresh_expires_at, scopes, extra, version, updated_at)
                   VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?)
                   ON CONFLICT(integration_id) DO UPDATE SET
                       access_token = excluded.access_token, access_expires_at = excluded.access_expires_at,
                       refresh_token = excluded.refresh_token,
                       refresh_expires_at = excluded.refresh_expires_at,
                       scopes = excluded.scopes, extra = excluded.extra,
                       version = tokens.version + 1, updated_at = excluded.updated_at""",
                (
                    integration_id,
                    self._seal(tokens.access_token.get_secret_value()),
                    tokens.access_expires_at.timestamp(),
                    self._seal(refresh),
                    _ts(tokens.refresh_expires_at),
                    json.dumps(tokens.scopes),
                    json.dumps(tokens.extra, default=str),
                    self._now(),
                ),
            )
        stored = self.load_tokens(integration_id)
        assert stored is not None
        return stored

    def get_reauthorization(self, integration_id: str) -> ReauthorizationState:
        row = (
            self._connection()
            .execute("SELECT * FROM reauthorization WHERE integration_id = ?", (integration_id,))
            .fetchone()
        )
        if row is None:
            return ReauthorizationState(deadline=None)
        return ReauthorizationState(
            deadline=_dt(row["deadline"]), needs_reauthorization=bool(row["needed"]), reason=row["reason"]
        )

    def set_reauthorization(self, integration_id: str, state: ReauthorizationState) -> None:
        with self._write() as conn:
            conn.execute(
                "INSERT INTO reauthorization (integration_id, deadline, needed, reason) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(integration_id) DO UPDATE SET deadline = excluded.deadline, "
                "needed = excluded.needed, reason = excluded.reason",
                (integration_id, _ts(state.deadline), int(state.needs_reauthorization), state.reason),
            )

    # --- accounts -------------------------------------------------------------------------------------

    def save_accounts(self, integration_id: str, accounts: Sequence[Account]) -> None:
        with self._write() as conn:
            conn.execute("DELETE FROM accounts WHERE integration_id = ?", (integration_id,))
            conn.executemany(
                "INSERT INTO accounts (integration_id, account_id, data) VALUES (?, ?, ?)",
                [(integration_id, a.id, a.model_dump_json()) for a in accounts],
            )

    def list_accounts(self, integration_id: str) -> list[Account]:
        rows = (
            self._connection()
            .execute(
                "SELECT data FROM accounts WHERE integration_id = ? ORDER BY account_id", (integration_id,)
            )
            .fetchall()
        )
        return [Account.model_validate_json(r["data"]) for r in rows]

    # --- OAuth states ---------------------------------------------------------------------------------

    def create_oauth_state(
        self, integration_id: str, ttl: timedelta, data: Mapping[str, Any] | None = None
    ) -> OAuthState:
        state = secrets.token_urlsafe(24)
        expires = self.clock.now() + ttl
        with self._write() as conn:
            conn.execute("DELETE FROM oauth_states WHERE expires_at < ?", (self._now() - 86400,))
            conn.execute(
                "INSERT INTO oauth_states (state, integration_id, data, expires_at) VALUES (?, ?, ?, ?)",
                (state, integration_id, json.dumps(dict(data or {})), expires.timestamp()),
            )
        return OAuthState(
            state=state, integration_id=integration_id, expires_at=expires, data=dict(data or {})
        )

    def consume_oauth_state(self, state: str) -> OAuthState:
        now = self._now()
        with self._write() as conn:
            row = conn.execute("SELECT * FROM oauth_states WHERE state = ?", (state,)).fetchone()
            if row is None:
                raise OAuthStateError("the OAuth callback's state is unknown: start the connection again")
            if row["used_at"] is not None:
                raise OAuthStateError(
                    "the OAuth callback's state was already used: start the connection again"
                )
            if row["expires_at"] < now:
                raise OAuthStateError("the OAuth callback's state has expired: start the connection again")
            conn.execute("UPDATE oauth_states SET used_at = ? WHERE state = ?", (now, state))
        return OAuthState(
            state=state,
            integration_id=row["integration_id"],
            expires_at=_utc(row["expires_at"]),
            data=json.loads(row["data"]),
        )

    # --- cursors --------------------------------------------------------------------------------------

    def get_cursor(self, integration_id: str, stream: str) -> str | None:
        row = (
            self._connection()
            .execute(
                "SELECT value FROM cursors WHERE integration_id = ? AND stream = ?", (integration_id, stream)
            )
            .fetchone()
        )
        return None if row is None else row["value"]

    def set_cursor(self, integration_id: str, stream: str, value: str | None) -> None:
        with self._write() as conn:
            conn.execute(
                "INSERT INTO cursors (integration_id, stream, value, updated_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(integration_id, stream) DO UPDATE SET value = excluded.value, "
                "updated_at = excluded.updated_at",
                (integration_id, stream, value, self._now()),
            )

    def cursor_updated_at(self, integration_id: str, stream: str) -> datetime | None:
        row = (
            self._connection()
            .execute(
                "SELECT updated_at FROM cursors WHERE integration_id = ? AND stream = ?",
                (integration_id, stream),
            )
            .fetchone()
        )
        return None if row is None else _utc(row["updated_at"])

    # --- ledgers --------------------------------------------------------------------------------------

    def shipments_for(self, integration_id: str, order_id: str) -> list[ShipmentRecord]:
        rows = (
            self._connection()
            .execute(
                "SELECT * FROM shipment_ledger WHERE integration_id = ? AND order_id = ? "
                "ORDER BY confirmed_at",
                (integration_id, order_id),
            )
            .fetchall()
        )
        return [
            ShipmentRecord(
                order_id=r["order_id"],
                fingerprint=r["fingerprint"],
                tracking_number=r["tracking_number"],
                carrier=r["carrier"],
                channel_line_ids=json.loads(r["line_ids"]),
                package_id=r["package_id"],
                confirmed_at=_utc(r["confirmed_at"]),
            )
            for r in rows
        ]

    def record_shipment(self, integration_id: str, record: ShipmentRecord) -> None:
        with self._write() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO shipment_ledger (integration_id, order_id, fingerprint, "
                "tracking_number, carrier, line_ids, package_id, confirmed_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    integration_id,
                    record.order_id,
                    record.fingerprint,
                    record.tracking_number,
                    record.carrier,
                    json.dumps(record.channel_line_ids),
                    record.package_id,
                    record.confirmed_at.timestamp(),
                ),
            )

    def stock_levels(self, integration_id: str) -> dict[tuple[str, str | None], StockRecord]:
        rows = (
            self._connection()
            .execute("SELECT * FROM stock_ledger WHERE integration_id = ?", (integration_id,))
            .fetchall()
        )
        levels: dict[tuple[str, str | None], StockRecord] = {}
        for r in rows:
            warehouse = r["warehouse"] or None
            levels[(r["sku"], warehouse)] = StockRecord(
                r["sku"], warehouse, r["quantity"], _utc(r["pushed_at"])
            )
        return levels

    def record_stock(self, integration_id: str, records: Iterable[StockRecord]) -> None:
        with self._write() as conn:
            conn.executemany(
                "INSERT OR REPLACE INTO stock_ledger (integration_id, sku, warehouse, quantity, pushed_at) "
                "VALUES (?, ?, ?, ?, ?)",
                [
                    (integration_id, r.sku, r.warehouse or "", r.quantity, r.pushed_at.timestamp())
                    for r in records
                ],
            )

    # --- connector cache --------------------------------------------------------------------------------

    def cache_get(self, integration_id: str, namespace: str, key: str) -> Any | None:
        row = (
            self._connection()
            .execute(
                "SELECT value FROM cache WHERE integration_id = ? AND namespace = ? AND key = ?",
                (integration_id, namespace, key),
            )
            .fetchone()
        )
        return None if row is None else json.loads(row["value"])

    def cache_put(self, integration_id: str, namespace: str, items: Mapping[str, Any]) -> None:
        with self._write() as conn:
            conn.executemany(
                "INSERT OR REPLACE INTO cache (integration_id, namespace, key, value) VALUES (?, ?, ?, ?)",
                [(integration_id, namespace, k, json.dumps(v)) for k, v in items.items()],
            )

    def cache_clear(self, integration_id: str, namespace: str) -> None:
        with self._write() as conn:
            conn.execute(
                "DELETE FROM cache WHERE integration_id = ? AND namespace = ?", (integration_id, namespace)
            )

    # --- coordination ---------------------------------------------------------------------------------

    def try_lock(self, name: str, owner: str, ttl: timedelta) -> bool:
        """Take the named lease if it is free or its holder's lease ran out (a crashed holder)."""
        # Leases use the machine's real clock: a test clock that jumps ahead must not steal a live lease.
        now = time.time()
        with self._write() as conn:
            row = conn.execute("SELECT owner, expires_at FROM locks WHERE name = ?", (name,)).fetchone()
            if row is not None and row["owner"] != owner and row["expires_at"] > now:
                return False
            conn.execute(
                "INSERT OR REPLACE INTO locks (name, owner, expires_at) VALUES (?, ?, ?)",
                (name, owner, now + ttl.total_seconds()),
            )
        return True

    def unlock(self, name: str, owner: str) -> None:
        with self._write() as conn:
            conn.execute("DELETE FROM locks WHERE name = ? AND owner = ?", (name, owner))

    def remember_event(self, integration_id: str, event_id: str) -> bool:
        """True the first time an event id is seen for the integration, False for a redelivery."""
        with self._write() as conn:
            cursor = conn.execute(
                "INSERT OR IGNORE INTO webhook_events (integration_id, event_id, received_at) "
                "VALUES (?, ?, ?)",
                (integration_id, event_id, self._now()),
            )
            return cursor.rowcount == 1
