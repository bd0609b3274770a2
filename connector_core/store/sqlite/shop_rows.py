"""The SQLite rows of shops: every shop a connection's authorization covers, its status, settings
overrides and pull schedule, with the two index lookups the runtime makes (due shops, webhook routes)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, cast

from ...models import Account
from ..errors import UnknownShop
from ..platform_records import DueShop, ShopRecord, ShopRoute, ShopStatus
from .connection import SQLiteConnection, dt, ts, utc

LEFT_AUTHORIZATION = "no longer in the seller's authorization"
WITH_INTERVAL = (
    "*, (SELECT p.seconds FROM pull_intervals p WHERE p.integration_id = accounts.integration_id "
    "AND p.shop_id IN (accounts.account_id, '') ORDER BY p.shop_id DESC LIMIT 1) AS pull_interval"
)
"""A shop's row with its pull interval: its own, else its connection's (kept under shop id ''), else none."""


def _shop(row: sqlite3.Row) -> ShopRecord:
    return ShopRecord(
        integration_id=row["integration_id"],
        account=Account.model_validate_json(row["data"]),
        status=cast(ShopStatus, row["status"]),
        status_reason=row["status_reason"],
        settings=json.loads(row["settings"] or "{}"),
        next_pull_at=dt(row["next_pull_at"]),
        failures=row["failures"],
        last_error=row["last_error"],
        pull_interval=row["pull_interval"],
    )


class ShopRows(SQLiteConnection):
    def save_accounts(self, integration_id: str, accounts: Sequence[Account]) -> None:
        """The authorization's shops now: new ones active and due at once, known ones refreshed (active again,
        unless an operator paused them), missing ones left; settings, schedule and per-shop ledgers are kept."""
        now = self._now()
        with self._write() as conn:
            for account in accounts:
                conn.execute(
                    "INSERT INTO accounts (integration_id, account_id, data, status, next_pull_at, updated_at) "
                    "VALUES (?, ?, ?, 'active', ?, ?) ON CONFLICT(integration_id, account_id) DO UPDATE SET "
                    "data = excluded.data, status = CASE WHEN accounts.status = 'paused' THEN 'paused' ELSE 'active' END, "
                    "status_reason = CASE WHEN accounts.status = 'paused' THEN accounts.status_reason END, "
                    "next_pull_at = CASE WHEN accounts.status != 'left' THEN accounts.next_pull_at "
                    "ELSE excluded.next_pull_at END, updated_at = excluded.updated_at",
                    (integration_id, account.id, account.model_dump_json(), now, now),
                )
            kept = [a.id for a in accounts]
            others = f"AND account_id NOT IN ({','.join('?' * len(kept))})" if kept else ""
            conn.execute(
                "UPDATE accounts SET status = 'left', status_reason = ?, next_pull_at = NULL, updated_at = ? "
                f"WHERE integration_id = ? AND status != 'left' {others}",
                (LEFT_AUTHORIZATION, now, integration_id, *kept),
            )

    def list_accounts(self, integration_id: str) -> list[Account]:
        """The active shops only: what the authorization covers now."""
        rows = (
            self._connection()
            .execute(
                "SELECT data FROM accounts WHERE integration_id = ? AND status = 'active' ORDER BY account_id",
                (integration_id,),
            )
            .fetchall()
        )
        return [Account.model_validate_json(r["data"]) for r in rows]

    def list_shops(self, integration_id: str) -> list[ShopRecord]:
        rows = (
            self._connection()
            .execute(
                f"SELECT {WITH_INTERVAL} FROM accounts WHERE integration_id = ? ORDER BY account_id",
                (integration_id,),
            )
            .fetchall()
        )
        return [_shop(r) for r in rows]

    def get_shop(self, integration_id: str, shop_id: str) -> ShopRecord | None:
        row = (
            self._connection()
            .execute(
                f"SELECT {WITH_INTERVAL} FROM accounts WHERE integration_id = ? AND account_id = ?",
                (integration_id, shop_id),
            )
            .fetchone()
        )
        return None if row is None else _shop(row)

    def _known_shop(self, integration_id: str, shop_id: str) -> ShopRecord:
        shop = self.get_shop(integration_id, shop_id)
        if shop is None:
            raise UnknownShop(integration_id, shop_id)
        return shop

    def set_shop_settings(self, integration_id: str, shop_id: str, settings: Mapping[str, Any]) -> ShopRecord:
        with self._write() as conn:
            conn.execute(
                "UPDATE accounts SET settings = ?, updated_at = ? WHERE integration_id = ? AND account_id = ?",
                (json.dumps(dict(settings)), self._now(), integration_id, shop_id),
            )
        return self._known_shop(integration_id, shop_id)

    def set_shop_status(
        self, integration_id: str, shop_id: str, status: ShopStatus, reason: str | None = None
    ) -> ShopRecord:
        now = self._now()
        with self._write() as conn:
            conn.execute(
                "UPDATE accounts SET status = ?, status_reason = ?, updated_at = ?, next_pull_at = "
                "CASE WHEN ? = 'active' THEN coalesce(next_pull_at, ?) ELSE NULL END "
                "WHERE integration_id = ? AND account_id = ?",
                (status, reason, now, status, now, integration_id, shop_id),
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
        with self._write() as conn:  # one transaction: the lease released and the shop scheduled, or neither
            if unlock is not None:
                conn.execute("DELETE FROM locks WHERE name = ? AND owner = ?", unlock)
            conn.execute(
                "UPDATE accounts SET next_pull_at = CASE WHEN status = 'active' THEN ? ELSE NULL END, "
                "failures = ?, last_error = ?, updated_at = ? WHERE integration_id = ? AND account_id = ?",
                (ts(next_pull_at), failures, last_error, self._now(), integration_id, shop_id),
            )

    def due_shops(self, now: datetime, limit: int) -> list[DueShop]:
        rows = (
            self._connection()
            .execute(
                "SELECT a.integration_id, a.account_id, a.next_pull_at, a.failures, a.last_error FROM accounts a "
                "INDEXED BY accounts_due JOIN integrations i ON i.id = a.integration_id "
                "WHERE a.status = 'active' AND a.next_pull_at <= ? "
                "AND coalesce(i.account_id, '') IN ('', a.account_id) "
                "AND NOT EXISTS (SELECT 1 FROM reauthorization r WHERE r.integration_id = a.integration_id "
                "AND r.needed = 1) ORDER BY a.next_pull_at LIMIT ?",
                (now.timestamp(), limit),
            )
            .fetchall()
        )
        return [
            DueShop(
                r["integration_id"], r["account_id"], utc(r["next_pull_at"]), r["failures"], r["last_error"]
            )
            for r in rows
        ]

    def connections_to_refresh(self, before: datetime, limit: int) -> list[str]:
        rows = (
            self._connection()
            .execute(
                "SELECT t.integration_id FROM tokens t INDEXED BY tokens_by_expiry "
                "WHERE t.access_expires_at <= ? AND NOT EXISTS (SELECT 1 FROM reauthorization r "
                "WHERE r.integration_id = t.integration_id AND r.needed = 1) "
                "ORDER BY t.access_expires_at LIMIT ?",
                (before.timestamp(), limit),
            )
            .fetchall()
        )
        return [r["integration_id"] for r in rows]

    def connections_to_reauthorize(self, before: datetime, limit: int) -> list[str]:
        rows = (
            self._connection()
            .execute(
                "SELECT r.integration_id FROM reauthorization r JOIN tokens t ON t.integration_id = r.integration_id "
                "WHERE r.needed = 1 OR r.deadline <= ? ORDER BY r.integration_id LIMIT ?",
                (before.timestamp(), limit),
            )
            .fetchall()
        )
        return [r["integration_id"] for r in rows]

    def connections_for_shop(self, connector: str, shop_id: str) -> list[ShopRoute]:
        rows = (
            self._connection()
            .execute(
                "SELECT integration_id, app_id, connector FROM shop_routes WHERE shop_id = ? AND connector = ? "
                "ORDER BY integration_id",
                (shop_id, connector),
            )
            .fetchall()
        )
        return [ShopRoute(r["integration_id"], r["app_id"], r["connector"]) for r in rows]

    def route_webhook_shop(self, app_id: str, shop_id: str) -> list[str]:
        rows = (
            self._connection()
            .execute(
                # One search of the route table (schema version 10), its rows in key order: no sort.
                "SELECT integration_id FROM shop_routes WHERE shop_id = ? AND app_id = ? ORDER BY integration_id",
                (shop_id, app_id),
            )
            .fetchall()
        )
        return [r["integration_id"] for r in rows]
