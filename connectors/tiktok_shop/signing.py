"""Request signing for the TikTok Shop Open API, 202309 and later (reference.md#signing).

sign = lower-hex HMAC-SHA256(key=secret, msg=secret + path + sorted(key+value) + body + secret), where
the query excludes `sign` and `access_token`, values are raw (not URL-encoded), and the body is the exact
bytes sent, left out for multipart/form-data. Signing the bytes actually sent is the whole trick: the
client serialises JSON once, compactly, and hands those same bytes to both this function and the wire.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from email.message import Message

EXCLUDED_PARAMETERS = frozenset({"sign", "access_token"})


def media_type(content_type: str | None) -> str:
    """The bare media type of a Content-Type header, lower-cased ('multipart/form-data; boundary=x' ->
    'multipart/form-data')."""
    if not content_type:
        return ""
    message = Message()
    message["content-type"] = content_type
    return message.get_content_type().lower()


def string_to_sign(
    path: str, query: Mapping[str, str], body: bytes = b"", content_type: str | None = "application/json"
) -> bytes:
    """The exact bytes that get HMAC'd, before the secret wrapping."""
    pieces = [path.encode()]
    for key in sorted(k for k in query if k not in EXCLUDED_PARAMETERS):
        pieces.append(key.encode() + str(query[key]).encode())
    if body and media_type(content_type) != "multipart/form-data":
        pieces.append(body)
    return b"".join(pieces)


def sign(
    app_secret: str,
    path: str,
    query: Mapping[str, str],
    body: bytes = b"",
    content_type: str | None = "application/json",
) -> str:
    """The `sign` query parameter for one request."""
    secret = app_secret.encode()
    message = secret + string_to_sign(path, query, body, content_type) + secret
    return hmac.new(secret, message, hashlib.sha256).hexdigest()
