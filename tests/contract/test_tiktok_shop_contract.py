"""The TikTok Shop connector's contract suite: the kit's `ConnectorContract`, plus what only TikTok knows.

Replay (the default) needs nothing but the cassettes in cassettes/tiktok_shop/. Recording:

    pytest tests/contract --channel-record-mode=rewrite                         # against the local emulator
    pytest tests/contract --channel-record-mode=rewrite --channel-target=live   # against TikTok (env below)

Recording against the emulator pins its world (seed, order count, start time) and stops its clock, so a
re-recording differs from the committed cassettes only where the data did. The live target reads the
environment variables documented in docs/contract-testing.md (`LIVE_ENV`).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import parse_qsl, urlsplit

import pytest
from pydantic import SecretStr

from connector_core import (
    Account,
    Integration,
    OrderIntercepted,
    OrderWindow,
    Shipment,
    ShipmentParcel,
    StockLevel,
    TokenSet,
)
from connector_core.testing import ConnectorContract
from connectors.tiktok_shop.devtools import emulator_form
from connectors.tiktok_shop.statuses import DEFAULT_STATUS_MAP
from tiktok_shop_emulator import EmulatorConfig, TikTokShopEmulator
from tiktok_shop_emulator.config import DEFAULT_APP_KEY, DEFAULT_APP_SECRET

REPO = Path(__file__).resolve().parents[2]
CASSETTES = REPO / "cassettes" / "tiktok_shop"

# The recorded world: 315 orders over 30 days -> 105 in the GB shop -> two pages of the order search.
START_TIME = 1767225600  # 2026-01-01T00:00:00Z: the emulator's clock, stopped, and the connector's
SEED = 7
ORDERS = 315
SHOP_REGION = "GB"
CARRIER = "Royal Mail"
TRACKING_NUMBER = "RM100000001GB"
STOCK_QUANTITIES = (7, 11, 13)

# Stable names for the emulator's two loopback hosts (their ports change every run); `.invalid` never
# resolves, so a replay that escaped the cassette could not reach anything either.
API_ALIAS = "http://open-api.tiktok-emulator.invalid"
AUTH_ALIAS = "http://auth.tiktok-emulator.invalid"

LIVE_ENV = {
    "TIKTOK_SHOP_APP_KEY": "App Key of your Partner Center app (required)",
    "TIKTOK_SHOP_APP_SECRET": "App Secret (required)",
    "TIKTOK_SHOP_ACCESS_TOKEN": "a valid access token of a test seller (required)",
    "TIKTOK_SHOP_REFRESH_TOKEN": "its refresh token (required)",
    "TIKTOK_SHOP_ACCESS_TOKEN_EXPIRES_AT": "Unix seconds (optional; default: one hour from now)",
    "TIKTOK_SHOP_REFRESH_TOKEN_EXPIRES_AT": "Unix seconds (optional; default: 30 days from now)",
    "TIKTOK_SHOP_SHOP_CIPHER": "cipher of the shop to use (optional; default: the first authorized shop)",
    "TIKTOK_SHOP_SERVICE_ID": "Service ID for the consent page (optional)",
    "TIKTOK_SHOP_REGION": "non_us (default) or us",
    "TIKTOK_SHOP_BASE_URL": "Open API host override (optional; for a proxy or a stand-in)",
    "TIKTOK_SHOP_AUTH_BASE_URL": "token host override (optional)",
    "TIKTOK_SHOP_AUTH_CODE": "a fresh auth code, for test_connect (optional; skipped without it)",
    "TIKTOK_SHOP_ORDERS_SINCE": "ISO date the order import starts at (optional; default 30 days ago)",
    "TIKTOK_SHOP_STOCK_SKU": "a seller SKU whose stock the suite may set (optional; a real write)",
    "TIKTOK_SHOP_STOCK_QUANTITY": "the quantity to set it to (required with TIKTOK_SHOP_STOCK_SKU)",
    "TIKTOK_SHOP_SHIP_ORDER_ID": "a Seller Shipping order awaiting shipment (optional; a real write)",
    "TIKTOK_SHOP_CARRIER": "a carrier TikTok offers for that order (required with the order id)",
    "TIKTOK_SHOP_TRACKING_NUMBER": "its tracking number (required with the order id)",
    "TIKTOK_SHOP_WEBHOOK_ORDER_ID": "an order id for the webhook test (optional; default: the ship order)",
}


def emulator_config(**overrides: Any) -> EmulatorConfig:
    """The recorded world. Change nothing here without re-recording (docs/contract-testing.md)."""
    settings: dict[str, Any] = {
        "orders": ORDERS,
        "seed": SEED,
        "start_time": START_TIME,
        "webhook_retry_delays": (0.05,),
    }
    settings.update(overrides)
    return EmulatorConfig(**settings)


def stop_clock(emu: TikTokShopEmulator) -> None:
    """Stop the emulator's clock at its start (it otherwise runs with real time), keeping `advance()`.

    With it stopped, every time the emulator writes (token expiries, ship times, request-id stamps) is the
    same on every recording.
    """
    clock = emu.clock
    start = float(clock.start)
    clock.time = lambda: start + clock._offset  # type: ignore[method-assign]


def tiktok_webhook_signature(app_key: str, app_secret: str, body: bytes) -> str:
    """reference.md#webhook-signature, written again for the test: hex HMAC-SHA256(app_secret, app_key + raw body)."""
    return hmac.new(app_secret.encode(), app_key.encode() + body, hashlib.sha256).hexdigest()


