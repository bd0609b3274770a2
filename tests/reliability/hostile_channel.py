"""A deliberately broken TikTok Shop stand-in on 127.0.0.1, for the hostile-answer tests.

The token host and the shop list answer like TikTok, so an integration can connect to it; the order search
(and, for the HTTP-level shapes, any path) answers with the broken `shape` the test picks. Standard
library only, one thread per connection, every loop bounded: a trickle stops after `max_seconds`, a huge
body after `huge_bytes`, and a client that hangs up ends its handler at the next write.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

SHAPES = (
    "healthy",
    "trickle",
    "trickle_headers",
    "huge",
    "huge_declared",
    "endless_429",
    "echo",
    "token_newline",
    "token_truncated",
    "html",
    "truncated",
    "code0_nodata",
    "middle_no_token",
    "repeating_token",
    "numeric_ids",
    "unknown_status",
    "duplicate_order",
    "too_many",
)

ACCESS_TOKEN = "ROW_hostile-access-token-0001"
REFRESH_TOKEN = "ROW_hostile-refresh-token-0001"
SHOP_ID = "7494000000000000001"
SHOP_CIPHER = "ROW_hostilecipher0001"
BASE_TIME = 1_764_000_000  # update times of the served orders
MB = 1024 * 1024


def raw_order(number: int, *, status: str = "AWAITING_SHIPMENT", numeric_ids: bool = False) -> dict[str, Any]:
    """A complete TikTok 202309 order object; ids as JSON numbers when `numeric_ids`."""
    order_id = 576_000_000_000_000_000 + number
    line_id = 577_000_000_000_000_000 + number
    return {
        "id": order_id if numeric_ids else str(order_id),
        "status": status,
        "create_time": BASE_TIME + number,
        "update_time": BASE_TIME + number,
        "paid_time": BASE_TIME + number,
        "shipping_type": "TIKTOK",
        "payment": {"currency": "GBP", "sub_total": "10.00", "shipping_fee": "1.00", "total_amount": "11.00"},
        "recipient_address": {
            "name": "Ada Buyer",
            "phone_number": "(+44)7700900123",
            "address_line1": "1 High Street",
            "postal_code": "AB1 2CD",
            "region_code": "GB",
            "district_info": [{"address_level": "L3", "address_name": "London"}],
        },
        "line_items": [
            {
                "id": line_id if numeric_ids else str(line_id),
                "sku_id": "1729000000000000001",
                "seller_sku": "HOSTILE-1",
                "product_id": "1729000000000000000",
                "product_name": "Hostile mug",
                "sale_price": "10.00",
                "currency": "GBP",
            }
        ],
    }


class HostileChannel:
    """`with HostileChannel("repeating_token") as channel: ... channel.url` (API and token host in one)."""

    def __init__(
        self,
        shape: str = "healthy",
        *,
        orders: int = 250,
        page_size: int = 100,
        trickle_interval: float = 0.2,
        max_seconds: float = 30.0,
        huge_bytes: int = 400 * MB,
        answers: dict[str, Any] | None = None,
    ) -> None:
        if shape not in SHAPES:
            raise ValueError(f"unknown shape {shape!r}; one of {', '.join(SHAPES)}")
        self.shape = shape
        self.orders = orders
        self.page_size = page_size
        self.trickle_interval = trickle_interval
        self.max_seconds = max_seconds
        self.huge_bytes = huge_bytes
        self.answers = answers or {}
        """Path suffix -> the `data` of a successful answer, for paths other than the order search."""
        self.departed = 0
        """Orders numbered below this left the window (updated since): no longer listed nor counted."""
        self.seen: list[tuple[str, str]] = []
        self.body_bytes_sent = 0
        self.trickle_ran_out = False
        """A trickle ended on its own (every byte sent, or `max_seconds` up) before the client hung up."""
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def credentials(self) -> dict[str, Any]:
        """The TikTok credential form pointing every host at this server."""
        return {
            "environment": "production",
            "region": "non_us",
            "app_key": "hostileappkey",
            "app_secret": "hostile-app-secret-0001",
            "service_id": "7000",
            "base_url": self.url,
            "auth_base_url": self.url,
            "authorize_url": f"{self.url}/open/authorize",
        }

    def searches(self) -> int:
        with self._lock:
            return sum(1 for _, path in self.seen if path.endswith("/orders/search"))

    def __enter__(self) -> HostileChannel:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    # --- answers --------------------------------------------------------------------------------------

    def _page(self, token: str | None) -> dict[str, Any]:
        """The page a healthy TikTok would serve for `token`, shaped by the broken shape. Tokens are keys
        ("p{first order number of the page}"), so orders leaving the window shift nothing."""
        start = int(token[1:]) if token and token.startswith("p") and token[1:].isdigit() else 0
        alive = [n for n in range(self.orders) if n >= self.departed]
        remaining = [n for n in alive if n >= start]
        numbers = remaining[: self.page_size]
        index = sum(1 for n in alive if n < start) // self.page_size
        orders = [
            raw_order(
                n,
                numeric_ids=self.shape == "numeric_ids",
                status="TELEPORTED" if self.shape == "unknown_status" and n == 0 else "AWAITING_SHIPMENT",
            )
            for n in numbers
        ]
        next_token = f"p{remaining[self.page_size]}" if len(remaining) > self.page_size else ""
        total = len(alive)
        if self.shape == "duplicate_order" and index == 1:
            orders[0] = raw_order(0)  # the first page's first order again, same version
        if self.shape == "middle_no_token" and index == 1:
            next_token = ""
        if self.shape == "repeating_token":
            next_token, total = "again", 10 * self.orders
        if self.shape == "too_many":
            total = self.page_size // 2
        return {"orders": orders, "next_page_token": next_token, "total_count": total}

    def _token_data(self) -> dict[str, Any]:
        now = int(time.time())
        access = ACCESS_TOKEN + ("\n" if self.shape == "token_newline" else "")
        return {
            "access_token": access,
            "access_token_expire_in": now + 7 * 86400,
            "refresh_token": REFRESH_TOKEN,
            "refresh_token_expire_in": now + 365 * 86400,
            "open_id": "hostile-open-id",
            "seller_name": "Hostile seller",
            "seller_base_region": "GB",
            "user_type": 0,
            "granted_scopes": [],
        }

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        channel = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                self._dispatch()

            def do_POST(self) -> None:
                self._dispatch()

            def do_PUT(self) -> None:
                self._dispatch()

            def log_message(self, format: str, *args: object) -> None:
                return

            def _dispatch(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    self.rfile.read(length)
                parts = urlsplit(self.path)
                with channel._lock:
                    channel.seen.append((self.command, parts.path))
                query = dict(parse_qsl(parts.query))
                try:
                    if parts.path.startswith("/api/v2/token/"):
                        answer = {"code": 0, "message": "success", "data": channel._token_data()}
                        if channel.shape == "token_truncated":
                            self._raw(200, json.dumps(answer).encode()[:40], "application/json")
                        else:
                            self._json(200, answer)
                    elif parts.path.endswith("/authorization/202309/shops"):
                        shop = {"id": SHOP_ID, "name": "Hostile shop", "region": "GB", "cipher": SHOP_CIPHER}
                        self._json(200, {"code": 0, "message": "Success", "data": {"shops": [shop]}})
                    elif parts.path.endswith("/orders/search"):
                        self._search(query)
                    elif any(parts.path.endswith(suffix) for suffix in channel.answers):
                        suffix = next(suffix for suffix in channel.answers if parts.path.endswith(suffix))
                        self._json(200, {"code": 0, "message": "Success", "data": channel.answers[suffix]})
                    else:
                        self._json(404, {"code": 36009009, "message": f"no route {parts.path}"})
                except (BrokenPipeError, ConnectionResetError):
                    return  # the client gave up: that is what a bounded client does

            def _search(self, query: dict[str, str]) -> None:
                shape = channel.shape
                if shape == "trickle":
                    self._trickle()
                elif shape == "trickle_headers":
                    self._trickle_headers()
                elif shape in ("huge", "huge_declared"):
                    self._huge(declared=shape == "huge_declared")
                elif shape == "endless_429":
                    body = {"code": 36009002, "message": "Too many requests", "request_id": "rl"}
                    self._json(429, body, {"Retry-After": "1800"})
                elif shape == "echo":
                    echoed = "; ".join(f"{k}: {v}" for k, v in self.headers.items())
                    message = f"bad request {self.command} {self.path} headers {echoed}"
                    self._json(400, {"code": 36009001, "message": message, "request_id": "echo"})
                elif shape == "html":
                    page = b"<html><head><title>502 Bad Gateway</title></head><body>bad gateway</body></html>"
                    self._raw(502, page, "text/html")
                elif shape == "truncated":
                    full = json.dumps({"code": 0, "message": "Success", "data": channel._page(None)})
                    self._raw(200, full[: len(full) // 2].encode(), "application/json")
                elif shape == "code0_nodata":
                    self._json(200, {"code": 0, "message": "Success", "request_id": "nodata"})
                elif (
                    query.get("page_token")
                    and not re.fullmatch(r"p\d+", query["page_token"])
                    and shape != "repeating_token"
                ):
                    # a token this channel never issued (a broken shape's, kept in a cursor): TikTok refuses it
                    self._json(
                        400, {"code": 36009004, "message": "invalid page_token", "request_id": "stale"}
                    )
                else:
                    page = channel._page(query.get("page_token"))
                    self._json(200, {"code": 0, "message": "Success", "request_id": "ok", "data": page})

            def _json(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
                self._raw(status, json.dumps(body).encode(), "application/json", headers)

            def _raw(
                self, status: int, body: bytes, kind: str, headers: dict[str, str] | None = None
            ) -> None:
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

            def _trickle(self) -> None:
                """A valid JSON answer, one byte every `trickle_interval`, for at most `max_seconds`."""
                body = json.dumps({"code": 0, "message": "Success", "data": channel._page(None)}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                stop = time.monotonic() + channel.max_seconds
                for byte in body:
                    if time.monotonic() > stop:
                        break
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                    time.sleep(channel.trickle_interval)
                channel.trickle_ran_out = True
                self.close_connection = True

            def _trickle_headers(self) -> None:
                """The status line and endless headers, one byte every `trickle_interval`, at most `max_seconds`."""
                stop = time.monotonic() + channel.max_seconds
                head = b"HTTP/1.1 200 OK\r\n" + b"".join(b"X-Slow-%d: %d\r\n" % (n, n) for n in range(90))
                for byte in head:
                    if time.monotonic() > stop:
                        break
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                    time.sleep(channel.trickle_interval)
                channel.trickle_ran_out = True
                self.close_connection = True

            def _huge(self, *, declared: bool) -> None:
                """`huge_bytes` of a JSON string, declared up front or close-delimited (no length)."""
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                if declared:
                    self.send_header("Content-Length", str(channel.huge_bytes))
                else:
                    self.send_header("Connection", "close")
                self.end_headers()
                self.close_connection = True
                chunk = b" " * (256 * 1024)
                sent = 0
                stop = time.monotonic() + channel.max_seconds
                while sent < channel.huge_bytes and time.monotonic() < stop:
                    self.wfile.write(chunk)
                    sent += len(chunk)
                    with channel._lock:
                        channel.body_bytes_sent += len(chunk)

        return Handler


@contextmanager
def hostile(shape: str, **options: Any) -> Iterator[HostileChannel]:
    with HostileChannel(shape, **options) as channel:
        yield channel
