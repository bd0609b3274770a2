"""The PostgreSQL rows of the outbox (see connector_core/store/outbox.py): each race settled by one statement."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any, cast

from psycopg.types.json import Json

from ..outbox import FinalWorkStatus, WorkItem, WorkStatus
from .connection import PostgresConnection, Row

_KEY = "integration_id = %s AND kind = %s AND key = %s"


def _item(row: Row) -> WorkItem:
    return WorkItem(
        integration_id=row["integration_id"],
        kind=row["kind"],
        key=row["key"],
        payload=row["payload"],
        status=cast(WorkStatus, row["status"]),
        outcome=row["outcome"],
        attempts=row["attempts"],
        created_at=row["created_at"],
        queued_at=row["queued_at"],
        finished_at=row["finished_at"],
    )


class PostgresOutboxRows(PostgresConnection):
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
        # A twin inserting the same key waits on this row's lock until we commit, then does nothing.
        row = self._write(
            lambda c: c.execute(
                "INSERT INTO outbox (integration_id, kind, key, payload, status, outcome, attempts, created_at, "
                "queued_at, finished_at) VALUES (%s, %s, %s, %s, %s, NULL, 0, %s, %s, %s) "
                "ON CONFLICT DO NOTHING RETURNING 1 AS new",
                (
                    integration_id,
                    kind,
                    key,
                    Json(dict(payload)),
                    status,
                    now,
                    now,
                    None if status == "pending" else now,
                ),
            ).fetchone()
        )
        return row is not None

    def get_work(self, integration_id: str, kind: str, key: str) -> WorkItem | None:
        row = self._read(
            lambda c: c.execute(f"SELECT * FROM outbox WHERE {_KEY}", (integration_id, kind, key)).fetchone()
        )
        return None if row is None else _item(row)

    def start_work(self, integration_id: str, kind: str, key: str) -> WorkItem | None:
        ids = (integration_id, kind, key)

        def start(conn: Any) -> Row | None:
            row: Row | None = conn.execute(
                f"UPDATE outbox SET attempts = attempts + 1 WHERE {_KEY} AND status = 'pending' RETURNING *",
                ids,
            ).fetchone()
            return row or conn.execute(f"SELECT * FROM outbox WHERE {_KEY}", ids).fetchone()

        row = self._write(start)
        return None if row is None else _item(row)

    def finish_work(
        self, integration_id: str, kind: str, key: str, status: FinalWorkStatus, outcome: Mapping[str, Any]
    ) -> None:
        self._write(
            lambda c: c.execute(
                "UPDATE outbox SET status = %s, outcome = %s, finished_at = %s "
                f"WHERE {_KEY} AND status = 'pending'",
                (status, Json(dict(outcome)), self._now(), integration_id, kind, key),
            )
        )

    def requeue_due_work(self, grace: timedelta, limit: int) -> list[WorkItem]:
        now = self._now()
        # SKIP LOCKED: a second sweeper at the same moment takes other rows, never the same ones.
        rows = self._write(
            lambda c: c.execute(
                """UPDATE outbox SET queued_at = %s
                   WHERE (integration_id, kind, key) IN (
                       SELECT integration_id, kind, key FROM outbox
                       WHERE status = 'pending' AND queued_at <= %s
                       ORDER BY created_at, key LIMIT %s FOR UPDATE SKIP LOCKED)
                   RETURNING *""",
                (now, now - grace, limit),
            ).fetchall()
        )
        return sorted((_item(row) for row in rows), key=lambda item: (item.created_at, item.key))

    def list_work(
        self, integration_id: str, *, kind: str | None = None, status: WorkStatus | None = None
    ) -> list[WorkItem]:
        where, params = ["integration_id = %s"], [integration_id]
        for column, value in (("kind", kind), ("status", status)):
            if value is not None:
                where.append(f"{column} = %s")
                params.append(value)
        sql = f"SELECT * FROM outbox WHERE {' AND '.join(where)} ORDER BY created_at, key"
        rows = self._read(lambda c: c.execute(sql, params).fetchall())
        return [_item(row) for row in rows]

    def fresh_work(self, integration_id: str, kind: str, limit: int) -> list[str]:
        sql = """SELECT key FROM outbox WHERE status = 'pending' AND integration_id = %s AND kind = %s
                 AND attempts = 0 ORDER BY created_at, key LIMIT %s"""
        rows = self._read(lambda c: c.execute(sql, (integration_id, kind, limit)).fetchall())
        return [str(row["key"]) for row in rows]

    def prune_work(self, finished_before: datetime) -> int:
        return int(
            self._write(
                lambda c: (
                    c.execute(
                        "DELETE FROM outbox WHERE status <> 'pending' AND finished_at < %s",
                        (finished_before,),
                    ).rowcount
                )
            )
        )
