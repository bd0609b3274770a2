"""The SQLite rows of the roles that hold no secret (shops: shop_rows.py; intents and the stock ledger:
ledger_rows.py): cursors, cache, leases, webhook events, documents and runs."""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any, cast

from ...models import ReauthorizationState
from ..records import Lease, RunRecord
from .connection import SQLiteConnection, dt, ts, utc


class SharedRows(SQLiteConnection):
    # --- reauthorization ---------------------------------------------------------------------------------

    def get_reauthorization(self, integration_id: str) -> ReauthorizationState:
        row = (
            self._connection()
            .execute("SELECT * FROM reauthorization WHERE integration_id = ?", (integration_id,))
            .fetchone()
        )
        if row is None:
            return ReauthorizationState(deadline=None)
        return ReauthorizationState(
            deadline=dt(row["deadline"]), needs_reauthorization=bool(row["needed"]), reason=row["reason"]
        )

    def set_reauthorization(self, integration_id: str, state: ReauthorizationState) -> None:
        with self._write() as conn:
            conn.execute(
                "INSERT INTO reauthorization (integration_id, deadline, needed, reason) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(integration_id) DO UPDATE SET deadline = excluded.deadline, "
                "needed = excluded.needed, reason = excluded.reason",
                (integration_id, ts(state.deadline), int(state.needs_reauthorization), state.reason),
            )

    # --- cursors -----------------------------------------------------------------------------------------

    def get_cursor(self, integration_id: str, stream: str) -> str | None:
        row = (
            self._connection()
            .execute(
                "SELECT value FROM cursors WHERE integration_id = ? AND stream = ?", (integration_id, stream)
            )
            .fetchone()
        )
        return None if row is None else cast(str | None, row["value"])

    def set_cursor(self, integration_id: str, stream: str, value: str | None) -> None:
        with self._write() as conn:
            conn.execute(
                "INSERT INTO cursors (integration_id, stream, value, updated_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(integration_id, stream) DO UPDATE SET value = excluded.value, "
                "updated_at = excluded.updated_at",
                (integration_id, stream, value, self._now()),
            )

    def cursor_updated_at(self, integration_id: str, stream: str) -> datetime | None:
        row = (
            self._connection()
            .execute(
                "SELECT updated_at FROM cursors WHERE integration_id = ? AND stream = ?",
                (integration_id, stream),
            )
            .fetchone()
        )
        return None if row is None else utc(row["updated_at"])

    # --- connector cache ---------------------------------------------------------------------------------

    def cache_get(self, integration_id: str, namespace: str, key: str) -> Any | None:
        row = (
            self._connection()
            .execute(
                "SELECT value FROM cache WHERE integration_id = ? AND namespace = ? AND key = ?",
                (integration_id, namespace, key),
            )
            .fetchone()
        )
        return None if row is None else json.loads(row["value"])

    def cache_put(self, integration_id: str, namespace: str, items: Mapping[str, Any]) -> None:
        rows: list[tuple[str, str, str, str]] = []
        last: Any = object()  # a value no item holds
        encoded = ""
        for key, value in items.items():
            if value is not last:  # an import puts a page of orders that all share one value: encode it once
                last, encoded = value, json.dumps(value)
            rows.append((integration_id, namespace, key, encoded))
        with self._write() as conn:
            conn.executemany(
                "INSERT OR REPLACE INTO cache (integration_id, namespace, key, value) VALUES (?, ?, ?, ?)",
                rows,
            )

    def cache_clear(self, integration_id: str, namespace: str) -> None:
        with self._write() as conn:
            conn.execute(
                "DELETE FROM cache WHERE integration_id = ? AND namespace = ?", (integration_id, namespace)
            )

    # --- leases ------------------------------------------------------------------------------------------

    def try_lock(self, name: str, owner: str, ttl: timedelta) -> bool:
        # Leases use the machine's real clock: a test clock that jumps ahead must not steal a live lease.
        now = time.time()
        with self._write() as conn:
            row = conn.execute("SELECT * FROM locks WHERE name = ?", (name,)).fetchone()
            live = row is not None and row["expires_at"] > now
            if live and row["owner"] != owner:
                return False
            acquired = row["acquired_at"] if live else now
            conn.execute(
                "INSERT OR REPLACE INTO locks (name, owner, expires_at, acquired_at) VALUES (?, ?, ?, ?)",
                (name, owner, now + ttl.total_seconds(), acquired),
            )
        return True

    def unlock(self, name: str, owner: str) -> None:
        with self._write() as conn:
            conn.execute("DELETE FROM locks WHERE name = ? AND owner = ?", (name, owner))

    def lease_holder(self, name: str) -> Lease | None:
        row = (
            self._connection()
            .execute("SELECT * FROM locks WHERE name = ? AND expires_at > ?", (name, time.time()))
            .fetchone()
        )
        if row is None:
            return None
        return Lease(row["name"], row["owner"], utc(row["acquired_at"]), utc(row["expires_at"]))

    # --- webhook events ----------------------------------------------------------------------------------

    def remember_event(self, integration_id: str, event_id: str) -> bool:
        with self._write() as conn:
            cursor = conn.execute(
                "INSERT OR IGNORE INTO webhook_events (integration_id, event_id, received_at) "
                "VALUES (?, ?, ?)",
                (integration_id, event_id, self._now()),
            )
            return cursor.rowcount == 1

    def forget_event(self, integration_id: str, event_id: str) -> None:
        with self._write() as conn:
            conn.execute(
                "DELETE FROM webhook_events WHERE integration_id = ? AND event_id = ?",
                (integration_id, event_id),
            )

    # --- documents ---------------------------------------------------------------------------------------

    def put_document(self, integration_id: str, key: str, content: bytes, media_type: str) -> None:
        with self._write() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO documents (integration_id, key, content, media_type, stored_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (integration_id, key, content, media_type, self._now()),
            )

    def get_document(self, integration_id: str, key: str) -> tuple[bytes, str] | None:
        row = (
            self._connection()
            .execute(
                "SELECT content, media_type FROM documents WHERE integration_id = ? AND key = ?",
                (integration_id, key),
            )
            .fetchone()
        )
        return None if row is None else (bytes(row["content"]), row["media_type"])

    # --- runs --------------------------------------------------------------------------------------------

    def record_run(self, run: RunRecord) -> None:
        with self._write() as conn:
            conn.execute(
                "INSERT INTO runs (integration_id, account_id, flow, started_at, finished_at, ok, summary) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    run.integration_id,
                    run.account_id,
                    run.flow,
                    run.started_at.timestamp(),
                    run.finished_at.timestamp(),
                    int(run.ok),
                    json.dumps(run.summary),
                ),
            )

    def last_runs(self, integration_id: str, *, flow: str | None = None, limit: int = 10) -> list[RunRecord]:
        sql = "SELECT * FROM runs WHERE integration_id = ?" + (" AND flow = ?" if flow is not None else "")
        params: list[Any] = [integration_id] + ([flow] if flow is not None else [])
        rows = (
            self._connection()
            .execute(f"{sql} ORDER BY finished_at DESC, id DESC LIMIT ?", [*params, limit])
            .fetchall()
        )
        return [
            RunRecord(
                integration_id=r["integration_id"],
                account_id=r["account_id"],
                flow=r["flow"],
                started_at=utc(r["started_at"]),
                finished_at=utc(r["finished_at"]),
                ok=bool(r["ok"]),
                summary=json.loads(r["summary"]),
            )
            for r in rows
        ]
