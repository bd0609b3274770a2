"""Reading what the admin pages post: capped bodies, urlencoded forms, JSON objects, and the answers for bad
ones; plus the same-origin check every POST passes."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from starlette.requests import Request
from starlette.responses import JSONResponse

from ...errors import InvalidInput
from ..webhooks import BodyTooLarge, read_capped

BODY_LIMIT = 256 * 1024


def same_origin(request: Request) -> bool:
    origin = request.headers.get("origin")
    if origin is None:
        return True  # not a browser, or a browser that does not say: the CSRF token decides
    return urlsplit(origin).netloc == request.headers.get("host", "")


async def read_body(request: Request) -> bytes | None:
    cached: bytes | None = getattr(request.state, "admin_body", None)
    if cached is not None:
        return cached
    try:
        body = await read_capped(request, BODY_LIMIT)
    except BodyTooLarge:
        return None
    request.state.admin_body = body
    return body


async def form(request: Request) -> dict[str, str]:
    if not request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        return {}
    body = await read_body(request)
    return dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)) if body else {}


async def form_field(request: Request, name: str) -> str | None:
    return (await form(request)).get(name)


async def json_object(request: Request) -> dict[str, Any] | None:
    body = await read_body(request)
    try:
        data = json.loads(body) if body else None
    except (ValueError, UnicodeDecodeError):
        return None
    return data if isinstance(data, dict) else None


def bad_json() -> JSONResponse:
    return JSONResponse(
        {"ok": False, "errors": [{"field": "", "message": "the body must be a JSON object"}]}, 400
    )


def invalid(exc: InvalidInput) -> JSONResponse:
    errors = [{"field": e.field, "message": e.message} for e in exc.errors]
    return JSONResponse({"ok": False, "message": str(exc), "errors": errors}, 422)
