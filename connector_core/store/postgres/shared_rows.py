"""The PostgreSQL rows of the roles that hold no secret.

Each multi-row write is one transaction; each race the flows rely on is settled by one statement
(`INSERT ... ON CONFLICT`, `UPDATE ... RETURNING`), so no two workers ever both win. Leases use the
database's clock, the one clock every machine sharing the database agrees on.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any, cast

from psycopg.types.json import Json

from ...models import ReauthorizationState
from ..errors import UnknownIntent
from ..records import FinalIntentStatus, Intent, IntentStatus, Lease, RunRecord, StockRecord
from ..roles import StockKey, StockLevelRow
from ..stock_rows import EMPTY_ROW, NOT_OLDER
from .connection import PostgresConnection, Row, returned, utc

_INTENT_KEY = "integration_id = %s AND account_id = %s AND kind = %s AND key = %s"


def _intent(row: Row) -> Intent:
    return Intent(
        integration_id=row["integration_id"],
        account_id=row["account_id"],
        kind=row["kind"],
        key=row["key"],
        payload=row["payload"],
        status=cast(IntentStatus, row["status"]),
        outcome=row["outcome"],
        attempts=row["attempts"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


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

    # --- intents -----------------------------------------------------------------------------------------

    def begin_intent(
        self, integration_id: str, account_id: str, kind: str, key: str, payload: Mapping[str, Any]
    ) -> Intent:
        now = self._now()
        # One statement: the first payload wins unless the channel refused it (a refusal applied nothing).
        row = self._write(
            lambda c: c.execute(
                """INSERT INTO intents (integration_id, account_id, kind, key, payload, status, outcome, attempts,
                       created_at, updated_at)
                   VALUES (%s, %s, %s, %s, %s, 'pending', NULL, 1, %s, %s)
                   ON CONFLICT (integration_id, account_id, kind, key) DO UPDATE SET
                       attempts = intents.attempts + 1,
                       payload = CASE WHEN intents.status = 'refused' THEN excluded.payload ELSE intents.payload END,
                       outcome = CASE WHEN intents.status = 'refused' THEN NULL ELSE intents.outcome END,
                       updated_at = CASE WHEN intents.status = 'refused' THEN excluded.updated_at
                                         ELSE intents.updated_at END,
                       status = CASE WHEN intents.status = 'refused' THEN 'pending' ELSE intents.status END
                   RETURNING *""",
                (integration_id, account_id, kind, key, Json(dict(payload)), now, now),
            ).fetchone()
        )
        return _intent(returned(row))

    def finish_intent(
        self,
        integration_id: str,
        account_id: str,
        kind: str,
        key: str,
        status: FinalIntentStatus,
        outcome: Mapping[str, Any],
    ) -> Intent:
        ids = (integration_id, account_id, kind, key)

        def finish(conn: Any) -> Row | None:
            # Done is final: a late or repeated answer must not reopen what the channel already applied.
            row = conn.execute(
                f"UPDATE intents SET status = %s, outcome = %s, updated_at = %s WHERE {_INTENT_KEY} "
                "AND status <> 'done' RETURNING *",
                (status, Json(dict(outcome)), self._now(), *ids),
            ).fetchone()
            found: Row | None = (
                row or conn.execute(f"SELECT * FROM intents WHERE {_INTENT_KEY}", ids).fetchone()
            )
            return found

        row = self._write(finish)
        if row is None:
            raise UnknownIntent(*ids)
        return _intent(row)

    def get_intent(self, integration_id: str, account_id: str, kind: str, key: str) -> Intent | None:
        row = self._read(
            lambda c: c.execute(
                f"SELECT * FROM intents WHERE {_INTENT_KEY}", (integration_id, account_id, kind, key)
            ).fetchone()
        )
        return None if row is None else _intent(row)

    def list_intents(
        self,
        integration_id: str,
        *,
        account_id: str | None = None,
        kind: str | None = None,
        key_prefix: str | None = None,
        status: IntentStatus | None = None,
    ) -> list[Intent]:
        where: list[str] = ["integration_id = %s"]
        params: list[Any] = [integration_id]
        for column, value in (("account_id", account_id), ("kind", kind), ("status", status)):
            if value is not None:
                where.append(f"{column} = %s")
                params.append(value)
        if key_prefix is not None:
            where.append("left(key, %s) = %s")  # not LIKE: a prefix holding % or _ matches only itself
            params.extend([len(key_prefix), key_prefix])
        sql = f"SELECT * FROM intents WHERE {' AND '.join(where)} ORDER BY created_at, key"
        return [_intent(r) for r in self._read(lambda c: c.execute(sql, params).fetchall())]

    # --- stock ledger ------------------------------------------------------------------------------------

    def stock_levels(self, integration_id: str, account_id: str) -> dict[StockKey, StockRecord]:
        rows = self._read(
            lambda c: c.execute(
                "SELECT * FROM stock_ledger WHERE integration_id = %s AND account_id = %s",
                (integration_id, account_id),
            ).fetchall()
        )
        levels: dict[StockKey, StockRecord] = {}
        for r in rows:
            warehouse = r["warehouse"] or None
            levels[(r["sku"], warehouse)] = StockRecord(
                r["sku"],
                warehouse,
                r["quantity"],
                r["pending"],
                r["pushed_at"],
                r["as_of"],
                r["pending_as_of"],
            )
        return levels

    def begin_stock_push(
        self,
        integration_id: str,
        account_id: str,
        levels: Iterable[StockLevelRow],
        as_of: Mapping[StockKey, int] | None = None,
    ) -> None:
        now, stamps = self._now(), as_of or {}
        # Sorted: two pushes over the same SKUs lock their rows in one order, so they cannot deadlock.
        rows = sorted(
            (
                (integration_id, account_id, sku, wh or "", q, now, stamps.get((sku, wh)))
                for sku, wh, q in levels
            ),
            key=lambda row: row[:5],
        )

        def begin(conn: Any) -> None:
            with conn.cursor() as cur:
                cur.executemany(
                    "INSERT INTO stock_ledger (integration_id, account_id, sku, warehouse, quantity, pending, "
                    "pushed_at, pending_as_of) VALUES (%s, %s, %s, %s, NULL, %s, %s, %s) "
                    "ON CONFLICT (integration_id, account_id, sku, warehouse) DO UPDATE SET "
                    "pending = excluded.pending, pushed_at = excluded.pushed_at, "
                    "pending_as_of = coalesce(excluded.pending_as_of, stock_ledger.pending_as_of) "
                    f"WHERE {NOT_OLDER.format(new='excluded.pending_as_of')}",
                    rows,
                )

        if rows:
            self._write(begin)

    def finish_stock_push(
        self,
        integration_id: str,
        account_id: str,
        *,
        confirmed: Iterable[StockLevelRow],
        refused: Iterable[StockKey],
        as_of: Mapping[StockKey, int] | None = None,
    ) -> None:
        now, stamps = self._now(), as_of or {}
        confirmed_rows = sorted(
            (
                (integration_id, account_id, sku, wh or "", q, now, stamps.get((sku, wh)))
                for sku, wh, q in confirmed
            ),
            key=lambda row: row[:5],
        )
        refused_rows = sorted((now, integration_id, account_id, sku, wh or "") for sku, wh in refused)

        def finish(conn: Any) -> None:
            with conn.cursor() as cur:
                if confirmed_rows:
                    cur.executemany(
                        "INSERT INTO stock_ledger (integration_id, account_id, sku, warehouse, quantity, "
                        "pending, pushed_at, as_of) VALUES (%s, %s, %s, %s, %s, NULL, %s, %s) "
                        "ON CONFLICT (integration_id, account_id, sku, warehouse) DO UPDATE SET "
                        "quantity = excluded.quantity, pending = NULL, pending_as_of = NULL, "
                        "pushed_at = excluded.pushed_at, as_of = coalesce(excluded.as_of, stock_ledger.as_of) "
                        f"WHERE {NOT_OLDER.format(new='excluded.as_of')}",
                        confirmed_rows,
                    )
                if refused_rows:
                    cur.executemany(
                        "UPDATE stock_ledger SET pending = NULL, pending_as_of = NULL, pushed_at = %s "
                        "WHERE integration_id = %s AND account_id = %s AND sku = %s AND warehouse = %s "
                        "AND pending IS NOT NULL",
                        refused_rows,
                    )
                    # Forget a refused level that leaves an empty row (see the SQLite store).
                    cur.executemany(
                        f"DELETE FROM stock_ledger WHERE {EMPTY_ROW} AND integration_id = %s "
                        "AND account_id = %s AND sku = %s AND warehouse = %s",
                        [row[1:] for row in refused_rows],
                    )

        if confirmed_rows or refused_rows:
            self._write(finish)

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
