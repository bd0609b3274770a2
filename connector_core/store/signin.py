"""The sign-in throttle's rows: failed sign-ins and lockouts per client, shared by every web process.

Kept in the store rather than in a process's memory, so a host running N web processes still allows
`max_failures` wrong tries per window, not N times that. One row per client address; each failure is one
transaction that reads the row, applies `after_failure` and writes it back, so two processes counting at
once never lose a failure.

- `SignInPolicy`: the limits (the admin console's are in connector_core/web/admin/signin.py).
- `SignInThrottleRole`: what a backend implements (both backends; `StoreContract` checks it).
- `after_failure`: the one rule both backends apply.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

MAX_CLIENT_LENGTH = 200


@dataclass(frozen=True)
class SignInPolicy:
    max_failures: int
    window: timedelta
    lockout: timedelta
    """The first lockout; each further one doubles it, up to `max_lockout`."""
    max_lockout: timedelta


@dataclass(frozen=True)
class SignInState:
    failures: int
    """Failures counted since `window_start` (the window is fixed, from the first failure in it)."""
    window_start: datetime
    locked_until: datetime | None
    lockouts: int


def after_failure(state: SignInState | None, now: datetime, policy: SignInPolicy) -> SignInState:
    """The state once one more failure is counted at `now`."""
    if state is None or now - state.window_start >= policy.window:
        failures, start = 1, now
    else:
        failures, start = state.failures + 1, state.window_start
    lockouts = 0 if state is None else state.lockouts
    locked_until = None if state is None else state.locked_until
    if failures >= policy.max_failures:
        seconds = min(policy.lockout.total_seconds() * 2**lockouts, policy.max_lockout.total_seconds())
        locked_until, lockouts, failures = now + timedelta(seconds=seconds), lockouts + 1, 0
    return SignInState(failures, start, locked_until, lockouts)


def forget_before(now: datetime, policy: SignInPolicy) -> datetime:
    """Rows whose window started before this and that are not locked out are calm: a failure deletes them,
    so a spray of addresses cannot grow the table without bound."""
    return now - max(policy.window, policy.max_lockout)


class SignInThrottleRole(Protocol):
    def signin_lockout(self, client: str) -> timedelta | None:
        """How long `client` stays locked out, on the store's clock; None when it is not."""
        ...

    def record_signin_failure(self, client: str, policy: SignInPolicy) -> timedelta | None:
        """One transaction: count a failure; returns the lockout it starts (or None)."""
        ...

    def clear_signin_failures(self, client: str) -> None:
        """After a right sign-in: forget the failures, unless the client is locked out."""
        ...


def _client(client: str) -> str:
    # An address is short; anything else (a spoofed header?) is cut rather than refused: it only names a row.
    return client.replace("\x00", "")[:MAX_CLIENT_LENGTH] or "unknown"


class SignInThrottleDelegate:
    """Mixed into the `Store` front (`SealedStore`): the backend's throttle rows, inputs checked once here."""

    _signin: SignInThrottleRole

    def signin_lockout(self, client: str) -> timedelta | None:
        return self._signin.signin_lockout(_client(client))

    def record_signin_failure(self, client: str, policy: SignInPolicy) -> timedelta | None:
        if policy.max_failures < 1:
            raise ValueError("a sign-in policy allows at least one failure before a lockout")
        return self._signin.record_signin_failure(_client(client), policy)

    def clear_signin_failures(self, client: str) -> None:
        self._signin.clear_signin_failures(_client(client))
