"""Which proxies a request goes through, remembered a minute per host (why: see `proxies_for`)."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.utils import resolve_proxies

_PROXY_CACHE_SECONDS = 60.0
_proxy_cache: dict[tuple[Any, ...], tuple[float, dict[str, str]]] = {}


def proxies_for(request: requests.PreparedRequest, session: requests.Session) -> dict[str, str]:
    """The proxies `requests` would pick for this host (the *_PROXY and NO_PROXY variables when the
    session trusts the environment), remembered a minute per host: requests reads the whole environment
    three times per request for it, which cost more CPU than the rest of an idle poll's request."""
    parts = urlsplit(request.url or "")
    key = (parts.scheme, parts.netloc, session.trust_env, tuple(sorted(session.proxies.items())))
    now = time.monotonic()
    cached = _proxy_cache.get(key)
    if cached is not None and now - cached[0] < _PROXY_CACHE_SECONDS:
        return cached[1]
    proxies = resolve_proxies(request, dict(session.proxies), session.trust_env)
    if len(_proxy_cache) > 1024:
        _proxy_cache.clear()
    _proxy_cache[key] = (now, proxies)
    return proxies
