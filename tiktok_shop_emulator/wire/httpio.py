"""Plain request/response values passed between the HTTP server and the emulator's handlers."""

from __future__ import annotations

from dataclasses import dataclass, field
from email.message import Message
from typing import Any
from urllib.parse import parse_qsl

from tiktok_shop_emulator.wire.envelope import encode


@dataclass
class HttpRequest:
    """One received request. ``pairs`` holds every decoded query pair in order; ``query`` one value per key,
    a key given several times (``ids=a&ids=b``) joined with commas, as TikTok's comma-joined arrays read
    (reference.md#multi-valued-query)."""

    method: str
    path: str
    raw_query: str
    headers: Message
    body: bytes
    client_ip: str
    query: dict[str, str] = field(init=False)
    pairs: list[tuple[str, str]] = field(init=False)

    def __post_init__(self) -> None:
        self.pairs = parse_qsl(self.raw_query, keep_blank_values=True)
        grouped: dict[str, list[str]] = {}
        for key, value in self.pairs:
            grouped.setdefault(key, []).append(value)
        self.query = {key: ",".join(values) for key, values in grouped.items()}

    def header(self, name: str) -> str | None:
        value = self.headers.get(name)
        return None if value is None else str(value)


@dataclass
class HttpResponse:
    """What to send back; ``drop`` means close the connection without answering."""

    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "application/json"
    drop: bool = False


def json_response(status: int, document: Any, headers: dict[str, str] | None = None) -> HttpResponse:
    return HttpResponse(status, encode(document), dict(headers or {}))


def html_response(status: int, html: str) -> HttpResponse:
    return HttpResponse(status, html.encode("utf-8"), {}, "text/html; charset=utf-8")


def redirect(location: str) -> HttpResponse:
    return HttpResponse(302, b"", {"Location": location}, "text/plain")
