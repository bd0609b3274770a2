"""The PostgreSQL rows of shops: every shop a connection's authorization covers, its status, settings
overrides and pull schedule, with the two index lookups the runtime makes (due shops, webhook routes)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, cast

from psycopg.types.json import Json

from ...models import Account
from ..errors import UnknownShop
from ..platform_records import DueShop, ShopRecord, ShopRoute, ShopStatus
from .connection import PostgresConnection, Row, utc

LEFT_AUTHORIZATION = "no longer in the seller's authorization"
WITH_INTERVAL = (
    "*, (SELECT p.seconds FROM pull_intervals p WHERE p.integration_id = accounts.integration_id "
    "AND p.shop_id IN (accounts.account_id, '') ORDER BY p.shop_id DESC LIMIT 1) AS pull_interval"
)
"""A shop's row with its pull interval: its own, else its connection's (kept under shop id ''), else none."""


def _shop(row: Row) -> ShopRecord:
    return ShopRecord(
        integration_id=row["integration_id"],
        account=Account.model_validate(row["data"]),
        status=cast(ShopStatus, row["status"]),
        status_reason=row["status_reason"],
        settings=row["settings"] or {},
        next_pull_at=utc(row["next_pull_at"]),
        failures=row["failures"],
        last_error=row["last_error"],
        pull_interval=row["pull_interval"],
    )


_SOONEST = "SELECT next_pull_at FROM accounts WHERE status = 'active' ORDER BY next_pull_at LIMIT 1"
"""The first entry of the schedule index. No parameter, so one plan serves every tick: with `next_pull_at <=
%s LIMIT 1` instead, PostgreSQL's generic plan scanned the table for a row that was not there (70 ms)."""
# The shop limit is spelled as ORs, not coalesce(...) IN (...): PostgreSQL estimates those from the column's
# statistics (nearly all NULL), where it guessed 0.5% for the coalesce and, expecting to scan far more rows
# for a batch, planned parallel workers (20-30 ms to start, at 100,000 connections).
_DUE = (
    "SELECT a.integration_id, a.account_id, a.next_pull_at, a.failures, a.last_error FROM accounts a "
    "JOIN integrations i ON i.id = a.integration_id "
    "WHERE a.status = 'active' AND a.next_pull_at <= %s "
    "AND (i.account_id IS NULL OR i.account_id = '' OR i.account_id = a.account_id) "
    "AND NOT EXISTS (SELECT 1 FROM reauthorization r WHERE r.integration_id = a.integration_id "
    "AND r.needed) ORDER BY a.next_pull_at LIMIT %s"
)


_SCHEDULE = (
    "UPDATE accounts SET next_pull_at = CASE WHEN status = 'active' THEN %s::timestamptz END, "
    "failures = %s, last_error = %s, updated_at = %s WHERE integration_id = %s AND account_id = %s"
)
_UNLOCK_AND_SCHEDULE = "WITH released AS (DELETE FROM leases WHERE name = %s AND owner = %s) " + _SCHEDULE


