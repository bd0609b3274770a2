"""Verifies the Open API ``sign`` parameter as reference.md#signing defines it (written independently of the client).

sign = hex(HMAC-SHA256(key=app_secret, msg=app_secret + path + sorted(k+v) + body + app_secret)), lower case,
over every query parameter except ``sign`` and ``access_token``, the raw (decoded) values, and the exact body
bytes unless the request is multipart. reference.md#open-questions leaves open whether a ``{}`` body is appended; the
emulator accepts both answers.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping

EXCLUDED_PARAMS = frozenset({"sign", "access_token"})


def compute_sign(app_secret: str, path: str, params: Mapping[str, str], body: bytes = b"") -> str:
    """The signature a correct client sends for these inputs."""
    pairs = "".join(key + params[key] for key in sorted(params) if key not in EXCLUDED_PARAMS)
    secret = app_secret.encode("utf-8")
    message = secret + path.encode("utf-8") + pairs.encode("utf-8") + body + secret
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


def _is_empty_object(body: bytes) -> bool:
    if not body.strip().startswith(b"{"):
        return False
    try:
        return bool(json.loads(body) == {})
    except ValueError:
        return False


def candidate_bodies(body: bytes, multipart: bool) -> list[bytes]:
    """The body variants a valid signature may cover: none for multipart; with and without a ``{}`` body."""
    if multipart:
        return [b""]
    if _is_empty_object(body):
        return [body, b""]
    return [body]


def sign_matches(
    app_secret: str, path: str, params: Mapping[str, str], body: bytes, given: str, multipart: bool = False
) -> bool:
    """True when ``given`` is a valid signature of the request under any accepted body variant."""
    return any(
        hmac.compare_digest(compute_sign(app_secret, path, params, variant), given)
        for variant in candidate_bodies(body, multipart)
    )
