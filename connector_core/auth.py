"""The token lifecycle, for any OAuth channel: refresh ahead of expiry, one refresh at a time, never lose a
token.

Why it is built this way (every rule below is a failure seen in real integrations):
- Refresh *before* the access token expires (a margin, default 15 minutes), so a long import never
  starts with a token about to die.
- One refresh at a time per integration, across threads *and* processes: a lease in the store, then a
  re-read. Whoever waited finds the winner's fresh token and uses it, instead of spending the refresh
  token a second time (channels that rotate refresh tokens would revoke the loser's).
- The new refresh token is stored before the new access token is handed out; if the channel returns
  none, the old one is kept.
- An expired or revoked refresh token raises `ReauthorizationRequired` with the deadline, and marks the
  integration so hosts can show "re-authorize" without waiting for the next failure.
- "Refresh in flight since T" is recorded with the tokens before the channel is called, and cleared by
  the new tokens. If it is still there at the next refresh, the last refresh's answer never arrived (lost,
  or the process died). A channel that rotates refresh tokens has then retired the one we hold, so when
  it rejects that token as unknown (`RefreshTokenRejected`) the error says so instead of "revoked".
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Protocol

from pydantic import SecretStr

from .clock import Clock, SystemClock
from .errors import ReauthorizationRequired, RefreshTokenRejected
from .leases import LeaseBusy, acquire
from .models import ReauthorizationState, TokenSet
from .store import LeaseRole, ReauthorizationRole, StoredTokens, TokenRole

log = logging.getLogger("connector_core.auth")

DEFAULT_MARGIN = timedelta(minutes=15)
LOCK_TTL = timedelta(seconds=60)
REFRESH_IN_FLIGHT = "refresh_in_flight_since"
"""Key in `TokenSet.extra`: when a refresh was sent whose answer has not been stored yet (ISO time)."""

Refresher = Callable[[SecretStr], TokenSet]
"""Calls the channel: takes the current refresh token, returns the new TokenSet (whose refresh token may be
None)."""

_thread_locks: dict[str, threading.Lock] = {}
_thread_locks_guard = threading.Lock()


def _thread_lock(integration_id: str) -> threading.Lock:
    # The store lease handles processes; this keeps threads of one process from polling the lease.
    with _thread_locks_guard:
        return _thread_locks.setdefault(integration_id, threading.Lock())


class TokenStore(TokenRole, ReauthorizationRole, LeaseRole, Protocol):
    """The part of a store the token lifecycle uses."""


class TokenManager:
    """Hands out a valid access token for one integration, refreshing it when needed."""

    def __init__(
        self,
        store: TokenStore,
        integration_id: str,
        refresher: Refresher,
        *,
        margin: timedelta = DEFAULT_MARGIN,
        clock: Clock | None = None,
        lock_wait: float = 90.0,
        settle: timedelta = timedelta(0),
    ) -> None:
        self.store = store
        self.integration_id = integration_id
        self.refresher = refresher
        self.margin = margin
        self.clock = clock or SystemClock()
        self.lock_wait = lock_wait
        self.settle = settle
        """How long a dead refresher's call may still land at the channel (the HTTP call deadline)."""

    # --- reading --------------------------------------------------------------------------------------

    def access_token(self) -> str:
        """A valid access token, refreshed first if it expires within the margin."""
        stored = self._load()
        if not self._needs_refresh(stored.tokens):
            return stored.tokens.access_token.get_secret_value()
        return self._refresh(lambda current: self._needs_refresh(current.tokens))

    def refresh_after_rejection(self, rejected_token: str) -> str:
        """The channel said `rejected_token` expired: refresh unless someone already replaced it."""
        return self._refresh(lambda current: current.tokens.access_token.get_secret_value() == rejected_token)

    def tokens(self) -> TokenSet | None:
        stored = self.store.load_tokens(self.integration_id)
        return None if stored is None else stored.tokens

    def reauthorization(self) -> ReauthorizationState:
        """The re-authorization deadline, and whether the channel already withdrew the authorization."""
        state = self.store.get_reauthorization(self.integration_id)
        if state.deadline is None:
            stored = self.store.load_tokens(self.integration_id)
            if stored is not None and stored.tokens.refresh_expires_at is not None:
                return state.model_copy(update={"deadline": stored.tokens.refresh_expires_at})
        return state

    # --- writing --------------------------------------------------------------------------------------

    def store_new_tokens(self, tokens: TokenSet) -> None:
        """Save tokens from a code exchange (a fresh authorization clears any re-authorization flag)."""
        self.store.save_tokens(self.integration_id, tokens)
        self.store.set_reauthorization(
            self.integration_id, ReauthorizationState(deadline=tokens.refresh_expires_at)
        )

    def mark_reauthorization_needed(self, reason: str, deadline: datetime | None = None) -> None:
        current = self.reauthorization()
        self.store.set_reauthorization(
            self.integration_id,
            ReauthorizationState(
                deadline=deadline or current.deadline, needs_reauthorization=True, reason=reason
            ),
        )

    def set_deadline(self, deadline: datetime) -> None:
        current = self.store.get_reauthorization(self.integration_id)
        self.store.set_reauthorization(self.integration_id, current.model_copy(update={"deadline": deadline}))

    # --- internals ------------------------------------------------------------------------------------

    def _load(self) -> StoredTokens:
        stored, state = self.store.load_tokens_and_reauthorization(self.integration_id)
        if stored is None:
            raise ReauthorizationRequired(self.integration_id, "the integration has never been connected")
        if state.needs_reauthorization:
            raise ReauthorizationRequired(
                self.integration_id, state.reason or "the authorization was withdrawn", state.deadline
            )
        return stored

    def _needs_refresh(self, tokens: TokenSet) -> bool:
        return tokens.access_expires_at - self.margin <= self.clock.now()

    def _refresh(self, still_needed: Callable[[StoredTokens], bool]) -> str:
        with _thread_lock(self.integration_id):
            try:
                lease = acquire(
                    self.store,
                    f"token-refresh:{self.integration_id}",
                    what=f"a token refresh of integration {self.integration_id}",
                    ttl=LOCK_TTL,
                    wait=timedelta(seconds=self.lock_wait),
                    settle=self.settle,
                )
            except LeaseBusy as busy:
                raise TimeoutError(
                    f"waited {self.lock_wait:.0f}s for another process to refresh the token ({busy})"
                ) from None
            try:
                current = self._load()  # re-read under the lease: another process may have refreshed
                if not still_needed(current):
                    return current.tokens.access_token.get_secret_value()
                return self._refresh_now(current.tokens)
            finally:
                lease.release()

    def _refresh_now(self, tokens: TokenSet) -> str:
        refresh_token = tokens.refresh_token
        if refresh_token is None:
            self.mark_reauthorization_needed("no refresh token was issued")
            raise ReauthorizationRequired(self.integration_id, "no refresh token was issued")
        expires = tokens.refresh_expires_at
        if expires is not None and expires <= self.clock.now():
            self.mark_reauthorization_needed("the refresh token expired", expires)
            raise ReauthorizationRequired(self.integration_id, "the refresh token expired", expires)
        in_flight_before = tokens.extra.get(REFRESH_IN_FLIGHT)
        marked = {**tokens.extra, REFRESH_IN_FLIGHT: self.clock.now().isoformat()}
        self.store.save_tokens(self.integration_id, tokens.model_copy(update={"extra": marked}))
        try:
            fresh = self.refresher(refresh_token)
        except RefreshTokenRejected as exc:
            if not in_flight_before:
                raise self._reauthorization(exc, exc.reason, expires) from None
            sent = str(in_flight_before).replace("T", " ")[:19]
            reason = (
                f"the answer to the token refresh sent at {sent} UTC was lost, and the channel rotated the "
                "refresh token in that refresh: the one we hold is retired, so the seller must authorize "
                f"again (channel code {exc.code})"
            )
            raise self._reauthorization(exc, reason, expires) from None
        except ReauthorizationRequired as exc:
            self.mark_reauthorization_needed(exc.reason, exc.deadline or expires)
            raise ReauthorizationRequired(
                self.integration_id, exc.reason, exc.deadline or expires, exc.code
            ) from None
        # (the new TokenSet's extra comes from the answer: the in-flight mark goes with the old tokens)
        if fresh.refresh_token is None:
            # Some channels do not rotate: keep the refresh token we have, with its expiry.
            fresh = fresh.model_copy(
                update={
                    "refresh_token": refresh_token,
                    "refresh_expires_at": fresh.refresh_expires_at or expires,
                }
            )
        self.store.save_tokens(self.integration_id, fresh)
        if fresh.refresh_expires_at is not None:
            self.set_deadline(fresh.refresh_expires_at)
        log.info("integration %s: access token refreshed", self.integration_id)
        return fresh.access_token.get_secret_value()

    def _reauthorization(
        self, exc: ReauthorizationRequired, reason: str, expires: datetime | None
    ) -> ReauthorizationRequired:
        self.mark_reauthorization_needed(reason, exc.deadline or expires)
        return ReauthorizationRequired(self.integration_id, reason, exc.deadline or expires, exc.code)
