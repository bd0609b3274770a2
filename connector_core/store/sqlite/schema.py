"""The SQLite schema, as versioned migrations (`PRAGMA user_version` counts the ones applied).

Each entry moves the schema from version i to i+1; never edit one that has shipped, append a new one.
"""

from __future__ import annotations

import hashlib
import sqlite3

VERSION_1 = """
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
)
"""

# Version 2: intents replace the shipment ledger (old rows become "done" shipment intents of shop ""), the
# stock ledger gains the shop and an uncertain level, OAuth states are kept only as their SHA-256, leases
# record when they were taken, and connect links, documents and runs get their tables.
VERSION_2 = """
CREATE TABLE intents (
    integration_id TEXT NOT NULL REFERENCES integrations(id) ON DELETE CASCADE,
    account_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    payload TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'done', 'refused')),
    outcome TEXT,
    attempts INTEGER NOT NULL,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL,
    PRIMARY KEY (integration_id, account_id, kind, key)
);
CREATE INDEX intents_by_creation ON intents (integration_id, created_at, key);
INSERT INTO intents (integration_id, account_id, kind, key, payload, status, outcome, attempts, created_at,
                     updated_at)
    SELECT integration_id, '', 'shipment', order_id || '/' || fingerprint,
           json_object('order_id', order_id, 'tracking_number', tracking_number, 'carrier', carrier,
                       'line_ids', json(line_ids)),
           'done', json_object('package_id', package_id, 'channel_line_ids', json(line_ids)),
           1, confirmed_at, confirmed_at
    FROM shipment_ledger;
DROP TABLE shipment_ledger;
CREATE TABLE stock_ledger_2 (
    integration_id TEXT NOT NULL REFERENCES integrations(id) ON DELETE CASCADE,
    account_id TEXT NOT NULL,
    sku TEXT NOT NULL,
    warehouse TEXT NOT NULL DEFAULT '',
    quantity INTEGER,
    pending INTEGER,
    pushed_at REAL NOT NULL,
    PRIMARY KEY (integration_id, account_id, sku, warehouse)
);
INSERT INTO stock_ledger_2 (integration_id, account_id, sku, warehouse, quantity, pending, pushed_at)
    SELECT integration_id, '', sku, warehouse, quantity, NULL, pushed_at FROM stock_ledger;
DROP TABLE stock_ledger;
ALTER TABLE stock_ledger_2 RENAME TO stock_ledger;
CREATE TABLE oauth_states_2 (
    state_hash TEXT PRIMARY KEY,
    integration_id TEXT NOT NULL REFERENCES integrations(id) ON DELETE CASCADE,
    data TEXT NOT NULL DEFAULT '{}',
    expires_at REAL NOT NULL,
    used_at REAL
);
INSERT INTO oauth_states_2 (state_hash, integration_id, data, expires_at, used_at)
    SELECT sha256_hex(state), integration_id, data, expires_at, used_at FROM oauth_states;
DROP TABLE oauth_states;
ALTER TABLE oauth_states_2 RENAME TO oauth_states;
ALTER TABLE locks ADD COLUMN acquired_at REAL NOT NULL DEFAULT 0;
CREATE TABLE connect_links (
    token_hash TEXT PRIMARY KEY,
    integration_id TEXT NOT NULL REFERENCES integrations(id) ON DELETE CASCADE,
    purpose TEXT NOT NULL,
    token_hint TEXT NOT NULL,
    created_at REAL NOT NULL,
    expires_at REAL NOT NULL,
    last_used_at REAL
);
CREATE INDEX connect_links_by_integration ON connect_links (integration_id, created_at);
CREATE TABLE documents (
    integration_id TEXT NOT NULL REFERENCES integrations(id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    content BLOB NOT NULL,
    media_type TEXT NOT NULL,
    stored_at REAL NOT NULL,
    PRIMARY KEY (integration_id, key)
);
CREATE TABLE runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    integration_id TEXT NOT NULL REFERENCES integrations(id) ON DELETE CASCADE,
    account_id TEXT NOT NULL,
    flow TEXT NOT NULL,
    started_at REAL NOT NULL,
    finished_at REAL NOT NULL,
    ok INTEGER NOT NULL,
    summary TEXT NOT NULL
);
CREATE INDEX runs_by_flow ON runs (integration_id, flow, finished_at)
"""

