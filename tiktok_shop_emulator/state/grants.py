"""OAuth state of the emulated seller: auth codes, access and refresh tokens, rotation, revocation, expiry.

Codes are single-use and live ``auth_code_ttl`` seconds. Expiries are absolute Unix seconds (reference.md#oauth-tokens).
With rotation on, each refresh returns a new refresh token with a new expiry and the old one stops working;
with it off, the same refresh token comes back with its expiry unchanged (reference.md#open-questions leaves both open).
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tiktok_shop_emulator.config import EmulatorConfig
from tiktok_shop_emulator.state.mixing import seeded
from tiktok_shop_emulator.state.sellers import SellerProfile, profile
from tiktok_shop_emulator.state.sim_clock import Clock
from tiktok_shop_emulator.wire import error_codes

GRANTED_SCOPES = (
    "seller.authorization.info",
    "seller.order.info",
    "seller.product.basic",
    "seller.logistics",
    "seller.fulfillment.basic",
    "seller.return_refund.basic",
)


@dataclass
class _Grant:
    seller: int
    app: int
    revoked: bool = False


@dataclass
class _Access:
    grant: int
    expires_at: int


@dataclass
class _Refresh:
    grant: int
    expires_at: int
    current: bool = True


def _token(prefix: str, size: int = 48) -> str:
    return prefix + secrets.token_urlsafe(size)


class AuthState:
    """Thread-safe token bookkeeping: each grant is one seller's authorization of one app (seller 0 and app
    0 unless said otherwise); a seller may authorize several times."""

    def __init__(self, config: EmulatorConfig, clock: Clock) -> None:
        self.config = config
        self.clock = clock
        self.prefix = "TTP_" if config.seller_base_region == "US" else "ROW_"
        self.open_id = str(7010736057180325000 + seeded(config.seed, 0x4F50454E).randrange(1000))
        self._lock = threading.Lock()
        self._codes: dict[str, tuple[int, int, int]] = {}  # code -> (issued, seller, app)
        self._grants: dict[int, _Grant] = {}
        self._access: dict[str, _Access] = {}
        self._refresh: dict[str, _Refresh] = {}

    def seller(self, number: int) -> SellerProfile:
        config = self.config
        return profile(config.seed, number, self.open_id, config.seller_name, config.seller_base_region)

    def issue_code(self, seller: int = 0, app: int = 0) -> str:
        """A fresh auth code, as if seller ``seller`` had just consented to app ``app``."""
        code = _token(self.prefix, 36)
        with self._lock:
            self._codes[code] = (self.clock.unix(), seller, app)
        return code

    def exchange_code(self, code: str, app: int = 0) -> dict[str, Any]:
        """Token-get: consumes the code; 36004004 when it is unknown, used, another app's or too old."""
        now = self.clock.unix()
        with self._lock:
            issued = self._codes.pop(code, None)
            if issued is None or now - issued[0] > self.config.auth_code_ttl or issued[2] != app:
                raise error_codes.invalid_auth_code()
            return self._grant(issued[1], app, now)

    def mint(
        self, sellers: range, app: int = 0, describe: Callable[[int], dict[str, Any]] | None = None
    ) -> list[dict[str, Any]]:
        """Consent and token-get for many sellers at once (test tooling: no code, no HTTP round trip)."""
        now = self.clock.unix()
        with self._lock:
            return [
                {**self._grant(seller, app, now), **(describe(seller) if describe else {})}
                for seller in sellers
            ]

    def _grant(self, seller: int, app: int, now: int) -> dict[str, Any]:
        grant = len(self._grants) + 1
        self._grants[grant] = _Grant(seller, app)
        refresh = _token(self.prefix)
        self._refresh[refresh] = _Refresh(grant, now + self.config.refresh_token_ttl)
        return self._issue_access(grant, refresh, now)

    def refresh(self, refresh_token: str, app: int = 0) -> dict[str, Any]:
        """Token-refresh: 36004005 for unknown/revoked/rotated-away/other apps' tokens, 36004001 once expired."""
        now = self.clock.unix()
        with self._lock:
            record = self._refresh.get(refresh_token)
            grant = None if record is None else self._grants.get(record.grant)
            if record is None or not record.current or grant is None or grant.revoked or grant.app != app:
                raise error_codes.auth_record_not_found()
            if now >= record.expires_at:
                raise error_codes.refresh_token_expired()
            if self.config.rotate_refresh_tokens:
                record.current = False
                refresh_token = _token(self.prefix)
                self._refresh[refresh_token] = _Refresh(record.grant, now + self.config.refresh_token_ttl)
            return self._issue_access(record.grant, refresh_token, now)

    def _issue_access(self, grant: int, refresh_token: str, now: int) -> dict[str, Any]:
        access = _token(self.prefix)
        expires = now + self.config.access_token_ttl
        self._access[access] = _Access(grant, expires)
        seller = self.seller(self._grants[grant].seller)
        return {
            "access_token": access,
            "access_token_expire_in": expires,
            "refresh_token": refresh_token,
            "refresh_token_expire_in": self._refresh[refresh_token].expires_at,
            "open_id": seller.open_id,
            "seller_name": seller.name,
            "seller_base_region": seller.base_region,
            "user_type": 0,
            "granted_scopes": list(GRANTED_SCOPES),
        }

    def check_access(self, token: str | None, app: int = 0) -> int:
        """Open API token check, answering the token's seller: 36009004 unknown or another app's, 105001
        revoked, 105002 expired."""
        now = self.clock.unix()
        with self._lock:
            record = self._access.get(token or "")
            grant = None if record is None else self._grants.get(record.grant)
            if record is None or grant is None or grant.app != app:
                raise error_codes.invalid_access_token()
            if grant.revoked:
                raise error_codes.revoked_access_token()
            if now >= record.expires_at:
                raise error_codes.expired_access_token()
            return grant.seller

    def revoke_all(self, seller: int = 0) -> None:
        """The seller removes the app(s): every token of every grant of that seller stops working."""
        with self._lock:
            for grant in self._grants.values():
                if grant.seller == seller:
                    grant.revoked = True

    def expire_refresh_tokens(self) -> None:
        """Every refresh token expires now (the authorization ran out)."""
        now = self.clock.unix()
        with self._lock:
            for record in self._refresh.values():
                record.expires_at = min(record.expires_at, now)

    def expire_access_tokens(self) -> None:
        """Every access token expires now."""
        now = self.clock.unix()
        with self._lock:
            for record in self._access.values():
                record.expires_at = min(record.expires_at, now)
