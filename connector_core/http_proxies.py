"""Which proxies a request goes through, remembered a minute per host (why: see `proxies_for`)."""

from __future__ import annotations

from urllib.parse import urlsplit

import requests
from requests.utils import resolve_proxies

from .timed_cache import TimedCache

_proxies: TimedCache[dict[str, str]] = TimedCache(60.0)


def proxies_for(request: requests.PreparedRequest, session: requests.Session) -> dict[str, str]:
    """The proxies `requests` would pick for this host (the *_PROXY and NO_PROXY variables when the
    session trusts the environment), remembered a minute per host: requests reads the whole environment
    three times per request for it, which cost more CPU than the rest of an idle poll's request."""
    parts = urlsplit(request.url or "")
    key = (parts.scheme, parts.netloc, session.trust_env, tuple(sorted(session.proxies.items())))
    return _proxies.get(key, lambda: resolve_proxies(request, dict(session.proxies), session.trust_env))
