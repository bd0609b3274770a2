"""The SQLite rows of a bulk import: many connections in one write transaction, one `executemany` per
table, the same rows `create_integration`, `save_tokens`, `set_reauthorization` and `save_accounts` write."""

from __future__ import annotations

import json
from collections.abc import Sequence

from ..bulk import SealedNewConnection, fresh_connection_ids
from ..errors import UnknownApp
from .connection import SQLiteConnection, ts

ORDER_STEP_SECONDS = 1e-6
"""Each connection of a batch is created a microsecond after the one before, so "oldest first" listings
keep the host's order (a batch shares one clock reading)."""


class BulkRows(SQLiteConnection):
    def import_connections(self, app_id: str, connections: Sequence[SealedNewConnection]) -> list[str]:
        now = self._now()
        with self._write() as conn:
            app = conn.execute("SELECT connector FROM apps WHERE id = ?", (app_id,)).fetchone()
            if app is None:
                raise UnknownApp(app_id)
            connector = app["connector"]
            ids = fresh_connection_ids(connector, len(connections))
            conn.executemany(
                "INSERT INTO integrations (id, connector, name, settings, created_at, app_id, tags) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        iid,
                        connector,
                        c.name,
                        json.dumps(dict(c.settings)),
                        now + n * ORDER_STEP_SECONDS,
                        app_id,
                        json.dumps(dict(c.tags)),
                    )
                    for n, (iid, c) in enumerate(zip(ids, connections, strict=True))
                ],
            )
            conn.executemany(
                "INSERT INTO integration_tags (integration_id, key, value) VALUES (?, ?, ?)",
                [(iid, k, v) for iid, c in zip(ids, connections, strict=True) for k, v in c.tags.items()],
            )
            connected = [(iid, c.tokens) for iid, c in zip(ids, connections, strict=True) if c.tokens]
            conn.executemany(
                "INSERT INTO tokens (integration_id, access_token, access_expires_at, refresh_token, "
                "refresh_expires_at, scopes, extra, version, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?)",
                [
                    (
                        iid,
                        t.access_token,
                        t.access_expires_at.timestamp(),
                        t.refresh_token,
                        ts(t.refresh_expires_at),
                        json.dumps(t.scopes),
                        json.dumps(t.extra),
                        now,
                    )
                    for iid, t in connected
                ],
            )
            conn.executemany(
                "INSERT INTO reauthorization (integration_id, deadline, needed, reason) VALUES (?, ?, 0, NULL)",
                [(iid, ts(t.refresh_expires_at)) for iid, t in connected],
            )
            conn.executemany(
                "INSERT INTO accounts (integration_id, account_id, data, status, next_pull_at, updated_at) "
                "VALUES (?, ?, ?, 'active', ?, ?)",
                [
                    (iid, shop.id, shop.model_dump_json(), now, now)
                    for iid, c in zip(ids, connections, strict=True)
                    for shop in c.shops
                ],
            )
        return ids