class PostgresShopRows(PostgresConnection):
    def save_accounts(self, integration_id: str, accounts: Sequence[Account]) -> None:
        """The authorization's shops now: new ones active and due at once, known ones refreshed (active again,
        unless an operator paused them), missing ones left; settings, schedule and per-shop ledgers are kept."""
        now = self._now()

        def save(conn: Any) -> None:
            with conn.cursor() as cur:
                cur.executemany(
                    "INSERT INTO accounts (integration_id, account_id, data, status, next_pull_at, updated_at) "
                    "VALUES (%s, %s, %s, 'active', %s, %s) ON CONFLICT (integration_id, account_id) DO UPDATE "
                    "SET data = excluded.data, status = CASE WHEN accounts.status = 'paused' THEN 'paused' ELSE 'active' END, "
                    "status_reason = CASE WHEN accounts.status = 'paused' THEN accounts.status_reason END, "
                    "next_pull_at = CASE WHEN accounts.status != 'left' THEN accounts.next_pull_at "
                    "ELSE excluded.next_pull_at END, updated_at = excluded.updated_at",
                    [(integration_id, a.id, Json(a.model_dump(mode="json")), now, now) for a in accounts],
                )
            conn.execute(
                "UPDATE accounts SET status = 'left', status_reason = %s, next_pull_at = NULL, updated_at = %s "
                "WHERE integration_id = %s AND status != 'left' AND NOT (account_id = ANY(%s))",
                (LEFT_AUTHORIZATION, now, integration_id, [a.id for a in accounts]),
            )

        self._write(save)

    def list_accounts(self, integration_id: str) -> list[Account]:
        rows = self._read(
            lambda c: c.execute(
                "SELECT data FROM accounts WHERE integration_id = %s AND status = 'active' ORDER BY account_id",
                (integration_id,),
            ).fetchall()
        )
        return [Account.model_validate(r["data"]) for r in rows]

    def list_shops(self, integration_id: str) -> list[ShopRecord]:
        rows = self._read(
            lambda c: c.execute(
                f"SELECT {WITH_INTERVAL} FROM accounts WHERE integration_id = %s ORDER BY account_id",
                (integration_id,),
            ).fetchall()
        )
        return [_shop(r) for r in rows]

    def get_shop(self, integration_id: str, shop_id: str) -> ShopRecord | None:
        row = self._read(
            lambda c: c.execute(
                f"SELECT {WITH_INTERVAL} FROM accounts WHERE integration_id = %s AND account_id = %s",
                (integration_id, shop_id),
            ).fetchone()
        )
        return None if row is None else _shop(row)

    def _known_shop(self, integration_id: str, shop_id: str) -> ShopRecord:
        shop = self.get_shop(integration_id, shop_id)
        if shop is None:
            raise UnknownShop(integration_id, shop_id)
        return shop

    def set_shop_settings(self, integration_id: str, shop_id: str, settings: Mapping[str, Any]) -> ShopRecord:
        self._write(
            lambda c: c.execute(
                "UPDATE accounts SET settings = %s, updated_at = %s WHERE integration_id = %s AND account_id = %s",
                (Json(dict(settings)), self._now(), integration_id, shop_id),
            )
        )
        return self._known_shop(integration_id, shop_id)

    def set_shop_status(
        self, integration_id: str, shop_id: str, status: ShopStatus, reason: str | None = None
    ) -> ShopRecord:
        now = self._now()
        self._write(
            lambda c: c.execute(
                "UPDATE accounts SET status = %s, status_reason = %s, updated_at = %s, next_pull_at = "
                "CASE WHEN %s = 'active' THEN coalesce(next_pull_at, %s) ELSE NULL END "
                "WHERE integration_id = %s AND account_id = %s",
                (status, reason, now, status, now, integration_id, shop_id),
            )
        )
        return self._known_shop(integration_id, shop_id)

    def schedule_shop(
        self,
        integration_id: str,
        shop_id: str,
        next_pull_at: datetime | None,
        *,
        failures: int = 0,
        last_error: str | None = None,
        unlock: tuple[str, str] | None = None,
    ) -> None:
        values: tuple[Any, ...] = (next_pull_at, failures, last_error, self._now(), integration_id, shop_id)
        if unlock is None:
            sql, params = _SCHEDULE, values
        else:
            # One statement, so one round trip and one transaction: the lease is released and the shop
            # scheduled together or not at all.
            sql, params = _UNLOCK_AND_SCHEDULE, (*unlock, *values)
        self._write(
            lambda c: c.execute(sql, params),
            idempotent=True,  # absolute values, and deleting our own lease twice is deleting it once
            one_statement=True,
        )

    def due_shops(self, now: datetime, limit: int) -> list[DueShop]:
        def due(c: Any) -> list[Row]:
            # A quiet host's tick finds nothing: one probe of the schedule index says so. The full query
            # is then not planned at all (PostgreSQL replans it on every run past some thousands of
            # connections, 0.2-0.4 ms, where it reused one plan for a small store).
            soonest = c.execute(_SOONEST).fetchone()
            if soonest is None or soonest["next_pull_at"] is None or soonest["next_pull_at"] > now:
                return []
            return list(c.execute(_DUE, (now, limit)).fetchall())

        rows = self._read(due)
        return [
            DueShop(
                r["integration_id"],
                r["account_id"],
                utc(r["next_pull_at"]) or now,
                r["failures"],
                r["last_error"],
            )
            for r in rows
        ]

    def connections_to_refresh(self, before: datetime, limit: int) -> list[str]:
        rows = self._read(
            lambda c: c.execute(
                "SELECT t.integration_id FROM tokens t WHERE t.access_expires_at <= %s AND NOT EXISTS "
                "(SELECT 1 FROM reauthorization r WHERE r.integration_id = t.integration_id AND r.needed) "
                "ORDER BY t.access_expires_at LIMIT %s",
                (before, limit),
            ).fetchall()
        )
        return [r["integration_id"] for r in rows]

    def connections_to_reauthorize(self, before: datetime, limit: int) -> list[str]:
        rows = self._read(
            lambda c: c.execute(
                "SELECT r.integration_id FROM reauthorization r JOIN tokens t ON t.integration_id = r.integration_id "
                "WHERE r.needed OR r.deadline <= %s ORDER BY r.integration_id LIMIT %s",
                (before, limit),
            ).fetchall()
        )
        return [r["integration_id"] for r in rows]

    def connections_for_shop(self, connector: str, shop_id: str) -> list[ShopRoute]:
        rows = self._read(
            lambda c: c.execute(
                "SELECT a.integration_id, i.app_id, i.connector FROM accounts a "
                "JOIN integrations i ON i.id = a.integration_id "
                "WHERE a.account_id = %s AND a.status = 'active' AND i.connector = %s ORDER BY a.integration_id",
                (shop_id, connector),
            ).fetchall()
        )
        return [ShopRoute(r["integration_id"], r["app_id"], r["connector"]) for r in rows]

    def route_webhook_shop(self, app_id: str, shop_id: str) -> list[str]:
        rows = self._read(
            lambda c: c.execute(
                "SELECT a.integration_id FROM accounts a JOIN integrations i ON i.id = a.integration_id "
                "WHERE a.account_id = %s AND a.status = 'active' AND i.app_id = %s ORDER BY a.integration_id",
                (shop_id, app_id),
            ).fetchall()
        )
        return [r["integration_id"] for r in rows]
