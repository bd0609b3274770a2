-- channel-connectors store, version 2 on PostgreSQL: the platform model (issue 19).
-- Do not edit once shipped; a later change is a new file.
--
-- An app holds the channel registration: the credentials move there, and each old integration gets an app
-- of its own ("owned" by it, so the credential form keeps working). Integrations (connections) point at an
-- app and carry the host's tags. Every authorized shop is a row with its status, settings overrides and pull
-- schedule (next_pull_at, indexed for the beat). Rows an old release kept under shop '' move to the shop it
-- served (the selected one, or the only one), so no shop starts from another shop's cursor or ledger.

CREATE TABLE apps (
    id          text PRIMARY KEY,
    connector   text NOT NULL,
    name        text NOT NULL,
    public      json NOT NULL DEFAULT '{}',
    secret      bytea,  -- ciphertext of the secret fields, as one JSON object
    owned_by    text,   -- the integration whose credential form made it (deleted with it); NULL: the host's
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL
);
INSERT INTO apps (id, connector, name, public, secret, owned_by, created_at, updated_at)
    SELECT 'app-' || i.id, i.connector, i.name, coalesce(c.public, '{}'::json), c.secret, i.id, i.created_at,
           i.created_at
    FROM integrations i LEFT JOIN credentials c ON c.integration_id = i.id;
ALTER TABLE integrations ADD COLUMN app_id text REFERENCES apps (id);
ALTER TABLE integrations ADD COLUMN tags json NOT NULL DEFAULT '{}';
UPDATE integrations SET app_id = 'app-' || id;
ALTER TABLE integrations ALTER COLUMN app_id SET NOT NULL;
DROP TABLE credentials;
CREATE INDEX integrations_by_app ON integrations (app_id);
CREATE INDEX apps_by_owner ON apps (owned_by);

-- The host's tags (its customer or account id ...), one row each so a search is an index lookup.
CREATE TABLE integration_tags (
    integration_id  text NOT NULL REFERENCES integrations (id) ON DELETE CASCADE,
    key             text NOT NULL,
    value           text NOT NULL,
    PRIMARY KEY (integration_id, key)
);
CREATE INDEX integration_tags_by_value ON integration_tags (key, value);

ALTER TABLE accounts ADD COLUMN status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'paused', 'left'));
ALTER TABLE accounts ADD COLUMN status_reason text;
ALTER TABLE accounts ADD COLUMN settings json NOT NULL DEFAULT '{}';
ALTER TABLE accounts ADD COLUMN next_pull_at timestamptz;
ALTER TABLE accounts ADD COLUMN failures integer NOT NULL DEFAULT 0;
ALTER TABLE accounts ADD COLUMN last_error text;
ALTER TABLE accounts ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();
UPDATE accounts SET next_pull_at = i.created_at FROM integrations i WHERE i.id = accounts.integration_id;
CREATE INDEX accounts_by_shop ON accounts (account_id, status);
CREATE INDEX accounts_due ON accounts (next_pull_at) WHERE status = 'active';
CREATE INDEX tokens_by_expiry ON tokens (access_expires_at);  -- the refresh tick: tokens expiring soon
CREATE INDEX reauthorization_by_deadline ON reauthorization (deadline);  -- the warning tick

CREATE TEMP TABLE legacy_shop ON COMMIT DROP AS
    SELECT i.id AS integration_id,
           coalesce(i.account_id,
                    (SELECT min(a.account_id) FROM accounts a WHERE a.integration_id = i.id
                     HAVING count(*) = 1)) AS shop
    FROM integrations i;
DELETE FROM legacy_shop WHERE shop IS NULL OR shop = '';
UPDATE stock_ledger s SET account_id = l.shop FROM legacy_shop l
    WHERE l.integration_id = s.integration_id AND s.account_id = ''
      AND NOT EXISTS (SELECT 1 FROM stock_ledger o WHERE o.integration_id = s.integration_id
                      AND o.account_id = l.shop AND o.sku = s.sku AND o.warehouse = s.warehouse);
UPDATE intents n SET account_id = l.shop FROM legacy_shop l
    WHERE l.integration_id = n.integration_id AND n.account_id = ''
      AND NOT EXISTS (SELECT 1 FROM intents o WHERE o.integration_id = n.integration_id
                      AND o.account_id = l.shop AND o.kind = n.kind AND o.key = n.key);
UPDATE runs r SET account_id = l.shop FROM legacy_shop l
    WHERE l.integration_id = r.integration_id AND r.account_id = '';
UPDATE cursors c SET stream = c.stream || '@' || l.shop FROM legacy_shop l
    WHERE l.integration_id = c.integration_id AND position('@' in c.stream) = 0
      AND NOT EXISTS (SELECT 1 FROM cursors o WHERE o.integration_id = c.integration_id
                      AND o.stream = c.stream || '@' || l.shop);