# Version 3: the platform model (issue 19). An app holds the channel registration (the credentials move
# there: each old integration gets an app of its own, "owned" by it, so the credential form keeps working);
# integrations (connections) point at an app and carry the host's tags; every authorized shop is a row with
# its status, settings overrides and pull schedule. Rows an old release kept under shop "" move to the shop
# that release served (the selected one, or the only one), so no shop starts from another shop's cursor.
VERSION_3 = """
CREATE TABLE apps (
    id TEXT PRIMARY KEY,
    connector TEXT NOT NULL,
    name TEXT NOT NULL,
    public TEXT NOT NULL DEFAULT '{}',
    secret BLOB,
    owned_by TEXT,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL
);
INSERT INTO apps (id, connector, name, public, secret, owned_by, created_at, updated_at)
    SELECT 'app-' || i.id, i.connector, i.name, coalesce(c.public, '{}'), c.secret, i.id, i.created_at,
           i.created_at
    FROM integrations i LEFT JOIN credentials c ON c.integration_id = i.id;
ALTER TABLE integrations ADD COLUMN app_id TEXT REFERENCES apps(id);
ALTER TABLE integrations ADD COLUMN tags TEXT NOT NULL DEFAULT '{}';
UPDATE integrations SET app_id = 'app-' || id;
DROP TABLE credentials;
CREATE INDEX integrations_by_app ON integrations (app_id);
CREATE INDEX apps_by_owner ON apps (owned_by);
CREATE TABLE integration_tags (
    integration_id TEXT NOT NULL REFERENCES integrations(id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (integration_id, key)
);
CREATE INDEX integration_tags_by_value ON integration_tags (key, value);
ALTER TABLE accounts ADD COLUMN status TEXT NOT NULL DEFAULT 'active';
ALTER TABLE accounts ADD COLUMN status_reason TEXT;
ALTER TABLE accounts ADD COLUMN settings TEXT NOT NULL DEFAULT '{}';
ALTER TABLE accounts ADD COLUMN next_pull_at REAL;
ALTER TABLE accounts ADD COLUMN failures INTEGER NOT NULL DEFAULT 0;
ALTER TABLE accounts ADD COLUMN last_error TEXT;
ALTER TABLE accounts ADD COLUMN updated_at REAL NOT NULL DEFAULT 0;
UPDATE accounts SET next_pull_at = (SELECT created_at FROM integrations i WHERE i.id = accounts.integration_id);
CREATE INDEX accounts_by_shop ON accounts (account_id, status);
CREATE INDEX accounts_due ON accounts (next_pull_at) WHERE status = 'active';
CREATE INDEX tokens_by_expiry ON tokens (access_expires_at);
CREATE INDEX reauthorization_by_deadline ON reauthorization (deadline);
CREATE TEMP TABLE legacy_shop AS
    SELECT i.id AS integration_id,
           coalesce(i.account_id,
                    (SELECT min(a.account_id) FROM accounts a WHERE a.integration_id = i.id
                     HAVING count(*) = 1)) AS shop
    FROM integrations i;
DELETE FROM legacy_shop WHERE shop IS NULL OR shop = '';
UPDATE stock_ledger SET account_id = (
        SELECT l.shop FROM legacy_shop l WHERE l.integration_id = stock_ledger.integration_id)
    WHERE account_id = '' AND integration_id IN (SELECT integration_id FROM legacy_shop)
      AND NOT EXISTS (
        SELECT 1 FROM stock_ledger s JOIN legacy_shop l ON l.integration_id = s.integration_id
        WHERE s.integration_id = stock_ledger.integration_id AND s.account_id = l.shop
          AND s.sku = stock_ledger.sku AND s.warehouse = stock_ledger.warehouse);
UPDATE intents SET account_id = (
        SELECT l.shop FROM legacy_shop l WHERE l.integration_id = intents.integration_id)
    WHERE account_id = '' AND integration_id IN (SELECT integration_id FROM legacy_shop)
      AND NOT EXISTS (
        SELECT 1 FROM intents n JOIN legacy_shop l ON l.integration_id = n.integration_id
        WHERE n.integration_id = intents.integration_id AND n.account_id = l.shop
          AND n.kind = intents.kind AND n.key = intents.key);
UPDATE runs SET account_id = (SELECT l.shop FROM legacy_shop l WHERE l.integration_id = runs.integration_id)
    WHERE account_id = '' AND integration_id IN (SELECT integration_id FROM legacy_shop);
UPDATE cursors SET stream = stream || '@' || (
        SELECT l.shop FROM legacy_shop l WHERE l.integration_id = cursors.integration_id)
    WHERE instr(stream, '@') = 0 AND integration_id IN (SELECT integration_id FROM legacy_shop)
      AND NOT EXISTS (
        SELECT 1 FROM cursors c JOIN legacy_shop l ON l.integration_id = c.integration_id
        WHERE c.integration_id = cursors.integration_id AND c.stream = cursors.stream || '@' || l.shop);
DROP TABLE legacy_shop
"""

