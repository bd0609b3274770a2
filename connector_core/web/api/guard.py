"""The JSON API's door: the admin's credentials, its CSRF rule for browser sessions, JSON errors, capped bodies.

A host's server calls with `Authorization: Bearer <admin token>` (no CSRF token needed: a browser never
sends that header on its own). A page served with the admin session (cookie or Basic) may call too, with
the session's CSRF token in `X-CSRF-Token` on every change, exactly as the admin page does. Every refusal
is JSON `{"ok": false, "code", "message", "errors"}` in words a person can act on.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from ...errors import FieldError, InvalidInput
from ..admin.auth import CSRF_HEADER, AdminConfig, authenticate, csrf_ok
from ..admin.signin import SignInLocked
from ..webhooks import BodyTooLarge, read_capped

BODY_LIMIT = 1024 * 1024
"""A stock push of ~10,000 levels fits; larger ones are split by the host."""

API_HEADERS = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}
Endpoint = Callable[[Request], Awaitable[Response]]


class ApiError(Exception):
    """Ends a request with a JSON refusal."""

    def __init__(
        self, status: int, code: str, message: str, errors: Sequence[FieldError] = (), **extra: Any
    ) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.errors, self.extra = status, code, message, errors, extra


def answer(data: Any, status: int = 200) -> JSONResponse:
    return JSONResponse(data, status_code=status, headers=API_HEADERS)


def refusal(error: ApiError) -> JSONResponse:
    body: dict[str, Any] = {
        "ok": False,
        "code": error.code,
        "message": error.message,
        "errors": [_field(e) for e in error.errors],
        **error.extra,
    }
    headers = dict(API_HEADERS)
    if error.status == 401:
        headers["WWW-Authenticate"] = 'Bearer realm="channel-connectors"'
    return JSONResponse(body, status_code=error.status, headers=headers)


def _field(error: FieldError) -> dict[str, str]:
    # The forms bundle draws the credential and the settings form separately: say which one a field is in.
    section, name = (
        ("settings", error.field[len("settings.") :])
        if error.field.startswith("settings.")
        else ("credentials", error.field)
    )
    return {"field": error.field, "section": section, "name": name, "message": error.message}


def invalid(exc: InvalidInput) -> ApiError:
    return ApiError(422, "invalid_input", "Some fields need correcting.", exc.errors)


def guarded(config: AdminConfig, handler: Endpoint, *, changes: bool) -> Endpoint:
    """Authenticate; on a change from a browser session, also the same origin and the CSRF token."""

    async def endpoint(request: Request) -> Response:
        try:
            try:
                session = authenticate(config, request)
            except SignInLocked as exc:
                text = f"{str(exc)[0].upper()}{str(exc)[1:]}."
                locked = refusal(ApiError(429, "locked_out", text, retry_after=exc.retry_after))
                locked.headers["Retry-After"] = str(exc.retry_after)
                return locked
            if session is None:
                raise ApiError(401, "unauthorized", "Sign in: send the admin token as a Bearer header.")
            if changes:
                origin = request.headers.get("origin")
                if origin is not None and origin.split("://", 1)[-1] != request.headers.get("host", ""):
                    raise ApiError(403, "forbidden", "This request came from another site.")
                if not csrf_ok(session, request.headers.get(CSRF_HEADER)):
                    raise ApiError(403, "csrf", "The page is out of date: reload it and try again.")
            return await handler(request)
        except ApiError as error:
            return refusal(error)

    return endpoint


async def json_body(request: Request) -> dict[str, Any]:
    try:
        body = await read_capped(request, BODY_LIMIT)
    except BodyTooLarge:
        raise ApiError(
            413, "too_large", f"The body is larger than {BODY_LIMIT // 1024} KiB: send less at a time."
        ) from None
    try:
        data = json.loads(body) if body else {}
    except (ValueError, UnicodeDecodeError):
        raise ApiError(400, "bad_json", "The body is not JSON.") from None
    if not isinstance(data, dict):
        raise ApiError(400, "bad_json", "The body must be a JSON object.")
    return data


def query_int(request: Request, name: str, default: int, lowest: int, highest: int) -> int:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        value = lowest - 1
    if not lowest <= value <= highest:
        raise ApiError(
            422,
            "invalid_input",
            f"{name} must be a whole number from {lowest} to {highest}.",
            [FieldError(name, f"must be a whole number from {lowest} to {highest}")],
        )
    return value
