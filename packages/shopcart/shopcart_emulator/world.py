"""The ShopCart emulator's world: one shop, its orders, inventory and tokens, built from a seed.

Everything is derived from `EmulatorConfig` (seed, order count, start time), so two emulators with the same
config answer byte for byte the same: what makes recorded cassettes reproducible. The clock is stopped at
`start_time` unless advanced. This package imports nothing of the framework's (it plays the channel).
"""

from __future__ import annotations

import random
import secrets
import threading
from dataclasses import dataclass, field
from typing import Any

API_VERSION = "2026-01"
CLIENT_ID = "shopcart-emulator-client"
CLIENT_SECRET = "shopcart-emulator-secret-0123456789"
ACCESS_TTL = 3600
REFRESH_TTL = 90 * 86400
SKUS = ("MUG-WHITE", "MUG-BLACK", "TEE-S", "TEE-M", "TEE-L", "CAP-RED")
LOCATIONS = ((71001, "Main warehouse"), (71002, "Shop floor"))
# (financial_status, fulfillment_status) pairs the world holds; None is ShopCart's "unfulfilled".
STATUS_PAIRS = (
    ("paid", None),
    ("paid", None),
    ("paid", "partial"),
    ("paid", "fulfilled"),
    ("pending", None),
    ("authorized", None),
    ("refunded", None),
    ("voided", None),
)


@dataclass
class EmulatorConfig:
    seed: int = 7
    orders: int = 80
    start_time: int = 1767225600  # 2026-01-01T00:00:00Z
    client_id: str = CLIENT_ID
    client_secret: str = CLIENT_SECRET
    shop_domain: str = "emulator-outfitters.shopcart.invalid"


@dataclass
class Tokens:
    access: dict[str, int] = field(default_factory=dict)  # token -> expiry (unix)
    refresh: dict[str, int] = field(default_factory=dict)
    codes: set[str] = field(default_factory=set)