# Version 4: the stock ledger remembers how new (the host's `as_of`) its confirmed and uncertain levels are,
# so an older level is refused; rows written before have none (any level may replace them once).
VERSION_4 = """
ALTER TABLE stock_ledger ADD COLUMN as_of INTEGER;
ALTER TABLE stock_ledger ADD COLUMN pending_as_of INTEGER
"""

# Version 5: the outbox, work recorded before a webhook is answered or a host request accepted
# (connector_core/store/outbox.py).
VERSION_5 = """
CREATE TABLE outbox (
    integration_id TEXT NOT NULL REFERENCES integrations(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    payload TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'done', 'failed')),
    outcome TEXT,
    attempts INTEGER NOT NULL,
    created_at REAL NOT NULL,
    queued_at REAL NOT NULL,
    finished_at REAL,
    PRIMARY KEY (integration_id, kind, key)
);
CREATE INDEX outbox_due ON outbox (status, queued_at);
CREATE INDEX outbox_finished ON outbox (finished_at)
"""

# Version 6: the delivery ledger in a table of its own (connector_core/store/deliveries.py). Its rows were
# kept in `cache` under the namespace "worker.delivered@<shop>" (key: order id, or "problem:<order id>");
# they move here so nothing already handed to the host is handed over again after an upgrade.
VERSION_6 = """
CREATE TABLE deliveries (
    integration_id TEXT NOT NULL REFERENCES integrations(id) ON DELETE CASCADE,
    shop_id TEXT NOT NULL,
    order_id TEXT NOT NULL,
    version TEXT,
    problem TEXT,
    PRIMARY KEY (integration_id, shop_id, order_id)
);
INSERT INTO deliveries (integration_id, shop_id, order_id, version)
    SELECT integration_id, substr(namespace, 18), key, json_extract(value, '$') FROM cache
    WHERE substr(namespace, 1, 17) = 'worker.delivered@' AND substr(key, 1, 8) <> 'problem:';
INSERT INTO deliveries (integration_id, shop_id, order_id, problem)
    SELECT integration_id, substr(namespace, 18), substr(key, 9), json_extract(value, '$') FROM cache
    WHERE substr(namespace, 1, 17) = 'worker.delivered@' AND substr(key, 1, 8) = 'problem:'
    ON CONFLICT (integration_id, shop_id, order_id) DO UPDATE SET problem = excluded.problem;
DELETE FROM cache WHERE substr(namespace, 1, 17) = 'worker.delivered@'
"""

# Version 7: the admin sign-in throttle, shared by every web process of a host (connector_core/store/signin.py).
VERSION_7 = """
CREATE TABLE signin_throttle (
    client TEXT PRIMARY KEY,
    failures INTEGER NOT NULL,
    window_start REAL NOT NULL,
    locked_until REAL,
    lockouts INTEGER NOT NULL
);
CREATE INDEX signin_throttle_window ON signin_throttle (window_start)
"""

# Version 8: indexes for the paths whose cost grew with the connections (issue 19): the SKU -> shop index
# stock pushes are routed by (seeded from the stock ledger: a level the channel confirmed for a shop means the
# shop lists that SKU), the core's pull intervals (per connection: shop_id '', or per shop), whatever the
# connector's settings schema, and the newest run of a connection, which its listed state depends on.
VERSION_8 = """
CREATE TABLE shop_skus (
    integration_id TEXT NOT NULL REFERENCES integrations(id) ON DELETE CASCADE,
    sku TEXT NOT NULL,
    shop_id TEXT NOT NULL,
    listed INTEGER NOT NULL,
    seen_at REAL NOT NULL,
    PRIMARY KEY (integration_id, sku, shop_id)
);
INSERT INTO shop_skus (integration_id, sku, shop_id, listed, seen_at)
    SELECT integration_id, sku, account_id, 1, max(pushed_at) FROM stock_ledger
    WHERE quantity IS NOT NULL AND account_id <> '' GROUP BY integration_id, sku, account_id;
CREATE TABLE pull_intervals (
    integration_id TEXT NOT NULL REFERENCES integrations(id) ON DELETE CASCADE,
    shop_id TEXT NOT NULL,
    seconds INTEGER NOT NULL,
    PRIMARY KEY (integration_id, shop_id)
);
CREATE INDEX runs_newest ON runs (integration_id, finished_at);
CREATE INDEX integrations_by_creation ON integrations (created_at, id)
"""

# Version 9: webhook routing at 100,000 connections (issue 19). The shop index also holds the connection, so
# routing a delivery reads the index alone (no table row per match) and its matches come out in connection
# order (no sort); same name, so the queries that name it keep working.
VERSION_9 = """
DROP INDEX accounts_by_shop;
CREATE INDEX accounts_by_shop ON accounts (account_id, status, integration_id)
"""

