-- Indexes for the paths whose cost grew with the connections (issue 19): the SKU -> shop index stock pushes
-- are routed by (seeded from the stock ledger: a level the channel confirmed for a shop means the shop lists
-- that SKU), the core's pull intervals (per connection: shop_id '', or per shop), whatever the connector's
-- settings schema, and the newest run of a connection, which its listed state depends on.

CREATE TABLE shop_skus (
    integration_id  text NOT NULL REFERENCES integrations (id) ON DELETE CASCADE,
    sku             text NOT NULL,
    shop_id         text NOT NULL,
    listed          boolean NOT NULL,
    seen_at         timestamptz NOT NULL,
    PRIMARY KEY (integration_id, sku, shop_id)
);

INSERT INTO shop_skus (integration_id, sku, shop_id, listed, seen_at)
    SELECT integration_id, sku, account_id, true, max(pushed_at) FROM stock_ledger
    WHERE quantity IS NOT NULL AND account_id <> '' GROUP BY integration_id, sku, account_id;

CREATE TABLE pull_intervals (
    integration_id  text NOT NULL REFERENCES integrations (id) ON DELETE CASCADE,
    shop_id         text NOT NULL,
    seconds         integer NOT NULL,
    PRIMARY KEY (integration_id, shop_id)
);

CREATE INDEX runs_newest ON runs (integration_id, finished_at);
CREATE INDEX integrations_by_creation ON integrations (created_at, id);
