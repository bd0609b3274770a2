"""Who may use the admin page, and the CSRF guard on every change it makes.

Three ways in, all compared in constant time: `Authorization: Bearer <token>` (scripts), a login form that
sets an HttpOnly, SameSite=Strict session cookie (browsers), or HTTP Basic credentials. A browser session
(cookie or Basic, which browsers resend on their own) must also send the per-session CSRF token with every
POST, as the `X-CSRF-Token` header or a `csrf` form field. The cookie holds a random nonce (with the time it
was issued) and its HMAC under the configured secret, never the secret itself; changing the secret ends
every session, signing out ends that one (server-side), and a session ends after 12 hours. Wrong
credentials are throttled per client address (signin.py): `authenticate` raises `SignInLocked`.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass, field
from typing import Literal

from starlette.requests import Request

from ...errors import ConnectorError
from .signin import SignInGuard, client_of, expired, new_nonce

TOKEN_ENV = "CHANNEL_CONNECTORS_ADMIN_TOKEN"  # noqa: S105 - the name of a variable, not a secret
USER_ENV = "CHANNEL_CONNECTORS_ADMIN_USER"
PASSWORD_ENV = "CHANNEL_CONNECTORS_ADMIN_PASSWORD"  # noqa: S105 - the name of a variable, not a secret
COOKIE = "cc_admin"
CSRF_HEADER = "x-csrf-token"
MIN_SECRET_LENGTH = 16


@dataclass(frozen=True)
class AdminConfig:
    """Turns the admin page on. Give a `token`, or `username` and `password`, or both."""

    token: str | None = field(default=None, repr=False)
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    secure_cookie: bool = False
    """Mark the session cookie Secure (set it when the app is served over https)."""
    guard: SignInGuard = field(default_factory=SignInGuard, compare=False, repr=False)
    """The sign-in throttle and the revocation list (shared by every route built from this config)."""

    def __post_init__(self) -> None:
        if not self.token and not (self.username and self.password):
            raise ConnectorError("the admin page needs a token, or a username and a password")
        for name, value in (("token", self.token), ("password", self.password)):
            if value is not None and len(value) < MIN_SECRET_LENGTH:
                raise ConnectorError(f"the admin {name} must be at least {MIN_SECRET_LENGTH} characters long")

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> AdminConfig | None:
        """From CHANNEL_CONNECTORS_ADMIN_TOKEN or _ADMIN_USER + _ADMIN_PASSWORD; None when neither is set."""
        env = dict(os.environ) if environ is None else environ
        token, user, password = env.get(TOKEN_ENV), env.get(USER_ENV), env.get(PASSWORD_ENV)
        if not token and not (user and password):
            return None
        return cls(token=token or None, username=user or None, password=password or None)

    @property
    def _key(self) -> bytes:
        # Sessions and CSRF tokens are derived from the configured secret(s), so no server-side session table.
        material = f"{self.token or ''}\x00{self.username or ''}\x00{self.password or ''}"
        return hashlib.sha256(b"channel-connectors admin\x00" + material.encode()).digest()

    def _mac(self, purpose: str, value: str) -> str:
        return hmac.new(self._key, f"{purpose}\x00{value}".encode(), hashlib.sha256).hexdigest()

    # --- credentials ----------------------------------------------------------------------------------

    def token_matches(self, offered: str) -> bool:
        return self.token is not None and hmac.compare_digest(offered.encode(), self.token.encode())

    def basic_matches(self, username: str, password: str) -> bool:
        if not (self.username and self.password):
            return False
        user_ok = hmac.compare_digest(username.encode(), self.username.encode())
        password_ok = hmac.compare_digest(password.encode(), self.password.encode())
        return user_ok and password_ok

    # --- sessions -------------------------------------------------------------------------------------

    def new_session(self) -> str:
        nonce = new_nonce(secrets.token_urlsafe(18))
        return f"{nonce}.{self._mac('session', nonce)}"

    def session_nonce(self, cookie: str) -> str | None:
        nonce, _, mac = cookie.partition(".")
        if nonce and mac and hmac.compare_digest(mac, self._mac("session", nonce)):
            return nonce
        return None

    def csrf_for(self, nonce: str) -> str:
        return self._mac("csrf", nonce)


@dataclass(frozen=True)
class AdminSession:
    """An authenticated request: how it got in, and the CSRF token its POSTs must carry (None: not needed)."""

    via: Literal["bearer", "cookie", "basic"]
    csrf: str | None
    nonce: str | None = None
    """The cookie session's nonce (what signing out revokes)."""


def authenticate(config: AdminConfig, request: Request) -> AdminSession | None:
    """Who this request is, or None. Raises `SignInLocked` when its address sent too many wrong credentials
    (checked before the credentials, so a locked-out guesser learns nothing)."""
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    client = client_of(request.client.host if request.client else None)
    if scheme.lower() in ("bearer", "basic") and value:
        config.guard.check(client)
        session = _from_header(config, scheme.lower(), value.strip())
        if session is None:
            config.guard.failed(client)
        else:
            config.guard.succeeded(client)
        return session
    cookie = request.cookies.get(COOKIE)
    if cookie:
        nonce = config.session_nonce(cookie)
        if nonce is not None and not expired(nonce) and not config.guard.revoked(nonce):
            return AdminSession("cookie", config.csrf_for(nonce), nonce)
    return None


def _from_header(config: AdminConfig, scheme: str, value: str) -> AdminSession | None:
    if scheme == "bearer":
        return AdminSession("bearer", None) if config.token_matches(value) else None
    user, password = _basic(value)
    if user is not None and config.basic_matches(user, password):
        return AdminSession("basic", config.csrf_for("basic"))
    return None


def _basic(value: str) -> tuple[str | None, str]:
    try:
        decoded = base64.b64decode(value, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None, ""
    user, sep, password = decoded.partition(":")
    return (user, password) if sep else (None, "")


def csrf_ok(session: AdminSession, offered: str | None) -> bool:
    if session.csrf is None:
        return True  # a bearer header is never sent by a browser on its own
    return offered is not None and hmac.compare_digest(offered.encode(), session.csrf.encode())
