-- The delivery ledger in a table of its own (connector_core/store/deliveries.py): which order version, and
-- which order problem, was last handed to the host. Its rows were kept in `cache` under the namespace
-- "worker.delivered@<shop>" (key: order id, or "problem:<order id>"); they move here so nothing already
-- handed over is handed over again after an upgrade.

CREATE TABLE deliveries (
    integration_id  text NOT NULL REFERENCES integrations (id) ON DELETE CASCADE,
    shop_id         text NOT NULL,
    order_id        text NOT NULL,
    version         text,
    problem         text,
    PRIMARY KEY (integration_id, shop_id, order_id)
);

INSERT INTO deliveries (integration_id, shop_id, order_id, version)
    SELECT integration_id, substr(namespace, 18), key, value #>> '{}' FROM cache
    WHERE left(namespace, 17) = 'worker.delivered@' AND left(key, 8) <> 'problem:';

INSERT INTO deliveries (integration_id, shop_id, order_id, problem)
    SELECT integration_id, substr(namespace, 18), substr(key, 9), value #>> '{}' FROM cache
    WHERE left(namespace, 17) = 'worker.delivered@' AND left(key, 8) = 'problem:'
    ON CONFLICT (integration_id, shop_id, order_id) DO UPDATE SET problem = excluded.problem;

DELETE FROM cache WHERE left(namespace, 17) = 'worker.delivered@';
