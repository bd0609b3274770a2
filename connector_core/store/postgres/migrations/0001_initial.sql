-- channel-connectors store, version 1 on PostgreSQL.
-- Applied once by the store itself (it records each file in schema_migrations); safe to read, do not edit:
-- a change to the schema is a new file, 0002_..., never an edit of a file that has shipped.
--
-- Secrets: credentials.secret, tokens.access_token and tokens.refresh_token hold Fernet ciphertext only;
-- oauth_states and connect_links hold the SHA-256 of their bearer token, never the token itself.

CREATE TABLE integrations (
    id          text PRIMARY KEY,
    connector   text NOT NULL,
    name        text NOT NULL,
    settings    json NOT NULL DEFAULT '{}',
    account_id  text,
    created_at  timestamptz NOT NULL
);

CREATE TABLE credentials (
    integration_id  text PRIMARY KEY REFERENCES integrations (id) ON DELETE CASCADE,
    public          json NOT NULL,
    secret          bytea  -- ciphertext of the secret fields, as one JSON object
);

CREATE TABLE tokens (
    integration_id      text PRIMARY KEY REFERENCES integrations (id) ON DELETE CASCADE,
    access_token        bytea NOT NULL,  -- ciphertext
    access_expires_at   timestamptz NOT NULL,
    refresh_token       bytea,           -- ciphertext
    refresh_expires_at  timestamptz,
    scopes              json NOT NULL DEFAULT '[]',
    extra               json NOT NULL DEFAULT '{}',
    version             integer NOT NULL,  -- 1 for the first save, +1 for each later one
    updated_at          timestamptz NOT NULL
);

CREATE TABLE reauthorization (
    integration_id  text PRIMARY KEY REFERENCES integrations (id) ON DELETE CASCADE,
    deadline        timestamptz,
    needed          boolean NOT NULL DEFAULT false,
    reason          text
);

CREATE TABLE accounts (
    integration_id  text NOT NULL REFERENCES integrations (id) ON DELETE CASCADE,
    account_id      text NOT NULL,
    data            json NOT NULL,
    PRIMARY KEY (integration_id, account_id)
);

-- Single-use: used_at is set in the same statement that accepts the state.
CREATE TABLE oauth_states (
    state_hash      text PRIMARY KEY,
    integration_id  text NOT NULL REFERENCES integrations (id) ON DELETE CASCADE,
    data            json NOT NULL DEFAULT '{}',
    expires_at      timestamptz NOT NULL,
    used_at         timestamptz
);

CREATE TABLE cursors (
    integration_id  text NOT NULL REFERENCES integrations (id) ON DELETE CASCADE,
    stream          text NOT NULL,
    value           text,
    updated_at      timestamptz NOT NULL,
    PRIMARY KEY (integration_id, stream)
);

-- Every call that changes a channel: what is sent (payload) before, what it answered (outcome) after.
CREATE TABLE intents (
    integration_id  text NOT NULL REFERENCES integrations (id) ON DELETE CASCADE,
    account_id      text NOT NULL,
    kind            varchar(40) NOT NULL,
    key             text NOT NULL,
    payload         json NOT NULL,
    status          text NOT NULL CHECK (status IN ('pending', 'done', 'refused')),
    outcome         json,
    attempts        integer NOT NULL,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    PRIMARY KEY (integration_id, account_id, kind, key)
);
CREATE INDEX intents_by_creation ON intents (integration_id, created_at, key);

-- quantity: the level the channel confirmed; pending: a level sent whose outcome is unknown.
CREATE TABLE stock_ledger (
    integration_id  text NOT NULL REFERENCES integrations (id) ON DELETE CASCADE,
    account_id      text NOT NULL,
    sku             text NOT NULL,
    warehouse       text NOT NULL DEFAULT '',
    quantity        bigint,
    pending         bigint,
    pushed_at       timestamptz NOT NULL,
    PRIMARY KEY (integration_id, account_id, sku, warehouse)
);

CREATE TABLE cache (
    integration_id  text NOT NULL REFERENCES integrations (id) ON DELETE CASCADE,
    namespace       text NOT NULL,
    key             text NOT NULL,
    value           json NOT NULL,
    PRIMARY KEY (integration_id, namespace, key)
);

-- One row per named lease; a row whose expires_at has passed is free for anyone to take.
CREATE TABLE leases (
    name         text PRIMARY KEY,
    owner        text NOT NULL,
    acquired_at  timestamptz NOT NULL,
    expires_at   timestamptz NOT NULL
);

CREATE TABLE webhook_events (
    integration_id  text NOT NULL REFERENCES integrations (id) ON DELETE CASCADE,
    event_id        text NOT NULL,
    received_at     timestamptz NOT NULL,
    PRIMARY KEY (integration_id, event_id)
);

CREATE TABLE connect_links (
    token_hash      text PRIMARY KEY,  -- SHA-256 of the link's token
    integration_id  text NOT NULL REFERENCES integrations (id) ON DELETE CASCADE,
    purpose         text NOT NULL,
    token_hint      text NOT NULL,     -- the token's last 4 characters, for display
    created_at      timestamptz NOT NULL,
    expires_at      timestamptz NOT NULL,
    last_used_at    timestamptz
);
CREATE INDEX connect_links_by_integration ON connect_links (integration_id, created_at);

CREATE TABLE documents (
    integration_id  text NOT NULL REFERENCES integrations (id) ON DELETE CASCADE,
    key             text NOT NULL,
    content         bytea NOT NULL,
    media_type      text NOT NULL,
    stored_at       timestamptz NOT NULL,
    PRIMARY KEY (integration_id, key)
);

CREATE TABLE runs (
    id              bigserial PRIMARY KEY,
    integration_id  text NOT NULL REFERENCES integrations (id) ON DELETE CASCADE,
    account_id      text NOT NULL,
    flow            text NOT NULL,
    started_at      timestamptz NOT NULL,
    finished_at     timestamptz NOT NULL,
    ok              boolean NOT NULL,
    summary         json NOT NULL
);
CREATE INDEX runs_by_flow ON runs (integration_id, flow, finished_at);
