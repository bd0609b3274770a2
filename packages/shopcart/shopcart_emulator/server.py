"""The ShopCart emulator's HTTP side: a standard-library server on loopback speaking ShopCart's REST API.

Strict where a real channel is strict: every admin call needs `Authorization: Bearer <token>` with a token
the world issued and that has not expired (else 401); a `page_info` cursor excludes every other filter
(else 400); pages are linked with `Link: <...page_info=...>; rel="next"`; bodies are JSON.
"""

from __future__ import annotations

import base64
import json
import re
import threading
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from .world import API_VERSION, LOCATIONS, EmulatorConfig, World

API = f"/admin/api/{API_VERSION}"
MAX_LIMIT = 250
_FULFILLMENTS = re.compile(rf"^{API}/orders/(\d+)/fulfillments\.json$")


def _unix(text: str) -> int:
    return int(datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(timezone.utc).timestamp())


def _cursor(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data, separators=(",", ":")).encode()).decode().rstrip("=")


def _uncursor(text: str) -> dict[str, Any]:
    padded = text + "=" * (-len(text) % 4)
    value = json.loads(base64.urlsafe_b64decode(padded.encode()))
    if not isinstance(value, dict):
        raise ValueError("not a cursor")
    return value


class Handler(BaseHTTPRequestHandler):
    world: World
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # quiet: tests read results, not logs
        pass

    # --- plumbing -------------------------------------------------------------------------------------------

    def _send(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(body, separators=(",", ":")).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def _body(self) -> Any:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            return json.loads(raw) if raw else {}
        except ValueError:
            return None

    def _authorized(self) -> bool:
        retry = self.world.take_rate_limit()
        if retry is not None:
            self._send(429, {"errors": "Exceeded call limit"}, {"Retry-After": str(retry)})
            return False
        header = self.headers.get("Authorization", "")
        if not header.startswith("Bearer ") or not self.world.token_ok(header[len("Bearer ") :]):
            self._send(401, {"errors": "[API] Invalid or expired access token"})
            return False
        return True

    # --- routes ---------------------------------------------------------------------------------------------

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        query = dict(parse_qsl(parts.query))
        if parts.path == "/admin/oauth/authorize":
            return self._consent(query)
        if not self._authorized():
            return
        if parts.path == f"{API}/shop.json":
            cfg = self.world.config
            shop = {"id": 61001, "name": "Emulator Outfitters", "domain": cfg.shop_domain, "currency": "EUR"}
            return self._send(200, {"shop": {**shop, "country_code": "NL"}})
        if parts.path == f"{API}/orders.json":
            return self._orders(parts.path, query)
        if parts.path == f"{API}/locations.json":
            return self._send(
                200, {"locations": [{"id": i, "name": n, "active": True} for i, n in LOCATIONS]}
            )
        if parts.path == f"{API}/inventory_items.json":
            wanted = [s for s in query.get("skus", "").split(",") if s]
            items = [
                {"id": self.world.inventory_items[s], "sku": s}
                for s in wanted
                if s in self.world.inventory_items
            ]
            return self._send(200, {"inventory_items": items})
        found = _FULFILLMENTS.match(parts.path)
        if found:
            order = self.world.orders.get(int(found.group(1)))
            if order is None:
                return self._send(404, {"errors": "Not Found"})
            return self._send(200, {"fulfillments": order["fulfillments"]})
        self._send(404, {"errors": "Not Found"})

    def do_POST(self) -> None:
        parts = urlsplit(self.path)
        body = self._body()
        if parts.path == "/admin/oauth/access_token":
            status, answer = self.world.exchange(body if isinstance(body, dict) else {})
            return self._send(status, answer)
        if not self._authorized():
            return
        if not isinstance(body, dict):
            return self._send(400, {"errors": "body is not JSON"})
        if parts.path == f"{API}/inventory_levels/set.json":
            try:
                item, location, available = (
                    int(body["inventory_item_id"]),
                    int(body["location_id"]),
                    int(body["available"]),
                )
            except (KeyError, TypeError, ValueError):
                return self._send(
                    422, {"errors": {"base": ["inventory_item_id, location_id, available required"]}}
                )
            if location not in {i for i, _ in LOCATIONS} or item not in self.world.inventory_items.values():
                return self._send(422, {"errors": {"base": ["unknown inventory item or location"]}})
            return self._send(200, {"inventory_level": self.world.set_level(item, location, available)})
        found = _FULFILLMENTS.match(parts.path)
        if found:
            return self._fulfil(int(found.group(1)), body.get("fulfillment"))
        self._send(404, {"errors": "Not Found"})

    def _consent(self, query: dict[str, str]) -> None:
        if query.get("client_id") != self.world.config.client_id or not query.get("redirect_uri"):
            return self._send(400, {"errors": "unknown client_id or no redirect_uri"})
        params = {
            "code": self.world.authorize(),
            "state": query.get("state", ""),
            "shop": self.world.config.shop_domain,
        }
        self.send_response(302)
        self.send_header("Location", f"{query['redirect_uri']}?{urlencode(params)}")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _orders(self, path: str, query: dict[str, str]) -> None:
        try:
            limit = int(query.get("limit", "50"))
        except ValueError:
            return self._send(400, {"errors": {"limit": ["is not a number"]}})
        if not 1 <= limit <= MAX_LIMIT:
            return self._send(400, {"errors": {"limit": [f"must be between 1 and {MAX_LIMIT}"]}})
        if "ids" in query:
            ids = [int(i) for i in query["ids"].split(",") if i.isdigit()]
            found = [self.world.public(self.world.orders[i]) for i in ids if i in self.world.orders]
            return self._send(200, {"orders": found})
        if "page_info" in query:
            extra = set(query) - {"page_info", "limit"}
            if extra:
                return self._send(
                    400, {"errors": {"page_info": [f"cannot be combined with {sorted(extra)}"]}}
                )
            try:
                cursor = _uncursor(query["page_info"])
                since, until, after = int(cursor["min"]), int(cursor["max"]), tuple(cursor["after"])
            except (ValueError, KeyError, TypeError):
                return self._send(400, {"errors": {"page_info": ["is not valid"]}})
        else:
            try:
                since = _unix(query.get("updated_at_min", "1970-01-01T00:00:00Z"))
                until = _unix(query.get("updated_at_max", "2100-01-01T00:00:00Z"))
            except ValueError:
                return self._send(400, {"errors": {"updated_at_min": ["is not an ISO 8601 time"]}})
            after = (0, 0)
        rows = [o for o in self.world.orders_between(since, until) if (o["_updated"], o["id"]) > after]
        page, more = rows[:limit], len(rows) > limit
        headers = {}
        if more:
            last = page[-1]
            token = _cursor({"min": since, "max": until, "after": [last["_updated"], last["id"]]})
            host = self.headers.get("Host", "127.0.0.1")
            headers["Link"] = (
                f'<http://{host}{path}?{urlencode({"limit": limit, "page_info": token})}>; rel="next"'
            )
        if self.world.stuck_cursor and "page_info" in query:  # the fault: this page links to itself
            host = self.headers.get("Host", "127.0.0.1")
            again = urlencode({"limit": limit, "page_info": query["page_info"]})
            headers["Link"] = f'<http://{host}{path}?{again}>; rel="next"'
        self._send(200, {"orders": [self.world.public(o) for o in page]}, headers)

    def _fulfil(self, order_id: int, fulfillment: Any) -> None:
        order = self.world.orders.get(order_id)
        if order is None:
            return self._send(404, {"errors": "Not Found"})
        if not isinstance(fulfillment, dict) or not fulfillment.get("tracking_number"):
            return self._send(422, {"errors": {"tracking_number": ["can't be blank"]}})
        if order["financial_status"] not in {"paid", "authorized"} or order["cancelled_at"]:
            return self._send(422, {"errors": {"base": ["order cannot be fulfilled"]}})
        open_lines = {line["id"] for line in order["line_items"] if line["fulfillment_status"] != "fulfilled"}
        wanted = [int(i["id"]) for i in fulfillment.get("line_items") or []] or sorted(open_lines)
        if not wanted or not set(wanted) <= open_lines:
            return self._send(422, {"errors": {"line_items": ["already fulfilled or not on the order"]}})
        created = self.world.fulfil(
            order_id,
            str(fulfillment["tracking_number"]),
            str(fulfillment.get("tracking_company") or ""),
            wanted,
        )
        self._send(201, {"fulfillment": created})


class ShopCartEmulator:
    """`with ShopCartEmulator(EmulatorConfig()) as emu:` a server on 127.0.0.1, a free port, until exit."""

    def __init__(self, config: EmulatorConfig | None = None, port: int = 0) -> None:
        self.config = config or EmulatorConfig()
        self.world = World(self.config)
        handler = type("BoundHandler", (Handler,), {"world": self.world})
        self.server = ThreadingHTTPServer(("127.0.0.1", port), handler)
        self.server.daemon_threads = True
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}"

    def __enter__(self) -> ShopCartEmulator:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(timeout=5)