def _query(url: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(url).query))


@dataclass(frozen=True)
class LiveTikTok:
    """The real TikTok Shop, reached with credentials from the environment."""

    env: Mapping[str, str]

    @classmethod
    def from_environment(cls) -> LiveTikTok:
        required = [
            "TIKTOK_SHOP_APP_KEY",
            "TIKTOK_SHOP_APP_SECRET",
            "TIKTOK_SHOP_ACCESS_TOKEN",
            "TIKTOK_SHOP_REFRESH_TOKEN",
        ]
        missing = [name for name in required if not os.environ.get(name)]
        if missing:
            pytest.skip(f"--channel-target=live needs {', '.join(missing)} in the environment")
        return cls({k: v for k, v in os.environ.items() if k.startswith("TIKTOK_SHOP_")})

    def get(self, name: str, what: str) -> str:
        value = self.env.get(name)
        if not value:
            pytest.skip(f"recording {what} live needs {name} ({LIVE_ENV.get(name, '')})")
        return value


class TestTikTokShopContract(ConnectorContract):
    connector_id = "tiktok_shop"
    cassette_dir = CASSETTES
    settings: ClassVar[Mapping[str, Any]] = {"stock_sync": True, "import_unpaid_orders": True}
    expected_channel_statuses = frozenset(DEFAULT_STATUS_MAP)
    unknown_order_id = "576999999999999999"
    response_secret_fields = ("cipher",)  # the shop cipher addresses a shop on every call: kept out too
    volatile_response_fields = ("request_id",)
    volatile_headers = ("X-Tt-Logid",)
    token_patterns: ClassVar[Mapping[str, str]] = {
        "a TikTok token, auth code or shop cipher (ROW_/TTP_ prefix)": r"\b(?:ROW|TTP)_[A-Za-z0-9_-]{24,}",
    }
    emulator_overrides: ClassVar[dict[str, Any]] = {}
    """Changes to the recorded world (the re-record test changes one datum through it)."""

    # --- the channel ---------------------------------------------------------------------------------------

    def open_channel(self, target: str) -> Any:
        if target == "live":
            return nullcontext(LiveTikTok.from_environment())
        return self._emulator()

    @contextmanager
    def _emulator(self) -> Iterator[TikTokShopEmulator]:
        with TikTokShopEmulator(emulator_config(**self.emulator_overrides)) as emu:
            stop_clock(emu)
            yield emu

    def credentials(self, channel: Any, target: str) -> Mapping[str, Any]:
        if isinstance(channel, LiveTikTok):
            creds = {
                "environment": "production",
                "region": channel.env.get("TIKTOK_SHOP_REGION", "non_us"),
                "app_key": channel.env["TIKTOK_SHOP_APP_KEY"],
                "app_secret": channel.env["TIKTOK_SHOP_APP_SECRET"],
            }
            optional = {
                "service_id": "TIKTOK_SHOP_SERVICE_ID",
                "base_url": "TIKTOK_SHOP_BASE_URL",
                "auth_base_url": "TIKTOK_SHOP_AUTH_BASE_URL",
            }
            creds.update(
                {field: channel.env[name] for field, name in optional.items() if channel.env.get(name)}
            )
            return creds
        emu: TikTokShopEmulator = channel
        return emulator_form(emu)

    def replay_credentials(self) -> Mapping[str, Any]:
        return {
            "environment": "production",
            "region": "non_us",
            "app_key": "replayappkey",
            "app_secret": "replay-app-secret",
            "service_id": "7000000000000000000",
            "base_url": API_ALIAS,
            "auth_base_url": AUTH_ALIAS,
            "authorize_url": AUTH_ALIAS + "/open/authorize",
        }

    def host_aliases(self, channel: Any) -> Mapping[str, str]:
        if isinstance(channel, TikTokShopEmulator):
            return {channel.api_base_url: API_ALIAS, channel.auth_base_url: AUTH_ALIAS}
        return {}

    def recording_secrets(self, channel: Any) -> Mapping[str, str]:
        if isinstance(channel, LiveTikTok):
            return {
                channel.env[name]: f"environment variable {name}"
                for name in ("TIKTOK_SHOP_ACCESS_TOKEN", "TIKTOK_SHOP_REFRESH_TOKEN", "TIKTOK_SHOP_AUTH_CODE")
                if channel.env.get(name)
            }
        return {}

    def known_secrets(self) -> Mapping[str, str]:
        # Public (they only open the loopback emulator), yet a cassette holding them shows a filter gap.
        return {DEFAULT_APP_SECRET: "emulator app secret", DEFAULT_APP_KEY: "emulator app key"}

    def recording_time(self, channel: Any, target: str) -> int:
        if isinstance(channel, TikTokShopEmulator):
            return channel.clock.unix()
        return int(time.time())

    # --- connect -------------------------------------------------------------------------------------------

    def issue_tokens(self, channel: Any) -> TokenSet:
        if isinstance(channel, LiveTikTok):
            now = int(time.time())
            access_expiry = int(channel.env.get("TIKTOK_SHOP_ACCESS_TOKEN_EXPIRES_AT") or now + 3600)
            refresh_expiry = int(channel.env.get("TIKTOK_SHOP_REFRESH_TOKEN_EXPIRES_AT") or now + 30 * 86400)
            return TokenSet(
                access_token=SecretStr(channel.env["TIKTOK_SHOP_ACCESS_TOKEN"]),
                access_expires_at=datetime.fromtimestamp(access_expiry, timezone.utc),
                refresh_token=SecretStr(channel.env["TIKTOK_SHOP_REFRESH_TOKEN"]),
                refresh_expires_at=datetime.fromtimestamp(refresh_expiry, timezone.utc),
            )
        data = channel.issue_tokens()
        return TokenSet(
            access_token=SecretStr(data["access_token"]),
            access_expires_at=datetime.fromtimestamp(data["access_token_expire_in"], timezone.utc),
            refresh_token=SecretStr(data["refresh_token"]),
            refresh_expires_at=datetime.fromtimestamp(data["refresh_token_expire_in"], timezone.utc),
            scopes=list(data.get("granted_scopes") or []),
        )

    def seller_consent(self, channel: Any, authorization_url: str) -> Mapping[str, str]:
        state = _query(authorization_url).get("state", "")
        if isinstance(channel, LiveTikTok):
            code = channel.get(
                "TIKTOK_SHOP_AUTH_CODE", f"the code exchange (consent page: {authorization_url})"
            )
            return {"code": code, "state": state}
        emu: TikTokShopEmulator = channel
        return {
            "app_key": emu.config.app_key,
            "code": emu.authorize(),  # the seller approved on the consent page
            "locale": "en",
            "shop_region": emu.config.seller_base_region,
            "state": state,
        }

    def check_authorization_url(self, url: str, credentials: Mapping[str, Any]) -> None:
        query = _query(url)
        if credentials.get("authorize_url"):
            assert url.startswith(str(credentials["authorize_url"]) + "?")
        if credentials.get("service_id"):
            assert query["service_id"] == credentials["service_id"]
        assert query["state"], "the consent URL carries the OAuth state"

    def choose_account(self, channel: Any, accounts: Sequence[Account]) -> Account:
        if isinstance(channel, LiveTikTok):
            cipher = channel.env.get("TIKTOK_SHOP_SHOP_CIPHER")
            return next((a for a in accounts if a.selector == cipher), accounts[0])
        return next(a for a in accounts if a.region == SHOP_REGION)

    # --- orders, stock, shipments, webhooks ---------------------------------------------------------------

    def order_window(self, channel: Any, now: datetime) -> tuple[datetime, datetime]:
        if isinstance(channel, LiveTikTok) and channel.env.get("TIKTOK_SHOP_ORDERS_SINCE"):
            day = date.fromisoformat(channel.env["TIKTOK_SHOP_ORDERS_SINCE"])
            return datetime(day.year, day.month, day.day, tzinfo=timezone.utc), now
        return now - timedelta(days=30), now

    def stock_levels(self, channel: Any, integration: Integration) -> list[StockLevel]:
        if isinstance(channel, LiveTikTok):
            sku = channel.get("TIKTOK_SHOP_STOCK_SKU", "a stock push")
            quantity = int(channel.get("TIKTOK_SHOP_STOCK_QUANTITY", "a stock push"))
            return [StockLevel(sku=sku, quantity=quantity)]
        live = [p for p in channel.products(_cipher(integration)) if p["status"] == "ACTIVATE"]
        skus = [sku["seller_sku"] for product in live for sku in product["skus"]][: len(STOCK_QUANTITIES)]
        return [StockLevel(sku=sku, quantity=q) for sku, q in zip(skus, STOCK_QUANTITIES, strict=True)]

    def shipment(self, channel: Any, integration: Integration) -> Shipment:
        if isinstance(channel, LiveTikTok):
            order_id = channel.get("TIKTOK_SHOP_SHIP_ORDER_ID", "a shipment confirmation")
            carrier = channel.get("TIKTOK_SHOP_CARRIER", "a shipment confirmation")
            tracking = channel.get("TIKTOK_SHOP_TRACKING_NUMBER", "a shipment confirmation")
        else:
            order_id = self._awaiting_seller_shipment(channel, integration)
            carrier, tracking = CARRIER, TRACKING_NUMBER
        return Shipment(
            order_id=order_id, parcels=[ShipmentParcel(tracking_number=tracking, carrier=carrier)]
        )

    def label_boxes(self, channel: Any, integration: Integration) -> dict[str, Any]:
        if isinstance(channel, LiveTikTok):
            pytest.skip(
                "buying a TikTok Shipping label costs money: the label flow runs against the emulator only"
            )
        order_id = channel.order_ids(
            status="AWAITING_SHIPMENT", shop_cipher=_cipher(integration), shipping_type="TIKTOK"
        )[0]
        ids = [line["id"] for line in channel.order(order_id)["line_items"]]
        return {"order_id": order_id, "boxes": [ids[:1], ids[1:]] if len(ids) > 1 else [ids]}

    def webhook_body(self, channel: Any, integration: Integration) -> bytes:
        account = integration.context().account
        assert account is not None
        if isinstance(channel, LiveTikTok):
            order_id = channel.env.get("TIKTOK_SHOP_WEBHOOK_ORDER_ID") or channel.get(
                "TIKTOK_SHOP_SHIP_ORDER_ID", "the webhook test"
            )
            status, updated, sent = "AWAITING_SHIPMENT", int(time.time()), int(time.time())
        else:
            order_id = self._awaiting_seller_shipment(channel, integration)
            order = channel.order(order_id)
            status, updated, sent = order["status"], order["update_time"], channel.clock.unix()
        payload = {  # reference.md#webhooks: what TikTok POSTs for an order status change
            "type": 1,
            "tts_notification_id": "7327112393057371001",
            "shop_id": account.id,
            "timestamp": sent,
            "data": {
                "order_id": order_id,
                "order_status": status,
                "is_on_hold_order": False,
                "update_time": updated,
            },
        }
        return json.dumps(payload, separators=(",", ":")).encode("utf-8")

    def sign_webhook(self, credentials: Mapping[str, Any], body: bytes) -> dict[str, str]:
        signature = tiktok_webhook_signature(
            str(credentials["app_key"]), str(credentials["app_secret"]), body
        )
        return {"Authorization": signature, "Content-Type": "application/json"}

    @staticmethod
    def _awaiting_seller_shipment(emu: TikTokShopEmulator, integration: Integration) -> str:
        return emu.order_ids(
            status="AWAITING_SHIPMENT", shop_cipher=_cipher(integration), shipping_type="SELLER"
        )[0]

    # --- after the sale (TikTok-specific: emulator only, these are real decisions) ------------------------

    def _emulator_only(self, channel: Any, what: str) -> TikTokShopEmulator:
        if isinstance(channel, LiveTikTok):
            pytest.skip(f"{what} writes a real decision: it runs against the emulator only")
        assert isinstance(channel, TikTokShopEmulator)
        return channel

    def test_cancellation_decisions(self, contract: Any) -> None:
        """Search Cancellations, Get Reject Reasons, Reject and Approve Cancellation, Cancel Order."""
        integration = contract.connected()

        def requests(channel: Any) -> dict[str, str]:
            emu = self._emulator_only(channel, "the cancellation flow")
            taken = self._awaiting_seller_shipment(emu, integration)  # the shipment test's order
            waiting = emu.order_ids(status="AWAITING_SHIPMENT", shop_cipher=_cipher(integration))
            first, second, third = [order_id for order_id in waiting if order_id != taken][:3]
            return {
                "approve": first,
                "reject": second,
                "reject_id": emu.request_cancellation(second)["cancel_id"],
                "approve_id": emu.request_cancellation(first)["cancel_id"],
                "seller": third,
            }

        facts = contract.fact("cancellation_orders", requests)
        [order] = integration.get_orders([facts["approve"]]).orders
        assert order.cancellation_request is not None and order.cancellation_request.id == facts["approve_id"]
        with pytest.raises(OrderIntercepted):
            integration.confirm_shipment(
                Shipment(
                    order_id=facts["approve"],
                    parcels=[ShipmentParcel(tracking_number=TRACKING_NUMBER + "X", carrier=CARRIER)],
                )
            )
        assert integration.decide_cancellation(facts["approve"], "approve").outcome == "applied"
        reasons = integration.decision_reasons(facts["reject_id"])
        assert (
            integration.decide_cancellation(facts["reject"], "reject", reasons[0].name).outcome == "applied"
        )
        cancelled = integration.cancel_order(facts["seller"], [], "seller_cancel_reason_out_of_stock")
        assert cancelled.outcome == "applied"

    def test_returns(self, contract: Any) -> None:
        """Search Returns, Approve Return (return, then received parcel), Reject Return."""
        integration = contract.connected()

        def opened(channel: Any) -> dict[str, str]:
            emu = self._emulator_only(channel, "the returns flow")
            delivered = emu.order_ids(status="DELIVERED", shop_cipher=_cipher(integration))
            kept = emu.open_return(delivered[0], "RETURN_AND_REFUND")["return_id"]
            refused = emu.open_return(delivered[1], "REFUND")["return_id"]
            return {"return": kept, "refund": refused}

        facts = contract.fact("returns", opened)
        now = integration.clock.now()
        window = OrderWindow(since=now - timedelta(days=1), until=now + timedelta(hours=1))
        pages = integration.connector.fetch_returns(integration.context(), window, None)
        imported = {r.id for page in pages for r in page.returns}
        assert {facts["return"], facts["refund"]} <= imported
        assert integration.decide_return(facts["return"], "approve_return").outcome == "applied"
        reason = integration.decision_reasons(facts["refund"])[0].name
        assert integration.decide_return(facts["refund"], "reject", reason).outcome == "applied"

    # --- faults (emulator only) ---------------------------------------------------------------------------

    def expire_access_token(self, channel: Any) -> None:
        channel.expire_access_tokens()

    def rate_limit(self, channel: Any) -> None:
        # One call a second on the shop list: of two quick connection checks, the second hears 429 once.
        channel.faults.rate_limit(1, retry_after=1, path="^/authorization/")

    def revoke_authorization(self, channel: Any) -> None:
        channel.revoke_tokens()


def _cipher(integration: Integration) -> str:
    account = integration.context().account
    assert account is not None and account.selector, "the flow selected a shop"
    return account.selector
