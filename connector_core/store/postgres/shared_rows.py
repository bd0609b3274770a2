"""The PostgreSQL rows of the roles that hold no secret.

Each multi-row write is one transaction; each race the flows rely on is settled by one statement
(`INSERT ... ON CONFLICT`, `UPDATE ... RETURNING`), so no two workers ever both win. Leases use the
database's clock, the one clock every machine sharing the database agrees on.

The intents and the stock ledger are in ledger_rows.py.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any, cast

from psycopg.types.json import Json

from ...models import ReauthorizationState
from ..records import Lease, RunRecord
from .connection import PostgresConnection, utc


class PostgresSharedRows(PostgresConnection):
    # --- reauthorization ---------------------------------------------------------------------------------

    def get_reauthorization(self, integration_id: str) -> ReauthorizationState:
        row = self._read(
            lambda c: c.execute(
                "SELECT * FROM reauthorization WHERE integration_id = %s", (integration_id,)
            ).fetchone()
        )
        if row is None:
            return ReauthorizationState(deadline=None)
        return ReauthorizationState(
            deadline=utc(row["deadline"]), needs_reauthorization=row["needed"], reason=row["reason"]
        )

    def set_reauthorization(self, integration_id: str, state: ReauthorizationState) -> None:
        self._write(
            lambda c: c.execute(
                "INSERT INTO reauthorization (integration_id, deadline, needed, reason) VALUES (%s, %s, %s, %s) "
                "ON CONFLICT (integration_id) DO UPDATE SET deadline = excluded.deadline, "
                "needed = excluded.needed, reason = excluded.reason",
                (integration_id, state.deadline, state.needs_reauthorization, state.reason),
            )
        )

    # --- cursors -----------------------------------------------------------------------------------------

    def get_cursor(self, integration_id: str, stream: str) -> str | None:
        row = self._read(
            lambda c: c.execute(
                "SELECT value FROM cursors WHERE integration_id = %s AND stream = %s",
                (integration_id, stream),
            ).fetchone()
        )
        return None if row is None else cast(str | None, row["value"])

    def set_cursor(self, integration_id: str, stream: str, value: str | None) -> None:
        self._write(
            lambda c: c.execute(
                "INSERT INTO cursors (integration_id, stream, value, updated_at) VALUES (%s, %s, %s, %s) "
                "ON CONFLICT (integration_id, stream) DO UPDATE SET value = excluded.value, "
                "updated_at = excluded.updated_at",
                (integration_id, stream, value, self._now()),
            ),
            idempotent=True,  # the same value however often it lands
            one_statement=True,
        )

    def cursor_updated_at(self, integration_id: str, stream: str) -> datetime | None:
        row = self._read(
            lambda c: c.execute(
                "SELECT updated_at FROM cursors WHERE integration_id = %s AND stream = %s",
                (integration_id, stream),
            ).fetchone()
        )
        return None if row is None else utc(row["updated_at"])

    # --- connector cache ---------------------------------------------------------------------------------

    def cache_get(self, integration_id: str, namespace: str, key: str) -> Any | None:
        row = self._read(
            lambda c: c.execute(
                "SELECT value FROM cache WHERE integration_id = %s AND namespace = %s AND key = %s",
                (integration_id, namespace, key),
            ).fetchone()
        )
        return None if row is None else row["value"]

    def cache_put(self, integration_id: str, namespace: str, items: Mapping[str, Any]) -> None:
        rows = [(integration_id, namespace, k, Json(items[k])) for k in sorted(items)]

        def put(conn: Any) -> None:
            with conn.cursor() as cur:
                cur.executemany(
                    "INSERT INTO cache (integration_id, namespace, key, value) VALUES (%s, %s, %s, %s) "
                    "ON CONFLICT (integration_id, namespace, key) DO UPDATE SET value = excluded.value",
                    rows,
                )

        if rows:
            self._write(put)

    def cache_clear(self, integration_id: str, namespace: str) -> None:
        self._write(
            lambda c: c.execute(
                "DELETE FROM cache WHERE integration_id = %s AND namespace = %s", (integration_id, namespace)
            )
        )

    # --- leases ------------------------------------------------------------------------------------------

    def try_lock(self, name: str, owner: str, ttl: timedelta) -> bool:
        # Free, expired, or already ours: take (or renew) it in one statement; otherwise the WHERE refuses.
        row = self._write(
            lambda c: c.execute(
                """INSERT INTO leases (name, owner, acquired_at, expires_at)
                   VALUES (%s, %s, clock_timestamp(), clock_timestamp() + %s)
                   ON CONFLICT (name) DO UPDATE SET
                       owner = excluded.owner,
                       acquired_at = CASE WHEN leases.owner = excluded.owner AND leases.expires_at > clock_timestamp()
                                          THEN leases.acquired_at ELSE excluded.acquired_at END,
                       expires_at = excluded.expires_at
                   WHERE leases.owner = excluded.owner OR leases.expires_at <= clock_timestamp()
                   RETURNING owner""",
                (name, owner, ttl),
            ).fetchone(),
            idempotent=True,  # run again by the same owner it finds the lease its own: the same answer
            one_statement=True,
        )
        return row is not None

    def unlock(self, name: str, owner: str) -> None:
        # Deleting our own lease twice is the same as once: retried even if the connection dropped mid-write.
        self._write(
            lambda c: c.execute("DELETE FROM leases WHERE name = %s AND owner = %s", (name, owner)),
            idempotent=True,
            one_statement=True,
        )

    def lease_holder(self, name: str) -> Lease | None:
        row = self._read(
            lambda c: c.execute(
                "SELECT * FROM leases WHERE name = %s AND expires_at > clock_timestamp()", (name,)
            ).fetchone()
        )
        if row is None:
            return None
        return Lease(row["name"], row["owner"], row["acquired_at"], row["expires_at"])

    # --- webhook events ----------------------------------------------------------------------------------

    def remember_event(self, integration_id: str, event_id: str) -> bool:
        row = self._write(
            lambda c: c.execute(
                "INSERT INTO webhook_events (integration_id, event_id, received_at) VALUES (%s, %s, %s) "
                "ON CONFLICT DO NOTHING RETURNING 1 AS new",
                (integration_id, event_id, self._now()),
            ).fetchone()
        )
        return row is not None

    def forget_event(self, integration_id: str, event_id: str) -> None:
        self._write(
            lambda c: c.execute(
                "DELETE FROM webhook_events WHERE integration_id = %s AND event_id = %s",
                (integration_id, event_id),
            )
        )

    # --- documents ---------------------------------------------------------------------------------------

    def put_document(self, integration_id: str, key: str, content: bytes, media_type: str) -> None:
        self._write(
            lambda c: c.execute(
                "INSERT INTO documents (integration_id, key, content, media_type, stored_at) "
                "VALUES (%s, %s, %s, %s, %s) ON CONFLICT (integration_id, key) DO UPDATE SET "
                "content = excluded.content, media_type = excluded.media_type, stored_at = excluded.stored_at",
                (integration_id, key, content, media_type, self._now()),
            )
        )

    def get_document(self, integration_id: str, key: str) -> tuple[bytes, str] | None:
        row = self._read(
            lambda c: c.execute(
                "SELECT content, media_type FROM documents WHERE integration_id = %s AND key = %s",
                (integration_id, key),
            ).fetchone()
        )
        return None if row is None else (bytes(row["content"]), row["media_type"])

    # --- runs --------------------------------------------------------------------------------------------

    def record_run(self, run: RunRecord) -> None:
        self._write(
            lambda c: c.execute(
                "INSERT INTO runs (integration_id, account_id, flow, started_at, finished_at, ok, summary) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s)",
                (
                    run.integration_id,
                    run.account_id,
                    run.flow,
                    run.started_at,
                    run.finished_at,
                    run.ok,
                    Json(run.summary),
                ),
            ),
            one_statement=True,  # not retried after a drop: a status page's record, never run twice
        )

    def last_runs(self, integration_id: str, *, flow: str | None = None, limit: int = 10) -> list[RunRecord]:
        sql = "SELECT * FROM runs WHERE integration_id = %s" + (" AND flow = %s" if flow is not None else "")
        params: list[Any] = [integration_id] + ([flow] if flow is not None else [])
        rows = self._read(
            lambda c: c.execute(
                f"{sql} ORDER BY finished_at DESC, id DESC LIMIT %s", [*params, limit]
            ).fetchall()
        )
        return [
            RunRecord(
                integration_id=r["integration_id"],
                account_id=r["account_id"],
                flow=r["flow"],
                started_at=r["started_at"],
                finished_at=r["finished_at"],
                ok=r["ok"],
                summary=r["summary"],
            )
            for r in rows
        ]
