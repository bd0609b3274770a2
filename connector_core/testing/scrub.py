"""What a cassette may keep: every secret on the wire replaced before anything is written.

Three layers, from the connector's manifest (`Manifest.secret_parameters`, the wire names):

1. Requests (`Scrubber.request`, vcrpy's ``before_record_request``): each secret query parameter, header and
   JSON/form body field becomes a readable placeholder, ``<sign>``, ``<app_secret>``, ``<x-tts-access-token>``.
   vcrpy runs this on the live request before matching too, so a replay matches on everything *but*
   those values. The host is rewritten to a stable alias (an emulator's port changes every run), and
   headers that only say which library sent the request are dropped.
2. Responses (`Scrubber.response`, ``before_record_response``): token values in JSON bodies become fixed
   fakes that still parse (``fake_access_token_1``, numbered in the order they first appear, so the same
   token is the same fake everywhere in the cassette), volatile values (request ids) become stable
   ones, and volatile headers (Date, Server) are dropped.
3. A last sweep (`Scrubber.sweep`, ``before_save_interaction``): any value the session knows to be secret
   (the app secret, the issued tokens and codes) still found anywhere is replaced and reported; the
   cassette lint then proves nothing is left.

All three are idempotent: vcrpy also runs (1) and (2) on the interactions it loads for replay.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from ..models import Manifest

DEFAULT_VOLATILE_HEADERS = ("Date", "Server")
DEFAULT_DROPPED_REQUEST_HEADERS = ("User-Agent", "Accept-Encoding", "Connection")
DEFAULT_VOLATILE_PARAMETERS = ("timestamp", "nonce")
"""Filtered (they change on every call) but not secret: their values are not collected for the lint."""
FAKE_PREFIX = "fake_"
QUERY_SAFE = "<>,:"  # keep placeholders and comma lists readable in recorded URLs


def placeholder(name: str) -> str:
    """The readable stand-in for a secret parameter's value: ``<sign>``."""
    return f"<{name}>"


def is_placeholder(value: object) -> bool:
    return isinstance(value, str) and value.startswith("<") and value.endswith(">")


def looks_like_token_field(name: str) -> bool:
    """Secret wire names whose *values* are credentials wherever they appear (tokens, secrets, codes)."""
    lowered = name.lower()
    return "token" in lowered or "secret" in lowered or lowered.endswith("_code")


@dataclass(frozen=True)
class ScrubPolicy:
    """What to hide, for one connector."""

    secret_parameters: tuple[str, ...]
    """Query parameters, headers and request-body fields replaced by ``<name>`` placeholders."""
    response_secret_fields: tuple[str, ...]
    """JSON fields of response bodies whose string values become numbered fakes."""
    volatile_response_fields: tuple[str, ...] = ()
    """JSON fields of response bodies that change on every call (request ids): made stable."""
    volatile_headers: tuple[str, ...] = DEFAULT_VOLATILE_HEADERS
    """Response headers dropped (dates, server versions, log ids)."""
    dropped_request_headers: tuple[str, ...] = DEFAULT_DROPPED_REQUEST_HEADERS
    """Request headers dropped (they name the HTTP library, not anything the connector chose)."""
    volatile_parameters: tuple[str, ...] = DEFAULT_VOLATILE_PARAMETERS
    """Secret parameters that are only volatile (a timestamp): replaced, but not collected as secrets."""

    @classmethod
    def from_manifest(
        cls,
        manifest: Manifest,
        *,
        response_secret_fields: Iterable[str] = (),
        volatile_response_fields: Iterable[str] = (),
        volatile_headers: Iterable[str] = (),
    ) -> ScrubPolicy:
        """The manifest's secret wire names, plus a connector's extra response fields and volatile values."""
        secret = tuple(dict.fromkeys(manifest.secret_parameters))
        tokens = [p for p in secret if looks_like_token_field(p)]
        return cls(
            secret_parameters=secret,
            response_secret_fields=tuple(dict.fromkeys([*tokens, *response_secret_fields])),
            volatile_response_fields=tuple(volatile_response_fields),
            volatile_headers=tuple(dict.fromkeys([*DEFAULT_VOLATILE_HEADERS, *volatile_headers])),
        )

    def is_secret(self, name: str) -> bool:
        return name.lower() in {p.lower() for p in self.secret_parameters}


@dataclass
class SecretBook:
    """The secret values a test session has seen (app secrets, tokens, codes), each with a label.

    Filled while recording; the sweep replaces them and the cassette lint searches for them.
    """

    values: dict[str, str] = field(default_factory=dict)
    swept: list[str] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    MIN_LENGTH = 6

    def add(self, value: object, label: str) -> None:
        if not isinstance(value, str) or len(value) < self.MIN_LENGTH or is_placeholder(value):
            return
        if value.startswith(FAKE_PREFIX):
            return
        with self._lock:
            self.values.setdefault(value, label)

    def update(self, values: Mapping[str, str]) -> None:
        for value, label in values.items():
            self.add(value, label)

    def items(self) -> list[tuple[str, str]]:
        with self._lock:
            # Longest first, so a secret that contains another is replaced whole.
            return sorted(self.values.items(), key=lambda item: -len(item[0]))


