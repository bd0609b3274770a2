"""The PostgreSQL rows of a bulk import: many connections in one transaction, one statement per table.

Each table gets one `INSERT ... SELECT FROM unnest(arrays)`: one round trip and one plan however many rows
the batch holds (an `executemany` would still send a statement per row). JSON columns receive exactly the
text `Json(...)` sends on the one-at-a-time path (`json.dumps` with its defaults), so the rows are the same.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from ..bulk import SealedNewConnection, fresh_connection_ids
from ..errors import UnknownApp
from .connection import PostgresConnection

ORDER_STEP = timedelta(microseconds=1)
"""Each connection of a batch is created a microsecond after the one before, so "oldest first" listings
keep the host's order (a batch shares one clock reading)."""


class PostgresBulkRows(PostgresConnection):
    def import_connections(self, app_id: str, connections: Sequence[SealedNewConnection]) -> list[str]:
        now = self._now()

        def write(conn: Any) -> list[str]:
            app = conn.execute("SELECT connector FROM apps WHERE id = %s", (app_id,)).fetchone()
            if app is None:
                raise UnknownApp(app_id)
            connector = app["connector"]
            ids = fresh_connection_ids(connector, len(connections))
            pairs = list(zip(ids, connections, strict=True))
            conn.execute(
                "INSERT INTO integrations (id, connector, name, settings, created_at, app_id, tags) "
                "SELECT u.id, %s, u.name, u.settings::json, u.created_at, %s, u.tags::json "
                "FROM unnest(%s::text[], %s::text[], %s::text[], %s::timestamptz[], %s::text[]) "
                "AS u(id, name, settings, created_at, tags)",
                (
                    connector,
                    app_id,
                    ids,
                    [c.name for c in connections],
                    [json.dumps(dict(c.settings)) for c in connections],
                    [now + n * ORDER_STEP for n in range(len(connections))],
                    [json.dumps(dict(c.tags)) for c in connections],
                ),
            )
            tags = [(iid, k, v) for iid, c in pairs for k, v in c.tags.items()]
            conn.execute(
                "INSERT INTO integration_tags (integration_id, key, value) "
                "SELECT * FROM unnest(%s::text[], %s::text[], %s::text[])",
                ([t[0] for t in tags], [t[1] for t in tags], [t[2] for t in tags]),
            )
            connected = [(iid, c.tokens) for iid, c in pairs if c.tokens is not None]
            conn.execute(
                "INSERT INTO tokens (integration_id, access_token, access_expires_at, refresh_token, "
                "refresh_expires_at, scopes, extra, version, updated_at) "
                "SELECT u.iid, u.access, u.access_at, u.refresh, u.refresh_at, u.scopes::json, u.extra::json, "
                "1, %s FROM unnest(%s::text[], %s::bytea[], %s::timestamptz[], %s::bytea[], "
                "%s::timestamptz[], %s::text[], %s::text[]) "
                "AS u(iid, access, access_at, refresh, refresh_at, scopes, extra)",
                (
                    now,
                    [iid for iid, _ in connected],
                    [t.access_token for _, t in connected],
                    [t.access_expires_at for _, t in connected],
                    [t.refresh_token for _, t in connected],
                    [t.refresh_expires_at for _, t in connected],
                    [json.dumps(t.scopes) for _, t in connected],
                    [json.dumps(t.extra) for _, t in connected],
                ),
            )
            conn.execute(
                "INSERT INTO reauthorization (integration_id, deadline, needed, reason) "
                "SELECT u.iid, u.deadline, false, NULL FROM unnest(%s::text[], %s::timestamptz[]) "
                "AS u(iid, deadline)",
                ([iid for iid, _ in connected], [t.refresh_expires_at for _, t in connected]),
            )
            shops = [(iid, shop) for iid, c in pairs for shop in c.shops]
            conn.execute(
                "INSERT INTO accounts (integration_id, account_id, data, status, next_pull_at, updated_at) "
                "SELECT u.iid, u.shop, u.data::json, 'active', %s, %s "
                "FROM unnest(%s::text[], %s::text[], %s::text[]) AS u(iid, shop, data)",
                (
                    now,
                    now,
                    [iid for iid, _ in shops],
                    [s.id for _, s in shops],
                    [json.dumps(s.model_dump(mode="json")) for _, s in shops],
                ),
            )
            return ids

        return self._write(write)
