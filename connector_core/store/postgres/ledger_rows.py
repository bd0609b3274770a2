"""The PostgreSQL rows of the ledgers that make a change to the channel happen once: intents (one per
channel write, before and after the call) and the stock ledger (what each SKU was last set to, and what is
in flight). Races are settled as in shared_rows.py: one statement, `ON CONFLICT` or `RETURNING`."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, cast

from psycopg.types.json import Json

from ..errors import UnknownIntent
from ..records import FinalIntentStatus, Intent, IntentStatus, StockRecord
from ..roles import StockKey, StockLevelRow
from ..stock_rows import EMPTY_ROW, NOT_OLDER
from .connection import PostgresConnection, Row, returned

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


class PostgresLedgerRows(PostgresConnection):
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