LINK_HEADERS = frozenset({"link", "location", "content-location"})
"""Response headers holding URLs on the channel's host (cursor pagination, redirects): hosts aliased."""


class Scrubber:
    """The filters for one cassette. Stateful: fakes are numbered per cassette, in order of appearance."""

    def __init__(
        self,
        policy: ScrubPolicy,
        *,
        host_aliases: Mapping[str, str] | None = None,
        secrets: SecretBook | None = None,
        cassette: str = "",
    ) -> None:
        self.policy = policy
        self.host_aliases = {_origin(k): _origin(v) for k, v in (host_aliases or {}).items()}
        self.secrets = secrets
        self.cassette = cassette
        self._secret_names = {p.lower() for p in policy.secret_parameters}
        self._volatile_names = {p.lower() for p in policy.volatile_parameters}
        self._fakes: dict[str, str] = {}
        self._fake_counts: dict[str, int] = {}
        self._volatile: dict[str, str] = {}
        self._volatile_counts: dict[str, int] = {}
        self._lock = threading.Lock()

    # --- requests ---------------------------------------------------------------------------------------

    def request(self, request: Any) -> Any:
        """vcrpy ``before_record_request``: alias the host, replace secret parameters, drop library headers."""
        request.uri = self._uri(str(request.uri))
        dropped = {h.lower() for h in self.policy.dropped_request_headers}
        headers = {}
        for name, value in request.headers.items():
            if name.lower() in dropped:
                continue
            secret = name.lower() in self._secret_names
            if secret and self.secrets is not None:
                self.secrets.add(_text(value), f"header {name}")
            headers[name] = placeholder(name.lower()) if secret else value
        request.headers = headers
        body = request.body
        if isinstance(body, (bytes, str)) and body:
            request.body = self._request_body(body, _content_type(request.headers))
        return request

    def _alias_host(self, uri: str) -> str:
        for real, alias in self.host_aliases.items():
            if uri == real or uri.startswith(real + "/") or uri.startswith(real + "?"):
                return alias + uri[len(real) :]
        return uri

    def _uri(self, uri: str) -> str:
        for real, alias in self.host_aliases.items():
            if uri == real or uri.startswith(real + "/") or uri.startswith(real + "?"):
                uri = alias + uri[len(real) :]
                break
        parts = urlsplit(uri)
        if not parts.query:
            return uri
        pairs = parse_qsl(parts.query, keep_blank_values=True)
        clean = []
        for name, value in pairs:
            if name.lower() in self._secret_names:
                if self.secrets is not None and name.lower() not in self._volatile_names:
                    self.secrets.add(value, f"query parameter {name}")
                value = placeholder(name)
            clean.append((name, value))
        query = urlencode(clean, safe=QUERY_SAFE)
        return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))

    def _request_body(self, body: bytes | str, content_type: str) -> bytes | str:
        raw = body.encode("utf-8") if isinstance(body, str) else body
        if "json" in content_type:
            try:
                document = json.loads(raw)
            except ValueError:
                return body
            cleaned = self._hide_fields(document)
            if cleaned == document:
                return body
            return _compact(cleaned)
        if "x-www-form-urlencoded" in content_type:
            try:
                pairs = parse_qsl(raw.decode("utf-8"), keep_blank_values=True)
            except UnicodeDecodeError:
                return body
            if not any(name.lower() in self._secret_names for name, _ in pairs):
                return body
            clean = []
            for name, value in pairs:
                if name.lower() in self._secret_names:
                    if self.secrets is not None:
                        self.secrets.add(value, f"form field {name}")
                    value = placeholder(name)
                clean.append((name, value))
            return urlencode(clean, safe=QUERY_SAFE).encode("utf-8")
        return body

    def _hide_fields(self, node: Any) -> Any:
        if isinstance(node, dict):
            out = {}
            for key, value in node.items():
                if str(key).lower() in self._secret_names and not isinstance(value, (dict, list)):
                    if self.secrets is not None:
                        self.secrets.add(value, f"request field {key}")
                    out[key] = value if is_placeholder(value) else placeholder(str(key))
                else:
                    out[key] = self._hide_fields(value)
            return out
        if isinstance(node, list):
            return [self._hide_fields(item) for item in node]
        return node

    # --- responses --------------------------------------------------------------------------------------

    def response(self, response: dict[str, Any]) -> dict[str, Any]:
        """vcrpy ``before_record_response``: fake tokens, stabilise volatile values, drop volatile headers.

        Returns the response (vcrpy records nothing when this returns None).
        """
        volatile = {h.lower() for h in self.policy.volatile_headers}
        headers = {k: v for k, v in (response.get("headers") or {}).items() if k.lower() not in volatile}
        for name in list(headers):
            if name.lower() in LINK_HEADERS:  # a REST channel's next-page link or redirect names its own host
                values = headers[name] if isinstance(headers[name], list) else [headers[name]]
                headers[name] = [self._alias_links(str(v)) for v in values]
        response["headers"] = headers
        body = response.get("body") or {}
        raw = body.get("string")
        if isinstance(raw, (bytes, str)) and raw and "json" in _content_type(headers):
            text = raw.encode("utf-8") if isinstance(raw, str) else raw
            try:
                document = json.loads(text)
            except ValueError:
                return response
            cleaned = self._fake_fields(document)
            if cleaned != document:
                new = _compact(cleaned)
                body["string"] = new if isinstance(raw, bytes) else new.decode("utf-8")
                for name in list(headers):
                    if name.lower() == "content-length":
                        headers[name] = [str(len(new))]
        return response

    def _alias_links(self, value: str) -> str:
        for real, alias in self.host_aliases.items():
            value = value.replace(real + "/", alias + "/").replace(real + "?", alias + "?")
        return value

    def _fake_fields(self, node: Any) -> Any:
        if isinstance(node, dict):
            out = {}
            for key, value in node.items():
                name = str(key)
                if isinstance(value, str) and name in self.policy.response_secret_fields:
                    out[key] = self.fake(name, value)
                elif isinstance(value, str) and name in self.policy.volatile_response_fields:
                    out[key] = self._stable(name, value)
                elif isinstance(value, str) and "://" in value:
                    out[key] = self._alias_host(value)  # a link the channel hands out (a document) follows it
                else:
                    out[key] = self._fake_fields(value)
            return out
        if isinstance(node, list):
            return [self._fake_fields(item) for item in node]
        return node

    def fake(self, field_name: str, value: str) -> str:
        """The fake standing for `value`: the same value always gets the same fake in this cassette."""
        if not value or value.startswith(FAKE_PREFIX) or is_placeholder(value):
            return value
        with self._lock:
            known = self._fakes.get(value)
            if known is None:
                count = self._fake_counts.get(field_name, 0) + 1
                self._fake_counts[field_name] = count
                known = f"{FAKE_PREFIX}{field_name}_{count}"
                self._fakes[value] = known
        if self.secrets is not None:
            self.secrets.add(value, f"response field {field_name}")
        return known

    def _stable(self, field_name: str, value: str) -> str:
        if re.fullmatch(re.escape(field_name) + r"-\d+", value):
            return value
        with self._lock:
            known = self._volatile.get(value)
            if known is None:
                count = self._volatile_counts.get(field_name, 0) + 1
                self._volatile_counts[field_name] = count
                known = f"{field_name}-{count}"
                self._volatile[value] = known
        return known

    # --- last sweep -------------------------------------------------------------------------------------

    def sweep(self, request: Any, response: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
        """vcrpy ``before_save_interaction``: replace any known secret value still present, and say so."""
        if self.secrets is None:
            return request, response
        from vcr.filters import replace_text

        data = request._to_dict()
        for value, label in self.secrets.items():
            needle = value
            replacement = placeholder("secret")
            if _contains(data, needle) or _contains(response, needle):
                self.secrets.swept.append(f"{self.cassette}: a {label} value survived the filters")
                data = replace_text(data, needle, replacement)
                response = replace_text(response, needle, replacement)
        return type(request)._from_dict(data), response

    def vcr_options(self) -> dict[str, Any]:
        """The vcrpy options that wire these filters in (merged into a cassette's configuration)."""
        return {
            "before_record_request": [self.request],
            "before_record_response": [self.response],
            "before_save_interaction": [self.sweep],
            "decode_compressed_response": True,
        }


def _origin(url: str) -> str:
    parts = urlsplit(url.rstrip("/"))
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else url.rstrip("/")


def _content_type(headers: Mapping[str, Any]) -> str:
    for name, value in headers.items():
        if name.lower() == "content-type":
            return _text(value).lower()
    return ""


def _text(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        value = value[0] if value else ""
    if isinstance(value, bytes):
        return value.decode("latin-1")
    return str(value)


def _compact(document: Any) -> bytes:
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def _contains(node: Any, needle: str) -> bool:
    if isinstance(node, str):
        return needle in node
    if isinstance(node, (bytes, bytearray)):
        return needle.encode("utf-8") in node
    if isinstance(node, dict):
        return any(_contains(k, needle) or _contains(v, needle) for k, v in node.items())
    if isinstance(node, (list, tuple)):
        return any(_contains(item, needle) for item in node)
    return False
