"""The SQLite rows of the sign-in throttle (see connector_core/store/signin.py)."""

from __future__ import annotations

import sqlite3
from datetime import timedelta

from ..signin import SignInPolicy, SignInState, after_failure, forget_before
from .connection import SQLiteConnection, dt, utc


def _state(row: sqlite3.Row | None) -> SignInState | None:
    if row is None:
        return None
    return SignInState(row["failures"], utc(row["window_start"]), dt(row["locked_until"]), row["lockouts"])


class SignInRows(SQLiteConnection):
    def signin_lockout(self, client: str) -> timedelta | None:
        row = (
            self._connection()
            .execute("SELECT locked_until FROM signin_throttle WHERE client = ?", (client,))
            .fetchone()
        )
        now = self._now()
        if row is None or row["locked_until"] is None or row["locked_until"] <= now:
            return None
        return timedelta(seconds=row["locked_until"] - now)

    def record_signin_failure(self, client: str, policy: SignInPolicy) -> timedelta | None:
        now = utc(self._now())
        with self._write() as conn:  # BEGIN IMMEDIATE: no other process counts between our read and write
            row = conn.execute("SELECT * FROM signin_throttle WHERE client = ?", (client,)).fetchone()
            before = _state(row)
            state = after_failure(before, now, policy)
            conn.execute(
                "INSERT INTO signin_throttle (client, failures, window_start, locked_until, lockouts) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (client) DO UPDATE SET failures = excluded.failures, "
                "window_start = excluded.window_start, locked_until = excluded.locked_until, "
                "lockouts = excluded.lockouts",
                (
                    client,
                    state.failures,
                    state.window_start.timestamp(),
                    None if state.locked_until is None else state.locked_until.timestamp(),
                    state.lockouts,
                ),
            )
            conn.execute(
                "DELETE FROM signin_throttle WHERE window_start < ? "
                "AND (locked_until IS NULL OR locked_until < ?)",
                (forget_before(now, policy).timestamp(), now.timestamp()),
            )
        started = state.locked_until is not None and (
            before is None or before.locked_until != state.locked_until
        )
        return state.locked_until - now if started and state.locked_until is not None else None

    def clear_signin_failures(self, client: str) -> None:
        with self._write() as conn:
            conn.execute(
                "DELETE FROM signin_throttle WHERE client = ? AND (locked_until IS NULL OR locked_until <= ?)",
                (client, self._now()),
            )
