"""The fake channel and its connector double, implementing every hook against it.

Deliberately small and honest: it keeps its state in `FakeChannel`, counts every call there, and does only
what the hook spec asks, so the integration tests pin the *core's* behaviour (cursors, ledgers, OAuth
state, token lifecycle, de-duplication) and not a real channel's quirks.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from fake_labels import FakeLabelDesk, FakeLabelHooks
from pydantic import SecretStr

from connector_core import (
    Account,
    Capability,
    ConnectionCheck,
    ConnectorContext,
    Manifest,
    Money,
    Order,
    OrderLine,
    OrderPage,
    OrderProblem,
    OrderStatus,
    OrderWindow,
    ParcelResult,
    ReauthorizationRequired,
    Shipment,
    ShipmentReport,
    StockLevel,
    StockReport,
    StockResult,
    TokenSet,
    WebhookEvent,
    WebhookKind,
    hookimpl,
)
from connector_core.aftersales import (
    CancellationDecision,
    DecisionOutcome,
    Reason,
    ReturnDecision,
    ReturnPage,
)

FAKE_ID = "fake"
FAKE_APP_SECRET = "fake-app-secret-0123"
EMPTY_GROUP = "channel_connectors.tests-none"
"""An entry-point group nothing is installed under: a host on it holds only the connectors a test adds."""

FAKE_CREDENTIALS_SCHEMA: dict[str, Any] = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "type": "object",
    "required": ["app_key", "app_secret"],
    "additionalProperties": False,
    "properties": {
        "app_key": {
            "title": "App Key",
            "description": "The fake console > your app > key.",
            "type": "string",
            "pattern": "^[a-z0-9]+$",
        },
        "app_secret": {
            "title": "App Secret",
            "description": "The fake console > your app > secret.",
            "type": "string",
            "minLength": 8,
            "writeOnly": True,
            "format": "password",
        },
        "region": {
            "title": "Region",
            "description": "Where the shop lives.",
            "type": "string",
            "enum": ["eu", "us"],
            "default": "eu",
        },
        "access_token": {
            "title": "Access Token",
            "description": "Filled in by Connect.",
            "type": "string",
            "writeOnly": True,
            "format": "password",
            "x-oauth-managed": True,
        },
    },
}

FAKE_SETTINGS_SCHEMA: dict[str, Any] = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "import_orders_since": {
            "title": "Order import start date",
            "description": "Where the first import starts.",
            "type": "string",
            "format": "date",
        },
        "stock_sync": {
            "title": "Stock sync",
            "description": "Push stock levels (the core refuses pushes when it is false).",
            "type": "boolean",
            "default": True,
        },
        "push_shipments": {
            "title": "Push shipments",
            "description": "Confirm shipments on the channel.",
            "type": "boolean",
        },
        "status_overrides": {
            "title": "Status overrides",
            "description": "Channel status -> canonical status, before the connector's table.",
            "type": "object",
            "additionalProperties": {"type": "string"},
        },
    },
}

FAKE_STATUS_TABLE = {
    "UNPAID": OrderStatus.AWAITING_PAYMENT,
    "READY": OrderStatus.AWAITING_SHIPMENT,
    "SENT": OrderStatus.SHIPPED,
    "CANCELLED": OrderStatus.CANCELLED,
}


FAKE_SHOP_ID = "shop-1"


@dataclass
class FakeChannel:
    """An in-memory channel: orders, stock, shipments, tokens and a call log."""

    orders: list[dict[str, Any]] = field(default_factory=list)
    page_size: int = 2
    stock: dict[str, int] = field(default_factory=dict)
    shipments: list[dict[str, Any]] = field(default_factory=list)
    calls: Counter[str] = field(default_factory=Counter)
    fetch_resumes: list[str | None] = field(default_factory=list)
    fetch_windows: list[OrderWindow] = field(default_factory=list)
    issued: int = 0
    refresh_revoked: bool = False
    valid_codes: set[str] = field(default_factory=lambda: {"good-code"})
    labels: FakeLabelDesk = field(default_factory=FakeLabelDesk)

    def add_order(self, order_id: str, status: str, updated_at: datetime, quantity: int = 1) -> None:
        self.orders.append(
            {"id": order_id, "status": status, "update_time": updated_at.isoformat(), "quantity": quantity}
        )

    def issue_tokens(self, now: datetime) -> TokenSet:
        self.issued += 1
        return TokenSet(
            access_token=SecretStr(f"access-{self.issued}"),
            access_expires_at=now + timedelta(hours=4),
            refresh_token=SecretStr(f"refresh-{self.issued}"),
            refresh_expires_at=now + timedelta(days=365),
        )

    def sign(self, body: bytes, secret: str = FAKE_APP_SECRET) -> str:
        return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class FakeAfterSalesHooks:
    """After-sales hooks of the double: decisions are recorded and applied, and there are no returns."""

    decisions: list[Any]

    @hookimpl
    def decide_cancellation(self, decision: CancellationDecision) -> DecisionOutcome:
        self.decisions = [*getattr(self, "decisions", []), decision]
        return DecisionOutcome(request_id=decision.request_id, outcome="applied")

    @hookimpl
    def cancel_order(self, order_id: str, line_ids: Sequence[str], reason: str) -> DecisionOutcome:
        return DecisionOutcome(outcome="applied")

    @hookimpl
    def decision_reasons(self, request_id: str) -> list[Reason]:
        return [Reason(name="fake_reason", text="A fake reason")]

    @hookimpl
    def fetch_returns(self, window: OrderWindow, resume: str | None) -> Iterator[ReturnPage]:
        yield ReturnPage(returns=[])

    @hookimpl
    def decide_return(self, decision: ReturnDecision) -> DecisionOutcome:
        return DecisionOutcome(outcome="applied")


class FakeConnector(FakeLabelHooks, FakeAfterSalesHooks):
    """A connector double: every hook of every capability, against a `FakeChannel`."""

    def __init__(self, channel: FakeChannel, schema_dir: Path) -> None:
        self.channel = channel
        self.schema_dir = schema_dir
        self.desk = channel.labels

    @hookimpl
    def connector_manifest(self) -> Manifest:
        return Manifest(
            id=FAKE_ID,
            name="Fake Channel",
            version="1.0.0",
            capabilities=frozenset(Capability),
            credentials_schema=str(self.schema_dir / "credentials.schema.json"),
            settings_schema=str(self.schema_dir / "settings.schema.json"),
            secret_parameters=("sign",),
        )

    # connect
    @hookimpl
    def authorization_url(self, ctx: ConnectorContext, state: str) -> str:
        self.channel.calls["authorization_url"] += 1
        return f"https://fake.example/authorize?app_key={ctx.credentials['app_key']}&state={state}"

    @hookimpl
    def exchange_code(self, ctx: ConnectorContext, code: SecretStr) -> TokenSet:
        self.channel.calls["exchange_code"] += 1
        if code.get_secret_value() not in self.channel.valid_codes:
            raise ValueError("unknown code")
        self.channel.valid_codes.discard(code.get_secret_value())
        return self.channel.issue_tokens(ctx.clock.now())

    @hookimpl
    def refresh_token(self, ctx: ConnectorContext, refresh_token: SecretStr) -> TokenSet:
        self.channel.calls["refresh_token"] += 1
        if self.channel.refresh_revoked:
            raise ReauthorizationRequired(ctx.integration_id or "", "the refresh token was revoked")
        return self.channel.issue_tokens(ctx.clock.now())

    @hookimpl
    def discover_accounts(self) -> list[Account]:
        self.channel.calls["discover_accounts"] += 1
        return [Account(id=FAKE_SHOP_ID, name="Fake Shop", selector="cipher-1")]

    @hookimpl
    def check_connection(self, ctx: ConnectorContext) -> ConnectionCheck:
        self.channel.calls["check_connection"] += 1
        ctx.access_token()
        return ConnectionCheck(ok=True, message="fake channel reachable", accounts=ctx.accounts)

    # orders
    @hookimpl
    def fetch_orders(
        self, ctx: ConnectorContext, window: OrderWindow, resume: str | None
    ) -> Iterator[OrderPage]:
        self.channel.calls["fetch_orders"] += 1
        self.channel.fetch_windows.append(window)
        self.channel.fetch_resumes.append(resume)
        return self._pages(ctx, window, resume)

    def _pages(self, ctx: ConnectorContext, window: OrderWindow, resume: str | None) -> Iterator[OrderPage]:
        inside = sorted(
            (o for o in self.channel.orders if window.since <= _parse(o["update_time"]) < window.until),
            key=lambda o: (o["update_time"], o["id"]),
        )
        start = int(resume or 0)
        while True:
            chunk = inside[start : start + self.channel.page_size]
            start += len(chunk)
            more = start < len(inside)
            orders, problems = [], []
            for raw in chunk:
                try:
                    orders.append(self._order(ctx, raw))
                except ValueError as exc:
                    problems.append(OrderProblem(order_id=raw.get("id"), message=str(exc)))
            yield OrderPage(orders=orders, problems=problems, resume=str(start) if more else None)
            if not more:
                return

    def _order(self, ctx: ConnectorContext, raw: Mapping[str, Any]) -> Order:
        status = ctx.map_status(raw["status"], raw) or OrderStatus.ON_HOLD
        updated = _parse(raw["update_time"])
        price = Money(amount="9.99", currency="EUR")
        return Order(
            id=raw["id"],
            status=status,
            channel_status=raw["status"],
            created_at=updated,
            updated_at=updated,
            currency="EUR",
            subtotal=price,
            shipping=Money(amount="0", currency="EUR"),
            total=price,
            ship_to={"name": "A Buyer", "country_code": "DE"},
            lines=[OrderLine(sku="SKU-1", title="Thing", quantity=raw.get("quantity", 1), unit_price=price)],
            shipping_by="seller",
        )

    @hookimpl
    def get_orders(self, ctx: ConnectorContext, order_ids: Sequence[str]) -> OrderPage:
        self.channel.calls["get_orders"] += 1
        known = {o["id"]: o for o in self.channel.orders}
        return OrderPage(
            orders=[self._order(ctx, known[i]) for i in order_ids if i in known],
            problems=[OrderProblem(order_id=i, message="not found") for i in order_ids if i not in known],
        )

    @hookimpl
    def map_order_status(self, channel_status: str) -> OrderStatus | None:
        return FAKE_STATUS_TABLE.get(channel_status)

    # stock
    @hookimpl
    def push_stock(self, levels: Sequence[StockLevel]) -> StockReport:
        self.channel.calls["push_stock"] += 1
        results = []
        for level in levels:
            if level.sku not in self.channel.stock:
                results.append(StockResult(sku=level.sku, warehouse=level.warehouse, outcome="unknown_sku"))
                continue
            self.channel.stock[level.sku] = level.quantity
            results.append(
                StockResult(
                    sku=level.sku, warehouse=level.warehouse, outcome="updated", quantity=level.quantity
                )
            )
        return StockReport(results=results, calls=1)

    # shipments
    @hookimpl
    def confirm_shipment(self, shipment: Shipment) -> ShipmentReport:
        self.channel.calls["confirm_shipment"] += 1
        results = []
        for number, parcel in enumerate(shipment.parcels, start=len(self.channel.shipments) + 1):
            self.channel.shipments.append({"order_id": shipment.order_id, "tracking": parcel.tracking_number})
            results.append(
                ParcelResult(
                    tracking_number=parcel.tracking_number,
                    carrier=parcel.carrier,
                    outcome="confirmed",
                    package_id=f"pkg-{number}",
                )
            )
        return ShipmentReport(order_id=shipment.order_id, parcels=results, calls=len(results))

    # webhooks
    @hookimpl
    def verify_webhook(self, ctx: ConnectorContext, headers: Mapping[str, str], body: bytes) -> bool:
        secret = ctx.credentials.secret("app_secret") or ""
        expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
        return hmac.compare_digest(expected, headers.get("x-signature") or headers.get("authorization") or "")

    @hookimpl
    def parse_webhook(self, body: bytes) -> list[WebhookEvent]:
        data = json.loads(body)
        kinds = {
            "ORDER": WebhookKind.ORDER_STATUS_CHANGED,
            "DEAUTH": WebhookKind.DEAUTHORIZED,
            "EXPIRING": WebhookKind.AUTHORIZATION_EXPIRING,
        }
        return [
            WebhookEvent(
                id=data["id"],
                kind=kinds.get(data["type"], WebhookKind.OTHER),
                channel_type=data["type"],
                order_id=data.get("order_id"),
                account_id=data.get("shop", FAKE_SHOP_ID),
                occurred_at=data.get("at"),
                reauthorize_by=data.get("reauthorize_by"),
            )
        ]


def _parse(value: str) -> datetime:
    return datetime.fromisoformat(value)


GOOD_CREDENTIALS = {"app_key": "demo1", "app_secret": FAKE_APP_SECRET, "region": "eu"}
