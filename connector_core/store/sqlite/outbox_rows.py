"""The SQLite rows of the outbox (see connector_core/store/outbox.py)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any, cast

from ..outbox import FinalWorkStatus, WorkItem, WorkStatus
from .connection import SQLiteConnection, dt, utc

_KEY = "integration_id = ? AND kind = ? AND key = ?"


def _item(row: sqlite3.Row) -> WorkItem:
    return WorkItem(
        integration_id=row["integration_id"],
        kind=row["kind"],
        key=row["key"],
        payload=json.loads(row["payload"]),
        status=cast(WorkStatus, row["status"]),
        outcome=None if row["outcome"] is None else json.loads(row["outcome"]),
        attempts=row["attempts"],
        created_at=utc(row["created_at"]),
        queued_at=utc(row["queued_at"]),
        finished_at=dt(row["finished_at"]),
    )


class OutboxRows(SQLiteConnection):
    def add_work(
        self,
        integration_id: str,
        kind: str,
        key: str,
        payload: Mapping[str, Any],
        *,
        status: WorkStatus = "pending",
    ) -> bool:
        now = self._now()
        with self._write() as conn:
            cursor = conn.execute(
                "INSERT OR IGNORE INTO outbox (integration_id, kind, key, payload, status, outcome, attempts, "
                "created_at, queued_at, finished_at) VALUES (?, ?, ?, ?, ?, NULL, 0, ?, ?, ?)",
                (
                    integration_id,
                    kind,
                    key,
                    json.dumps(dict(payload)),
                    status,
                    now,
                    now,
                    None if status == "pending" else now,
                ),
            )
            return cursor.rowcount == 1

    def get_work(self, integration_id: str, kind: str, key: str) -> WorkItem | None:
        row = (
            self._connection()
            .execute(f"SELECT * FROM outbox WHERE {_KEY}", (integration_id, kind, key))
            .fetchone()
        )
        return None if row is None else _item(row)

    def start_work(self, integration_id: str, kind: str, key: str) -> WorkItem | None:
        ids = (integration_id, kind, key)
        with self._write() as conn:
            conn.execute(
                f"UPDATE outbox SET attempts = attempts + 1 WHERE {_KEY} AND status = 'pending'", ids
            )
            row = conn.execute(f"SELECT * FROM outbox WHERE {_KEY}", ids).fetchone()
        return None if row is None else _item(row)

    def finish_work(
        self, integration_id: str, kind: str, key: str, status: FinalWorkStatus, outcome: Mapping[str, Any]
    ) -> None:
        with self._write() as conn:
            conn.execute(
                f"UPDATE outbox SET status = ?, outcome = ?, finished_at = ? WHERE {_KEY} AND status = 'pending'",
                (status, json.dumps(dict(outcome)), self._now(), integration_id, kind, key),
            )

    def requeue_due_work(self, grace: timedelta, limit: int) -> list[WorkItem]:
        now = self._now()
        with self._write() as conn:
            rows = conn.execute(
                "SELECT * FROM outbox WHERE status = 'pending' AND queued_at <= ? ORDER BY created_at, key "
                "LIMIT ?",
                (now - grace.total_seconds(), limit),
            ).fetchall()
            for row in rows:
                conn.execute(
                    f"UPDATE outbox SET queued_at = ? WHERE {_KEY}",
                    (now, row["integration_id"], row["kind"], row["key"]),
                )
        return [_item(row) for row in rows]

    def list_work(
        self, integration_id: str, *, kind: str | None = None, status: WorkStatus | None = None
    ) -> list[WorkItem]:
        where, params = ["integration_id = ?"], [integration_id]
        for column, value in (("kind", kind), ("status", status)):
            if value is not None:
                where.append(f"{column} = ?")
                params.append(value)
        sql = f"SELECT * FROM outbox WHERE {' AND '.join(where)} ORDER BY created_at, key"
        return [_item(row) for row in self._connection().execute(sql, params).fetchall()]

    def fresh_work(self, integration_id: str, kind: str, limit: int) -> list[str]:
        # The pending rows' index: left to itself SQLite takes the primary key, and reads every finished
        # row of the connection (kept 8 days) to find the few pending ones.
        rows = (
            self._connection()
            .execute(
                "SELECT key FROM outbox INDEXED BY outbox_due WHERE status = 'pending' AND integration_id = ? "
                "AND kind = ? AND attempts = 0 ORDER BY created_at, key LIMIT ?",
                (integration_id, kind, limit),
            )
            .fetchall()
        )
        return [str(row["key"]) for row in rows]

    def prune_work(self, finished_before: datetime) -> int:
        with self._write() as conn:
            cursor = conn.execute(
                "DELETE FROM outbox WHERE status != 'pending' AND finished_at < ?",
                (finished_before.timestamp(),),
            )
            return cursor.rowcount