# Version 10: webhook routing reads one small table (issue 19). Routing by shop took three B-tree searches
# (the shop index, the connections' key index, then the connection's row for its app) over some 45 MB at
# 100,000 connections, far more than SQLite's 2 MB page cache: most deliveries read pages from the kernel.
# `shop_routes` holds exactly what routing needs (shop, app, connection, connector) keyed by the shop, without
# rowid: one search of about 19 MB, three pages deep. Triggers keep it equal to the active shops of every
# connection whatever writes them (a forgotten write path cannot leave a stale route); the old shop index,
# read by routing alone, goes.
VERSION_10 = """
CREATE TABLE shop_routes (
    shop_id TEXT NOT NULL,
    app_id TEXT NOT NULL,
    integration_id TEXT NOT NULL,
    connector TEXT NOT NULL,
    PRIMARY KEY (shop_id, app_id, integration_id)
) WITHOUT ROWID;
INSERT INTO shop_routes (shop_id, app_id, integration_id, connector)
    SELECT a.account_id, i.app_id, a.integration_id, i.connector
    FROM accounts a JOIN integrations i ON i.id = a.integration_id
    WHERE a.status = 'active' AND i.app_id IS NOT NULL;
CREATE TRIGGER shop_routes_added AFTER INSERT ON accounts WHEN new.status = 'active' BEGIN
    INSERT OR IGNORE INTO shop_routes (shop_id, app_id, integration_id, connector)
        SELECT new.account_id, i.app_id, i.id, i.connector FROM integrations i
        WHERE i.id = new.integration_id AND i.app_id IS NOT NULL;
END;
CREATE TRIGGER shop_routes_removed AFTER DELETE ON accounts WHEN old.status = 'active' BEGIN
    DELETE FROM shop_routes WHERE shop_id = old.account_id AND integration_id = old.integration_id;
END;
CREATE TRIGGER shop_routes_changed AFTER UPDATE OF integration_id, account_id, status ON accounts
    WHEN old.integration_id IS NOT new.integration_id OR old.account_id IS NOT new.account_id
        OR old.status IS NOT new.status BEGIN
    DELETE FROM shop_routes WHERE shop_id = old.account_id AND integration_id = old.integration_id;
    INSERT OR IGNORE INTO shop_routes (shop_id, app_id, integration_id, connector)
        SELECT new.account_id, i.app_id, i.id, i.connector FROM integrations i
        WHERE new.status = 'active' AND i.id = new.integration_id AND i.app_id IS NOT NULL;
END;
CREATE TRIGGER shop_routes_moved AFTER UPDATE OF app_id, connector ON integrations
    WHEN old.app_id IS NOT new.app_id OR old.connector IS NOT new.connector BEGIN
    DELETE FROM shop_routes WHERE integration_id = new.id
        AND shop_id IN (SELECT account_id FROM accounts WHERE integration_id = new.id);
    INSERT OR IGNORE INTO shop_routes (shop_id, app_id, integration_id, connector)
        SELECT a.account_id, new.app_id, new.id, new.connector FROM accounts a
        WHERE a.integration_id = new.id AND a.status = 'active' AND new.app_id IS NOT NULL;
END;
DROP INDEX accounts_by_shop
"""

MIGRATIONS: tuple[str, ...] = (
    VERSION_1,
    VERSION_2,
    VERSION_3,
    VERSION_4,
    VERSION_5,
    VERSION_6,
    VERSION_7,
    VERSION_8,
    VERSION_9,
    VERSION_10,
)


def _sha256_hex(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def _statements(script: str) -> list[str]:
    """The script's statements, one by one: split at each `;` that ends a statement (not one inside a
    trigger's body)."""
    statements: list[str] = []
    pending = ""
    for piece in script.split(";"):
        pending += piece + ";"
        if sqlite3.complete_statement(pending):
            if pending.strip().strip(";").strip():
                statements.append(pending)
            pending = ""
    if pending.strip().strip(";").strip():
        raise ValueError(f"an unfinished statement in a migration: {pending[:80]!r}")
    return statements


def migrate(conn: sqlite3.Connection, target: int | None = None) -> int:
    """Apply the missing migrations up to `target` (default: all) inside the caller's transaction."""
    conn.create_function("sha256_hex", 1, _sha256_hex, deterministic=True)
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    last = len(MIGRATIONS) if target is None else target
    for number in range(version + 1, last + 1):
        for statement in _statements(MIGRATIONS[number - 1]):
            conn.execute(statement)
        conn.execute(f"PRAGMA user_version = {number}")
    return max(version, last)
