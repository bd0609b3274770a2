"""The PostgreSQL rows of the sign-in throttle (see connector_core/store/signin.py)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from ..signin import SignInPolicy, SignInState, after_failure, forget_before
from .connection import PostgresConnection, Row


def _state(row: Row | None) -> SignInState | None:
    if row is None:
        return None
    return SignInState(row["failures"], row["window_start"], row["locked_until"], row["lockouts"])


class PostgresSignInRows(PostgresConnection):
    def signin_lockout(self, client: str) -> timedelta | None:
        row = self._read(
            lambda c: c.execute(
                "SELECT locked_until FROM signin_throttle WHERE client = %s", (client,)
            ).fetchone()
        )
        now = self._now()
        if row is None or row["locked_until"] is None or row["locked_until"] <= now:
            return None
        left: timedelta = row["locked_until"] - now
        return left

    def record_signin_failure(self, client: str, policy: SignInPolicy) -> timedelta | None:
        now = self._now()

        def count(conn: Any) -> tuple[SignInState | None, SignInState]:
            # The placeholder row makes FOR UPDATE lock something even for a first failure, so two web
            # processes counting the same client queue up instead of both reading "no row".
            conn.execute(
                "INSERT INTO signin_throttle (client, failures, window_start, locked_until, lockouts) "
                "VALUES (%s, 0, %s, NULL, 0) ON CONFLICT DO NOTHING",
                (client, now),
            )
            row = conn.execute(
                "SELECT * FROM signin_throttle WHERE client = %s FOR UPDATE", (client,)
            ).fetchone()
            before = _state(row)
            if (
                before is not None
                and before.failures == 0
                and before.lockouts == 0
                and before.locked_until is None
            ):
                before = None  # the placeholder we just wrote
            state = after_failure(before, now, policy)
            conn.execute(
                "UPDATE signin_throttle SET failures = %s, window_start = %s, locked_until = %s, lockouts = %s "
                "WHERE client = %s",
                (state.failures, state.window_start, state.locked_until, state.lockouts, client),
            )
            conn.execute(
                "DELETE FROM signin_throttle WHERE client <> %s AND window_start < %s "
                "AND (locked_until IS NULL OR locked_until < %s)",
                (client, forget_before(now, policy), now),
            )
            return before, state

        before, state = self._write(count)
        started = state.locked_until is not None and (
            before is None or before.locked_until != state.locked_until
        )
        return state.locked_until - now if started and state.locked_until is not None else None

    def clear_signin_failures(self, client: str) -> None:
        self._write(
            lambda c: c.execute(
                "DELETE FROM signin_throttle WHERE client = %s AND (locked_until IS NULL OR locked_until <= %s)",
                (client, self._now()),
            ),
            idempotent=True,
        )
