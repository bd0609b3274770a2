"""What a seller sees is the host's: its name, logo and colour on the connect, success, failure and expiry
pages, and a way back to the host's app with the outcome.

The way back is a return URL the host gives (on a connect link, `?return_to=...`, or when starting Connect
through the API). It is accepted only when its origin is one the host listed (`return_origins`), so the
pages can never be used to send a seller to somebody else's site (no open redirect). The seller arrives
back at `<return_to>?outcome=connected|declined|failed|expired|invalid&connection=<id>`.

A host configures it in code (`create_app(..., branding=Branding(...))`) or, for `serve`, with
CHANNEL_CONNECTORS_BRAND_NAME, _BRAND_LOGO_URL, _BRAND_COLOR, _BRAND_CONNECT_PAGE (1: a connect link shows
its own page first) and _RETURN_ORIGINS (comma-separated).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from ..errors import ConnectorError

Outcome = Literal["connected", "declined", "failed", "expired", "invalid"]
MAX_RETURN_URL = 2000
_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
_LOOPBACK = ("127.0.0.1", "localhost", "[::1]")
ENV = {
    "name": "CHANNEL_CONNECTORS_BRAND_NAME",
    "logo_url": "CHANNEL_CONNECTORS_BRAND_LOGO_URL",
    "color": "CHANNEL_CONNECTORS_BRAND_COLOR",
    "return_origins": "CHANNEL_CONNECTORS_RETURN_ORIGINS",
    "connect_page": "CHANNEL_CONNECTORS_BRAND_CONNECT_PAGE",
}


def _origin(url: str) -> str | None:
    """`scheme://host[:port]` of an absolute https URL (http only on loopback), else None."""
    if len(url) > MAX_RETURN_URL or any(c in url for c in "\\\r\n\t ") or not url.isprintable():
        return None
    parts = urlsplit(url)
    host = parts.hostname or ""
    secure = parts.scheme == "https" or (parts.scheme == "http" and parts.netloc.split(":")[0] in _LOOPBACK)
    if not secure or not host or parts.username or parts.password or "@" in parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc.lower()}"


@dataclass(frozen=True)
class Branding:
    """The host's look on the seller's pages, and where sellers may be sent back to."""

    name: str = ""
    """The host's product name, as sellers know it ("Acme Orders"); empty: the pages carry no name."""
    logo_url: str | None = None
    """An https address (or a data: URL) of the logo, shown about 32 px high."""
    color: str = "#2f4fd8"
    """The main colour, as #rrggbb."""
    return_origins: tuple[str, ...] = field(default=())
    """Origins (https://app.example.com) a return URL may point to; empty: no return URL is accepted."""
    connect_page: bool = False
    """Show a connect link's own page (who asks, what happens next, one button) before the channel's
    consent page, instead of redirecting at once."""

    def __post_init__(self) -> None:
        if len(self.name) > 80:
            raise ConnectorError("branding: the name must be at most 80 characters")
        if not _COLOR.match(self.color):
            raise ConnectorError(f"branding: colour {self.color[:20]!r} must look like #1a2b3c")
        if self.logo_url is not None and not (
            self.logo_url.startswith("data:image/") or _origin(self.logo_url)
        ):
            raise ConnectorError("branding: the logo must be an https address or a data:image URL")
        cleaned = []
        for origin in self.return_origins:
            found = _origin(origin.strip())
            if found is None or urlsplit(origin.strip()).path not in ("", "/"):
                raise ConnectorError(
                    f"branding: {origin[:80]!r} is not an origin like https://app.example.com"
                )
            cleaned.append(found)
        object.__setattr__(self, "return_origins", tuple(cleaned))

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Branding:
        env = os.environ if environ is None else environ
        origins = tuple(o for o in (env.get(ENV["return_origins"]) or "").split(",") if o.strip())
        return cls(
            name=env.get(ENV["name"]) or cls.name,
            logo_url=env.get(ENV["logo_url"]) or None,
            color=env.get(ENV["color"]) or cls.color,
            return_origins=origins,
            connect_page=(env.get(ENV["connect_page"]) or "").strip().lower() in ("1", "true", "yes"),
        )

    @property
    def sender(self) -> str:
        """Who a seller asks for a new link, in a sentence."""
        return self.name or "the person who sent it"

    @property
    def home(self) -> str:
        return self.name or "the app"

    @property
    def logo_source(self) -> str | None:
        """What the pages' Content-Security-Policy must allow for the logo."""
        if self.logo_url is None:
            return None
        return "data:" if self.logo_url.startswith("data:") else _origin(self.logo_url)

    def return_url(self, candidate: str | None) -> str | None:
        """The candidate when it may be used as a way back (its origin is listed), else None."""
        if not candidate:
            return None
        return candidate if _origin(candidate) in self.return_origins else None

    def back_to(
        self, return_url: str | None, outcome: Outcome, connection_id: str | None = None
    ) -> str | None:
        """The address that takes the seller back with the outcome (None without an accepted return URL)."""
        accepted = self.return_url(return_url)
        if accepted is None:
            return None
        parts = urlsplit(accepted)
        query = [
            (k, v)
            for k, v in parse_qsl(parts.query, keep_blank_values=True)
            if k not in ("outcome", "connection")
        ]
        query.append(("outcome", outcome))
        if connection_id:
            query.append(("connection", connection_id))
        return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))
