-- The outbox: work recorded before a webhook is answered or a host request is accepted; workers drain it
-- and a sweeper re-sends what is recorded but not done (connector_core/store/outbox.py).

CREATE TABLE outbox (
    integration_id  text NOT NULL REFERENCES integrations (id) ON DELETE CASCADE,
    kind            text NOT NULL,
    key             text NOT NULL,
    payload         json NOT NULL,
    status          text NOT NULL CHECK (status IN ('pending', 'done', 'failed')),
    outcome         json,
    attempts        integer NOT NULL,
    created_at      timestamptz NOT NULL,
    queued_at       timestamptz NOT NULL,
    finished_at     timestamptz,
    PRIMARY KEY (integration_id, kind, key)
);

CREATE INDEX outbox_due ON outbox (queued_at) WHERE status = 'pending';
CREATE INDEX outbox_finished ON outbox (finished_at) WHERE status <> 'pending';
