"""Keeping secrets out of logs: redact by parameter name at the source, and by value as a last line of
defence.

Connectors log URLs and payloads while debugging. Two layers keep secrets out of every log line:
`redact_url` / `redact_mapping` blank out known secret parameters before a message is built, and
`SecretFilter` scrubs any registered secret value that slipped into a formatted record anyway.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

REDACTED = "***"

DEFAULT_SECRET_NAMES: frozenset[str] = frozenset(
    {
        "sign",
        "signature",
        "app_secret",
        "client_secret",
        "access_token",
        "refresh_token",
        "auth_code",
        "code",
        "x-tts-access-token",
        "authorization",
        "password",
    }
)

_MIN_SECRET_LENGTH = 6  # shorter values would scrub ordinary words out of log lines

_registry_lock = threading.Lock()
_registered: set[str] = set()


def register_secret(value: str | None) -> None:
    """Remember a secret value so `SecretFilter` scrubs it wherever it appears in a log record."""
    if value and len(value) >= _MIN_SECRET_LENGTH:
        with _registry_lock:
            _registered.add(value)


def scrub(text: str) -> str:
    """Replace every registered secret value inside `text`."""
    with _registry_lock:
        secrets = sorted(_registered, key=len, reverse=True)
    for secret in secrets:
        if secret in text:
            text = text.replace(secret, REDACTED)
    return text


def is_secret_name(name: str, extra: Iterable[str] = ()) -> bool:
    lowered = name.lower()
    return lowered in DEFAULT_SECRET_NAMES or lowered in {e.lower() for e in extra}


def redact_mapping(values: Mapping[str, Any], extra: Iterable[str] = ()) -> dict[str, Any]:
    """A copy of `values` with every secret-named key's value replaced."""
    names = {e.lower() for e in extra}
    return {k: (REDACTED if is_secret_name(k, names) else v) for k, v in values.items()}


def redact_url(url: str, extra: Iterable[str] = ()) -> str:
    """The URL with secret query parameters replaced, safe to log."""
    parts = urlsplit(url)
    if not parts.query:
        return url
    query = redact_mapping(dict(parse_qsl(parts.query, keep_blank_values=True)), extra)
    return urlunsplit(parts._replace(query=urlencode(query, safe="*,")))


class SecretFilter(logging.Filter):
    """A logging filter that scrubs registered secret values from the formatted message and arguments."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = scrub(message)
        if cleaned != message:
            record.msg = cleaned
            record.args = None
        if record.exc_text:
            record.exc_text = scrub(record.exc_text)
        return True


def install_secret_filter(handler: logging.Handler) -> None:
    """Attach a `SecretFilter` to a handler (filters on handlers also see records from child loggers)."""
    if not any(isinstance(f, SecretFilter) for f in handler.filters):
        handler.addFilter(SecretFilter())
