"""Preparing and sending one request as `requests.Session` would, without the general machinery an API
call of the common shape never needs.

Why: on an idle poll the session's own bookkeeping cost more CPU than urllib3 and `http.client` together
(issue 19: ~650 us of CPU per search through `Session.prepare_request` and `Session.send`, ~290 us through
urllib3 alone). Per call the session merges its settings through runtime protocol checks, builds and merges
cookie jars, looks for a ``.netrc`` file, URL-parses and re-quotes a base URL that never changes, and wraps
the adapter in redirect and cookie handling. Here:

- `prepare` builds the same `PreparedRequest` (method, URL, headers in the same order, body, hooks) for a
  request of the common shape: an ``http(s)`` URL without fragment, params as a dict, a bytes body or none,
  headers as a dict, no files, ``json=``, auth or cookies, a session without cookies, auth or params, and no
  ``.netrc`` entry for the host (looked up once a minute per host). The base URL's preparation is
  remembered; the params are encoded as requests encodes them. Anything else goes through
  `Session.prepare_request`, unchanged. tests/core/test_http_send.py holds the two equal.
- `send` hands the request to the session's own adapter (so pools, TLS verification, proxies and vcrpy's
  patched connections are the ones `Session.send` would use), then does what `Session.send` does after:
  the session's response hooks, cookies the server set, redirects. Another kind of adapter mounted on the
  session gets `Session.send` itself.
"""

from __future__ import annotations

import re
import time
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode, urlsplit

import requests
from requests.cookies import RequestsCookieJar, extract_cookies_to_jar
from requests.hooks import dispatch_hook
from requests.sessions import merge_hooks
from requests.structures import CaseInsensitiveDict
from requests.utils import check_header_validity, get_netrc_auth

from .http_limits import WatchedAdapter
from .timed_cache import TimedCache

__all__ = ["prepare", "send"]

_CACHE_LIMIT = 1024
_bases: dict[str, str] = {}
_netrc: TimedCache[bool] = TimedCache(60.0, _CACHE_LIMIT)


def prepare(session: requests.Session, request: requests.Request) -> requests.PreparedRequest:
    """What `session.prepare_request(request)` returns, built without its general machinery when the request
    has the common shape (see the module's docstring)."""
    if not _plain(session, request):
        return session.prepare_request(request)
    prepared = requests.PreparedRequest()
    method = str(request.method).upper()
    prepared.method = method
    prepared.url = _url(str(request.url), request.params)
    merged: CaseInsensitiveDict[Any] = CaseInsensitiveDict()
    for source in (session.headers, request.headers):
        for name, value in source.items():
            merged[name] = value
    headers: CaseInsensitiveDict[Any] = CaseInsensitiveDict()
    for name, value in merged.items():
        if value is None:
            continue  # None in either removes the header, as in requests' merge
        check_header_validity((name, value))
        headers[name if isinstance(name, str) else name.decode("ascii")] = value  # requests' to_native_string
    prepared.headers = headers
    prepared._cookies = RequestsCookieJar()  # type: ignore[attr-defined]
    body = request.data or None
    prepared.body = body
    if body is not None:
        headers["Content-Length"] = str(len(body))
    elif method not in ("GET", "HEAD") and headers.get("Content-Length") is None:
        headers["Content-Length"] = "0"
    prepared.prepare_hooks(merge_hooks(request.hooks, session.hooks))  # type: ignore[no-untyped-call]
    return prepared


def _plain(session: requests.Session, request: requests.Request) -> bool:
    url = request.url
    return (
        type(url) is str
        and url.startswith(("http://", "https://"))
        and "#" not in url
        and type(request.method) is str
        and type(request.params) is dict
        and type(request.headers) is dict
        and (
            type(request.data) is bytes
            or request.data is None
            or (type(request.data) in (list, dict) and not request.data)
        )
        and not request.files
        and request.json is None
        and request.auth is None
        and not request.cookies
        and not session.cookies
        and session.auth is None
        and not session.params
        and isinstance(session.headers, CaseInsensitiveDict)
        and not (session.trust_env and _netrc_entry(url))
    )


def _netrc_entry(url: str) -> bool:
    """Whether a ``.netrc`` file names this URL's host (requests would then send its login), remembered a
    minute per host like the proxies (`http_proxies`)."""
    return _netrc.get(urlsplit(url).netloc, lambda: get_netrc_auth(url) is not None)


def _url(url: str, params: dict[Any, Any]) -> str:
    base = _bases.get(url)
    if base is None:
        probe = requests.PreparedRequest()
        probe.prepare_url(url, None)
        base = str(probe.url)
        if len(_bases) > _CACHE_LIMIT:
            _bases.clear()
        _bases[url] = base
    query = _encode(params)
    if not query:
        return base
    # requests re-quotes the whole URL; urlencode's output is already in the form that leaves unchanged.
    return f"{base}{'&' if '?' in base else '?'}{query}"


_SAFE = re.compile(r"[A-Za-z0-9_.~-]*").fullmatch
"""Text `urlencode` leaves as it is (letters, digits and "_.-~"): most query values (keys, timestamps,
hex signatures) are, and skip the quoting."""


def _encode(params: dict[Any, Any]) -> str:
    """requests' `_encode_params` for a dict: a list value repeats the key, None values are dropped; each
    pair as `urlencode` writes it, plain text as it is."""
    parts: list[str] = []
    for key, values in params.items():
        if isinstance(values, (str, bytes)) or not hasattr(values, "__iter__"):
            values = (values,)
        for value in values:
            if value is None:
                continue
            if type(key) is str and type(value) is str and _SAFE(key) and _SAFE(value):
                parts.append(f"{key}={value}")
                continue
            pair = (
                key.encode("utf-8") if isinstance(key, str) else key,
                value.encode("utf-8") if isinstance(value, str) else value,
            )
            parts.append(urlencode([pair], doseq=True))
    return "&".join(parts)


def send(
    session: requests.Session,
    request: requests.PreparedRequest,
    *,
    timeout: tuple[float, float],
    proxies: dict[str, str],
) -> requests.Response:
    """`session.send(request, stream=True, timeout=timeout, proxies=proxies)`, through the session's adapter
    directly when it is the kit's own (see the module's docstring)."""
    adapter = session.get_adapter(url=str(request.url))
    if type(adapter) is not WatchedAdapter:
        return session.send(request, stream=True, timeout=timeout, proxies=proxies)
    options: dict[str, Any] = {
        "stream": True,
        "timeout": timeout,
        "verify": session.verify,
        "cert": session.cert,
        "proxies": proxies,
    }
    started = time.perf_counter()
    response = adapter.send(request, **options)
    response.elapsed = timedelta(seconds=time.perf_counter() - started)
    if request.hooks.get("response"):
        response = dispatch_hook("response", request.hooks, response, **options)  # type: ignore[no-untyped-call]
    if "Set-Cookie" in response.headers:
        extract_cookies_to_jar(session.cookies, request, response.raw)  # type: ignore[no-untyped-call]
    if response.is_redirect:
        history = [response, *session.resolve_redirects(response, request, **options)]
        response = history.pop()
        response.history = history
    return response
