"""Sign-in throttling and session revocation for the admin console and the JSON API.

- **Throttle, per client address.** After `MAX_FAILURES` wrong credentials (token, Basic password, the
  login form) within `WINDOW`, that address is locked out for `LOCKOUT`, doubling with each further lockout
  (up to `MAX_LOCKOUT`); while locked out even right credentials are refused, with 429 and the moment to
  try again (`Retry-After`). Counted in the store (connector_core/store/signin.py) once the guard is
  attached to one, so every web process of a host shares one throttle: N processes still allow
  `MAX_FAILURES` tries, not N times that. Unattached (a guard built without a store), it counts in memory.
- **Sign-out ends the session on the server.** A session cookie names a nonce and when it was issued;
  signing out records the nonce as revoked in the store (as a lease row that expires with the session, so
  every web process sees it and nothing needs cleaning), and a session older than `SESSION_MAX_AGE` is
  refused whatever it holds.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Protocol

from ...errors import ConnectorError
from ...store import LeaseRole
from ...store.signin import SignInPolicy, SignInThrottleRole

MAX_FAILURES = 5
WINDOW = timedelta(minutes=15)
LOCKOUT = timedelta(minutes=1)
MAX_LOCKOUT = timedelta(hours=1)
SESSION_MAX_AGE = timedelta(hours=12)
REVOKED_OWNER = "revoked"
POLICY = SignInPolicy(max_failures=MAX_FAILURES, window=WINDOW, lockout=LOCKOUT, max_lockout=MAX_LOCKOUT)


class GuardStore(LeaseRole, SignInThrottleRole, Protocol):
    """What the guard keeps in the store: revoked sessions (leases) and the throttle's rows."""


class SignInLocked(ConnectorError):
    """Too many wrong sign-ins from this address: refused until `retry_at`."""

    def __init__(self, client: str, retry_after: float) -> None:
        self.retry_after = max(1, int(retry_after + 0.999))
        self.retry_at = datetime.now(timezone.utc) + timedelta(seconds=self.retry_after)
        super().__init__(
            f"too many wrong sign-ins from this address: try again in {self.retry_after} s "
            f"(at {self.retry_at:%H:%M:%S} UTC)"
        )


@dataclass
class _Record:
    failures: list[float] = field(default_factory=list)
    locked_until: float = 0.0
    lockouts: int = 0


class SignInGuard:
    """The throttle and the revocation list one `AdminConfig` shares across its routes."""

    def __init__(self, now: Callable[[], float] = time.monotonic) -> None:
        self._now = now
        self._lock = threading.Lock()
        self._clients: dict[str, _Record] = {}
        self._store: GuardStore | None = None
        self._revoked_here: dict[str, float] = {}  # without a store: this process only

    def attach(self, store: GuardStore) -> None:
        """Keep the throttle and revocations in the store, so every web process shares them."""
        self._store = store

    # --- throttle -------------------------------------------------------------------------------------

    def check(self, client: str) -> None:
        """Raise `SignInLocked` while `client` is locked out."""
        if self._store is not None:
            left = self._store.signin_lockout(client)
            if left is not None:
                raise SignInLocked(client, left.total_seconds())
            return
        with self._lock:
            record = self._clients.get(client)
            wait = 0.0 if record is None else record.locked_until - self._now()
        if wait > 0:
            raise SignInLocked(client, wait)

    def failed(self, client: str) -> None:
        if self._store is not None:
            self._store.record_signin_failure(client, POLICY)
            return
        now = self._now()
        with self._lock:
            record = self._clients.setdefault(client, _Record())
            record.failures = [t for t in record.failures if now - t < WINDOW.total_seconds()] + [now]
            if len(record.failures) >= MAX_FAILURES:
                lockout = min(LOCKOUT.total_seconds() * 2**record.lockouts, MAX_LOCKOUT.total_seconds())
                record.locked_until = now + lockout
                record.lockouts += 1
                record.failures = []
            if len(self._clients) > 10_000:  # bounded memory under a spray of addresses: forget the calm ones
                for key in [k for k, r in self._clients.items() if r.locked_until < now and not r.failures]:
                    del self._clients[key]

    def succeeded(self, client: str) -> None:
        if self._store is not None:
            self._store.clear_signin_failures(client)
            return
        with self._lock:
            record = self._clients.get(client)
            if record is not None and record.locked_until <= self._now():
                del self._clients[client]

    # --- sessions -------------------------------------------------------------------------------------

    @staticmethod
    def _name(nonce: str) -> str:
        return "admin-session-revoked:" + hashlib.sha256(nonce.encode()).hexdigest()

    def revoke(self, nonce: str) -> None:
        if self._store is not None:
            self._store.try_lock(self._name(nonce), REVOKED_OWNER, SESSION_MAX_AGE)
        else:
            with self._lock:
                self._revoked_here[nonce] = time.time() + SESSION_MAX_AGE.total_seconds()

    def revoked(self, nonce: str) -> bool:
        if self._store is not None:
            return self._store.lease_holder(self._name(nonce)) is not None
        with self._lock:
            return self._revoked_here.get(nonce, 0.0) > time.time()


def issued_at(nonce: str) -> float | None:
    """When a session nonce was issued (its prefix), or None for a nonce that carries no time."""
    stamp, sep, _ = nonce.partition("~")
    try:
        return float(int(stamp, 16)) if sep else None
    except ValueError:
        return None


def new_nonce(random_part: str) -> str:
    return f"{int(time.time()):x}~{random_part}"


def expired(nonce: str) -> bool:
    issued = issued_at(nonce)
    return issued is None or time.time() - issued > SESSION_MAX_AGE.total_seconds()


def client_of(host: str | None) -> str:
    return host or "unknown"