def _iso(unix: int) -> str:
    from datetime import datetime, timezone

    return datetime.fromtimestamp(unix, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class World:
    """State behind the HTTP server; every method is thread-safe through one lock."""

    def __init__(self, config: EmulatorConfig) -> None:
        self.config = config
        self.lock = threading.Lock()
        self.offset = 0
        self.tokens = Tokens()
        self.rate_limited = 0
        self.stuck_cursor = False
        """A fault: every page after the first links to itself again (a cursor that does not advance)."""
        self.retry_after = 1
        self._serial = 0
        rng = random.Random(config.seed)
        self.inventory_items = {sku: 40001 + i for i, sku in enumerate(SKUS)}
        self.levels: dict[tuple[int, int], int] = {
            (item, loc): rng.randint(0, 50) for item in self.inventory_items.values() for loc, _ in LOCATIONS
        }
        self.orders: dict[int, dict[str, Any]] = {}
        span = 30 * 86400
        for n in range(config.orders):
            order_id = 5100001 + n
            financial, fulfillment = STATUS_PAIRS[n % len(STATUS_PAIRS)]
            created = config.start_time - span + rng.randint(0, span - 7200)
            updated = min(created + rng.randint(0, 3600), config.start_time - 1)
            lines: list[dict[str, Any]] = []
            for k in range(1 + n % 2):
                sku = SKUS[rng.randrange(len(SKUS))]
                lines.append(
                    {
                        "id": order_id * 10 + k,
                        "sku": sku,
                        "title": sku.replace("-", " ").title(),
                        "quantity": 1 + rng.randrange(3),
                        "price": f"{rng.randint(5, 40)}.00",
                        "fulfillment_status": "fulfilled" if fulfillment == "fulfilled" else None,
                    }
                )
            if fulfillment == "partial":
                lines[0]["fulfillment_status"] = "fulfilled"
            total = sum(int(float(line["price"])) * line["quantity"] for line in lines) + 5
            self.orders[order_id] = {
                "id": order_id,
                "name": f"#{1000 + n}",
                "created_at": _iso(created),
                "updated_at": _iso(updated),
                "financial_status": financial,
                "fulfillment_status": fulfillment,
                "cancelled_at": _iso(updated) if financial == "voided" else None,
                "currency": "EUR",
                "subtotal_price": f"{total - 5}.00",
                "total_shipping_price": "5.00",
                "total_price": f"{total}.00",
                "shipping_address": {
                    "name": f"Buyer {n}",
                    "address1": f"{n + 1} Invented Street",
                    "city": "Utrecht",
                    "zip": "3511 AA",
                    "country_code": "NL",
                },
                "line_items": lines,
                "fulfillments": [],
                "_updated": updated,
            }

    # --- clock and tokens -----------------------------------------------------------------------------------

    def now(self) -> int:
        return self.config.start_time + self.offset

    def _token(self, prefix: str) -> str:
        return f"{prefix}_{secrets.token_hex(16)}"

    def authorize(self) -> str:
        """The seller approved the app on the consent page: a one-time code."""
        with self.lock:
            code = self._token("scc")
            self.tokens.codes.add(code)
            return code

    def issue_tokens(self) -> dict[str, Any]:
        with self.lock:
            return self._issue()

    def _issue(self) -> dict[str, Any]:
        access, refresh = self._token("scat"), self._token("scrt")
        self.tokens.access[access] = self.now() + ACCESS_TTL
        self.tokens.refresh[refresh] = self.now() + REFRESH_TTL
        return {
            "access_token": access,
            "expires_in": ACCESS_TTL,
            "refresh_token": refresh,
            "refresh_token_expires_in": REFRESH_TTL,
            "scope": "read_orders,write_fulfillments,write_inventory",
        }

    def exchange(self, grant: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        with self.lock:
            if grant.get("client_id") != self.config.client_id or grant.get("client_secret") != (
                self.config.client_secret
            ):
                return 401, {"error": "invalid_client", "error_description": "unknown client or secret"}
            if grant.get("grant_type") == "refresh_token":
                refresh = str(grant.get("refresh_token"))
                if self.tokens.refresh.get(refresh, 0) <= self.now():
                    return 400, {"error": "invalid_grant", "error_description": "refresh token not valid"}
                del self.tokens.refresh[refresh]  # rotated: a refresh token works once
                return 200, self._issue()
            code = str(grant.get("code"))
            if code not in self.tokens.codes:
                return 400, {"error": "invalid_grant", "error_description": "authorization code not valid"}
            self.tokens.codes.discard(code)
            return 200, self._issue()

    def token_ok(self, token: str) -> bool:
        with self.lock:
            return self.tokens.access.get(token, 0) > self.now()

    def expire_access_tokens(self) -> None:
        with self.lock:
            self.tokens.access = dict.fromkeys(self.tokens.access, 0)

    def revoke(self) -> None:
        """The seller uninstalled the app: every token stops working."""
        with self.lock:
            self.tokens.access.clear()
            self.tokens.refresh.clear()

    def rate_limit(self, calls: int, retry_after: int = 1) -> None:
        with self.lock:
            self.rate_limited, self.retry_after = calls, retry_after

    def take_rate_limit(self) -> int | None:
        with self.lock:
            if self.rate_limited <= 0:
                return None
            self.rate_limited -= 1
            return self.retry_after

    # --- data -----------------------------------------------------------------------------------------------

    def public(self, order: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in order.items() if not k.startswith("_")}

    def orders_between(self, since: int, until: int) -> list[dict[str, Any]]:
        with self.lock:
            found = [o for o in self.orders.values() if since <= o["_updated"] < until]
            return sorted(found, key=lambda o: (o["_updated"], o["id"]))

    def order_ids(self, financial: str, fulfillment: str | None) -> list[int]:
        return sorted(
            o["id"]
            for o in self.orders.values()
            if o["financial_status"] == financial and o["fulfillment_status"] == fulfillment
        )

    def set_level(self, item: int, location: int, available: int) -> dict[str, Any]:
        with self.lock:
            self.levels[(item, location)] = available
            return {"inventory_item_id": item, "location_id": location, "available": available}

    def fulfil(self, order_id: int, tracking: str, company: str, line_ids: list[int]) -> dict[str, Any]:
        with self.lock:
            order = self.orders[order_id]
            self._serial += 1
            fulfillment = {
                "id": 9100000 + self._serial,
                "status": "success",
                "tracking_number": tracking,
                "tracking_company": company,
                "line_items": [{"id": i} for i in line_ids],
                "created_at": _iso(self.now()),
            }
            order["fulfillments"].append(fulfillment)
            for line in order["line_items"]:
                if line["id"] in line_ids:
                    line["fulfillment_status"] = "fulfilled"
            done = [line["fulfillment_status"] == "fulfilled" for line in order["line_items"]]
            order["fulfillment_status"] = "fulfilled" if all(done) else "partial"
            order["_updated"] = self.now()
            order["updated_at"] = _iso(self.now())
            return fulfillment
