"""The Open API host: every check TikTok's gateway makes before a handler runs (reference.md#signing, #envelope).

Order of checks: path/method, content type, app_key, sign present, timestamp window, signature, access token,
shop_cipher, body. Every answer, success or not, carries a reference.md#envelope request_id (also in the ``X-Tt-Logid`` header).
"""

from __future__ import annotations

import json
import logging
from typing import Any

from tiktok_shop_emulator.routes import Route, resolve
from tiktok_shop_emulator.state.backend import Backend
from tiktok_shop_emulator.state.world import Shop
from tiktok_shop_emulator.wire import error_codes
from tiktok_shop_emulator.wire.call import Call
from tiktok_shop_emulator.wire.envelope import failure, request_id, success
from tiktok_shop_emulator.wire.error_codes import ApiError
from tiktok_shop_emulator.wire.httpio import HttpRequest, HttpResponse, json_response
from tiktok_shop_emulator.wire.signature import sign_matches

log = logging.getLogger("tiktok_shop_emulator")


def handle(backend: Backend, request: HttpRequest) -> HttpResponse:
    """Answer one Open API request."""
    rid = request_id(backend.clock.time())
    try:
        data = _process(backend, request)
    except ApiError as exc:
        log.info("%s %s -> %d %d", request.method, request.path, exc.http_status, exc.code)
        return error_response(exc, rid)
    log.debug("%s %s -> 200", request.method, request.path)
    return json_response(200, success(data, rid), {"X-Tt-Logid": rid})


def error_response(exc: ApiError, rid: str) -> HttpResponse:
    """TikTok's error envelope with the HTTP status paired to the code."""
    return json_response(
        exc.http_status, failure(exc.code, exc.message, rid), {**exc.headers, "X-Tt-Logid": rid}
    )


def _process(backend: Backend, request: HttpRequest) -> dict[str, Any]:
    route, params = resolve(request.method, request.path)
    _check_content_type(request)
    app = _check_credentials(backend, request)
    seller = backend.auth.check_access(request.header("x-tts-access-token"), app)
    owner, shop = _check_shop(backend, route, request.query, seller)
    refusal = backend.limits.admit(app, None if shop is None else shop.id, request.path)
    if refusal is not None:
        raise refusal
    return route.handler(
        Call(owner, shop, request.query, _json_body(request.body, route.filter_body), params, app)
    )


def _check_content_type(request: HttpRequest) -> None:
    # No emulated endpoint takes an upload, so multipart/form-data is refused like any other type.
    media_type = (request.header("Content-Type") or "").split(";", 1)[0].strip().lower()
    if media_type != "application/json":
        raise error_codes.invalid_content_type()


def _check_credentials(backend: Backend, request: HttpRequest) -> int:
    """The number of the app that signed the request."""
    query = request.query
    app = backend.app_numbers.get(query.get("app_key") or "")
    if app is None:
        raise error_codes.invalid_app_key()
    given = query.get("sign")
    if not given:
        raise error_codes.missing_sign()
    _check_timestamp(backend, query.get("timestamp"))
    if not sign_matches(
        backend.apps[app].secret, request.path, query, request.body, given, pairs=request.pairs
    ):
        raise error_codes.invalid_sign()
    return app


def _check_timestamp(backend: Backend, raw: str | None) -> None:
    if raw is None or not raw.lstrip("-").isdigit():
        raise error_codes.timestamp_missing()
    stamp, now = int(raw), backend.clock.unix()
    if stamp < 0:
        raise error_codes.timestamp_negative()
    if stamp < now - backend.config.timestamp_max_age:
        raise error_codes.timestamp_too_old()
    if stamp > now + backend.config.timestamp_max_ahead:
        raise error_codes.timestamp_too_new()


def _check_shop(
    backend: Backend, route: Route, query: dict[str, str], seller: int
) -> tuple[Backend, Shop | None]:
    """The token's seller and the shop the cipher names; another seller's cipher is an invalid one."""
    cipher = query.get("shop_cipher")
    if not route.shop_scoped:
        if cipher is not None:
            raise error_codes.unexpected_shop_cipher()
        owner = backend.seller_backend(seller)
        assert owner is not None, "a grant names a seller that exists"
        return owner, None
    if not cipher:
        raise error_codes.missing_shop_cipher()
    found = backend.locate(cipher)
    if found is None or found[0].seller != seller:
        raise error_codes.invalid_shop_cipher()
    inactive = backend.inactive.get(found[1].id) if found[1] is not None else None
    if inactive is not None:  # reference.md#inactive-seller: refused at the gateway since 2026-07-20
        raise error_codes.ApiError(*inactive, http_status=401)
    return found


def _json_body(body: bytes, filter_body: bool) -> dict[str, Any]:
    if not body.strip():
        return {}
    try:
        parsed = json.loads(body)
    except ValueError as exc:
        raise error_codes.invalid_param("The request body is not valid JSON.") from exc
    if filter_body and parsed == []:
        # PHP's json_encode of an empty filter array; TikTok reads it as "no filter" (the signature still
        # covers the exact bytes sent, checked before this point).
        return {}
    if not isinstance(parsed, dict):
        raise error_codes.invalid_param("The request body must be a JSON object.")
    return parsed
