-- The beat's tick at 100,000 connections (issue 19). due_shops and connections_to_refresh skip connections
-- waiting for re-authorization with NOT EXISTS (... reauthorization WHERE needed): with no index on the few
-- rows that are needed, PostgreSQL read the whole table once per tick (30 ms at 100,000 connections, for a
-- batch of 100 due shops). A partial index holds only those rows, so the check costs what is needed, not
-- the number of connections.
CREATE INDEX reauthorization_needed ON reauthorization (integration_id) WHERE needed;
