"""Keeping secrets out of logs: redact by parameter name at the source, and by value as a last line of
defence.

Connectors log URLs and payloads while debugging. Two layers keep secrets out of every log line:
`redact_url` / `redact_mapping` blank out known secret parameters before a message is built, and
`SecretFilter` scrubs any registered secret value, or secret-named query parameter, header or JSON field,
that slipped into a formatted record anyway; every `ConnectorError` passes its text through `scrub` too.
The core names only generic secrets; a channel's own names (TikTok's `x-tts-access-token` header) come from
its manifest's `secret_parameters`, registered when its HTTP client is built. The HTTP client puts a
`SecretFilter` on urllib3's loggers, which log every request line with its full query string at DEBUG.
"""

from __future__ import annotations

import logging
import re
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
        "authorization",
        "password",
    }
)

_MIN_SECRET_LENGTH = 6  # shorter values would scrub ordinary words out of log lines

_registry_lock = threading.Lock()
_registered: set[str] = set()
_registered_names: set[str] = set()

# A value ends at the next pair, a quote, whitespace, or a colon ending a phrase ("...&sign=abc: failed").
_QUERY_PAIR = re.compile(r"(?P<lead>[?&;])(?P<name>[^=&;?#\s\"']+)=(?P<value>(?:[^&;#\s\"':]|:(?!\s|$))*)")
# `name: value`, `name=value` or `"name": "value"` outside a query string (an echoed header, a JSON field).
# Only values of secret length count, so "code: is missing" in an ordinary message stays readable.
# The password of a URL's user part (`postgresql://user:PASSWORD@host/db`), wherever a URL appears.
_URL_PASSWORD = re.compile(r"(?P<lead>[A-Za-z][A-Za-z0-9+.\-]*://[^:/@\s\"']*:)(?P<value>[^@\s\"'/]+)(?=@)")
_NAMED_VALUE = re.compile(
    r"(?<![\w\-])(?P<name>[A-Za-z][\w\-]*)(?P<sep>[\"']?\s*[:=]\s*[\"']?)"
    r"(?P<value>(?:Bearer\s+)?[^\s\"',;&}\]]{6,})"
)

THIRD_PARTY_LOGGERS: tuple[str, ...] = (
    "urllib3.connectionpool",
    "urllib3.connection",
    "urllib3.response",
    "urllib3.util.retry",
    "urllib3.poolmanager",
)
"""Loggers of the HTTP stack that write request URLs (urllib3 logs every request line at DEBUG)."""


def register_secret(value: str | None) -> None:
    """Remember a secret value so `SecretFilter` scrubs it wherever it appears in a log record."""
    if value and len(value) >= _MIN_SECRET_LENGTH:
        with _registry_lock:
            _registered.add(value)


def register_secret_names(names: Iterable[str]) -> None:
    """Remember parameter names whose values are secret (a connector's `secret_parameters`)."""
    with _registry_lock:
        _registered_names.update(n.lower() for n in names)


def scrub(text: str) -> str:
    """Replace every registered secret value inside `text`, the value of every secret-named query
    parameter (`?sign=...&access_token=...`) and the password of every URL's user part
    (`postgresql://user:***@host/db`) wherever a URL appears in it."""
    with _registry_lock:
        secrets = sorted(_registered, key=len, reverse=True)
        names = DEFAULT_SECRET_NAMES | _registered_names
    for secret in secrets:
        if secret in text:
            text = text.replace(secret, REDACTED)
    if "://" in text:
        text = _URL_PASSWORD.sub(lambda m: f"{m['lead']}{REDACTED}", text)
    if "=" in text:
        text = _QUERY_PAIR.sub(
            lambda m: f"{m['lead']}{m['name']}={REDACTED}" if m["name"].lower() in names else m[0], text
        )
    if "=" in text or ":" in text:
        text = _NAMED_VALUE.sub(
            lambda m: (
                f"{m['name']}{m['sep']}{REDACTED}"
                if m["name"].lower() in names and m["value"] != REDACTED
                else m[0]
            ),
            text,
        )
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


_TRACEBACKS = logging.Formatter()


class SecretFilter(logging.Filter):
    """A logging filter that scrubs secrets from the formatted message, its traceback and stack."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = scrub(message)
        if cleaned != message:
            record.msg = cleaned
            record.args = None
        if record.exc_info and not record.exc_text:
            # Formatters render the traceback only after filters ran, and reuse exc_text when it is set:
            # render it here so the exception's message is scrubbed too.
            record.exc_text = _TRACEBACKS.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = scrub(record.exc_text)
        if record.stack_info:
            record.stack_info = scrub(record.stack_info)
        return True


def install_secret_filter(handler: logging.Handler) -> None:
    """Attach a `SecretFilter` to a handler (filters on handlers also see records from child loggers)."""
    if not any(isinstance(f, SecretFilter) for f in handler.filters):
        handler.addFilter(SecretFilter())


def protect_loggers(names: Iterable[str] = THIRD_PARTY_LOGGERS) -> None:
    """Attach a `SecretFilter` to loggers we do not write ourselves, so their records are scrubbed before
    any handler (the host's, pytest's) sees them. A logger's filter covers records logged on it only."""
    for name in names:
        logger = logging.getLogger(name)
        if not any(isinstance(f, SecretFilter) for f in logger.filters):
            logger.addFilter(SecretFilter())
