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
from collections.abc import Mapping, Sequence

EXCLUDED_PARAMS = frozenset({"sign", "access_token"})


def compute_sign(app_secret: str, path: str, params: Mapping[str, str], body: bytes = b"") -> str:
    """The signature a correct client sends for these inputs."""
    pairs = "".join(key + params[key] for key in sorted(params) if key not in EXCLUDED_PARAMS)
    return _sign(app_secret, path, pairs, body)


def pair_strings(pairs: Sequence[tuple[str, str]]) -> list[str]:
    """The concatenated ``key+value`` strings a signature may cover when a key repeats (reference.md#multi-valued-query).

    No source says how TikTok's gateway signs ``ids=a&ids=b``, so every plausible reading is accepted:
    the values comma-joined under one key (what TikTok's own comma-joined arrays are), each pair in the
    order sent (keys sorted, a stable sort), each pair sorted by key and value, and only the first or
    only the last value (a map that keeps one)."""
    kept = [(k, v) for k, v in pairs if k not in EXCLUDED_PARAMS]
    grouped: dict[str, list[str]] = {}
    for key, value in kept:
        grouped.setdefault(key, []).append(value)
    variants = [
        "".join(k + ",".join(grouped[k]) for k in sorted(grouped)),
        "".join(k + v for k, v in sorted(kept, key=lambda kv: kv[0])),
        "".join(k + v for k, v in sorted(kept)),
        "".join(k + grouped[k][0] for k in sorted(grouped)),
        "".join(k + grouped[k][-1] for k in sorted(grouped)),
    ]
    return list(dict.fromkeys(variants))


def _sign(app_secret: str, path: str, pairs: str, body: bytes) -> str:
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
    app_secret: str,
    path: str,
    params: Mapping[str, str],
    body: bytes,
    given: str,
    multipart: bool = False,
    pairs: Sequence[tuple[str, str]] | None = None,
) -> bool:
    """True when ``given`` is a valid signature of the request under any accepted body and query variant."""
    strings = (
        pair_strings(pairs)
        if pairs is not None
        else ["".join(key + params[key] for key in sorted(params) if key not in EXCLUDED_PARAMS)]
    )
    return any(
        hmac.compare_digest(_sign(app_secret, path, text, variant), given)
        for text in strings
        for variant in candidate_bodies(body, multipart)
    )
