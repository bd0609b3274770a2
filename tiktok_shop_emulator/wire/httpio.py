"""Plain request/response values passed between the HTTP server and the emulator's handlers."""

from __future__ import annotations

from dataclasses import dataclass, field
from email.message import Message
from typing import Any
from urllib.parse import parse_qsl

from tiktok_shop_emulator.wire.envelope import encode


@dataclass
class HttpRequest:
    """One received request. ``query`` holds decoded values (last one wins for a repeated key)."""

    method: str
    path: str
    raw_query: str
    headers: Message
    body: bytes
    client_ip: str
    query: dict[str, str] = field(init=False)

    def __post_init__(self) -> None:
        self.query = dict(parse_qsl(self.raw_query, keep_blank_values=True))

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
