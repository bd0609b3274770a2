"""The SQLite rows of the ledgers that make a change to the channel happen once: intents (one per channel
write, before and after the call) and the stock ledger (what each SKU was last set to, and what is in
flight)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping
from typing import Any, cast

from ..errors import UnknownIntent
from ..records import FinalIntentStatus, Intent, IntentStatus, StockRecord
from ..roles import StockKey, StockLevelRow
from ..stock_rows import EMPTY_ROW, NOT_OLDER
from .connection import SQLiteConnection, utc

_INTENT_KEY = "integration_id = ? AND account_id = ? AND kind = ? AND key = ?"


def _intent(row: sqlite3.Row) -> Intent:
    return Intent(
        integration_id=row["integration_id"],
        account_id=row["account_id"],
        kind=row["kind"],
        key=row["key"],
        payload=json.loads(row["payload"]),
        status=cast(IntentStatus, row["status"]),
        outcome=None if row["outcome"] is None else json.loads(row["outcome"]),
        attempts=row["attempts"],
        created_at=utc(row["created_at"]),
        updated_at=utc(row["updated_at"]),
    )


class LedgerRows(SQLiteConnection):
    # --- intents -----------------------------------------------------------------------------------------

    def begin_intent(
        self, integration_id: str, account_id: str, kind: str, key: str, payload: Mapping[str, Any]
    ) -> Intent:
        ids = (integration_id, account_id, kind, key)
        now = self._now()
        with self._write() as conn:
            row = conn.execute(f"SELECT status FROM intents WHERE {_INTENT_KEY}", ids).fetchone()
            if row is None:
                conn.execute(
                    "INSERT INTO intents (integration_id, account_id, kind, key, payload, status, outcome, "
                    "attempts, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'pending', NULL, 1, ?, ?)",
                    (*ids, json.dumps(dict(payload)), now, now),
                )
            elif row["status"] == "refused":
                # A refusal applied nothing: the caller may choose again.
                conn.execute(
                    "UPDATE intents SET payload = ?, status = 'pending', outcome = NULL, "
                    f"attempts = attempts + 1, updated_at = ? WHERE {_INTENT_KEY}",
                    (json.dumps(dict(payload)), now, *ids),
                )
            else:
                conn.execute(f"UPDATE intents SET attempts = attempts + 1 WHERE {_INTENT_KEY}", ids)
            return _intent(conn.execute(f"SELECT * FROM intents WHERE {_INTENT_KEY}", ids).fetchone())

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
        with self._write() as conn:
            # Done is final: a late or repeated answer must not reopen what the channel already applied.
            conn.execute(
                f"UPDATE intents SET status = ?, outcome = ?, updated_at = ? WHERE {_INTENT_KEY} "
                "AND status != 'done'",
                (status, json.dumps(dict(outcome)), self._now(), *ids),
            )
            row = conn.execute(f"SELECT * FROM intents WHERE {_INTENT_KEY}", ids).fetchone()
            if row is None:
                raise UnknownIntent(*ids)
            return _intent(row)

    def get_intent(self, integration_id: str, account_id: str, kind: str, key: str) -> Intent | None:
        row = (
            self._connection()
            .execute(f"SELECT * FROM intents WHERE {_INTENT_KEY}", (integration_id, account_id, kind, key))
            .fetchone()
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
        where: list[str] = ["integration_id = ?"]
        params: list[Any] = [integration_id]
        for column, value in (("account_id", account_id), ("kind", kind), ("status", status)):
            if value is not None:
                where.append(f"{column} = ?")
                params.append(value)
        if key_prefix is not None:
            # substr, not LIKE: a prefix holding % or _ must match only itself.
            where.append("substr(key, 1, ?) = ?")
            params.extend([len(key_prefix), key_prefix])
        sql = f"SELECT * FROM intents WHERE {' AND '.join(where)} ORDER BY created_at, key"
        return [_intent(r) for r in self._connection().execute(sql, params).fetchall()]

    # --- stock ledger ------------------------------------------------------------------------------------

    def stock_levels(self, integration_id: str, account_id: str) -> dict[StockKey, StockRecord]:
        rows = (
            self._connection()
            .execute(
                "SELECT * FROM stock_ledger WHERE integration_id = ? AND account_id = ?",
                (integration_id, account_id),
            )
            .fetchall()
        )
        levels: dict[StockKey, StockRecord] = {}
        for r in rows:
            warehouse = r["warehouse"] or None
            levels[(r["sku"], warehouse)] = StockRecord(
                r["sku"],
                warehouse,
                r["quantity"],
                r["pending"],
                utc(r["pushed_at"]),
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
        with self._write() as conn:
            conn.executemany(
                "INSERT INTO stock_ledger (integration_id, account_id, sku, warehouse, quantity, pending, "
                "pushed_at, pending_as_of) VALUES (?, ?, ?, ?, NULL, ?, ?, ?) "
                "ON CONFLICT(integration_id, account_id, sku, warehouse) DO UPDATE SET "
                "pending = excluded.pending, pushed_at = excluded.pushed_at, "
                "pending_as_of = coalesce(excluded.pending_as_of, stock_ledger.pending_as_of) "
                f"WHERE {NOT_OLDER.format(new='excluded.pending_as_of')}",
                [
                    (integration_id, account_id, sku, wh or "", q, now, stamps.get((sku, wh)))
                    for sku, wh, q in levels
                ],
            )

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
        with self._write() as conn:
            conn.executemany(
                "INSERT INTO stock_ledger (integration_id, account_id, sku, warehouse, quantity, pending, "
                "pushed_at, as_of) VALUES (?, ?, ?, ?, ?, NULL, ?, ?) "
                "ON CONFLICT(integration_id, account_id, sku, warehouse) DO UPDATE SET "
                "quantity = excluded.quantity, pending = NULL, pending_as_of = NULL, "
                "pushed_at = excluded.pushed_at, as_of = coalesce(excluded.as_of, stock_ledger.as_of) "
                f"WHERE {NOT_OLDER.format(new='excluded.as_of')}",
                [
                    (integration_id, account_id, sku, wh or "", q, now, stamps.get((sku, wh)))
                    for sku, wh, q in confirmed
                ],
            )
            conn.executemany(
                "UPDATE stock_ledger SET pending = NULL, pending_as_of = NULL, pushed_at = ? "
                "WHERE integration_id = ? AND account_id = ? AND sku = ? AND warehouse = ? "
                "AND pending IS NOT NULL",
                [(now, integration_id, account_id, sku, wh or "") for sku, wh in refused],
            )
            # A refused level whose row holds nothing else (never confirmed, no as_of) is forgotten: the
            # channel certainly did not apply it, and an unknown SKU must not leave a row forever.
            conn.executemany(
                f"DELETE FROM stock_ledger WHERE {EMPTY_ROW} AND integration_id = ? AND account_id = ? "
                "AND sku = ? AND warehouse = ?",
                [(integration_id, account_id, sku, wh or "") for sku, wh in refused],
            )
