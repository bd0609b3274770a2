"""TikTok's response envelope: ``{code, message, data, request_id}`` with a request_id in the reference.md#envelope format."""

from __future__ import annotations

import json
import secrets
import time
from typing import Any

OPEN_API_SUCCESS = "Success"
TOKEN_SUCCESS = "success"


def request_id(unix_seconds: float) -> str:
    """14-digit UTC ``yyyymmddHHMMSS`` then 20 upper-case hex characters: 34 characters, as in the samples."""
    stamp = time.strftime("%Y%m%d%H%M%S", time.gmtime(int(unix_seconds)))
    return stamp + secrets.token_hex(10).upper()


def encode(document: Any) -> bytes:
    """Compact UTF-8 JSON, the way the API sends it."""
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def success(data: Any, rid: str, message: str = OPEN_API_SUCCESS) -> dict[str, Any]:
    """A success envelope (key order as in the samples)."""
    return {"code": 0, "message": message, "data": data, "request_id": rid}


def failure(code: int, message: str, rid: str) -> dict[str, Any]:
    """An error envelope; like TikTok's error samples it carries no ``data``."""
    return {"code": code, "message": message, "request_id": rid}
