"""The auth host: seller consent pages and the unsigned token get/refresh calls (reference.md#oauth-consent).

Consent: ``/open/authorize?service_id=&state=`` (202309 style) and ``/oauth/authorize?app_key=&state=`` (legacy).
A GET shows a small page whose form POSTs the approval; with ``auto_approve`` the GET redirects at once. The
redirect goes to the configured redirect URL with ``app_key, code, locale=en, shop_region`` and ``state``.
"""

from __future__ import annotations

import html
import logging
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from tiktok_shop_emulator.state.backend import Backend
from tiktok_shop_emulator.wire import error_codes
from tiktok_shop_emulator.wire.envelope import TOKEN_SUCCESS, failure, request_id, success
from tiktok_shop_emulator.wire.error_codes import ApiError
from tiktok_shop_emulator.wire.httpio import HttpRequest, HttpResponse, html_response, json_response, redirect

log = logging.getLogger("tiktok_shop_emulator")

TOKEN_PATHS = frozenset({"/api/v2/token/get", "/api/v2/token/refresh"})
CONSENT_PATHS = {"/open/authorize": "service_id", "/oauth/authorize": "app_key"}

PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>Authorize app</title></head>
<body><h1>TikTok Shop (emulator)</h1><p>{seller} is asked to authorize this app for its shops.</p>
<form method="post" action="{action}"><input type="hidden" name="{id_name}" value="{id_value}">
<input type="hidden" name="state" value="{state}">
<input type="hidden" name="seller" value="{seller_number}"><button type="submit" name="decision" value="approve">
Authorize</button></form></body></html>"""


def handle(backend: Backend, request: HttpRequest) -> HttpResponse:
    """Answer one auth-host request."""
    if request.path in CONSENT_PATHS:
        return _consent(backend, request)
    rid = request_id(backend.clock.time())
    try:
        if request.path not in TOKEN_PATHS:
            raise error_codes.invalid_path()
        if request.method != "GET":
            raise error_codes.invalid_method()
        data = _token(backend, request)
    except ApiError as exc:
        log.info("%s %s -> %d %d", request.method, request.path, exc.http_status, exc.code)
        return json_response(exc.http_status, failure(exc.code, exc.message, rid), {"X-Tt-Logid": rid})
    log.info("%s %s -> 200", request.method, request.path)
    return json_response(200, success(data, rid, TOKEN_SUCCESS), {"X-Tt-Logid": rid})


def _token(backend: Backend, request: HttpRequest) -> dict[str, object]:
    query = request.query
    app = backend.app_numbers.get(query.get("app_key") or "")
    if app is None:
        raise error_codes.invalid_app_key()
    if query.get("app_secret") != backend.apps[app].secret:
        raise error_codes.invalid_app_secret()
    if request.path == "/api/v2/token/refresh":
        # Refresh does not check `grant_type`: the sources document `refresh_token`, TikTok's own generated SDK
        # sends `authorized_code`, and none says TikTok refuses either, so no value is refused
        # (docs/tiktok_shop/reference.md#oauth-tokens).
        return backend.auth.refresh(query.get("refresh_token", ""), app)
    if query.get("grant_type") != "authorized_code":
        raise error_codes.invalid_param("`grant_type` must be authorized_code.")
    return backend.auth.exchange_code(query.get("auth_code", ""), app)


def _consent(backend: Backend, request: HttpRequest) -> HttpResponse:
    id_name = CONSENT_PATHS[request.path]
    fields = (
        dict(parse_qsl(request.body.decode("utf-8", "replace")))
        if request.method == "POST"
        else request.query
    )
    given = fields.get(id_name)
    app = next(
        (
            n
            for n, a in enumerate(backend.apps)
            if given == (a.service_id if id_name == "service_id" else a.key)
        ),
        None,
    )
    # An emulator-only field picks which generated seller consents (seller 0 when absent).
    seller_text = fields.get("seller", "0")
    seller = int(seller_text) if seller_text.isdigit() else -1
    if app is None or backend.seller_backend(seller) is None:
        log.info("%s %s -> 400 unknown %s", request.method, request.path, id_name)
        return html_response(400, "<!doctype html><p>This service does not exist.</p>")
    expected = given or ""
    state = fields.get("state")
    if request.method == "POST" or backend.config.auto_approve:
        return _approve(backend, state, app, seller)
    if request.method != "GET":
        return html_response(405, "<!doctype html><p>Method not allowed.</p>")
    return html_response(
        200,
        PAGE.format(
            seller=html.escape(backend.auth.seller(seller).name),
            action=request.path,
            id_name=id_name,
            id_value=html.escape(expected),
            state=html.escape(state or ""),
            seller_number=seller,
        ),
    )


def _approve(backend: Backend, state: str | None, app: int = 0, seller: int = 0) -> HttpResponse:
    code = backend.auth.issue_code(seller, app)
    log.info("consent approved; auth code issued")
    target = backend.config.redirect_uri
    if not target:
        return html_response(
            200,
            "<!doctype html><p>Authorization code (no redirect URL is configured):</p>"
            f'<pre id="code">{html.escape(code)}</pre>',
        )
    params = {
        "app_key": backend.apps[app].key,
        "code": code,
        "locale": "en",
        "shop_region": backend.auth.seller(seller).base_region,
    }
    if state:
        params["state"] = state
    parts = urlsplit(target)
    query = "&".join(filter(None, (parts.query, urlencode(params))))
    return redirect(urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment)))
